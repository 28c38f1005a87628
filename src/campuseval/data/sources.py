"""Opening data files: CSV in UTF-8 or GBK and xlsx through openpyxl, as grids of raw cells."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from campuseval.data.cells import RawCell
from campuseval.errors import DataError, Location, fail
from campuseval.inputs import MAX_DATA_BYTES, read_input

MAX_CELL_CHARS = 10_000  # longer cells are cut for messages; no honest number is this long
csv.field_size_limit(10_000_000)
# A CSV's rows and cells, checked once the text is split and before any cell is parsed. Long
# layout has a row per value, so the row limit is that of the cells an xlsx may hold.
MAX_CSV_ROWS = 1_000_000
MAX_CSV_COLUMNS = 1_000
MAX_CSV_CELLS = 2_000_000
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
    raw = read_input(path, shown, DataError, MAX_DATA_BYTES)
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
        if raw.startswith(b"\xef\xbb\xbf"):  # saved as UTF-8 twice over: the first header would hide a mark
            raise fail(DataError, loc, "data.double_bom", "data.encoding.hint")
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
    width = max(map(len, records), default=0)
    filled = sum(map(len, records))
    if len(records) > MAX_CSV_ROWS or width > MAX_CSV_COLUMNS or filled > MAX_CSV_CELLS:
        raise fail(DataError, Location(file=shown), "data.csv_too_large", "file.too_large.hint",
                   rows=f"{len(records):,}", columns=f"{width:,}", cells=f"{filled:,}",
                   max_rows=f"{MAX_CSV_ROWS:,}", max_columns=f"{MAX_CSV_COLUMNS:,}", max_cells=f"{MAX_CSV_CELLS:,}")
    empty = RawCell(None)  # one object for every blank: a large sparse file costs a pointer per blank
    rows = [[RawCell(_clip(v)) if v.strip() else empty for v in rec] for rec in records]
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
    from campuseval.data.xlsx import read_workbook

    sheets: list[Sheet] = read_workbook(raw, shown)
    return sheets
