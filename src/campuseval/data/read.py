"""Reading a year's data files into a Dataset: headers by code or Chinese name, wide or long layout, units resolved."""

from __future__ import annotations

import collections
import difflib
import functools
import hashlib
import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from campuseval.config.effective import EffectiveTable
from campuseval.data.cells import CellProblem, RawCell, column_letter, norm_text, parse_year, show
from campuseval.data.columns import parse_column
from campuseval.data.dataset import (
    CellRef,
    DataFile,
    Dataset,
    SheetRead,
    UnitInfo,
    UnitKind,
    UnknownHeader,
    empty_values,
)
from campuseval.data.experts import ExpertReader
from campuseval.data.experts import find_header as find_expert_header
from campuseval.data.locations import Block, CellRefs, Locations
from campuseval.data.sources import Sheet, _filled, open_data_file
from campuseval.errors import DataError, Diagnostic, Location, diag
from campuseval.i18n import t
from campuseval.safetext import visible
from campuseval.years import check_year

Layout = Literal["auto", "wide", "long"]
MAX_PROBLEMS = 30
FIRST_PART = 4096  # rows of a sheet read before the first look at the problem count; each part after is 4x
MAX_NAME_CHARS = 200  # a unit's name in a data file; the longest real campus name has about 20
UNSAFE_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
HEADER_SCAN_ROWS = 15

KEY_ALIASES: dict[str, set[str]] = {
    "unit": {"单位", "单位名称", "机构", "机构名称", "医院", "医院名称", "院区", "院区名称", "名称", "被评价单位",
             "unit", "name", "unitname", "campus", "entity", "单位代码", "unitid", "id"},
    "year": {"年份", "年度", "年", "year", "考核年度", "评价年度"},
    "type": {"类型", "单位类型", "类别", "type", "kind", "unittype"},
    "hq": {"总院", "所属总院", "总院名称", "本部", "hq", "headquarters"},
    "district": {"区县", "所属区县", "属地", "区", "district", "locality", "所在区县"},
    "indicator": {"指标", "指标代码", "指标名称", "指标项", "数据项", "indicator", "field", "code", "item"},
    "value": {"值", "数值", "指标值", "数据", "value", "amount"},
}
KIND_WORDS: dict[str, UnitKind] = {
    "院区": "campus", "分院": "campus", "campus": "campus", "被评价单位": "campus",
    "总院": "hq", "本部": "hq", "总院本部": "hq", "hq": "hq", "headquarters": "hq",
    "属地": "locality", "区县": "locality", "区": "locality", "县": "locality", "县(市、区)": "locality",
    "locality": "locality", "district": "locality",
}
_PAREN = re.compile(r"[(\[【（][^()\[\]【】（）]*[)\]】）]\s*$")


def norm_header(text: str) -> str:
    """Header text for matching: NFKC, lower case, no spaces, no trailing unit in brackets, no `*`."""
    t = norm_text(text).lower().replace("*", "")
    t = re.sub(r"\s+", "", t)
    return t


def header_keys(text: str) -> list[str]:
    """Ways a header may name a field: whole, without its unit in brackets, by the code before a space."""
    t = norm_text(text)
    keys = [norm_header(t)]
    stripped = _PAREN.sub("", t).strip()
    keys.append(norm_header(stripped))
    first = re.split(r"[\s:：]+", stripped, maxsplit=1)[0] if stripped else ""
    if first and first != stripped:
        keys.append(norm_header(first))
    return [k for k in dict.fromkeys(keys) if k]


@dataclass(frozen=True)
class FieldSpec:
    code: str
    scale: str
    yes_no: bool
    name: str


@dataclass
class Vocabulary:
    """What headers and unit names may say, built from the effective table."""

    fields: dict[str, FieldSpec] = field(default_factory=dict)
    units: dict[str, UnitInfo] = field(default_factory=dict)
    display: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, eff: EffectiveTable) -> Vocabulary:
        v = cls()
        for ind in eff.indicators:
            s = ind.spec
            if s.rule.type == "expert":
                continue  # marks come from the 专家评分 sheet; a data column of that name is not one of them
            spec = FieldSpec(s.code, s.scale, s.rule.type in ("yes_no", "veto"), s.name.zh)
            v._add_field(spec, [s.code, s.name.zh, s.name.en or ""])
        for raw in eff.raw_fields:
            spec = FieldSpec(raw.code, raw.scale, False, raw.name.zh)
            v._add_field(spec, [raw.code, raw.name.zh, raw.name.en or ""])
        for c in eff.campuses:
            hq = c.hq.id if c.hq else None
            district = c.district.id if c.district else None
            v._add_unit(UnitInfo(c.id, "campus", c.name.zh, hq, district, c.name.en), [c.id, c.name.zh, c.name.en])
            if c.hq:
                v._add_unit(UnitInfo(c.hq.id, "hq", c.hq.name.zh, name_en=c.hq.name.en),
                            [c.hq.id, c.hq.name.zh, c.hq.name.en])
            if c.district:
                v._add_unit(UnitInfo(c.district.id, "locality", c.district.name.zh, name_en=c.district.name.en),
                            [c.district.id, c.district.name.zh, c.district.name.en])
        return v

    def _add_field(self, spec: FieldSpec, names: list[str]) -> None:
        self.display.append(spec.name)
        for n in names:
            if n:
                self.fields.setdefault(norm_header(n), spec)

    def _add_unit(self, unit: UnitInfo, names: Iterable[str | None]) -> None:
        for n in names:
            if n:
                self.units.setdefault(norm_header(n), unit)

    @functools.cached_property
    def has_campuses(self) -> bool:
        return any(u.kind == "campus" for u in self.units.values())

    def field_for(self, header: str) -> FieldSpec | None:
        for key in header_keys(header):
            if key in self.fields:
                return self.fields[key]
        return None


