"""The input workbook: a sheet per subject with a column per field the effective table needs, notes and validation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campuseval.config.effective import EffectiveTable
from campuseval.config.models import LocalText
from campuseval.i18n import Lang, t
from campuseval.years import YEAR_MAX, YEAR_MIN, check_year

SHEETS = ("campus", "hq", "locality")
SUBJECTS = {"campus": ("campus", "both"), "hq": ("hq", "both"), "locality": ("locality",)}
SCALE_UNIT = {"percent": "%", "fraction": "0-1", "days": "天"}


@dataclass(frozen=True)
class TemplateField:
    code: str
    name: LocalText
    scale: str
    unit: str
    definition: str
    used_by: tuple[str, ...]
    yes_no: bool


def template_fields(eff: EffectiveTable, sheet: str) -> list[TemplateField]:
    """Fields a sheet asks for: raw fields of formula indicators, the indicator itself otherwise."""
    raw = {r.code: r for r in eff.raw_fields}
    out: dict[str, TemplateField] = {}
    users: dict[str, list[str]] = {}
    for ind in eff.indicators:
        s = ind.spec
        if s.subject not in SUBJECTS[sheet] or s.rule.type == "expert":
            continue  # an expert-scored indicator's marks go to the 专家评分 sheet
        if s.formula:
            from campuseval import formula

            for name in sorted(formula.parse(s.formula).names, key=_order(s.formula)):
                users.setdefault(name, []).append(s.code)
                r = raw[name]
                out.setdefault(name, TemplateField(
                    name, r.name, r.scale, r.unit.zh if r.unit else SCALE_UNIT.get(r.scale, ""),
                    r.definition.zh if r.definition else r.name.zh, (), False))
        else:
            users.setdefault(s.code, []).append(s.code)
            out.setdefault(s.code, TemplateField(
                s.code, s.name, s.scale, s.unit.zh if s.unit else SCALE_UNIT.get(s.scale, ""), s.definition.zh, (),
                s.rule.type in ("yes_no", "veto")))
    return [TemplateField(f.code, f.name, f.scale, f.unit, f.definition, tuple(users[c]), f.yes_no)
            for c, f in out.items()]


def _order(text: str) -> Any:
    return lambda name: text.find(name)


def sheet_title(eff: EffectiveTable, sheet: str, lang: Lang) -> str:
    """院区/总院/属地, or the table's own word for its units (医疗中心, 医共体) on the first sheet."""
    if sheet == "campus" and eff.table.entity.zh != "院区":
        return eff.table.entity.get(lang)[:31]  # Excel's limit for sheet names
    return t(f"tpl.sheet.{sheet}", lang)


def header_text(f: TemplateField, lang: Lang) -> str:
    name = f.name.get(lang)
    if f.yes_no:
        return f"{name}（{t('tpl.yes_no', lang)}）"
    return f"{name}（{f.unit}）" if f.unit else name


def write_template(eff: EffectiveTable, path: Path, *, years: list[int] | None = None, lang: Lang = "zh") -> None:
    """Write the input workbook for `eff` to `path` (the caller makes it atomic)."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    info = wb.active
    info.title = t("tpl.sheet.readme", lang)
    years = sorted(set(check_year(y) for y in years or eff.years or []))
    if years and any(i.spec.rule.type == "change_vs_previous" for i in eff.indicators) and years[0] - 1 not in years \
            and years[0] > YEAR_MIN:
        # Change rules compare with last year: without its rows those indicators score nothing.
        years.insert(0, years[0] - 1)
    units = _units(eff, lang)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for sheet in SHEETS:
        fields = template_fields(eff, sheet)
        if not fields:
            continue
        ws = wb.create_sheet(sheet_title(eff, sheet, lang))
        headers = [t("tpl.col.unit", lang), t("tpl.col.year", lang)] + [header_text(f, lang) for f in fields]
        ws.append(headers)
        for c, cell in enumerate(ws[1]):
            cell.font = bold
            cell.fill = fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if c >= 2:
                f = fields[c - 2]
                note = t("tpl.note", lang, code=f.code, definition=f.definition, scale=t(f"scale.{f.scale}", lang),
                         used_by=", ".join(f.used_by))
                cell.comment = Comment(note, "campuseval", width=320, height=160)
        prefill: list[int | None] = list(years) if years else [None]
        for name in units[sheet]:
            for year in prefill:
                ws.append([name, year])
        last = max(ws.max_row, 200)
        for c, f in enumerate(fields, start=3):
            col = get_column_letter(c)
            dv = _validation(f, lang, DataValidation, f"{col}2")
            if dv is not None:
                ws.add_data_validation(dv)
                dv.add(f"{col}2:{col}{last}")
        year_dv = DataValidation(type="whole", operator="between", formula1=str(YEAR_MIN), formula2=str(YEAR_MAX),
                                 allow_blank=True, showErrorMessage=True,
                                 error=t("tpl.err.year", lang), errorTitle="campuseval")
        ws.add_data_validation(year_dv)
        year_dv.add(f"B2:B{last}")
        ws.freeze_panes = "C2"
        ws.row_dimensions[1].height = 48
        ws.column_dimensions["A"].width = 30
        ws.column_dimensions["B"].width = 8
        for c in range(3, len(headers) + 1):
            ws.column_dimensions[get_column_letter(c)].width = 18
    from campuseval.data.experts import write_expert_sheet

    write_expert_sheet(wb, eff, lang, years)
    _readme(info, eff, lang, bold)
    wb.properties.creator = "campuseval"
    wb.save(path)


def _validation(f: TemplateField, lang: Lang, cls: Any, cell: str = "C2") -> Any:
    """Excel validation for one column, whose first data cell is `cell`. Numbers in range pass, and so do
    the words for "missing" that the instructions ask for (- and 无): a decimal rule would refuse them."""
    common = {"allow_blank": True, "showErrorMessage": True, "errorTitle": "campuseval"}
    if f.yes_no:
        return cls(type="list", formula1='"是,否"' if lang == "zh" else '"yes,no"',
                   error=t("tpl.err.yes_no", lang), **common)
    bounds = {"percent": ("0", "100", "tpl.err.percent"), "fraction": ("0", "1", "tpl.err.fraction")}
    if f.scale in bounds:
        lo, hi, err = bounds[f.scale]
        test = f"AND(ISNUMBER({cell}),{cell}>={lo},{cell}<={hi})"
    elif f.scale in ("count", "days", "level", "money"):
        test, err = f"AND(ISNUMBER({cell}),{cell}>=0)", "tpl.err.negative"
    else:
        return None
    missing = f'OR(TRIM({cell})="-",TRIM({cell})="无")'
    return cls(type="custom", formula1=f"OR({test},{missing})", error=t(err, lang), **common)


def _units(eff: EffectiveTable, lang: Lang) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"campus": [], "hq": [], "locality": []}
    for c in eff.campuses:
        out["campus"].append(c.name.zh)
        if c.hq and c.hq.name.zh not in out["hq"]:
            out["hq"].append(c.hq.name.zh)
        if c.district and c.district.name.zh not in out["locality"]:
            out["locality"].append(c.district.name.zh)
    return out


def _readme(ws: Any, eff: EffectiveTable, lang: Lang, bold: Any) -> None:
    title = eff.table.name.get(lang) + (f" - {eff.locality.name.get(lang)}" if eff.locality else "")
    ws.append([title])
    ws["A1"].font = bold
    ws.append([])
    for n in range(1, 9):
        ws.append([t(f"tpl.readme.{n}", lang)])
    ws.column_dimensions["A"].width = 110
