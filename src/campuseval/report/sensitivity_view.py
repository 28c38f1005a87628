"""The sensitivity analysis as text: tables, an SVG chart of rank intervals, Markdown and HTML pages."""

from __future__ import annotations

import functools
from typing import Any

import jinja2
from markupsafe import Markup

from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.report import svg
from campuseval.report.markdown import md_escape
from campuseval.sensitivity import Sensitivity


def _pct(x: float) -> str:
    return f"{num(x * 100, 1)}%"


def settings_line(s: Sensitivity, lang: Lang) -> str:
    v = s.variation
    return t("sens.settings", lang, runs=s.runs, seed=s.seed, year=s.year, parts=_pct(v.part_weights),
             indicators=_pct(v.indicator_weights), targets=_pct(v.targets))


def robustness_table(s: Sensitivity, lang: Lang) -> tuple[list[str], list[list[str]]]:
    n = len(s.campuses)
    heads = [t("sens.col.campus", lang), t("sens.col.plain", lang), t("sens.col.median", lang),
             t("sens.col.interval", lang)] + [t("sens.col.chance", lang, rank=r) for r in range(1, n + 1)]
    rows = []
    for c in s.campuses:
        interval = "-" if c.low is None else (str(c.low) if c.low == c.high else f"{c.low}–{c.high}")
        if c.low is not None and (c.low != c.p5 or c.high != c.p95):
            interval += " *"
        rows.append([c.name(lang), "-" if c.plain_rank is None else str(c.plain_rank),
                     "-" if c.median is None else num(c.median, 1), interval] + [_pct(p) for p in c.chance])
    return heads, rows


def drop_table(s: Sensitivity, lang: Lang) -> tuple[list[str], list[list[str]]]:
    heads = [t("sens.col.dropped", lang)] + [c.name(lang) for c in s.campuses]
    rows = []
    for d in s.drop_one:
        name = d.name_zh if lang == "zh" else d.name_en
        if not d.possible:
            rows.append([f"{d.code} {name}"] + [t("sens.only_in_part", lang)] + [""] * (len(s.campuses) - 1))
            continue
        cells = []
        for c in s.campuses:
            r = d.ranks.get(c.id)
            moved = "" if r is None or c.plain_rank is None or r == c.plain_rank else (
                " ↑" if r < c.plain_rank else " ↓")
            cells.append(("-" if r is None else str(r)) + moved)
        rows.append([f"{d.code} {name}", *cells])
    return heads, rows


def interval_chart(s: Sensitivity, lang: Lang) -> Markup:
    """Per campus a bar over its rank interval, a dot at the median and a ring at the table's own rank."""
    n = max(len(s.campuses), 1)
    row_h, left, right, top = 30.0, 220.0, 30.0, 34.0
    width = 640.0
    plot = width - left - right
    height = top + row_h * len(s.campuses) + 16

    def x(rank: float) -> float:
        return left + (plot * (rank - 1) / (n - 1) if n > 1 else plot / 2)

    body = []
    for r in range(1, n + 1):
        body.append(f'<line x1="{svg.f(x(r))}" y1="{svg.f(top - 8)}" x2="{svg.f(x(r))}" '
                    f'y2="{svg.f(height - 12)}" stroke="{svg.TRACK_EDGE}" stroke-width="1"/>')
        body.append(svg.label(x(r), top - 14, t("sens.chart.rank", lang, rank=r), size=11, anchor="middle",
                              fill=svg.MUTED))
    for i, c in enumerate(s.campuses):
        y = top + row_h * i + row_h / 2
        body.append(svg.label(left - 10, y + 4, svg.fit(c.name(lang), 12, left - 16), size=12, anchor="end"))
        if c.low is None or c.high is None:
            continue
        x0, x1 = x(c.low), x(c.high)
        body.append(svg.rect(x0 - 4, y - 5, x1 - x0 + 8, 10, svg.PART_STYLES[1][0]))
        if c.median is not None:
            body.append(f'<circle cx="{svg.f(x(c.median))}" cy="{svg.f(y)}" r="4.5" fill="{svg.INK}"/>')
        if c.plain_rank is not None:
            body.append(f'<circle cx="{svg.f(x(c.plain_rank))}" cy="{svg.f(y)}" r="8" fill="none" '
                        f'stroke="{svg.ALERT}" stroke-width="2"/>')
    title = t("sens.chart.title", lang)
    return svg.svg("sensitivity-intervals", width, height, title, t("sens.chart.desc", lang), body)


@functools.cache
def _env(fmt: str) -> jinja2.Environment:
    loader = jinja2.PackageLoader("campuseval.report", "templates")
    if fmt == "html":
        return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return jinja2.Environment(loader=loader, autoescape=False, finalize=md_escape, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


SVG_FILE = "sensitivity.svg"


def render_sensitivity(s: Sensitivity, fmt: str, lang: Lang) -> str:
    """Markdown (the chart as sensitivity.svg beside it) or self-contained HTML (the chart inline)."""
    rh, rrows = robustness_table(s, lang)
    dh, drows = drop_table(s, lang)

    def label(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    widened = any(c.low is not None and (c.low != c.p5 or c.high != c.p95) for c in s.campuses)
    return _env(fmt).get_template(f"sensitivity.{fmt}.j2").render(
        t=label, lang=lang, s=s, settings=settings_line(s, lang), heads=rh, rows=rrows, drop_heads=dh,
        drop_rows=drows, chart=interval_chart(s, lang) if fmt == "html" else None, svg_file=SVG_FILE,
        widened=widened, fixed=fixed)
