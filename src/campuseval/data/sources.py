"""Opening data files: CSV in UTF-8 or GBK and xlsx through openpyxl, as grids of raw cells."""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campuseval.data.cells import RawCell, column_letter
from campuseval.errors import DataError, Location, fail

MAX_CELL_CHARS = 10_000  # longer cells are cut for messages; no honest number is this long
csv.field_size_limit(10_000_000)
# A yearly data sheet has a few hundred rows and tens of columns. A stray value far out
# (XFD1048576) would otherwise make us build a grid of billions of empty cells.
MAX_ROWS = 100_000
MAX_COLUMNS = 1_000
# Declared uncompressed size of all parts of an xlsx; zipfile never reads past the declared
# size, so this bounds the memory a small hostile file (a "zip bomb") can make us use.
MAX_XLSX_BYTES = 500_000_000
_OLE = b"\xd0\xcf\x11\xe0"


@dataclass
class Sheet:
    """One grid of cells: an xlsx worksheet or a whole CSV file (name None)."""

    name: str | None
    rows: list[list[RawCell]]
    hidden: bool = False
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based r1, c1, r2, c2 inclusive
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # cells whose formula has no saved value
    cut_off: bool = False  # a CSV whose last line has no line break: its last row may be incomplete


def open_data_file(path: Path, shown: str) -> tuple[list[Sheet], bytes]:
    """The sheets of a data file and its bytes (for the hash); DataError for what cannot be read."""
    loc = Location(file=shown)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise fail(DataError, loc, "file.not_found", "file.not_found.hint") from None
    except IsADirectoryError:
        raise fail(DataError, loc, "file.is_dir", "data.is_dir.hint") from None
    except OSError as exc:
        raise fail(DataError, loc, "file.unreadable", reason=exc.strerror) from None
    if not raw.strip():
        raise fail(DataError, loc, "data.empty_file", "data.empty_file.hint")
    suffix = path.suffix.lower()
    if raw.startswith(_OLE) and "EncryptedPackage".encode("utf-16-le") in raw:
        # Excel saves a password-protected .xlsx inside an OLE container, like an old .xls.
        raise fail(DataError, loc, "data.encrypted", "data.encrypted.hint")
    if suffix in (".xls", ".et") or raw.startswith(_OLE):
        raise fail(DataError, loc, "data.xls", "data.xls.hint")
    if suffix in (".ods", ".numbers"):
        raise fail(DataError, loc, "data.unsupported_format", "data.xls.hint", suffix=suffix)
    if suffix in (".xlsx", ".xlsm") or raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(raw, shown), raw
    return [_read_csv(raw, shown)], raw


def _decode(raw: bytes, shown: str) -> str:
    loc = Location(file=shown)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _looks_utf16(raw[:4096]):
        # Excel's "Unicode text" and some exports: readable, but not what we ask for.
        raise fail(DataError, loc, "data.encoding_utf16", "data.encoding.hint")
    if b"\x00" in raw[:4096]:
        raise fail(DataError, loc, "data.binary", "data.binary.hint")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.end == len(raw):
            # The last character is cut in half: the file was cut off while copying or sending.
            raise fail(DataError, loc, "data.truncated", "data.truncated.hint") from None
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        raise fail(DataError, loc, "data.encoding", "data.encoding.hint") from None


def _looks_utf16(head: bytes) -> bool:
    """UTF-16 without a byte-order mark: ASCII text with a zero byte beside every character."""
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)


def _read_csv(raw: bytes, shown: str) -> Sheet:
    text = _decode(raw, shown)
    sample = text[:8192]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;，")
    except csv.Error:
        dialect = csv.excel
    row = _unclosed_quote(text, dialect)
    if row is not None:
        raise fail(DataError, Location(file=shown, row=row), "data.unclosed_quote", "data.unclosed_quote.hint")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), dialect))
    except csv.Error as exc:
        raise fail(DataError, Location(file=shown), "data.csv_broken", reason=str(exc)) from None
    rows = [[RawCell(_clip(v) if v.strip() else None) for v in rec] for rec in records]
    return Sheet(name=None, rows=rows, cut_off=not text.endswith(("\n", "\r")))