_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def closest(name: str, candidates: list[str]) -> list[str]:
    """The candidate most like `name`, 第1医院 matching 第一医院: digits compared as digits."""
    folded = {c.translate(_DIGITS): c for c in candidates}
    found = difflib.get_close_matches(name.translate(_DIGITS), list(folded), n=1, cutoff=0.5)
    return [folded[f] for f in found]


def key_for(header: str) -> str | None:
    for key in header_keys(header):
        for role, aliases in KEY_ALIASES.items():
            if key in aliases:
                return role
    return None


@dataclass
class _Reader:
    """Collects values and problems across every file and sheet of one read."""

    vocab: Vocabulary
    default_year: int | None
    layout: Layout
    records: list[tuple[str, int, str, float]] = field(default_factory=list)
    locations: Locations = field(default_factory=Locations)
    chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = field(default_factory=list)  # per sheet
    row_refs: dict[tuple[str, int], CellRef] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)  # per file: one unit's data may span several files
    units: dict[str, UnitInfo] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    ignored_units: set[str] = field(default_factory=set)
    no_unit_header: Location | None = None  # a header row that names fields but has no unit column
    sheets: list[SheetRead] = field(default_factory=list)
    years_read: set[int] = field(default_factory=set)  # years with a cell read (not refused, not a duplicate)
    unknown_headers: list[UnknownHeader] = field(default_factory=list)
    # While a sheet's rows are read by column, problems wait here with their (row, column order).
    _buffer: list[tuple[tuple[int, int], Diagnostic]] | None = None
    _at: tuple[int, int] = (0, 0)
    _defined: tuple[str, UnitKind, str, str | None, str | None] | None = None  # the last unit the data defined

    def problem(self, d: Diagnostic) -> None:
        if self._buffer is not None:  # reading a sheet's rows: problems are put in the sheet's order at its end
            self._buffer.append((self._at, d))
            return
        self.problems.append(d)
        if len(self.problems) >= MAX_PROBLEMS:
            raise DataError(self.problems)

    # ----------------------------------------------------------- sheets

    def read_sheet(self, sheet: Sheet, shown: str) -> bool:
        """Read one sheet; False when it has no recognisable header (an instructions sheet, say)."""
        _fill_merged_header(sheet)
        found = self._find_header(sheet)
        if found is None:
            return False
        header_row, roles, fields, unknown = found
        header_loc = Location(file=shown, sheet=sheet.name, row=header_row + 1)
        # Said once for the whole read (read_data), and checked against the fields the run needs (a typo).
        self.unknown_headers += [UnknownHeader(text, Location(file=shown, sheet=sheet.name, row=header_row + 1,
                                                              column=column_letter(c))) for text, c in unknown]
        long = "indicator" in roles and "value" in roles and not fields
        if self.layout == "wide" and long:
            self.problem(diag(header_loc, "data.layout_mismatch", "data.layout_mismatch.hint",
                              hint_params={"found": "long"}, layout="wide", found="long"))
            return True
        if self.layout == "long" and not long:
            self.problem(diag(header_loc, "data.layout_mismatch", "data.layout_mismatch.hint",
                              hint_params={"found": "wide"}, layout="long", found="wide"))
            return True
        if "year" not in roles and self.default_year is None:
            self.problem(diag(Location(file=shown, sheet=sheet.name, row=header_row + 1), "data.no_year_column",
                              "data.no_year_column.hint"))
            return True
        self._check_merged_data(sheet, shown, header_row, roles)
        self._check_cut_off(sheet, shown, header_row)
        self._check_extra_cells(sheet, shown, header_row)
        before = self.rows_read.get(shown, 0)
        self._read_rows(sheet, shown, header_row, roles, fields, long)
        self.sheets.append(SheetRead(shown, sheet.name, self.rows_read.get(shown, 0) - before))
        return True

    def _find_header(
        self, sheet: Sheet,
    ) -> tuple[int, dict[str, int], dict[int, FieldSpec], list[tuple[str, int]]] | None:
        best = None
        for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
            roles: dict[str, int] = {}
            fields: dict[int, FieldSpec] = {}
            for c, cell in enumerate(row):
                if not isinstance(cell.value, str | int | float) or isinstance(cell.value, bool):
                    continue
                text = str(cell.value)
                role = key_for(text)
                if role and role not in roles:
                    roles[role] = c
                    continue
                spec = self.vocab.field_for(text)
                if spec is not None:
                    fields[c] = spec
            if "unit" in roles and (fields or ("indicator" in roles and "value" in roles)):
                best = (r, roles, fields)
                break
            if (fields and ("year" in roles or len(fields) >= 2) and "unit" not in roles
                    and self.no_unit_header is None):
                self.no_unit_header = Location(file=self._shown, sheet=sheet.name, row=r + 1)
        if best is None:
            return None
        r, roles, fields = best
        # Duplicate headers, including those that differ only by full-width forms or spaces.
        by_code: dict[str, int] = {}
        for c, spec in sorted(fields.items()):
            if spec.code in by_code:
                self.problem(diag(Location(file=self._shown, sheet=sheet.name, row=r + 1, column=column_letter(c)),
                                  "data.duplicate_column", "data.duplicate_column.hint",
                                  field=spec.name, other=column_letter(by_code[spec.code])))
            else:
                by_code[spec.code] = c
        fields = {c: s for c, s in fields.items() if by_code.get(s.code) == c}
        used = set(roles.values()) | set(fields)
        unknown = [
            (show(cell.value), c) for c, cell in enumerate(sheet.rows[r])
            if c not in used and cell.value is not None and str(cell.value).strip()
        ]
        return r, roles, fields, unknown

    _shown: str = ""

    def _check_cut_off(self, sheet: Sheet, shown: str, header_row: int) -> None:
        """Excel writes every column of every row; a short last row with no line break was cut off."""
        last = len(sheet.rows) - 1
        if not sheet.cut_off or last <= header_row:
            return
        width = max((c + 1 for c, cell in enumerate(sheet.rows[header_row]) if cell.value is not None), default=0)
        got = len(sheet.rows[last])
        if 0 < got < width:
            self.problem(diag(Location(file=shown, sheet=sheet.name, row=last + 1, column=column_letter(got - 1)),
                              "data.cut_off", "data.truncated.hint", got=got, width=width))

    def _check_longer_rows(self, records: list[list[str]], shown: str, header_row: int) -> None:
        """A CSV row split into more fields than the header and than most rows (blank or not: a number written
        1,234 in a row whose last value was missing, or under a header ending in an ignored 备注 column, adds
        no cell beyond the header yet moves every value after it). Refused at the first such row."""
        data = [len(records[r]) for r in range(header_row + 1, len(records)) if records[r]]
        if not data:
            return
        usual = max(len(records[header_row]), collections.Counter(data).most_common(1)[0][0])
        longer = [r for r in range(header_row + 1, len(records)) if len(records[r]) > usual]
        if longer:
            self.problem(diag(Location(file=shown, row=longer[0] + 1, column=column_letter(usual)),
                              "data.longer_row_csv", "data.extra_cells.hint", got=len(records[longer[0]]),
                              usual=usual, rows=len(longer)))

    def _check_extra_cells(self, sheet: Sheet, shown: str, header_row: int) -> None:
        """A data row with a cell right of the header's last one: ignored, but said once for the sheet (at its
        first such row), since in a CSV it is most often a number written 1,234 that shifted the values after it."""
        width = max((c + 1 for c, cell in enumerate(sheet.rows[header_row]) if cell.value is not None), default=0)
        records = getattr(sheet.rows, "records", None)
        if records is not None:  # a CSV (never merged): its rows as split, no cells made
            extra = [r for r in range(header_row + 1, len(records))
                     if len(records[r]) > width and any(map(_filled, records[r][width:]))]
            if not extra:  # no cell beyond the header, yet a row may have more fields than the others
                self._check_longer_rows(records, shown, header_row)
                return
        else:
            extra = [r for r in range(header_row + 1, len(sheet.rows)) if len(sheet.rows[r]) > width
                     and any(cell.value is not None for cell in sheet.rows[r][width:])]
        if not extra:
            return
        row = sheet.rows[extra[0]]
        column = next(c for c in range(width, len(row)) if row[c].value is not None)
        got = max(c + 1 for c, cell in enumerate(row) if cell.value is not None)
        where = Location(file=shown, sheet=sheet.name, row=extra[0] + 1, column=column_letter(column))
        if records is not None:
            # In a CSV the cells of such a row may have moved (1,234 read as 1 and 234): scoring its values
            # would be a confident answer from data that is probably misread, so the run is refused.
            self.problem(diag(where, "data.extra_cells_csv", "data.extra_cells.hint", got=got, width=width,
                              column=column_letter(column), rows=len(extra)))
            return
        # In a workbook a cell is where it was typed: a note right of the table is only ignored.
        self.warnings.append(diag(where, "data.extra_cells", "data.extra_cells_xlsx.hint", severity="warning",
                                  got=got, width=width, column=column_letter(column), rows=len(extra)))

    def _check_merged_data(self, sheet: Sheet, shown: str, header_row: int, roles: dict[str, int]) -> None:
        key_cols = {roles[k] for k in ("unit", "year", "type", "hq", "district") if k in roles}
        for r1, c1, r2, c2 in sheet.merged:
            if r2 <= header_row:
                continue
            if c1 == c2 and c1 in key_cols:
                top = sheet.rows[r1][c1] if r1 < len(sheet.rows) and c1 < len(sheet.rows[r1]) else None
                for rr in range(max(r1, header_row + 1), r2 + 1):
                    if rr < len(sheet.rows) and c1 < len(sheet.rows[rr]) and top is not None:
                        sheet.rows[rr][c1] = top  # a unit name merged down over its years
                continue
            self.problem(diag(Location(file=shown, sheet=sheet.name, row=r1 + 1, column=column_letter(c1)),
                              "data.merged_in_data", "data.merged_in_data.hint",
                              range=f"{column_letter(c1)}{r1 + 1}:{column_letter(c2)}{r2 + 1}"))

    # ----------------------------------------------------------- rows

    def _cell(self, row: list[RawCell], c: int | None) -> RawCell:
        if c is None or c >= len(row):
            return RawCell(None)
        return row[c]

    def _read_rows(self, sheet: Sheet, shown: str, header_row: int, roles: dict[str, int],
                   fields: dict[int, FieldSpec], long: bool) -> None:
        """The sheet's data rows: the key cells row by row (each distinct unit, year and field resolved once),
        then the value cells a column at a time. Problems are said in the order a cell-by-cell reading finds
        them (by row, then by column), up to the same MAX_PROBLEMS."""
        data_rows = _nonblank_rows(sheet, header_row + 1)
        if not data_rows:
            return
        keys = {k: _column(sheet, c, data_rows)[0] for k, c in roles.items()
                if k in ("unit", "year", "type", "hq", "district", "indicator")}
        self._buffer = []
        caches: tuple[dict[Any, Any], dict[Any, list[Any]], dict[Any, FieldSpec | None]] = ({}, {}, {})
        try:
            # A part of the rows at a time, each part larger than the last: the read stops after the part
            # in which the problems reach MAX_PROBLEMS (the rows below could only add problems after them),
            # so a file of refused cells costs a small multiple of the rows before its 30th problem.
            start, size = 0, FIRST_PART
            while start < len(data_rows):
                end = min(start + size, len(data_rows))
                part = data_rows if start == 0 and end == len(data_rows) else data_rows[start:end]
                part_keys = keys if part is data_rows else {k: v[start:end] for k, v in keys.items()}
                acc = self._key_rows(sheet, shown, part, roles, part_keys, long, caches)
                if acc.rows:
                    if long:
                        self._long_values(sheet, shown, roles["value"], acc)
                    else:
                        self._wide_values(sheet, shown, fields, acc)
                if len(self._buffer) + len(self.problems) >= MAX_PROBLEMS:
                    break
                start, size = end, size * 4
        finally:
            buffered, self._buffer = self._buffer, None
        buffered.sort(key=lambda item: item[0])
        for _, d in buffered:
            self.problem(d)

    def _key_rows(self, sheet: Sheet, shown: str, data_rows: list[int], roles: dict[str, int],
                  keys: dict[str, list[Any]], long: bool,
                  caches: tuple[dict[Any, Any], dict[Any, list[Any]], dict[Any, FieldSpec | None]]) -> _Accepted:
        acc = _Accepted(block=len(self.locations.blocks))
        unit_roles = [k for k in ("unit", "type", "hq", "district") if k in roles]
        units_of = keys["unit"]
        unit_keys = _keys([keys[k] for k in unit_roles])
        years_of = keys.get("year")
        year_keys = _keys([years_of]) if years_of is not None else None
        inds_of = keys.get("indicator")
        ind_keys = _keys([inds_of]) if inds_of is not None else None
        year_cache, unit_cache, ind_cache = caches  # kept from one part of the sheet's rows to the next
        unit_letter = column_letter(roles["unit"])
        width = max(roles.values()) + 1
        wide_seen = self.locations.wide
        any_long = bool(self.locations.long)
        row_refs = self.row_refs
        units = self.units
        acc_rows, acc_units, acc_years, acc_specs, again = acc.rows, acc.units, acc.years, acc.specs, acc.again
        name = sheet.name
        read = 0
        assert self._buffer is not None
        buffer = self._buffer
        try:
            for i, r in enumerate(data_rows):
                if len(buffer) + len(self.problems) >= MAX_PROBLEMS:
                    break  # what the rows below could add comes after the problems that end the read
                if units_of[i] is None:
                    self._at = (r, -1)
                    self.problem(diag(_row_loc(shown, name, r)(roles["unit"]), "data.no_unit", "data.no_unit.hint"))
                    continue
                year = self.default_year
                if year_keys is not None:
                    ykey = year_keys[i]
                    y = year_cache.get(ykey, _MISS)
                    if y is _MISS:
                        assert years_of is not None
                        try:
                            y = parse_year(years_of[i])
                        except CellProblem as exc:
                            y = exc
                        year_cache[ykey] = y
                    if y is None or isinstance(y, CellProblem):
                        self._at = (r, -1)
                        loc = _row_loc(shown, name, r)(roles["year"])
                        self.problem(diag(loc, y.key, "data.bad_year.hint", **y.params) if y is not None
                                     else diag(loc, "data.no_year", "data.bad_year.hint"))
                        continue
                    year = y
                assert year is not None
                hit = unit_cache.get(unit_keys[i])
                if hit is None:
                    self._at = (r, -1)
                    before = len(buffer)
                    row = [EMPTY_CELL] * width
                    for k in unit_roles:
                        v = keys[k][i]
                        if v is not None:
                            row[roles[k]] = RawCell(v)
                    self._defined = None
                    unit = self._resolve_unit(sheet, row, roles, _row_loc(shown, name, r))
                    if len(buffer) == before:  # no problem: the same cells give the same unit again
                        unit_cache[unit_keys[i]] = ["defined", self._defined, unit] if self._defined is not None \
                            else ["unit", None, unit]
                elif hit[0] == "defined":
                    # The unit as the data defines it, its HQ and district kept from an earlier row: the
                    # same as the last time unless another row of the same name changed it since.
                    unit = hit[2]
                    if units.get(unit.id) is not unit:
                        unit = hit[2] = self._define_unit(*hit[1])
                else:
                    unit = hit[2]
                if unit is None:
                    continue
                uy = (unit.id, year)
                if not long:
                    first = row_refs.get(uy)
                    if first is not None and first.file == shown and first.sheet == name:
                        self._at = (r, -1)
                        self.problem(diag(_row_loc(shown, name, r)(roles["unit"]), "data.duplicate_row",
                                          "data.duplicate_row.hint", unit=unit.name, year=year, other=first.row))
                        continue
                    if first is None:
                        row_refs[uy] = CellRef(shown, name, r + 1, unit_letter)
                    read += 1
                    entries = wide_seen.get(uy)
                    if entries is None:
                        wide_seen[uy] = [(acc.block, len(acc_rows))]
                        if any_long:
                            again.append(len(acc_rows))
                    else:  # the same unit and year read before (another sheet or file): its cells may be there
                        again.append(len(acc_rows))
                        entries.append((acc.block, len(acc_rows)))
                    acc_rows.append(r)
                    acc_units.append(unit)
                    acc_years.append(year)
                    continue
                assert ind_keys is not None and inds_of is not None
                spec = ind_cache.get(ind_keys[i], _MISS_SPEC)
                if spec is _MISS_SPEC:
                    iv = inds_of[i]
                    spec = self.vocab.field_for(str(iv)) if iv is not None else None
                    ind_cache[ind_keys[i]] = spec
                if spec is None:
                    iv = inds_of[i]
                    close = difflib.get_close_matches(norm_header(str(iv or "")), list(self.vocab.fields), n=1)
                    self._at = (r, -1)
                    self.problem(diag(_row_loc(shown, name, r)(roles["indicator"]), "data.unknown_indicator",
                                      "cfg.did_you_mean_value" if close else "data.unknown_indicator.hint",
                                      hint_params={"suggestion": self.vocab.fields[close[0]].name} if close else {},
                                      value=show(iv)))
                    continue
                if uy not in row_refs:
                    row_refs[uy] = CellRef(shown, name, r + 1, unit_letter)
                read += 1
                acc_rows.append(r)
                acc_units.append(unit)
                acc_years.append(year)
                acc_specs.append(spec)
        finally:
            self.rows_read[shown] = self.rows_read.get(shown, 0) + read
        return acc

    def _years_read(self, years: list[int], skipped: list[int], width: int) -> None:
        """The years of the rows with a cell read: not every one of the row's `width` cells refused or a
        duplicate (a skipped position is listed once per cell). The default year of expert marks counts
        only these, as the cell-by-cell reader did."""
        if not skipped:
            self.years_read.update(years)
            return
        bad = np.bincount(np.asarray(skipped, dtype=np.intp), minlength=len(years))
        self.years_read.update(np.asarray(years, dtype="int64")[bad < width].tolist())

    def _cell_problem(self, shown: str, sheet: Sheet, r: int, c: int, order: int, spec: FieldSpec,
                      problem: CellProblem | str) -> None:
        self._at = (r, order)
        loc = Location(file=shown, sheet=sheet.name, row=r + 1, column=column_letter(c))
        if isinstance(problem, str):  # a formula without a saved value
            self.problem(diag(loc, "data.uncached_formula", "data.uncached_formula.hint", formula=problem))
        else:
            self.problem(diag(loc, problem.key, f"{problem.key}.hint", field=spec.name, **problem.params))

    def _duplicate(self, shown: str, sheet: Sheet, r: int, c: int, order: int, spec: FieldSpec, unit: UnitInfo,
                   year: int, first: CellRef) -> None:
        self._at = (r, order)
        self.problem(diag(Location(file=shown, sheet=sheet.name, row=r + 1, column=column_letter(c)),
                          "data.duplicate_value", "data.duplicate_row.hint",
                          field=spec.name, unit=unit.name, year=year, other=first.short()))

    def _parse(self, sheet: Sheet, c: int, rows: list[int], spec: FieldSpec,
               ) -> tuple[np.ndarray, dict[int, CellProblem | str]]:
        values, formats = _column(sheet, c, rows)
        out, found = parse_column(values, formats, spec.scale, spec.yes_no)
        problems: dict[int, CellProblem | str] = dict(found)
        if sheet.formulas:
            for pos, v in enumerate(values):
                if v is None and (rows[pos], c) in sheet.formulas:
                    problems[pos] = sheet.formulas[(rows[pos], c)]
        return out, problems

    def _wide_values(self, sheet: Sheet, shown: str, fields: dict[int, FieldSpec], acc: _Accepted) -> None:
        items = list(fields.items())
        block = Block(shown, sheet.name, acc.rows, {spec.code: c for c, spec in items})
        self.locations.blocks.append(block)
        n, width = len(acc.rows), len(items)
        matrix = np.empty((n, width))
        problems: dict[tuple[int, int], CellProblem | str] = {}
        for k, (c, spec) in enumerate(items):
            out, found = self._parse(sheet, c, acc.rows, spec)
            matrix[:, k] = out
            for pos, p in found.items():
                problems[(pos, k)] = p
                block.skipped.add((pos, spec.code))
        again = self.locations.again
        duplicates: dict[tuple[int, int], CellRef] = {}
        for pos in acc.again:  # a row whose unit and year were read before: a cell may be a duplicate
            unit, year = acc.units[pos], acc.years[pos]
            for k, (_, spec) in enumerate(items):
                key = (unit.id, year, spec.code)
                first = self.locations.find(key, before=(acc.block, pos))
                if first is not None:
                    problems.pop((pos, k), None)
                    block.skipped.add((pos, spec.code))
                    duplicates[(pos, k)] = first
                elif (pos, k) not in problems:
                    again[key] = (acc.block, pos)  # read here first: a later row's lookup finds it at once
        # Messages only for the first problems by (row, column): no more can be said before the read stops.
        for pos, k in heapq.nsmallest(MAX_PROBLEMS - len(self.problems), [*problems, *duplicates]):
            c, spec = items[k]
            if (pos, k) in duplicates:
                self._duplicate(shown, sheet, acc.rows[pos], c, k, spec, acc.units[pos], acc.years[pos],
                                duplicates[(pos, k)])
            else:
                self._cell_problem(shown, sheet, acc.rows[pos], c, k, spec, problems[(pos, k)])
        self._years_read(acc.years, [pos for pos, _ in block.skipped], width)
        ids = np.array([u.id for u in acc.units], dtype=object)
        codes = np.array([spec.code for _, spec in items], dtype=object)
        # Row by row, a row's fields in column order: the order the values were always listed in.
        self.chunks.append((np.repeat(ids, width), np.repeat(np.asarray(acc.years, dtype="int64"), width),
                            np.tile(codes, n), matrix.ravel()))
        self.locations.count += n * width

    def _long_values(self, sheet: Sheet, shown: str, c: int, acc: _Accepted) -> None:
        block = Block(shown, sheet.name, acc.rows, {}, value_col=c, fields=[s.code for s in acc.specs])
        self.locations.blocks.append(block)
        n = len(acc.rows)
        values = np.empty(n)
        problems: dict[int, CellProblem | str] = {}
        groups: dict[FieldSpec, list[int]] = {}
        for pos, spec in enumerate(acc.specs):
            groups.setdefault(spec, []).append(pos)
        for spec, positions in groups.items():
            out, found = self._parse(sheet, c, [acc.rows[p] for p in positions], spec)
            values[positions] = out
            for i, p in found.items():
                problems[positions[i]] = p
        keys = list(zip([u.id for u in acc.units], acc.years, block.fields, strict=True))
        cells = self.locations.long
        fresh = dict(zip(keys, ((acc.block, pos) for pos in range(n)), strict=True)) \
            if not self.locations.wide and not problems else None
        duplicates: dict[int, CellRef] = {}
        if fresh is not None and len(fresh) == n and cells.keys().isdisjoint(fresh):
            # No cell read before, none twice: nothing to check one by one.
            if cells:
                cells.update(fresh)
            else:
                self.locations.long = fresh
        else:
            for pos, key in enumerate(keys):
                first = self.locations.find(key)
                if first is not None:
                    problems.pop(pos, None)
                    block.skipped.add((pos, key[2]))
                    duplicates[pos] = first
                elif pos in problems:
                    block.skipped.add((pos, key[2]))
                else:
                    cells[key] = (acc.block, pos)
        # Messages only for the first problems by row: no more can be said before the read stops.
        for pos in heapq.nsmallest(MAX_PROBLEMS - len(self.problems), [*problems, *duplicates]):
            spec = acc.specs[pos]
            if pos in duplicates:
                self._duplicate(shown, sheet, acc.rows[pos], c, 0, spec, acc.units[pos], acc.years[pos],
                                duplicates[pos])
            else:
                self._cell_problem(shown, sheet, acc.rows[pos], c, 0, spec, problems[pos])
        self._years_read(acc.years, [pos for pos, _ in block.skipped], 1)
        self.chunks.append((np.array([u.id for u in acc.units], dtype=object), np.asarray(acc.years, dtype="int64"),
                            np.array(block.fields, dtype=object), values))
        self.locations.count += n

    # ----------------------------------------------------------- units

    def _resolve_unit(self, sheet: Sheet, row: list[RawCell], roles: dict[str, int],
                      loc: object) -> UnitInfo | None:
        assert callable(loc)
        raw_name = norm_text(str(self._cell(row, roles["unit"]).value))
        if len(raw_name) > MAX_NAME_CHARS:  # a name goes into every message, chart label and hint
            self.problem(diag(loc(roles["unit"]), "data.name_too_long", "data.name_too_long.hint",
                              hint_params={"limit": MAX_NAME_CHARS}, chars=len(raw_name), limit=MAX_NAME_CHARS))
            return None
        key = norm_header(raw_name)
        known = self.vocab.units.get(key)
        if known is not None:
            self.units.setdefault(known.id, known)
            return known
        kind = self._kind(sheet, row, roles, loc)
        if kind is False:
            return None
        registry_has_campuses = self.vocab.has_campuses
        if kind is None or (registry_has_campuses and kind == "campus" and "hq" not in roles):
            # Suggest only units of the kind the sheet or type column says: a campus sheet suggests campuses.
            names = sorted({u.name for u in self.vocab.units.values() if kind is None or u.kind == kind}) or \
                sorted({u.name for u in self.vocab.units.values()})
            close = closest(raw_name, names)
            if names:
                self.problem(diag(loc(roles["unit"]), "data.unknown_unit",
                                  "cfg.did_you_mean" if close else "cfg.allowed_keys",
                                  hint_params={"suggestion": close[0] if close else "", "allowed": "、".join(names)},
                                  unit=show(raw_name)))
            else:
                self.problem(diag(loc(roles["unit"]), "data.unknown_kind", "data.unknown_kind.hint",
                                  unit=show(raw_name)))
            return None
        covered_kind = registry_has_campuses if kind == "campus" else any(
            u.kind == kind for u in self.vocab.units.values())
        if covered_kind:
            # A unit of a kind the targets file lists, but not one of its units: another district's
            # campus (or HQ) in a city-wide file, or a name written differently. Skipped, said once,
            # with the closest name of the same kind in case it is a misspelling.
            if raw_name not in self.ignored_units:
                self.ignored_units.add(raw_name)
                same = sorted({u.name for u in self.vocab.units.values() if u.kind == kind})
                close = closest(raw_name, same)
                self.warnings.append(diag(loc(roles["unit"]), "data.unit_not_covered",
                                          "cfg.did_you_mean" if close else None, severity="warning",
                                          hint_params={"suggestion": close[0], "allowed": "、".join(same)}
                                          if close else None,
                                          unit=raw_name, kind=t(f"subject.{kind}", "zh"),
                                          kind_en=t(f"subject.{kind}", "en")))
            return None
        # A unit the data itself defines goes into every output by its name: no control or bidi characters.
        for role in ("unit", "hq", "district") if kind == "campus" else ("unit",):
            text = norm_text(str(self._cell(row, roles.get(role)).value or ""))
            if UNSAFE_NAME.search(text):
                self.problem(diag(loc(roles[role]), "data.name_unsafe", "data.name_unsafe.hint",
                                  name=visible(show(text))))
                return None
        unit_id = raw_name
        hq = district = None
        if kind == "campus":
            hq = self._ref_unit(row, roles.get("hq"), "hq")
            district = self._ref_unit(row, roles.get("district"), "locality")
        self._defined = (unit_id, kind, raw_name, hq, district)
        return self._define_unit(unit_id, kind, raw_name, hq, district)

    def _define_unit(self, unit_id: str, kind: UnitKind, raw_name: str, hq: str | None,
                     district: str | None) -> UnitInfo:
        """A unit the data defines, its HQ and district kept from an earlier row that named them."""
        existing = self.units.get(unit_id)
        unit = UnitInfo(unit_id, kind, raw_name, hq, district)
        if existing is not None and existing.kind == "campus" and kind == "campus":
            unit = UnitInfo(unit_id, kind, raw_name, hq or existing.hq, district or existing.district)
        self.units[unit_id] = unit
        return unit

    def _ref_unit(self, row: list[RawCell], c: int | None, kind: UnitKind) -> str | None:
        cell = self._cell(row, c)
        if cell.value is None:
            return None
        name = norm_text(str(cell.value))
        known = self.vocab.units.get(norm_header(name))
        if known is not None:
            self.units.setdefault(known.id, known)
            return known.id
        self.units.setdefault(name, UnitInfo(name, kind, name))
        return name

    def _kind(self, sheet: Sheet, row: list[RawCell], roles: dict[str, int],
              loc: object) -> UnitKind | Literal[False] | None:
        assert callable(loc)
        if "type" in roles:
            cell = self._cell(row, roles["type"])
            if cell.value is not None:
                word = norm_header(str(cell.value))
                if word in KIND_WORDS:
                    return KIND_WORDS[word]
                self.problem(diag(loc(roles["type"]), "data.bad_kind", "data.bad_kind.hint", value=show(cell.value)))
                return False
        # The sheet's name says the kind (院区, 总院); a CSV has none, so its file name may (hq.csv, 总院.csv).
        name = sheet.name if sheet.name is not None else Path(self._shown).stem
        return KIND_WORDS.get(norm_header(_PAREN.sub("", name)))


