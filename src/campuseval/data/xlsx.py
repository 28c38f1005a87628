"""Streaming xlsx reader: values, number formats, merged ranges and unsaved formulas, every limit checked first.

openpyxl's normal mode builds a Python object for every cell a merged range covers (A1:XFD1048576
is seventeen billion) and holds a whole sheet's XML in memory; its read-only mode has no merged
ranges. This reader walks the workbook's XML with expat instead: it keeps only cells that hold
something, merged ranges as four numbers, and counts cells before parsing them, so a small file
that unpacks to millions of cells is refused in a fraction of a second.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any
from xml.parsers import expat

from campuseval.data.cells import RawCell, column_letter
from campuseval.errors import CampusevalError, DataError, Location, fail

# Limits, checked before (or, for what only parsing reveals, while) the work is done.
MAX_XLSX_BYTES = 300_000_000  # declared unpacked size of all parts; zipfile never reads past it
MAX_PART_BYTES = 200_000_000  # one sheet's XML, the shared strings, the styles
MAX_ZIP_ENTRIES = 10_000  # a workbook has tens of parts
MAX_SHEETS = 200
MAX_CELLS = 2_000_000  # cells in the whole workbook; a yearly panel of 2,000 campuses is under that
MAX_ROWS = 100_000  # a value beyond row 100,000 or column 1,000 is a stray far outside the data
MAX_COLUMNS = 1_000
MAX_GRID = 4_000_000  # rows x columns up to the last value of a sheet (the grid the reader builds)
MAX_MERGED = 10_000  # merged ranges in a sheet
MAX_MERGED_AREA = 1_000_000  # cells all merged ranges of a sheet cover together
MAX_CELL_CHARS = 10_000  # longer texts are cut; no honest number is this long
MAX_STYLES = 65_000  # cell formats (<xf>) and number formats (<numFmt>); Excel itself allows 64,000
MAX_STYLE_ELEMENTS = 1_000_000  # every element of the styles part (fonts, fills, borders, ...)
MAX_PART_ELEMENTS = 1_000_000  # elements of the workbook part and of a relationships part
MAX_ELEMENTS = 10_000_000  # elements of all sheets and the shared strings, counted before parsing
_CHUNK = 1 << 20
_MAX_NAMES = 1_000  # element names remembered per part; a hostile part may use millions
# Numbers in the XML are ASCII digits only: str.isdigit() and int() also take "²" and "٣".
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")
_REF_ROW = re.compile(r"[0-9]{1,7}")
_NAME_RUN = re.compile(rb"<[^\s<>/!?=\"']*")  # the start of a tag whose name goes on
_MAX_TAG_START = 1 << 16  # no element name is this long
_INDEX = re.compile(r"[0-9]{1,9}")
EMPTY = RawCell(None)

_BUILTIN_FORMATS: dict[int, str] | None = None


class _Bad(Exception):
    """The workbook's structure is broken; reported as data.bad_xlsx."""


def read_workbook(raw: bytes, shown: str) -> list[Any]:
    """The sheets of an xlsx as `Sheet` grids; DataError for a damaged workbook or one past a limit."""
    from campuseval.data.sources import Sheet

    loc = Location(file=shown)
    try:
        zf = zipfile.ZipFile(io.BytesIO(raw))
        infos = zf.infolist()
    except Exception:  # not a zip at all, or a damaged one
        raise fail(DataError, loc, "data.bad_xlsx", "data.bad_xlsx.hint") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise fail(DataError, loc, "data.xlsx_entries", "data.xlsx_too_large.hint",
                   count=len(infos), limit=MAX_ZIP_ENTRIES)
    declared = sum(i.file_size for i in infos)
    if declared > MAX_XLSX_BYTES:
        raise fail(DataError, loc, "data.xlsx_too_large", "data.xlsx_too_large.hint", size=f"{declared / 1e6:.0f}")
    reader = _Workbook(zf, {i.filename: i for i in infos}, shown)
    try:
        sheets = reader.sheets()
    except _Bad:
        raise fail(DataError, loc, "data.bad_xlsx", "data.bad_xlsx.hint") from None
    out = []
    for name, state, part, rows, merged, formulas in sheets:
        out.append(Sheet(name=name, rows=rows, hidden=state != "visible", merged=merged, formulas=formulas))
        del part
    return out


