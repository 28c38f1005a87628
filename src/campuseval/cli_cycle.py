"""Commands of the yearly cycle (compare, diff, sensitivity) and the funding printout; thin wrappers."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from rich.table import Table as RichTable

from campuseval.cli import out
from campuseval.i18n import Lang


def print_allocation(results: Any, lang: Lang) -> None:
    """The funding table under the summary, when the targets file has an allocation block."""
    from campuseval.report.allocation import allocation_view

    view = allocation_view(results, lang)
    if view is None:
        return
    grid = RichTable(title=view.title, caption=view.method, header_style="bold")
    for n, h in enumerate(view.heads):
        grid.add_column(h, justify="left" if n == 1 else "right")
    for row in view.rows:
        grid.add_row(*map(escape, row))
    out.print(grid)
    out.print(view.total, markup=False)
    if view.note:
        out.print(view.note, markup=False, style="yellow")