def _unclosed_quote(text: str, dialect: Any) -> int | None:
    """The row (as Excel counts) whose opening quote is never closed; the lenient reader would swallow the rest."""
    reader = csv.reader(io.StringIO(text, newline=""), dialect, strict=True)
    rows = 0
    try:
        for _ in reader:
            rows += 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return rows + 1
    return None  # other strict complaints ("abc"def) Excel reads fine, and so does the lenient reader


def _clip(text: str) -> str:
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS]


def _read_xlsx(raw: bytes, shown: str) -> list[Sheet]:
    loc = Location(file=shown)
    try:
        declared = sum(info.file_size for info in zipfile.ZipFile(io.BytesIO(raw)).infolist())
    except Exception:  # not a zip at all, or a damaged one; openpyxl would fail the same way
        raise fail(DataError, loc, "data.bad_xlsx", "data.bad_xlsx.hint") from None
    if declared > MAX_XLSX_BYTES:
        raise fail(DataError, loc, "data.xlsx_too_large", "data.xlsx_too_large.hint",
                   size=f"{declared / 1e6:.0f}")
    wb = _load_workbook(raw, shown, data_only=True)
    sheets: list[Sheet] = []
    blanks: dict[str, list[tuple[int, int]]] = {}
    for ws in wb.worksheets:
        n_rows, n_cols = _extent(ws, shown)
        rows: list[list[RawCell]] = []
        for r, row in enumerate(ws.iter_rows(min_row=1, max_row=n_rows, min_col=1, max_col=n_cols)):
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
        _find_uncached_formulas(raw, shown, sheets, blanks)
    return sheets


def _load_workbook(raw: bytes, shown: str, *, data_only: bool) -> Any:
    import openpyxl  # imported here: it is slow to import and only xlsx needs it

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation and styles it skips
            return openpyxl.load_workbook(io.BytesIO(raw), data_only=data_only, read_only=False)
    except MemoryError:
        raise
    except Exception:
        # A damaged workbook fails deep inside zipfile, zlib, the XML parser or openpyxl with
        # any kind of exception (zlib.error, NotImplementedError, RuntimeError, KeyError...);
        # every one of them means the same thing to the user.
        raise fail(DataError, Location(file=shown), "data.bad_xlsx", "data.bad_xlsx.hint") from None


def _extent(ws: Any, shown: str) -> tuple[int, int]:
    """Rows and columns up to the last cell holding a value; cells only styled do not count."""
    n_rows = n_cols = 0
    far: tuple[int, int] | None = None
    for (r, c), cell in ws._cells.items():  # only the cells stored in the file, not the whole grid
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if (r > MAX_ROWS or c > MAX_COLUMNS) and far is None:
            far = (r, c)
        n_rows, n_cols = max(n_rows, r), max(n_cols, c)
    if far is not None:
        raise fail(DataError, Location(file=shown, sheet=ws.title, row=far[0], column=column_letter(far[1] - 1)),
                   "data.far_cell", "data.far_cell.hint", rows=MAX_ROWS, columns=MAX_COLUMNS)
    return n_rows, n_cols


def _find_uncached_formulas(raw: bytes, shown: str, sheets: list[Sheet],
                            blanks: dict[str, list[tuple[int, int]]]) -> None:
    """Blank cells that hold a formula Excel never calculated and saved (files written by scripts)."""
    wb = _load_workbook(raw, shown, data_only=False)
    by_name = {s.name: s for s in sheets}
    for ws in wb.worksheets:
        sheet = by_name.get(ws.title)
        if sheet is None:
            continue
        for r, c in blanks.get(ws.title, []):
            cell = ws._cells.get((r + 1, c + 1))
            value = cell.value if cell is not None else None
            if isinstance(value, str) and value.startswith("="):
                sheet.formulas[(r, c)] = value[:60]
