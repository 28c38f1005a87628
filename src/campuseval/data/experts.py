"""Reading expert panel marks (专家评分 sheet or CSV): one row per unit, indicator and reviewer, checked."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from campuseval.config.effective import EffectiveTable
from campuseval.data.cells import CellProblem, RawCell, column_letter, norm_text, parse_cell, parse_year, show
from campuseval.data.dataset import CellRef, UnitInfo
from campuseval.data.sources import Sheet
from campuseval.errors import Diagnostic, Location, diag
from campuseval.expert import MIN_TRIMMED, ExpertMark
from campuseval.formatting import num
from campuseval.i18n import Lang, t

SHEET_NAME = "专家评分"
HEADER_SCAN_ROWS = 15
ROLES: dict[str, tuple[str, ...]] = {
    "unit": ("单位", "单位名称", "院区", "院区名称", "被评价单位", "unit", "campus"),
    "indicator": ("指标", "指标代码", "指标名称", "评价项目", "indicator", "code"),
    "score": ("分数", "评分", "得分", "专家评分", "score", "mark"),
    "reviewer": ("评审人", "评审专家", "专家", "专家姓名", "评委", "reviewer", "expert"),
    "remark": ("备注", "说明", "评语", "remark", "note", "comment"),
    "year": ("年份", "年度", "评价年度", "year"),
}
REQUIRED = ("unit", "indicator", "score", "reviewer")


def _key(text: object) -> str:
    return norm_text(str(text)).lower().replace(" ", "").replace("*", "")


_ALIASES = {_key(a): role for role, names in ROLES.items() for a in names}


def find_header(sheet: Sheet) -> tuple[int, dict[str, int]] | None:
    """The header row and column of each role when the sheet is an expert-mark sheet (it names a reviewer, or
    a score and an indicator column); None for any other sheet."""
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        roles: dict[str, int] = {}
        for c, cell in enumerate(row):
            if cell.value is None:
                continue
            role = _ALIASES.get(_key(cell.value))
            if role is not None:
                roles.setdefault(role, c)
        # A data sheet never names a reviewer, nor a score beside an indicator column; with one or the
        # other the sheet is marks, and `read` says which required column it lacks.
        if "reviewer" in roles or ("score" in roles and "indicator" in roles):
            return r, roles
    return None


@dataclass
class RawMark:
    """A mark as written, before its unit is known: units may be described in sheets read later."""

    unit: str
    code: str
    year: int | None
    mark: ExpertMark
    where: Location


@dataclass
class ExpertReader:
    """Collects the marks of every expert sheet of one read, then checks them as a whole."""

    eff: EffectiveTable
    problem: Callable[[Diagnostic], None]
    marks: list[RawMark] = field(default_factory=list)
    sheets: int = 0

    def expert_codes(self) -> dict[str, str]:
        """Every way a header may name an expert-scored indicator (code, zh, en) -> its code."""
        out: dict[str, str] = {}
        for ind in self.eff.indicators:
            if ind.spec.rule.type == "expert":
                for name in (ind.code, ind.spec.name.zh, ind.spec.name.en or ""):
                    if name:
                        out[_key(name)] = ind.code
        return out

    def read(self, sheet: Sheet, shown: str, header_row: int, roles: dict[str, int]) -> None:
        self.sheets += 1
        missing = [r for r in REQUIRED if r not in roles]
        if missing:
            self.problem(diag(Location(file=shown, sheet=sheet.name, row=header_row + 1), "data.expert_columns",
                              "data.expert_columns.hint", columns="、".join(ROLES[r][0] for r in missing)))
            return
        codes = self.expert_codes()
        dropped = {_key(n) for d in self.eff.dropped for n in (d.code, d.name.zh, d.name.en or "") if n}
        for r in range(header_row + 1, len(sheet.rows)):
            row = sheet.rows[r]

            def cell(role: str, row: list[RawCell] = row) -> RawCell:
                c = roles.get(role)
                return row[c] if c is not None and c < len(row) else RawCell(None)

            def loc(role: str, r: int = r) -> Location:
                return Location(file=shown, sheet=sheet.name, row=r + 1, column=column_letter(roles[role]))

            if all(cell(role).value is None for role in roles):
                continue
            if cell("score").value is None and cell("reviewer").value is None:
                continue  # a template row never filled in: no mark given (the engine flags it missing)
            unit = norm_text(str(cell("unit").value or ""))
            if not unit:
                self.problem(diag(loc("unit"), "data.expert_blank", "data.expert_blank.hint", what=ROLES["unit"][0]))
                continue
            indicator = norm_text(str(cell("indicator").value or ""))
            code = codes.get(_key(indicator))
            if code is None and _key(indicator) in dropped:
                continue  # this locality dropped the indicator: its marks are simply not used
            if code is None:
                names = ", ".join(dict.fromkeys(codes.values())) or "-"
                self.problem(diag(loc("indicator"), "data.expert_unknown_indicator",
                                  "data.expert_unknown_indicator.hint", hint_params={"codes": names},
                                  indicator=show(indicator)))
                continue
            reviewer = norm_text(str(cell("reviewer").value or ""))
            if not reviewer:
                self.problem(diag(loc("reviewer"), "data.expert_blank", "data.expert_blank.hint",
                                  what=ROLES["reviewer"][0]))
                continue
            try:
                score = parse_cell(cell("score"), "count", False)
            except CellProblem as exc:
                self.problem(diag(loc("score"), exc.key, f"{exc.key}.hint", field=ROLES["score"][0], **exc.params))
                continue
            points = self.eff.indicator(code).spec.points
            if score is None:
                self.problem(diag(loc("score"), "data.expert_blank", "data.expert_blank.hint",
                                  what=ROLES["score"][0]))
                continue
            if score < 0 or score > points:
                self.problem(diag(loc("score"), "data.expert_out_of_range", "data.expert_out_of_range.hint",
                                  hint_params={"points": num(points)}, score=num(score, 6), points=num(points),
                                  indicator=code))
                continue
            year: int | None = None
            if "year" in roles:
                try:
                    year = parse_year(cell("year").value)
                except CellProblem as exc:
                    self.problem(diag(loc("year"), exc.key, "data.bad_year.hint", **exc.params))
                    continue
            remark = norm_text(str(cell("remark").value)) if cell("remark").value is not None else ""
            ref = CellRef(shown, sheet.name, r + 1, column_letter(roles["score"]))
            self.marks.append(RawMark(unit, code, year, ExpertMark(reviewer, score, remark, ref), loc("unit")))

    def finish(self, units: dict[str, UnitInfo], vocab_units: dict[str, UnitInfo], default_year: int | None,
               years: list[int]) -> dict[tuple[str, int, str], list[ExpertMark]]:
        """Resolve units and years, refuse a reviewer twice, and count reviewers for trimmed means."""
        from campuseval.data.read import norm_header

        by_name = {norm_header(u.name): u for u in units.values()} | {norm_header(u.id): u for u in units.values()}
        by_name |= vocab_units
        year_default = default_year if default_year is not None else (max(years) if years else None)
        out: dict[tuple[str, int, str], list[ExpertMark]] = {}
        first: dict[tuple[str, int, str, str], Location] = {}
        for m in self.marks:
            unit = by_name.get(norm_header(m.unit))
            if unit is None or unit.kind != "campus":
                self.problem(diag(m.where, "data.expert_unknown_unit", "data.expert_unknown_unit.hint",
                                  hint_params={"units": "、".join(sorted({u.name for u in by_name.values()
                                                                          if u.kind == "campus"})) or "-"},
                                  unit=show(m.unit)))
                continue
            year = m.year if m.year is not None else year_default
            if year is None or year not in years:
                continue  # no data rows for that year: nothing is scored for it, so its marks are not used
            key = (unit.id, year, m.code)
            seen = (*key, m.mark.reviewer)
            if seen in first:
                prev = first[seen]
                where = f"{prev.file}:{prev.sheet + '!' if prev.sheet else ''}{prev.column}{prev.row}"
                self.problem(diag(m.where, "data.expert_duplicate", "data.expert_duplicate.hint",
                                  hint_params={"first": where}, reviewer=m.mark.reviewer,
                                  unit=unit.name, indicator=m.code, year=year))
                continue
            first[seen] = m.where
            out.setdefault(key, []).append(m.mark)
        for marks in out.values():
            marks.sort(key=lambda m: m.reviewer)  # row order in the sheet changes nothing
        for (unit_id, year, code), marks in out.items():
            rule = self.eff.indicator(code).spec.rule
            if rule.type == "expert" and rule.combine == "trimmed_mean" and len(marks) < MIN_TRIMMED:
                ref = marks[0].ref
                self.problem(diag(ref.location() if ref else Location(), "data.expert_too_few",
                                  "data.expert_too_few.hint", n=len(marks), indicator=code,
                                  unit=units[unit_id].name if unit_id in units else unit_id, year=year,
                                  min=MIN_TRIMMED))
        return out


def write_expert_sheet(wb: Any, eff: EffectiveTable, lang: Lang, years: list[int]) -> None:
    """The 专家评分 sheet of the input workbook: one row per campus and expert-scored indicator to copy per
    reviewer, the score limited to 0..points; nothing when the table has no expert-scored indicator."""
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    experts = [i for i in eff.indicators if i.spec.rule.type == "expert"]
    if not experts:
        return
    ws = wb.create_sheet(t("tpl.sheet.expert", lang))
    ws.append([t(f"tpl.expert.{k}", lang) for k in ("unit", "indicator", "score", "reviewer", "remark", "year")])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    year = max(years) if years else None
    checks = {}
    for ind in experts:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=num(ind.spec.points),
                            allow_blank=True, showErrorMessage=True, errorTitle="campuseval",
                            error=t("tpl.err.expert", lang, points=num(ind.spec.points)))
        ws.add_data_validation(dv)
        checks[ind.code] = dv
    for c in eff.campuses:
        for ind in experts:
            ws.append([c.name.zh, ind.code, None, None, None, year])
            checks[ind.code].add(f"C{ws.max_row}")
    ws.append([])
    ws.append([t("tpl.expert.note", lang)])
    for col, width in zip("ABCDEF", (30, 12, 10, 14, 30, 8), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
