"""The terminal's view of a multi-year run: totals and ranks by year, and the years with incomplete data."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table as RichTable

from campuseval.export.tables import Column, headers_for
from campuseval.formatting import fixed
from campuseval.i18n import Lang, t
from campuseval.results import Results
from campuseval.trend import trend, trend_banner


def print_trend(results: Results, lang: Lang, console: Any, messages: Any) -> None:
    """Each campus's total and rank in every year of the run on `console` (data), moves as +n / -n (no arrows a
    console may lack); the years with incomplete data on `messages`."""
    tr = trend(results)
    if tr is None:
        return
    places = results.method.rounding.get("total", 2)
    grid = RichTable(title=t("report.sec.trend", lang), header_style="bold")
    grid.add_column(headers_for([Column("campus")], results, lang)[0])
    for y in tr.years:
        mark = "*" if y in tr.incomplete_years else ""
        grid.add_column(f"{y}{mark} {t('col.total', lang)}", justify="right")
        grid.add_column(f"{y}{mark} {t('col.rank', lang)}", justify="right")
    for ct in tr.campuses:
        cells: list[str] = []
        for k, pt in enumerate(ct.points):
            if pt is None or not pt.evaluated:
                cells += ["-", t(f"status.{pt.status}", lang) if pt is not None else "-"]
                continue
            move = ct.rank_change(k)
            rank = t(f"status.{pt.status}", lang) if pt.rank is None else str(pt.rank) + (
                f" ({move:+d})" if move else "")
            cells += [fixed(pt.total, places), rank]
        grid.add_row(escape(ct.name.zh if lang == "zh" else ct.name.en), *(escape(c) for c in cells))
    console.print(grid)
    for line in trend_banner(results, lang):
        messages.print(line, markup=False, style="bold red")