class _Workbook:
    def __init__(self, zf: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], shown: str) -> None:
        self.zf = zf
        self.infos = infos
        self.shown = shown
        self.cells = 0
        self.elements = 0

    # ----------------------------------------------------------- parts

    def _open(self, name: str) -> Iterator[bytes]:
        info = self.infos.get(name)
        if info is None:
            raise _Bad(name)
        if info.file_size > MAX_PART_BYTES:
            raise fail(DataError, Location(file=self.shown), "data.xlsx_too_large", "data.xlsx_too_large.hint",
                       size=f"{info.file_size / 1e6:.0f}")
        try:
            with self.zf.open(info) as f:
                first = True
                while chunk := f.read(_CHUNK):
                    if first and (chunk[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in chunk[:4]):
                        # UTF-16, which expat reads too: the counts on the raw bytes (_count) would see nothing.
                        raise _Bad(f"{name}: not UTF-8")
                    first = False
                    yield chunk
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError, ValueError) as exc:
            raise _Bad(name) from exc
        except Exception as exc:  # zlib.error and friends from a damaged deflate stream
            raise _Bad(name) from exc

    def _parse(self, name: str, start: Callable[[str, dict[str, str]], None],
               end: Callable[[str], None] | None = None, text: Callable[[str], None] | None = None,
               limit: int | None = None) -> None:
        """Run expat over a part; namespace prefixes are dropped from element and attribute names.

        With `limit`, the parse stops at the first element over it (parts not counted beforehand).
        """
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True

        def refuse_dtd(*_: Any) -> None:  # no DTD, hence no entity expansion (billion laughs, XXE)
            raise _Bad("DTD")

        parser.StartDoctypeDeclHandler = refuse_dtd
        parser.EntityDeclHandler = refuse_dtd
        parser.ExternalEntityRefHandler = refuse_dtd  # type: ignore[assignment]
        names: dict[str, str] = {}  # element name -> its local part: a sheet uses a handful, each millions of times

        def local(tag: str) -> str:
            found = names.get(tag)
            if found is None:
                found = _local(tag)
                if len(names) < _MAX_NAMES:
                    names[tag] = found
            return found

        if limit is None:
            parser.StartElementHandler = lambda tag, attrs: start(local(tag), attrs)
        else:
            seen = [0]

            def bounded(tag: str, attrs: dict[str, str]) -> None:
                seen[0] += 1
                if seen[0] > limit:
                    raise self._too_many_elements(limit)
                start(local(tag), attrs)

            parser.StartElementHandler = bounded
        if end is not None:
            parser.EndElementHandler = lambda tag: end(local(tag))
        if text is not None:
            parser.CharacterDataHandler = text
        try:
            for chunk in self._open(name):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise _Bad(name) from exc

    def _rels(self, part: str) -> dict[str, str]:
        folder, base = posixpath.split(part)
        rels_name = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, str] = {}
        if rels_name not in self.infos:
            return found

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "Relationship" and "Id" in attrs and "Target" in attrs:
                target = attrs["Target"]
                if target.startswith("/"):
                    found[attrs["Id"]] = target.lstrip("/")
                else:
                    found[attrs["Id"]] = posixpath.normpath(posixpath.join(folder, target))

        self._parse(rels_name, start, limit=MAX_PART_ELEMENTS)
        return found

    # ----------------------------------------------------------- workbook

    def sheets(self) -> list[tuple[str, str, str, list[list[RawCell]], list[tuple[int, int, int, int]],
                               dict[tuple[int, int], str]]]:
        root = self._rels("")
        wb_part = next((t for t in root.values() if t.endswith(".xml") and "workbook" in t.rsplit("/", 1)[-1]),
                       "xl/workbook.xml")
        declared: list[tuple[str, str, str]] = []
        date1904 = [False]

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "sheet":
                if len(declared) >= MAX_SHEETS:
                    raise fail(DataError, Location(file=self.shown), "data.too_many_sheets",
                               "data.too_many_sheets.hint", limit=MAX_SHEETS)
                rid = next((v for k, v in attrs.items() if _local(k) == "id"), "")
                declared.append((attrs.get("name", ""), attrs.get("state", "visible"), rid))
            elif tag == "workbookPr":
                date1904[0] = attrs.get("date1904", "0") in ("1", "true")

        self._parse(wb_part, start, limit=MAX_PART_ELEMENTS)
        rels = self._rels(wb_part)
        folder = posixpath.dirname(wb_part)
        formats = self._styles(rels, folder)
        strings = self._shared_strings(rels, folder)
        epoch = dt.datetime(1904, 1, 1) if date1904[0] else None
        out = []
        for name, state, rid in declared:
            part = rels.get(rid)
            if part is None or part not in self.infos:
                raise _Bad(f"sheet {name}")
            rows, merged, formulas = self._sheet(part, name, formats, strings, epoch)
            out.append((name, state, part, rows, merged, formulas))
        return out

    def _find(self, rels: dict[str, str], folder: str, suffix: str) -> str | None:
        for target in rels.values():
            if target.endswith(suffix):
                return target
        default = posixpath.join(folder, suffix)
        return default if default in self.infos else None

    def _styles(self, rels: dict[str, str], folder: str) -> list[str]:
        """The number format of each cell style (index s of a cell)."""
        part = self._find(rels, folder, "styles.xml")
        if part is None:
            return []
        custom: dict[int, str] = {}
        xf_ids: list[int] = []
        in_xfs = [False]
        seen = {"xf": 0, "numFmt": 0, "all": 0}

        def start(tag: str, attrs: dict[str, str]) -> None:
            # Counted while parsing: the parse stops at the first entry over a limit.
            seen["all"] += 1
            if seen["all"] > MAX_STYLE_ELEMENTS:
                raise fail(DataError, Location(file=self.shown), "data.styles_too_large", "data.too_many_styles.hint",
                           limit=f"{MAX_STYLE_ELEMENTS:,}")
            if tag in ("xf", "numFmt"):
                seen[tag] += 1
                if seen[tag] > MAX_STYLES:
                    raise fail(DataError, Location(file=self.shown), "data.too_many_styles",
                               "data.too_many_styles.hint", what=tag, limit=f"{MAX_STYLES:,}")
            if tag == "numFmt":
                custom[_index(attrs.get("numFmtId"))] = attrs.get("formatCode", "General")
            elif tag == "cellXfs":
                in_xfs[0] = True
            elif tag == "xf" and in_xfs[0]:
                xf_ids.append(_index(attrs.get("numFmtId")))

        def end(tag: str) -> None:
            if tag == "cellXfs":
                in_xfs[0] = False

        self._parse(part, start, end)
        builtin = _builtin_formats()
        return [custom.get(i) or builtin.get(i, "General") for i in xf_ids]

    def _shared_strings(self, rels: dict[str, str], folder: str) -> list[str]:
        part = self._find(rels, folder, "sharedStrings.xml")
        if part is None:
            return []
        counted, elements = self._count(part, b"si")
        self._add_elements(elements)
        if counted > MAX_CELLS:
            raise fail(DataError, Location(file=self.shown), "data.too_many_cells", "data.too_many_cells.hint",
                       limit=f"{MAX_CELLS:,}")
        strings: list[str] = []
        buf: list[str] = []
        depth = {"si": False, "t": False, "rPh": False}
        size = [0]

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "si":
                if len(strings) >= MAX_CELLS:
                    raise fail(DataError, Location(file=self.shown), "data.too_many_cells", "data.too_many_cells.hint",
                               limit=f"{MAX_CELLS:,}")
                depth["si"] = True
                buf.clear()
                size[0] = 0
            elif tag in ("t", "rPh"):
                depth[tag] = True

        def end(tag: str) -> None:
            if tag == "si":
                strings.append("".join(buf))
                depth["si"] = False
            elif tag in ("t", "rPh"):
                depth[tag] = False

        def text(data: str) -> None:
            # Phonetic guides (rPh, furigana) are not part of the cell's text.
            if depth["si"] and depth["t"] and not depth["rPh"] and size[0] < MAX_CELL_CHARS:
                buf.append(data)
                size[0] += len(data)

        self._parse(part, start, end, text)
        return strings

    # ----------------------------------------------------------- sheets

    def _too_many_elements(self, limit: int, sheet: str | None = None) -> CampusevalError:
        return fail(DataError, Location(file=self.shown, sheet=sheet), "data.xlsx_elements", "data.too_many_cells.hint",
                    limit=f"{limit:,}")

    def _add_elements(self, elements: int, sheet: str | None = None) -> None:
        self.elements += elements
        if self.elements > MAX_ELEMENTS:
            raise self._too_many_elements(MAX_ELEMENTS, sheet)

    def _count(self, part: str, tag: bytes) -> tuple[int, int]:
        """Elements `tag` in a part's XML, and all its elements, counted on the raw bytes (at C speed) before parsing.

        All elements are the "<" not followed by "/", "!" or "?": what costs a call to Python while parsing.

        Both forms are counted in every chunk: "<c" and "<x:c" with any prefix (non-ASCII or long),
        each followed by a space, ">" or "/"; the part is UTF-8 or ASCII (see _open). Each chunk is
        counted up to its last "<", from where the next one goes on, so no tag is split or seen twice.
        The same bytes in a comment count too: a bound from above, which is what a limit needs.
        """
        plain = [b"<" + tag + end for end in (b" ", b">", b"/", b"\n", b"\t", b"\r")]
        prefixed = re.compile(rb"<[^\s<>/!?:=\"']+:" + re.escape(tag) + rb"[\s>/]")
        colon = b":" + tag

        def count(data: bytes, cut: int) -> int:
            elements[0] += (data.count(b"<", 0, cut) - data.count(b"</", 0, cut) - data.count(b"<!", 0, cut)
                            - data.count(b"<?", 0, cut))
            n = sum(data.count(p, 0, cut) for p in plain)
            if data.find(colon, 0, cut) >= 0:  # a writer that prefixes nothing pays for no regex
                n += sum(1 for _ in prefixed.finditer(data, 0, cut))
            return n

        elements = [0]
        n = 0
        tail = b""
        for chunk in self._open(part):
            data = tail + chunk
            cut = data.rfind(b"<")
            if cut < 0:
                cut = len(data)
            n += count(data, cut)
            tail = data[cut:]  # a "<" and what follows it: no other "<" there
            if len(tail) > _MAX_TAG_START:
                if _NAME_RUN.fullmatch(tail):
                    raise _Bad(f"{part}: an element name of {_MAX_TAG_START:,} bytes")
                n += count(tail, len(tail))  # the tag at the "<" is complete: count it and go on after it
                tail = b""
        n += count(tail, len(tail))
        return n, elements[0]

    def _sheet(self, part: str, name: str, formats: list[str], strings: list[str],
               epoch: dt.datetime | None) -> tuple[list[list[RawCell]], list[tuple[int, int, int, int]],
                                                   dict[tuple[int, int], str]]:
        counted, elements = self._count(part, b"c")
        self._add_elements(elements, name)
        if self.cells + counted > MAX_CELLS:
            raise fail(DataError, Location(file=self.shown, sheet=name), "data.too_many_cells",
                       "data.too_many_cells.hint", limit=f"{MAX_CELLS:,}")
        self.cells += counted
        grid: dict[int, list[RawCell]] = {}  # row -> its cells up to the last one with a value
        formulas: dict[tuple[int, int], str] = {}
        merged: list[tuple[int, int, int, int]] = []
        state: dict[str, Any] = {"row": 0, "col": -1, "t": "n", "s": 0, "v": None, "f": None, "in": None,
                                 "buf": [], "is": False}
        far: list[tuple[int, int]] = []
        area = [0]

        def start(tag: str, attrs: dict[str, str]) -> None:
            if tag == "c":
                ref = attrs.get("r")
                if ref:
                    m = _REF.fullmatch(ref)
                    if m is None:
                        raise _Bad(ref)
                    state["col"] = _col_index(m.group(1))
                    state["row"] = int(m.group(2)) - 1
                else:
                    state["col"] += 1
                state["t"] = attrs.get("t", "n")
                state["s"] = _index(attrs.get("s"))
                state["v"] = None
                state["f"] = None
                state["is"] = False
            elif tag == "row":
                r = attrs.get("r")
                if not r:  # absent: the row after the last one, as for a cell without r
                    state["row"] += 1
                elif _REF_ROW.fullmatch(r):
                    state["row"] = int(r) - 1
                else:
                    raise _Bad(f"row {r!r}")
                state["col"] = -1
            elif tag in ("v", "f"):
                state["in"] = tag
                state["buf"] = []
            elif tag == "is":  # an inline string: the text of its <t> elements (runs included)
                state["is"] = True
                state["buf"] = []
            elif tag == "t" and state["is"]:
                state["in"] = "t"
            elif tag == "mergeCell":
                rng = _range(attrs.get("ref", ""))
                if rng is None:
                    return
                if len(merged) >= MAX_MERGED:
                    raise fail(DataError, Location(file=self.shown, sheet=name), "data.too_many_merged",
                               "data.merged_in_data.hint", limit=f"{MAX_MERGED:,}")
                r1, c1, r2, c2 = rng
                if r2 >= MAX_ROWS or c2 >= MAX_COLUMNS:
                    raise fail(DataError, Location(file=self.shown, sheet=name, row=r1 + 1, column=column_letter(c1)),
                               "data.merged_too_large", "data.merged_in_data.hint",
                               range=attrs.get("ref", ""), rows=f"{MAX_ROWS:,}", columns=f"{MAX_COLUMNS:,}")
                area[0] += (r2 - r1 + 1) * (c2 - c1 + 1)
                if area[0] > MAX_MERGED_AREA:
                    raise fail(DataError, Location(file=self.shown, sheet=name, row=r1 + 1, column=column_letter(c1)),
                               "data.merged_area", "data.merged_in_data.hint", limit=f"{MAX_MERGED_AREA:,}")
                merged.append(rng)

        def text(data: str) -> None:
            if state["in"] is not None:
                state["buf"].append(data)

        def end(tag: str) -> None:
            if tag in ("v", "f") and state["in"] == tag:
                state[tag] = "".join(state["buf"])
                state["in"] = None
            elif tag == "t" and state["in"] == "t":
                state["in"] = None  # inline text goes on collecting in buf until </is>
            elif tag == "is":
                state["v"] = "".join(state["buf"])
                state["is"] = False
            elif tag == "c":
                _store()

        def _store() -> None:
            r, c = state["row"], state["col"]
            if r < 0 or c < 0:
                raise _Bad("cell position")
            fmt = formats[state["s"]] if 0 <= state["s"] < len(formats) else "General"
            value = _value(state["t"], state["v"], fmt, strings, epoch)
            if value is None:
                if state["f"] is not None:
                    formulas[(r, c)] = ("=" + state["f"])[:60] if state["f"] else "=..."
                return
            if r >= MAX_ROWS or c >= MAX_COLUMNS:
                if not far:
                    far.append((r, c))
                return
            row = grid.get(r)
            if row is None:
                row = grid[r] = []
            if len(row) <= c:
                row.extend([EMPTY] * (c + 1 - len(row)))
            row[c] = RawCell(value, fmt)

        self._parse(part, start, end, text)
        if far:
            r, c = far[0]
            raise fail(DataError, Location(file=self.shown, sheet=name, row=r + 1, column=column_letter(c)),
                       "data.far_cell", "data.far_cell.hint", rows=MAX_ROWS, columns=MAX_COLUMNS)
        n_rows = max(grid, default=-1) + 1
        n_cols = max(map(len, grid.values()), default=0)
        if n_rows * n_cols > MAX_GRID:
            raise fail(DataError, Location(file=self.shown, sheet=name, row=n_rows, column=column_letter(n_cols - 1)),
                       "data.grid_too_large", "data.far_cell.hint", rows=f"{n_rows:,}", columns=f"{n_cols:,}",
                       limit=f"{MAX_GRID:,}")
        rows = []
        for r in range(n_rows):
            row = grid.pop(r, None) or []
            row.extend([EMPTY] * (n_cols - len(row)))
            rows.append(row)
        # Formulas without a saved value count only inside the data area, as the blank cells there.
        kept = {k: v for k, v in formulas.items() if k[0] < n_rows and k[1] < n_cols}
        return rows, merged, kept


