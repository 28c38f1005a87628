"""Opening data files: CSV in UTF-8 or GBK and xlsx through openpyxl, as grids of raw cells."""

from __future__ import annotations

import bisect
import csv
import operator
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

from campuseval.data.cells import RawCell
from campuseval.errors import DataError, Location, fail
from campuseval.inputs import MAX_DATA_BYTES, read_input

MAX_CELL_CHARS = 10_000  # longer cells are cut for messages; no honest number is this long
csv.field_size_limit(10_000_000)
# A CSV's rows and cells, checked row by row as the text is split (blank lines are rows too), so
# the read stops at the first row over a limit. Long layout has a row per value, so the row limit is
# that of the cells an xlsx may hold. A row's text is bounded before the csv module splits it: a line
# of 99 million commas would otherwise become a list of 99 million cells before its width is seen.
MAX_CSV_ROWS = 1_000_000
MAX_CSV_COLUMNS = 1_000
MAX_CSV_CELLS = 2_000_000
MAX_CSV_ROW_CHARS = 1_000_000
_LINE_END = re.compile(r"\r\n?|\n")
_OLE = b"\xd0\xcf\x11\xe0"


@dataclass
class Sheet:
    """One grid of cells: an xlsx worksheet or a whole CSV file (name None)."""

    name: str | None
    rows: Sequence[list[RawCell]]  # a CSV's are CsvRows, made on demand
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
    records = _split_plain(text, dialect, shown)
    if records is None:
        records = _split(text, dialect, shown)
    return Sheet(name=None, rows=CsvRows(records), cut_off=not text.endswith(("\n", "\r")))


def _split(text: str, dialect: Any, shown: str) -> list[list[str]]:
    """The CSV's records as the csv module splits them, every limit checked row by row."""
    row = _unclosed_quote(text, dialect, shown)
    if row is not None:
        raise fail(DataError, Location(file=shown, row=row), "data.unclosed_quote", "data.unclosed_quote.hint")
    rows: list[list[str]] = []
    lines = _Lines(text, shown)
    width = filled = 0
    try:
        for rec in csv.reader(lines, dialect):
            width = max(width, len(rec))
            filled += len(rec)
            if len(rows) >= MAX_CSV_ROWS or width > MAX_CSV_COLUMNS or filled > MAX_CSV_CELLS:
                _too_large(shown, len(rows) + 1 + lines.rest(), width, filled)
            rows.append(rec)
            lines.next_row()
    except csv.Error as exc:
        raise fail(DataError, Location(file=shown), "data.csv_broken", reason=str(exc)) from None
    return rows


def _split_plain(text: str, dialect: Any, shown: str) -> list[list[str]] | None:
    """A CSV without a quote (the common export) split with str.split, as the csv module would split it,
    refused for its size with the same message at the same row; None for anything else (and for a line
    near the bound on a row's text), which _split reads as it always has."""
    delim = dialect.delimiter
    quote, escape = dialect.quotechar, dialect.escapechar
    if (dialect.skipinitialspace or len(delim) != 1 or (quote and quote in text) or (escape and escape in text)
            or "\x00" in text):
        return None
    if "\r" in text:
        if text.count("\r") + text.count("\n") > MAX_CSV_ROWS:
            return None
        total = -1
        parts = _LINE_END.split(text)
    else:
        total = text.count("\n") + (0 if text.endswith("\n") else 1)
        if total > MAX_CSV_ROWS + 1:  # refused below: only the lines _split would have read are split
            end = -1
            for _ in range(MAX_CSV_ROWS + 1):
                end = text.find("\n", end + 1)
            parts = text[:end].split("\n")
        else:
            parts = text.split("\n")
    if parts and not parts[-1] and total <= MAX_CSV_ROWS + 1:
        parts.pop()  # the last line's break ends it, no row after it
    total = len(parts) if total <= MAX_CSV_ROWS + 1 else total
    # The lines _split checks for their length before any other limit (a line break is one or two characters).
    if max(map(len, parts[:MAX_CSV_ROWS + 1]), default=0) + 2 > MAX_CSV_ROW_CHARS:
        return None
    widths = [p.count(delim) + 1 if p else 0 for p in parts]
    if len(parts) > MAX_CSV_ROWS or max(widths, default=0) > MAX_CSV_COLUMNS or sum(widths) > MAX_CSV_CELLS:
        width = filled = 0
        for i, w in enumerate(widths):  # where _split stops: the first row over a limit
            width = max(width, w)
            filled += w
            if i >= MAX_CSV_ROWS or width > MAX_CSV_COLUMNS or filled > MAX_CSV_CELLS:
                _too_large(shown, total, width, filled)
    return [p.split(delim) if p else [] for p in parts]


