"""render(results, fmt, lang): the Markdown or self-contained HTML report as text."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable
from typing import Any

import jinja2
import jinja2.bccache

from campuseval.i18n import Lang, t
from campuseval.report import charts
from campuseval.report.allocation import allocation_view
from campuseval.report.experts_view import experts_view
from campuseval.report.markdown import md_escape
from campuseval.report.trend import small_multiples
from campuseval.report.view import SUMMARY_ABOVE, ReportView, Shared, build, ranked
from campuseval.results import Results
from campuseval.trend import trend

FORMATS = ("md", "html")


class _Bytecode(jinja2.FileSystemBytecodeCache):
    """Compiled templates kept between runs (compiling the two reports costs more than rendering them).

    jinja2's own folder, <tmp>/_jinja2-cache-<uid>, private to the user; an entry is found by the template's
    name and used only for the same source and Python. Any trouble with the folder costs a compile, no more.
    """

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # unreadable, truncated, or written by something else: compile afresh
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):  # a full or read-only disk: the next run compiles again
            super().dump_bytecode(bucket)


@functools.cache
def _bytecode_cache() -> jinja2.BytecodeCache | None:
    try:
        return _Bytecode()
    except (OSError, RuntimeError):  # no temporary folder, or one another user owns: no cache
        return None


@functools.cache
def environment(fmt: str) -> jinja2.Environment:
    """The template environment for `fmt`: HTML autoescaped, Markdown through the Markdown escaper.

    One per format and process; templates compile once per process, and from the bytecode cache after the
    first run."""
    loader = jinja2.PackageLoader("campuseval.report", "templates")
    cache = _bytecode_cache()
    if fmt == "html":
        env = jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                 trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                                 bytecode_cache=cache)
    else:
        # No HTML autoescape for Markdown; instead every {{ expression }} passes through the
        # Markdown escaper, so no value from the data can add markup or split a table cell.
        env = jinja2.Environment(loader=loader, autoescape=False, finalize=md_escape,
                                 undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                 keep_trailing_newline=True, bytecode_cache=cache)
    return env


# In a large run's summary the parts chart draws the first and the last this many units, not 2,000 bars.
CHART_ENDS = 10


def _with_charts(view: ReportView, results: Results, lang: Lang, unit: str | None = None,
                 shared: Shared | None = None) -> None:
    """Add the SVG charts (HTML only: Markdown viewers drop inline SVG)."""
    order = [c for _, c in (shared.order if shared is not None else ranked(results))]
    if unit is None:  # a feedback sheet shows no chart of the others
        # Not-evaluated campuses have no scores to draw: empty bars would read as zeros.
        drawn = [c for c in order if c.status != "not_evaluated"]
        if view.detail_folder and len(drawn) > 2 * CHART_ENDS:  # a large run's summary: both ends of the ranking
            drawn = drawn[:CHART_ENDS] + drawn[-CHART_ENDS:]
        view.charts["parts"] = charts.part_scores(results, drawn, lang)
    tr = trend(results) if view.trend is not None else None
    if view.trend is not None and tr is not None:
        view.trend.chart = small_multiples(tr, results, lang)
    codes = [p.code for p in results.method.parts]
    if unit is not None and shared is not None:
        shown = [(shared.position[unit][0] + 1, order[shared.position[unit][0]])]
    else:
        shown = [(pos, c) for pos, c in enumerate(order, start=1) if unit is None or c.id == unit]
    by_id = {c.id: (pos, c) for pos, c in shown}
    for cv in view.campuses:
        pos, c = by_id[cv.score.id]
        hq = charts.versus_hq(c, pos, lang)
        if hq is not None:
            cv.charts["hq"] = hq
        cv.charts["achievement"] = charts.achievement(c, pos, codes, lang)


def summary_only(results: Results) -> bool:
    """Whether the reports of `results` hold the summary only, each unit's detail in its own file.

    Above SUMMARY_ABOVE (50) units a report (HTML, Markdown, Word) holds the ranking, the parts, the findings
    and the charts, and each unit's section is a file of its own (units/<id>.html, linked from the ranking):
    2,000 campuses in one HTML file were ~100 MB, more than a browser opens comfortably.
    """
    return len(results.campuses) > SUMMARY_ABOVE


def render(results: Results, fmt: str, lang: Lang, *, unit: str | None = None, shared: Shared | None = None,
           detail: dict[str, str] | None = None) -> str:
    """The report of `results` in `fmt` ("md" or "html") and `lang`; the same input gives the same bytes.

    With `unit` (a campus id): that campus's feedback sheet (一院区一单) instead of the whole report.
    With `detail` (campus id -> its file, relative to the report): the summary of a large run, the ranking
    linking each unit to its file. `shared` (view.Shared) saves working the run out again for each sheet.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
    if shared is None or shared.results is not results or shared.words.lang != lang:
        shared = Shared(results, lang)
    if unit is not None and unit not in shared.position:
        raise KeyError(unit)  # an unknown id, before any work
    mine = results.for_unit(unit) if unit is not None else results  # a feedback sheet names no other campus
    view = build(results, lang, unit, shared=shared, detail=detail, alone=mine)
    if fmt == "html":
        _with_charts(view, results, lang, unit, shared)

    def label(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    template = environment(fmt).get_template(f"report.{fmt}.j2")
    return template.render(v=view, t=label, alloc=allocation_view(mine, lang), experts=experts_view(mine, lang))


def unit_renderer(results: Results, lang: Lang) -> Callable[[str], str]:
    """unit id -> its feedback sheet as HTML, the run worked out once for all of them (linear in the units)."""
    shared: list[Shared] = []

    def one(unit: str) -> str:
        if not shared:
            shared.append(Shared(results, lang))
        return render(results, "html", lang, unit=unit, shared=shared[0])

    return one
