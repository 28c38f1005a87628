"""The summary a score run prints: a table of the units in rank order, cut to both ends for a large panel."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable
from rich.text import Text

from campuseval.clisafety import visible
from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t

# Above this many units the terminal shows the top and the bottom of the ranking, not every row:
# 2,000 rows take seconds to draw and nobody reads them there; the files hold the full ranking.
FULL_TABLE_MAX = 30
SHOWN_AT_EACH_END = 10
# Files that hold the full ranking, in the order they are named.
RANKING_FILES = ("summary.csv", "scores.xlsx", "report.html", "report.md", "report.docx", "scores.json")


def shown_rows(n: int) -> tuple[list[int], int]:
    """Positions (0-based, in rank order) of the rows to print out of `n`, and how many are left out."""
    if n <= FULL_TABLE_MAX:
        return list(range(n)), 0
    top = list(range(SHOWN_AT_EACH_END))
    bottom = list(range(n - SHOWN_AT_EACH_END, n))
    return top + bottom, n - 2 * SHOWN_AT_EACH_END


def ranking_files(written: Sequence[Path] | None) -> list[Path]:
    """The written files where the full ranking is, in a fixed order."""
    by_name = {p.name: p for p in written or [] if p.parent.name != "units"}
    return [by_name[name] for name in RANKING_FILES if name in by_name]


def left_out_line(left_out: int, entity: str, written: Sequence[Path] | None, lang: Lang) -> str:
    """'... 1,980 more units are not shown; the full ranking is in out/summary.csv, out/scores.xlsx'."""
    files = ranking_files(written)
    if files:
        return t("term.left_out", lang, k=f"{left_out:,}", entity=entity, shown=SHOWN_AT_EACH_END,
                 files=t("report.sep", lang).join(str(p) for p in files))
    return t("term.left_out.nofiles", lang, k=f"{left_out:,}", entity=entity, shown=SHOWN_AT_EACH_END)


def print_summary(results: Any, lang: Lang, out: Console, err: Console,
                  written: Sequence[Path] | None = None) -> None:
    """The ranking on `out` (every unit up to FULL_TABLE_MAX, else the top and bottom ten and a line saying
    how many are left out and in which of the `written` files they are); notes about it on `err`."""
    from campuseval.engine.history import changes
    from campuseval.export.tables import Column, headers_for
    from campuseval.report.rows import change_text
    from campuseval.runinfo import incomplete_lines, ranking_lines

    places = results.method.rounding
    banner = incomplete_lines(results, lang)
    title = t("cli.summary_title", lang, year=results.year)
    by_rate = results.method.ranking == "rate"
    order = results.ranked()
    positions, left_out = shown_rows(len(order))
    entity = getattr(results.method.entity, lang) or results.method.entity.zh
    caption = Text(visible(left_out_line(left_out, entity, written, lang))) if left_out else None  # no markup
    grid = RichTable(title=visible(title + (f" - {banner[0]}" if banner else "")), header_style="bold",
                     caption=caption, caption_justify="left")
    grid.add_column(t("col.rank", lang), justify="right")
    grid.add_column(headers_for([Column("campus")], results, lang)[0])
    grid.add_column(t("col.total", lang), justify="right")
    grid.add_column(t("col.max_total", lang), justify="right")
    if by_rate:
        grid.add_column(t("col.rate", lang), justify="right")
    for p in results.method.parts:
        grid.add_column(f"{p.code} ({num(p.max)})", justify="right")
    moves = changes(results)
    if moves:  # last year beside this year, scored with the same table (engine/history.py)
        for key in ("previous_total", "previous_rank", "change"):
            grid.add_column(t(f"col.{key}", lang, year=results.previous_year), justify="right")
    grid.add_column(t("col.flags", lang), justify="right")
    width = 4 + (1 if by_rate else 0) + len(results.method.parts) + (3 if moves else 0) + 1
    for k, pos in enumerate(positions):
        if left_out and k == SHOWN_AT_EACH_END:  # where the middle of the ranking is left out
            grid.add_row("...", escape(t("term.gap", lang, k=f"{left_out:,}")), *[""] * (width - 2))
        c = order[pos]
        scores = {p.code: (p.score if p.scored else None) for p in c.parts}
        rank = str(c.rank) if c.rank is not None else t(f"status.{c.status}", lang)
        rate = [f"{c.rate * 100:.2f}%" if c.rate is not None else "-"] if by_rate else []
        ch = moves.get(c.id)
        before = [] if not moves else ["", "", ""] if ch is None else [
            fixed(ch.previous_total, places["total"]),
            str(ch.previous_rank) if ch.previous_rank is not None else "-",
            change_text(ch.like_for_like if ch.not_comparable else ch.change, places["total"], minus="-")
            + ("*" if ch.not_comparable else "")]
        not_evaluated = c.status == "not_evaluated"
        # Shown at the table's own rounding places: a second rounding here would be a different score.
        grid.add_row(escape(rank), escape(visible(getattr(c.name, lang))),
                     "-" if not_evaluated else fixed(c.total, places["total"]),
                     "-" if not_evaluated else fixed(c.max_total, places["total"]), *rate,
                     *(fixed(v, places["indicator"]) if v is not None else "-"
                       for v in (scores.get(p.code, 0.0) for p in results.method.parts)),
                     *before, str(c.flag_count))
    out.print(grid)
    if any(ch.not_comparable for ch in moves.values()):
        codes = sorted({code for ch in moves.values() for code in ch.not_comparable})
        err.print(t("report.ranking.change_like", lang, codes=t("report.sep", lang).join(codes),
                    year=results.previous_year), markup=False)
    for line in ranking_lines(results, lang):
        err.print(visible(line), markup=False)
    for i, line in enumerate(banner):
        err.print(visible(line if i == 0 else f"  {line}"), markup=False, style="bold red" if i == 0 else "red")