_MISS = object()
_MISS_SPEC = FieldSpec("", "", False, "")  # not in a cache (a spec no header gives)
EMPTY_CELL = RawCell(None)


@dataclass
class _Accepted:
    """The rows of a sheet whose unit and year were read: their sheet rows, units, years (and long: fields)."""

    block: int
    rows: list[int] = field(default_factory=list)
    units: list[UnitInfo] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    specs: list[FieldSpec] = field(default_factory=list)
    again: list[int] = field(default_factory=list)  # positions whose unit and year were read before

    def add(self, r: int, unit: UnitInfo, year: int) -> None:
        self.rows.append(r)
        self.units.append(unit)
        self.years.append(year)


def _keys(columns: list[list[Any]]) -> list[Any]:
    """A key per row for caching what the cells of `columns` give: the values themselves, with their types
    when any is not text (1, 1.0 and True are equal keys in a dict, but not the same cell)."""
    if all(set(map(type, col)) <= {str, type(None)} for col in columns):
        return list(zip(*columns, strict=True)) if len(columns) != 1 else list(columns[0])
    return list(zip(*[list(zip(map(type, col), col, strict=True)) for col in columns], strict=True))


def _row_loc(shown: str, sheet: str | None, r: int) -> Callable[[int | None], Location]:
    def loc(c: int | None) -> Location:
        return Location(file=shown, sheet=sheet, row=r + 1, column=column_letter(c) if c is not None else None)
    return loc