def _value(kind: str, raw: str | None, fmt: str, strings: list[str], epoch: dt.datetime | None) -> Any:
    """A cell's value as openpyxl would give it in data-only mode; None for blank."""
    if raw is None:
        return None
    if kind == "s":
        index = raw.strip(" \t\r\n")
        if not _INDEX.fullmatch(index) or int(index) >= len(strings):  # never "-1" for the last string
            raise _Bad("shared string")
        return _text(strings[int(index)])
    if kind in ("str", "inlineStr"):
        return _text(raw)
    if kind == "e":
        return raw.strip() or None  # "#DIV/0!": the cell parser names it
    if kind == "b":
        return raw.strip() in ("1", "true")
    if kind == "d":
        try:
            return dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            return _text(raw)
    raw = raw.strip()
    if not raw:
        return None
    number = _number(raw)
    if isinstance(number, str):
        return number
    if _is_date_format(fmt):
        from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

        try:
            return from_excel(number, epoch or CALENDAR_WINDOWS_1900)
        except (ValueError, OverflowError, TypeError):
            return number
    return number


def _number(raw: str) -> float | int | str:
    """The number a <v> holds: an int for plain digits (as openpyxl does), else a float; the text if neither."""
    if not raw.isascii() or "_" in raw:  # float() reads "٣" and "1_0" as numbers; no writer puts them in <v>
        raise _Bad(f"number {raw[:20]!r}")
    try:
        if len(raw) <= 18 and raw.lstrip("-").isdigit():
            return int(raw)
        return float(raw)  # 5,000 digits give inf here, where int() would raise on Python's limit
    except ValueError:
        return _text(raw) or ""


