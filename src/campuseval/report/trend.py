"""The report's trend section of a multi-year run: totals, ranks and parts by year, and a small-multiple SVG chart."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from markupsafe import Markup

from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.report.svg import (
    INK,
    MUTED,
    TRACK,
    TRACK_EDGE,
    f,
    fit,
    label,
    part_fill,
    patterns,
    rect,
    svg,
    text_width,
    wrap,
)
from campuseval.results import Results, Text
from campuseval.trend import CampusTrend, Trend, YearPoint, trend

WIDTH = 760.0
PANEL_H = 210.0
COLUMNS = 3


@dataclass
class TrendTotalRow:
    name: str
    cells: list[tuple[str, str]]  # per year: (total, rank with its move)


@dataclass
class TrendPartRow:
    name: str  # the campus name on its first part's row only
    part: str
    cells: list[str]


@dataclass
class TrendView:
    years: list[str]  # column heads; an incomplete year carries *
    intro: list[str]
    totals: list[TrendTotalRow]
    parts: list[TrendPartRow]
    chart: Markup | None = None  # HTML only
    legend: list[str] = field(default_factory=list)


def _name(text: Text, lang: Lang) -> str:
    return text.zh if lang == "zh" else (text.en or text.zh)


def rank_text(ct: CampusTrend, k: int, lang: Lang) -> str:
    """`2 (↑1)`: the rank that year and the places moved since the year before; status words when unranked."""
    pt = ct.points[k]
    if pt is None:
        return "-"
    if pt.rank is None:
        return t(f"status.{pt.status}", lang)
    move = ct.rank_change(k)
    if not move:  # None (first year, or unranked before) or 0 (held its place)
        return str(pt.rank) + (t("trend.rank.same", lang) if move == 0 else "")
    return str(pt.rank) + t("trend.rank.up" if move > 0 else "trend.rank.down", lang, n=abs(move))


def build_trend(results: Results, lang: Lang, *, chart: bool = False) -> TrendView | None:
    """The trend section of `results`, or None for a one-year run; `chart` adds the SVG (HTML)."""
    tr = trend(results)
    if tr is None:
        return None
    total_places = results.method.rounding.get("total", 2)
    ind_places = results.method.rounding.get("indicator", 2)
    span = f"{tr.years[0]}–{tr.years[-1]}" if list(tr.years) == list(range(tr.years[0], tr.years[-1] + 1)) \
        else ", ".join(map(str, tr.years))
    intro = [t("trend.intro", lang, years=span, entity=_name(results.method.entity, lang))]
    if results.previous is not None:
        intro.append(t("trend.previous_note", lang, year=results.year, previous=results.previous.year))
    if tr.incomplete_years:
        intro.append(t("trend.incomplete_note", lang, years=", ".join(map(str, tr.incomplete_years))))
    totals = []
    parts = []
    for ct in tr.campuses:
        cells = []
        for k, pt in enumerate(ct.points):
            shown = "-" if pt is None or not pt.evaluated else fixed(pt.total, total_places)
            cells.append((shown, rank_text(ct, k, lang)))
        totals.append(TrendTotalRow(_name(ct.name, lang), cells))
        for n, p in enumerate(tr.parts):
            parts.append(TrendPartRow(
                _name(ct.name, lang) if n == 0 else "", f"{p.code} {_name(p.name, lang)}",
                [fixed(pt.parts[p.code], ind_places) if pt is not None and p.code in pt.parts else "-"
                 for pt in ct.points]))
    view = TrendView(years=[f"{y}*" if y in tr.incomplete_years else str(y) for y in tr.years],
                     intro=intro, totals=totals, parts=parts,
                     legend=[t("trend.legend.rank", lang)])
    if chart:
        view.chart = small_multiples(tr, results, lang)
    return view


def small_multiples(tr: Trend, results: Results, lang: Lang) -> Markup:
    """One panel per campus, all on the same scale: a stacked bar per year (its parts), the total above it
    joined year to year by a line, and the rank below the year."""
    cid = "chart-trend"
    places = results.method.rounding.get("total", 2)
    body = [patterns(cid)]
    legend = [t("report.chart.parts.legend_short", lang, code=p.code, max=num(p.max)) for p in tr.parts]
    slot = WIDTH / max(len(legend), 1)
    for i, text in enumerate(legend):
        body.append(rect(i * slot, 4, 22, 12, part_fill(cid, i), stroke=TRACK_EDGE))
        body.append(label(i * slot + 30, 14.5, fit(text, 12, slot - 44), size=12))
    # Wider panels for a longer series, so each year keeps room for its total.
    cols = min(COLUMNS if len(tr.years) <= 4 else 2, len(tr.campuses))
    gap = 18.0
    panel_w = (WIDTH - gap * (cols - 1)) / cols
    top0 = 28.0
    scale_max = max([tr.total_max] + [pt.total for ct in tr.campuses for pt in ct.points if pt is not None] + [1.0])
    for n, ct in enumerate(tr.campuses):
        x0 = (n % cols) * (panel_w + gap)
        y0 = top0 + (n // cols) * PANEL_H
        body.extend(_panel(cid, ct, tr, x0, y0, panel_w, scale_max, places, lang))
    rows = math.ceil(len(tr.campuses) / cols)
    title = t("trend.chart.title", lang, entity=_name(results.method.entity, lang))
    return svg(cid, WIDTH, top0 + rows * PANEL_H, title, t("trend.chart.desc", lang), body)


def _panel(cid: str, ct: CampusTrend, tr: Trend, x0: float, y0: float, w: float, scale_max: float, places: int,
           lang: Lang) -> list[str]:
    maximum = t("trend.chart.max", lang, max=num(tr.total_max))
    out = [rect(x0, y0, w, PANEL_H - 10, "#ffffff", stroke=TRACK_EDGE),
           # The maximum sits beside the name, where no total label can run into it.
           label(x0 + w - 8, y0 + 17, maximum, size=10, anchor="end", fill=MUTED)]
    # The name on up to two lines (English names are long); every panel keeps the same plot height.
    for k, text in enumerate(wrap(_name(ct.name, lang), 13, w - 24 - text_width(maximum, 10), max_lines=2)):
        out.append(label(x0 + 8, y0 + 18 + 15 * k, text, size=13, weight="bold"))
    top, bottom = y0 + 54, y0 + PANEL_H - 50
    height = bottom - top
    left, right = x0 + 10, x0 + w - 10
    slot = (right - left) / len(tr.years)
    bar = min(slot * 0.56, 44.0)
    y_max = bottom - height * tr.total_max / scale_max
    out.append(f'<line x1="{f(left)}" y1="{f(y_max)}" x2="{f(right)}" y2="{f(y_max)}" stroke="{TRACK_EDGE}" '
               f'stroke-width="1" stroke-dasharray="3 3"/>')
    totals: list[str] = []  # drawn last, over the line that joins them
    out.append(f'<line x1="{f(left)}" y1="{f(bottom)}" x2="{f(right)}" y2="{f(bottom)}" stroke="{INK}" '
               f'stroke-width="1"/>')
    line: list[tuple[float, float]] = []
    # Many years in a narrow panel: label every n-th year, ranks and totals only when they fit;
    # the tables below give every year and rank.
    every = max(1, math.ceil(36 / slot))
    ranks_fit, totals_fit = slot >= 50, slot >= 40
    for k, (year, pt) in enumerate(zip(tr.years, ct.points, strict=True)):
        cx = left + slot * (k + 0.5)
        mark = "*" if year in tr.incomplete_years else ""
        if k % every == 0:
            out.append(label(cx, bottom + 15, f"{year}{mark}", size=11.5, anchor="middle"))
        if ranks_fit:
            out.append(label(cx, bottom + 31, _rank_words(ct, k, lang), size=11, anchor="middle", fill=MUTED))
        if pt is None or not pt.evaluated:
            out.append(rect(cx - bar / 2, top, bar, height, TRACK))
            out.append(label(cx, bottom - 6, t("trend.chart.none", lang), size=10.5, anchor="middle", fill=MUTED))
            continue
        out.extend(_stack(cid, pt, tr, cx - bar / 2, bar, bottom, height, scale_max))
        ty = bottom - height * max(pt.total, 0.0) / scale_max
        line.append((cx, ty))
        # A white halo keeps the number legible where the joining line crosses it.
        if not totals_fit and k != len(tr.years) - 1:
            continue  # a number over every bar would overlap: the latest year's total only
        totals.append(label(cx, ty - 5, fixed(pt.total, places), size=11.5, anchor="middle", weight="bold")
                      .replace("<text ", '<text stroke="#ffffff" stroke-width="3" paint-order="stroke" ', 1))
    if len(line) > 1:
        pts = " ".join(f"{f(x)},{f(y)}" for x, y in line)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{INK}" stroke-width="1.2" '
                   f'stroke-dasharray="4 2"/>')
    return out + totals


def _stack(cid: str, pt: YearPoint, tr: Trend, x: float, bar: float, bottom: float, height: float,
           scale_max: float) -> list[str]:
    out = []
    y = bottom
    for i, p in enumerate(tr.parts):
        score = max(pt.parts.get(p.code, 0.0), 0.0)
        h = height * score / scale_max
        y -= h
        out.append(rect(x, y, bar, h, part_fill(cid, i), stroke=INK if i == 0 else None))
    return out


def _rank_words(ct: CampusTrend, k: int, lang: Lang) -> str:
    """`第 1 名 ↑3` under a bar: the rank, then the move since the year before."""
    pt = ct.points[k]
    if pt is None or pt.rank is None:
        return t(f"status.{pt.status}", lang) if pt is not None else "-"
    move = ct.rank_change(k)
    after = "" if move is None else " =" if move == 0 else f" ↑{move}" if move > 0 else f" ↓{-move}"
    return t("trend.chart.rank", lang, rank=pt.rank) + after