def _nonblank_rows(sheet: Sheet, start: int) -> list[int]:
    """The rows from `start` holding any value (a blank row is skipped, as Excel users expect)."""
    fast = getattr(sheet.rows, "nonblank", None)
    if fast is not None:
        found: list[int] = fast(start)
        return found
    rows = sheet.rows
    return [r for r in range(start, len(rows)) if any(c.value is not None for c in rows[r])]


def _column(sheet: Sheet, c: int, rows: list[int]) -> tuple[list[Any], list[str] | None]:
    """The values (None for blank) and number formats of column `c` in `rows`; formats None from a CSV."""
    fast = getattr(sheet.rows, "column", None)
    if fast is not None:
        values: list[Any] = fast(c, rows)
        return values, None
    grid = sheet.rows
    cells = [row[c] if c < len(row) else EMPTY_CELL for row in map(grid.__getitem__, rows)]
    return [x.value for x in cells], [x.number_format for x in cells]


def _fill_merged_header(sheet: Sheet) -> None:
    """Give every cell of a merged header range the range's text, so 单位 merged over two rows is found."""
    for r1, c1, r2, c2 in sheet.merged:
        if r1 >= HEADER_SCAN_ROWS or r1 >= len(sheet.rows):
            continue
        top = sheet.rows[r1][c1] if c1 < len(sheet.rows[r1]) else None
        if top is None or top.value is None:
            continue
        for rr in range(r1, min(r2, HEADER_SCAN_ROWS - 1) + 1):
            if rr >= len(sheet.rows):
                break
            row = sheet.rows[rr]
            for cc in range(c1, c2 + 1):
                if cc < len(row) and row[cc].value is None and r2 > r1 and c1 == c2:
                    row[cc] = top  # vertical merges only: a group title over many columns names none of them