class CsvRows(Sequence[list[RawCell]]):
    """A CSV's rows as split: each row's RawCells made only when it is asked for (the header rows, a row
    with a problem); the data is read a column at a time by `column`, with no RawCell per cell."""

    def __init__(self, records: list[list[str]]) -> None:
        self.records = records
        self._made: dict[int, list[RawCell]] = {}

    def __len__(self) -> int:
        return len(self.records)

    @overload
    def __getitem__(self, i: int) -> list[RawCell]: ...

    @overload
    def __getitem__(self, i: slice) -> list[list[RawCell]]: ...

    def __getitem__(self, i: int | slice) -> list[RawCell] | list[list[RawCell]]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self.records)))]
        if i < 0:
            i += len(self.records)
        if not 0 <= i < len(self.records):
            raise IndexError(i)
        row = self._made.get(i)
        if row is None:
            row = self._made[i] = [RawCell(_clip(v)) if v.strip() else _EMPTY for v in self.records[i]]
        return row

    def __iter__(self) -> Iterator[list[RawCell]]:
        for i in range(len(self.records)):
            yield self[i]

    def nonblank(self, start: int) -> list[int]:
        """The rows from `start` with a cell that is not blank (a row made is read as it now is)."""
        recs, made = self.records, self._made
        return [r for r in range(start, len(recs))
                if (any(c.value is not None for c in made[r]) if r in made else any(map(_filled, recs[r])))]

    def column(self, c: int, rows: list[int]) -> list[str | None]:
        """Column `c` of `rows` (ascending): the text (cut at MAX_CELL_CHARS), None for a blank cell.

        Only the asked rows' cells are taken, a row shorter than `c` giving a blank: no row is padded
        to the widest one, so a file costs what its cells hold, not rows times the widest row."""
        recs = self.records
        picked = [recs[r] for r in rows]
        try:
            texts: list[str] = list(map(operator.itemgetter(c), picked))
        except IndexError:  # a short row: its missing cells are blank
            texts = [rec[c] if c < len(rec) else "" for rec in picked]
        out: list[str | None]
        if max(map(len, texts), default=0) > MAX_CELL_CHARS:  # blank or not as typed, then cut (as __getitem__)
            out = [None if not v or v.isspace() else _clip(v) for v in texts]
        elif all(texts) and not any(map(str.isspace, texts)):
            out = list(texts)
        else:
            out = [None if not v or v.isspace() else v for v in texts]
        for r, row in self._made.items():  # a row made may have been changed since (a merged name filled down)
            pos = bisect.bisect_left(rows, r)
            if pos < len(rows) and rows[pos] == r:
                out[pos] = row[c].value if c < len(row) else None
        return out


def _filled(v: str) -> bool:
    return bool(v) and not v.isspace()


_EMPTY = RawCell(None)  # one object for every blank: a large sparse file costs a pointer per blank


def _too_large(shown: str, rows: int, width: int, filled: int) -> None:
    raise fail(DataError, Location(file=shown), "data.csv_too_large", "file.too_large.hint",
               rows=f"{rows:,}", columns=f"{width:,}", cells=f"{filled:,}",
               max_rows=f"{MAX_CSV_ROWS:,}", max_columns=f"{MAX_CSV_COLUMNS:,}", max_cells=f"{MAX_CSV_CELLS:,}")


class _Lines:
    """The lines of a CSV text for csv.reader (line ends kept, as with newline=""), each row's text bounded.

    A row's lines are measured before the csv module sees them, so no row longer than
    MAX_CSV_ROW_CHARS is ever split into cells; `next_row` is called after each row the reader gives.
    """

    def __init__(self, text: str, shown: str) -> None:
        self.text = text
        self.shown = shown
        self.pos = 0
        self.row = 1  # as Excel counts: the row the reader is in
        self.row_chars = 0
        self.row_lines = 0

    def __iter__(self) -> Iterator[str]:
        text = self.text
        while self.pos < len(text):
            m = _LINE_END.search(text, self.pos)
            end = m.end() if m else len(text)
            self.row_chars += end - self.pos
            self.row_lines += 1
            if self.row_chars > MAX_CSV_ROW_CHARS:
                loc = Location(file=self.shown, row=self.row)
                if self.row_lines > 1:  # a quoted cell running over many lines: an opening quote never closed
                    raise fail(DataError, loc, "data.unclosed_quote", "data.unclosed_quote.hint")
                raise fail(DataError, loc, "data.csv_row_too_long", "data.csv_row_too_long.hint",
                           chars=f"{self.row_chars:,}", limit=f"{MAX_CSV_ROW_CHARS:,}")
            line = text[self.pos:end]
            self.pos = end
            yield line

    def next_row(self) -> None:
        self.row += 1
        self.row_chars = 0
        self.row_lines = 0

    def rest(self) -> int:
        """Lines not yet read (a count in C, for the message only): the rows the file still holds."""
        text, pos = self.text, self.pos
        breaks = text.count("\n", pos) + text.count("\r", pos) - text.count("\r\n", pos)
        return breaks + (1 if pos < len(text) and not text.endswith(("\n", "\r")) else 0)


def _unclosed_quote(text: str, dialect: Any, shown: str) -> int | None:
    """The row (as Excel counts) whose opening quote is never closed; the lenient reader would swallow the rest."""
    lines = _Lines(text, shown)
    reader = csv.reader(lines, dialect, strict=True)
    rows = 0
    try:
        for _ in reader:
            rows += 1
            lines.next_row()
            if rows > MAX_CSV_ROWS:  # refused for its size by the reading that follows
                return None
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
