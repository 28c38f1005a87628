"""Opening data files: CSV in UTF-8 or GBK and xlsx through openpyxl, as grids of raw cells."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campuseval.data.cells import RawCell
from campuseval.errors import DataError, Location, fail

MAX_CELL_CHARS = 10_000  # longer cells are cut for messages; no honest number is this long
csv.field_size_limit(10_000_000)


@dataclass
class Sheet:
    """One grid of cells: an xlsx worksheet or a whole CSV file (name None)."""

    name: str | None
    rows: list[list[RawCell]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r1, c1, r2, c2 inclusive
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # cells whose formula has no saved value


def open_data_file(path: Path, shown: str) -> tuple[list[Sheet], bytes]:
    """The sheets of a data file and its bytes (for the hash); DataError for what cannot be read."""
    loc = Location(file=shown)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail(DataError, loc, "file.not_found", "file.not_found.hint") from None
    except IsADirectoryError:
        raise fail(DataError, loc, "file.is_dir") from None
    except OSError as exc:
        raise fail(DataError, loc, "file.unreadable", reason=exc.strerror) from None
    if not raw.strip():
        raise fail(DataError, loc, "data.empty_file", "data.empty_file.hint")
    suffix = path.suffix.lower()
    if suffix in (".xls", ".et") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise fail(DataError, loc, "data.xls", "data.xls.hint")
    if suffix in (".ods", ".numbers"):
        raise fail(DataError, loc, "data.unsupported_format", "data.xls.hint", suffix=suffix)
    if suffix in (".xlsx", ".xlsm") or raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(raw, shown), raw
    return [_read_csv(raw, shown)], raw


def _decode(raw: bytes, shown: str) -> str:
    if b"\x00" in raw[:4096]:
        raise fail(DataError, Location(file=shown), "data.binary", "data.binary.hint")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise fail(DataError, Location(file=shown), "data.encoding", "data.encoding.hint")


def _read_csv(raw: bytes, shown: str) -> Sheet:
    text = _decode(raw, shown)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise fail(DataError, Location(file=shown), "data.csv_broken", reason=str(exc)) from None
    rows = [[RawCell(_clip(v) if v.strip() else None) for v in rec] for rec in records]
    return Sheet(name=None, rows=rows)


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS]


def _read_xlsx(raw: bytes, shown: str) -> list[Sheet]:
    import openpyxl  # imported here: it is slow to import and only xlsx needs it

    loc = Location(file=shown)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation and styles it skips
            wb = openpyxl.load_workbook(io.BytesIO(raw), data_only=True, read_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError, IndexError, EOFError):
        raise fail(DataError, loc, "data.bad_xlsx", "data.bad_xlsx.hint") from None
    except Exception as exc:  # openpyxl raises many kinds on damaged files; none is the user's bug
        if exc.__class__.__module__.startswith(("openpyxl", "xml", "defusedxml", "zipfile")):
            raise fail(DataError, loc, "data.bad_xlsx", "data.bad_xlsx.hint") from None
        raise
    sheets: list[Sheet] = []
    blanks: dict[str, list[tuple[int, int]]] = {}
    for ws in wb.worksheets:
        rows: list[list[RawCell]] = []
        for r, row in enumerate(ws.iter_rows()):
            cells = []
            for c, cell in enumerate(row):
                value = cell.value
                if isinstance(value, str):
                    value = _clip(value) if value.strip() else None
                if value is None:
                    blanks.setdefault(ws.title, []).append((r, c))
                cells.append(RawCell(value, cell.number_format or "General"))
            rows.append(cells)
        merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        sheets.append(Sheet(name=ws.title, rows=rows, hidden=ws.sheet_state != "visible", merged=merged))
    if any(blanks.values()):
        _find_uncached_formulas(raw, sheets, blanks)
    return sheets


def _find_uncached_formulas(raw: bytes, sheets: list[Sheet], blanks: dict[str, list[tuple[int, int]]]) -> None:
    """Blank cells that hold a formula Excel never calculated and saved (files written by scripts)."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(raw), data_only=False, read_only=False)
    by_name = {s.name: s for s in sheets}
    for ws in wb.worksheets:
        sheet = by_name.get(ws.title)
        if sheet is None:
            continue
        for r, c in blanks.get(ws.title, []):
            value = ws.cell(row=r + 1, column=c + 1).value
            if isinstance(value, str) and value.startswith("="):
                sheet.formulas[(r, c)] = value[:60]
