"""Everything a reader of a workbook sees, as plain data: values, types, formats, styles, sheet setup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def _color(c: Any) -> str | None:
    return None if c is None else str(c.rgb)


def fingerprint(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    sheets: list[dict[str, Any]] = []
    for ws in wb:
        cells = []
        for row in ws.iter_rows():
            for c in row:
                if c.value is None and not c.has_style:
                    continue
                cells.append([c.coordinate, repr(c.value), c.data_type, c.number_format, bool(c.font.b),
                              _color(c.font.color), c.fill.fill_type, _color(c.fill.fgColor),
                              bool(c.alignment.wrap_text), c.alignment.vertical])
        sheets.append({
            "title": ws.title, "dims": ws.dimensions, "freeze": ws.freeze_panes, "filter": ws.auto_filter.ref,
            "print_titles": ws.print_title_rows, "orientation": ws.page_setup.orientation,
            "paper": ws.page_setup.paperSize, "fit": [ws.page_setup.fitToWidth, ws.page_setup.fitToHeight,
                                                      ws.sheet_properties.pageSetUpPr.fitToPage
                                                      if ws.sheet_properties.pageSetUpPr else None],
            "widths": {k: d.width for k, d in sorted(ws.column_dimensions.items())},
            "heights": {str(k): d.height for k, d in sorted(ws.row_dimensions.items()) if d.height},
            "cells": cells,
        })
    return {"creator": wb.properties.creator, "sheets": sheets}