def read_data(paths: Iterable[str | Path], eff: EffectiveTable, *, year: int | None = None,
              layout: Layout = "auto") -> Dataset:
    """Read data files (CSV, xlsx) into a Dataset; DataError with every problem found (up to 30)."""
    if year is not None:
        check_year(year)
    reader = _Reader(Vocabulary.of(eff), default_year=year, layout=layout)
    experts = ExpertReader(eff, reader.problem)
    files: list[DataFile] = []
    given: dict[Path, str] = {}
    for p in paths:
        path = Path(p)
        shown = str(p)
        same = _resolved(path)
        if same in given:  # read twice, every row would be a duplicate of itself
            raise DataError([diag(Location(file=shown), "data.file_twice", "data.file_twice.hint", other=given[same])])
        given[same] = shown
        sheets, raw = open_data_file(path, shown)
        files.append(DataFile(shown, hashlib.sha256(raw).hexdigest()))
        reader._shown = shown
        reader.no_unit_header = None
        read_any = False
        for sheet in sheets:
            if sheet.hidden:
                if any(c.value is not None for row in sheet.rows for c in row):
                    reader.warnings.append(diag(Location(file=shown, sheet=sheet.name), "data.hidden_sheet",
                                                "data.hidden_sheet.hint", severity="warning"))
                continue
            panel = find_expert_header(sheet)
            if panel is not None:  # a 专家评分 sheet: marks per reviewer, not a year's figures
                before = len(experts.marks)
                experts.read(sheet, shown, *panel)
                reader.sheets.append(SheetRead(shown, sheet.name, len(experts.marks) - before))
                read_any = True
                reader.rows_read.setdefault(shown, 1)
                continue
            read_any |= reader.read_sheet(sheet, shown)
        if not read_any and reader.no_unit_header is not None:
            reader.problem(diag(reader.no_unit_header, "data.no_unit_column", "data.no_unit_column.hint"))
        elif not read_any:
            sheet_names = [s.name for s in sheets if s.name]
            reader.problem(diag(Location(file=shown), "data.no_header_in_sheets" if sheet_names else "data.no_header",
                                "data.no_header.hint", hint_params={"examples": "、".join(reader.vocab.display[:3])},
                                sheets="、".join(sheet_names)))
        elif not reader.rows_read.get(shown) and not reader.problems:
            reader.problem(diag(Location(file=shown), "data.no_rows", "data.no_rows.hint"))
    marks = experts.finish(reader.units, reader.vocab.units, year, sorted(reader.years_read))
    if reader.problems:
        raise DataError(reader.problems)
    if reader.unknown_headers:
        reader.warnings.append(unknown_columns_warning(reader.unknown_headers))
    if any(len(chunk[3]) for chunk in reader.chunks):
        values = pd.DataFrame({
            "unit": np.concatenate([chunk[0] for chunk in reader.chunks]),
            "year": np.concatenate([chunk[1] for chunk in reader.chunks]),
            "field": np.concatenate([chunk[2] for chunk in reader.chunks]),
            "value": np.concatenate([chunk[3] for chunk in reader.chunks]).astype("float64"),
        })
    else:
        values = empty_values()
    return Dataset(values=values, units=reader.units, refs=CellRefs(reader.locations), files=files,
                   warnings=reader.warnings, sheets=reader.sheets, unknown_headers=reader.unknown_headers,
                   experts=marks)


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # a loop, a NUL byte, an unreadable path: the opening says so
        return path


def unknown_columns_warning(headers: list[UnknownHeader], most: int = 20) -> Diagnostic:
    """One warning for every header that names nothing: at the header row when they share one sheet."""
    places = {(h.location.file, h.location.sheet, h.location.row) for h in headers}
    if len(places) == 1:
        first = headers[0].location
        where = Location(file=first.file, sheet=first.sheet, row=first.row)
        listed = [f"{h.text} ({h.location.column})" for h in headers[:most]]
    else:
        where = Location()
        listed = [f"{h.text} ({h.location.file} {h.location.sheet + '!' if h.location.sheet else ''}"
                  f"{h.location.column})" for h in headers[:most]]
    more = f" …(+{len(headers) - most})" if len(headers) > most else ""
    return diag(where, "data.unknown_columns", "data.unknown_columns.hint", severity="warning",
                columns=", ".join(listed) + more)
