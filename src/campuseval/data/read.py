"""Reading a year's data files into a Dataset: headers by code or Chinese name, wide or long layout, units resolved."""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from campuseval.config.effective import EffectiveTable
from campuseval.data.cells import CellProblem, RawCell, column_letter, norm_text, parse_cell, parse_year, show
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
from campuseval.data.sources import Sheet, open_data_file
from campuseval.errors import DataError, Diagnostic, Location, diag
from campuseval.i18n import t
from campuseval.safetext import visible
from campuseval.years import check_year

Layout = Literal["auto", "wide", "long"]
MAX_PROBLEMS = 30
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
    refs: dict[tuple[str, int, str], CellRef] = field(default_factory=dict)
    row_refs: dict[tuple[str, int], CellRef] = field(default_factory=dict)
    rows_read: dict[str, int] = field(default_factory=dict)  # per file: one unit's data may span several files
    units: dict[str, UnitInfo] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    ignored_units: set[str] = field(default_factory=set)
    no_unit_header: Location | None = None  # a header row that names fields but has no unit column
    sheets: list[SheetRead] = field(default_factory=list)
    unknown_headers: list[UnknownHeader] = field(default_factory=list)

    def problem(self, d: Diagnostic) -> None:
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
        before = self.rows_read.get(shown, 0)
        for r in range(header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]
            if all(c.value is None for c in row):
                continue
            self._read_row(sheet, shown, r, row, roles, fields, long)
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

    def _read_row(self, sheet: Sheet, shown: str, r: int, row: list[RawCell], roles: dict[str, int],
                  fields: dict[int, FieldSpec], long: bool) -> None:
        def loc(c: int | None) -> Location:
            return Location(file=shown, sheet=sheet.name, row=r + 1,
                            column=column_letter(c) if c is not None else None)

        unit_cell = self._cell(row, roles.get("unit"))
        if unit_cell.value is None:
            self.problem(diag(loc(roles["unit"]), "data.no_unit", "data.no_unit.hint"))
            return
        year = self.default_year
        if "year" in roles:
            try:
                y = parse_year(self._cell(row, roles["year"]).value)
            except CellProblem as exc:
                self.problem(diag(loc(roles["year"]), exc.key, "data.bad_year.hint", **exc.params))
                return
            if y is None:
                self.problem(diag(loc(roles["year"]), "data.no_year", "data.bad_year.hint"))
                return
            year = y
        assert year is not None
        unit = self._resolve_unit(sheet, row, roles, loc)
        if unit is None:
            return
        row_ref = CellRef(shown, sheet.name, r + 1, column_letter(roles["unit"]))
        if not long:
            first = self.row_refs.get((unit.id, year))
            if first is not None and first.file == shown and first.sheet == sheet.name:
                self.problem(diag(loc(roles["unit"]), "data.duplicate_row", "data.duplicate_row.hint",
                                  unit=unit.name, year=year, other=first.row))
                return
            self.row_refs.setdefault((unit.id, year), row_ref)
            self.rows_read[shown] = self.rows_read.get(shown, 0) + 1
            for c, spec in fields.items():
                self._value(sheet, r, c, spec, unit, year, row, loc)
            return
        ind_cell = self._cell(row, roles["indicator"])
        ind_spec = self.vocab.field_for(str(ind_cell.value)) if ind_cell.value is not None else None
        if ind_spec is None:
            close = difflib.get_close_matches(norm_header(str(ind_cell.value or "")), list(self.vocab.fields), n=1)
            self.problem(diag(loc(roles["indicator"]), "data.unknown_indicator",
                              "cfg.did_you_mean_value" if close else "data.unknown_indicator.hint",
                              hint_params={"suggestion": self.vocab.fields[close[0]].name} if close else {},
                              value=show(ind_cell.value)))
            return
        self.row_refs.setdefault((unit.id, year), row_ref)
        self.rows_read[shown] = self.rows_read.get(shown, 0) + 1
        self._value(sheet, r, roles["value"], ind_spec, unit, year, row, loc)

    def _value(self, sheet: Sheet, r: int, c: int, spec: FieldSpec, unit: UnitInfo, year: int,
               row: list[RawCell], loc: Callable[[int | None], Location]) -> None:
        # Runs once per cell: a Location is built only when there is something to report.
        cell = self._cell(row, c)
        key = (unit.id, year, spec.code)
        if key in self.refs:
            first = self.refs[key]
            self.problem(diag(loc(c), "data.duplicate_value", "data.duplicate_row.hint",
                              field=spec.name, unit=unit.name, year=year, other=first.short()))
            return
        if cell.value is None and (r, c) in sheet.formulas:
            self.problem(diag(loc(c), "data.uncached_formula", "data.uncached_formula.hint",
                              formula=sheet.formulas[(r, c)]))
            return
        try:
            value = parse_cell(cell, spec.scale, spec.yes_no)
        except CellProblem as exc:
            self.problem(diag(loc(c), exc.key, f"{exc.key}.hint", field=spec.name, **exc.params))
            return
        self.refs[key] = CellRef(self._shown, sheet.name, r + 1, column_letter(c))
        self.records.append((unit.id, year, spec.code, float("nan") if value is None else value))

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
        registry_has_campuses = any(u.kind == "campus" for u in self.vocab.units.values())
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
        existing = self.units.get(unit_id)
        hq = district = None
        if kind == "campus":
            hq = self._ref_unit(row, roles.get("hq"), "hq")
            district = self._ref_unit(row, roles.get("district"), "locality")
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
    marks = experts.finish(reader.units, reader.vocab.units, year, sorted({r[1] for r in reader.records}))
    if reader.problems:
        raise DataError(reader.problems)
    if reader.unknown_headers:
        reader.warnings.append(unknown_columns_warning(reader.unknown_headers))
    if reader.records:
        values = pd.DataFrame(reader.records, columns=["unit", "year", "field", "value"])
        values["year"] = values["year"].astype("int64")
    else:
        values = empty_values()
    return Dataset(values=values, units=reader.units, refs=reader.refs, files=files, warnings=reader.warnings,
                   sheets=reader.sheets, unknown_headers=reader.unknown_headers, experts=marks)


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
