"""render(results, fmt, lang): the Markdown or self-contained HTML report as text."""

from __future__ import annotations

import functools
from typing import Any

import jinja2

from campuseval.i18n import Lang, t
from campuseval.report import charts
from campuseval.report.allocation import allocation_view
from campuseval.report.experts_view import experts_view
from campuseval.report.markdown import md_escape
from campuseval.report.trend import small_multiples
from campuseval.report.view import ReportView, build, ranked
from campuseval.results import Results
from campuseval.trend import trend

FORMATS = ("md", "html")


@functools.cache
def environment(fmt: str) -> jinja2.Environment:
    """The template environment for `fmt`: HTML autoescaped, Markdown through the Markdown escaper."""
    loader = jinja2.PackageLoader("campuseval.report", "templates")
    if fmt == "html":
        env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    else:
        # No HTML autoescape for Markdown; instead every {{ expression }} passes through the
        # Markdown escaper, so no value from the data can add markup or split a table cell.
        env = jinja2.Environment(loader=loader, autoescape=False, finalize=md_escape,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                 keep_trailing_newline=True)
    return env


def _with_charts(view: ReportView, results: Results, lang: Lang, unit: str | None = None) -> None:
    """Add the SVG charts (HTML only: Markdown viewers drop inline SVG)."""
    order = [c for _, c in ranked(results)]
    # Not-evaluated campuses have no scores to draw: empty bars would read as zeros.
    view.charts["parts"] = charts.part_scores(results, [c for c in order if c.status != "not_evaluated"], lang)
    tr = trend(results)
    if view.trend is not None and tr is not None:
        view.trend.chart = small_multiples(tr, results, lang)
    codes = [p.code for p in results.method.parts]
    shown = [(pos, c) for pos, c in enumerate(order, start=1) if unit is None or c.id == unit]
    for cv, (pos, c) in zip(view.campuses, shown, strict=True):
        hq = charts.versus_hq(c, pos, lang)
        if hq is not None:
            cv.charts["hq"] = hq
        cv.charts["achievement"] = charts.achievement(c, pos, codes, lang)


def render(results: Results, fmt: str, lang: Lang, *, unit: str | None = None) -> str:
    """The report of `results` in `fmt` ("md" or "html") and `lang`; the same input gives the same bytes.

    With `unit` (a campus id): that campus's feedback sheet (一院区一单) instead of the whole report.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
    view = build(results, lang, unit)
    if fmt == "html":
        _with_charts(view, results, lang, unit)

    def label(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    template = environment(fmt).get_template(f"report.{fmt}.j2")
    mine = results.for_unit(unit) if unit is not None else results  # a feedback sheet names no other campus
    return template.render(v=view, t=label, alloc=allocation_view(mine, lang), experts=experts_view(mine, lang))