def _text(text: str) -> str | None:
    if not text.strip():
        return None
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS]


def _is_date_format(fmt: str) -> bool:
    if fmt in ("General", "0", "0.00", "@", "") or "%" in fmt:
        return False
    from openpyxl.styles.numbers import is_date_format

    return bool(is_date_format(fmt))


def _builtin_formats() -> dict[int, str]:
    global _BUILTIN_FORMATS
    if _BUILTIN_FORMATS is None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS

        _BUILTIN_FORMATS = dict(BUILTIN_FORMATS)
    return _BUILTIN_FORMATS


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _index(text: str | None) -> int:
    """A style or number-format index: absent is 0; anything but ASCII digits is a broken workbook."""
    if text is None:
        return 0
    if not _INDEX.fullmatch(text):
        raise _Bad(f"index {text!r}")
    return int(text)


@functools.lru_cache(maxsize=20_000)  # one to three letters: at most 18,278 of them
def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _range(ref: str) -> tuple[int, int, int, int] | None:
    """"B2:C5" -> (1, 1, 4, 2), 0-based inclusive; None when it is not a range."""
    a, _, b = ref.partition(":")
    ma, mb = _REF.fullmatch(a), _REF.fullmatch(b or a)
    if ma is None or mb is None:
        return None
    r1, c1 = int(ma.group(2)) - 1, _col_index(ma.group(1))
    r2, c2 = int(mb.group(2)) - 1, _col_index(mb.group(1))
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)
