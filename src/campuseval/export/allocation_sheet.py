"""The funding sheet of scores.xlsx: one row per campus with its amount, numbers kept as numbers."""

from __future__ import annotations

from typing import Any

from campuseval.i18n import Lang, t
from campuseval.report.allocation import method_text
from campuseval.results import Results


def add_allocation_sheet(wb: Any, results: Results, lang: Lang) -> None:
    """Append the sheet when the run has an allocation; amounts as numbers in yuan with a 0.00 format."""
    from openpyxl.styles import Font

    a = results.allocation
    if a is None:
        return
    unit = a.unit.zh if lang == "zh" else a.unit.en
    ws = wb.create_sheet(t("alloc.sheet", lang))
    heads = [t("col.rank", lang), t("alloc.col.campus", lang), t("col.total", lang), t("alloc.col.tier", lang),
             t(f"alloc.col.weight.{a.method}", lang), t("alloc.col.amount", lang, unit=unit)]
    ws.append(heads)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.data_type = "s"
    n = 1  # rows counted here: ws.max_row scans every cell, once a row that is quadratic
    for r in sorted(a.rows, key=lambda r: (r.rank is None, r.rank or 0)):
        tier = (r.tier.zh if lang == "zh" else r.tier.en) if r.tier else None
        n += 1
        row = [ws.cell(row=n, column=j, value=v) for j, v in enumerate(
            [r.rank, r.name.zh if lang == "zh" else r.name.en, r.total, tier, r.weight if r.qualified else None,
             r.amount], start=1)]
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a live formula, whatever a name starts with
        row[5].number_format = "#,##0.00"
    ws.append([])
    ws.append([t("alloc.title", lang, pool=f"{a.pool:,.2f}", unit=unit)])
    ws.append([method_text(a, lang)])
    ws.append([t("alloc.sum", lang, amount=f"{sum(r.amount for r in a.rows):,.2f}", unit=unit)])
    if a.provisional:  # money on incomplete data: said on the sheet a finance office would print
        ws.append([t("alloc.provisional", lang)])
        ws.cell(row=ws.max_row, column=1).font = Font(bold=True, color="C00000")
    for row in ws.iter_rows(min_row=ws.max_row - 2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    ws.freeze_panes = "A2"
    for letter, width in zip("ABCDEF", (8, 36, 10, 12, 16, 18), strict=True):
        ws.column_dimensions[letter].width = width
