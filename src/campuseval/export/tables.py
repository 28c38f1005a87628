"""Results as tables: summary and indicator detail, written as CSV (utf-8-sig) or a formatted xlsx workbook."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campuseval import formatting
from campuseval.i18n import Lang, t
from campuseval.results import Results
from campuseval.runinfo import incomplete_lines
from campuseval.safetext import xlsx_safe

# A cell starting with one of these is run as a formula by Excel, LibreOffice and WPS
# (CSV injection): `=HYPERLINK(...)`, `+cmd|...`, `@SUM(...)`, and `-` before a formula.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Prefix `'` to text that a spreadsheet would run as a formula; numbers pass unchanged."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


@dataclass
class Column:
    key: str
    kind: str = "text"  # text, int, score (indicator places), total (total places), value (row's scale), ratio
    width: int = 12


def headers_for(cols: list[Column], results: Results, lang: Lang) -> list[str]:
    """Column headers in `lang`, speaking of the table's own units (医疗中心, 医共体) where it has them."""
    entity = results.method.entity
    campus_word = entity.zh == "院区"
    out = []
    for c in cols:
        if c.key in ("campus", "campus_id", "value") and not campus_word:
            out.append(t(f"col.unit_{c.key}", lang, entity=getattr(entity, lang)))
        else:
            out.append(t(f"col.{c.key}", lang))
    return out


def target_cell(target: Any, comparison: str | None, scale: str) -> Any:
    """A plain number stays a number; a range or a comparison (> 35) is written as text."""
    if isinstance(target, int | float) and comparison is None:
        return target
    return None if target is None else formatting.target(target, scale, comparison)


SUMMARY_COLUMNS = [Column("rank", "int", 6), Column("campus_id", "text", 14), Column("campus", "text", 28),
                   Column("hq", "text", 26), Column("district", "text", 12), Column("total", "total", 9),
                   Column("max_total", "total", 8), Column("rate", "rate", 9), Column("status", "text", 10)]
DETAIL_COLUMNS = [Column("campus_id", "text", 14), Column("campus", "text", 26), Column("part", "text", 6),
                  Column("indicator", "text", 8), Column("indicator_name", "text", 34), Column("scale", "text", 8),
                  Column("value", "value", 11), Column("hq_value", "value", 11), Column("previous_value", "value", 11),
                  Column("target", "value", 10), Column("rule", "text", 16), Column("points", "score", 8),
                  Column("max_points", "score", 8), Column("gap_ratio", "ratio", 11), Column("gap_diff", "num", 11),
                  Column("gap_flag", "text", 10), Column("flags_text", "text", 24), Column("arithmetic", "text", 60)]


def summary(results: Results, lang: Lang) -> tuple[list[Column], list[str], list[list[Any]]]:
    """Columns, headers and rows of the campus summary, in rank order."""
    cols = list(SUMMARY_COLUMNS)
    part_codes = [p.code for p in results.method.parts]
    headers = headers_for(cols, results, lang)
    for p in results.method.parts:
        cols.append(Column(f"part_{p.code}", "score", 12))
        headers.append(f"{p.code} {p.name.zh if lang == 'zh' else p.name.en}")
    cols.append(Column("flags", "int", 8))
    headers.append(t("col.flags", lang))
    rows = []
    for c in results.ranked():
        scores = {p.code: (p.score if p.scored else None) for p in c.parts}
        rows.append([
            c.rank if c.rank is not None else t(f"status.{c.status}", lang), c.id, getattr(c.name, lang),
            getattr(c.hq.name, lang) if c.hq else "", getattr(c.district.name, lang) if c.district else "",
            c.total, c.max_total, c.rate, t(f"status.{c.status}", lang),
            *(scores.get(code) for code in part_codes), c.flag_count,
        ])
    return cols, headers, rows


def detail(results: Results, lang: Lang) -> tuple[list[Column], list[str], list[list[Any]], list[str]]:
    """Columns, headers, rows and each row's scale, one row per campus and indicator."""
    cols = DETAIL_COLUMNS
    headers = headers_for(cols, results, lang)
    rows: list[list[Any]] = []
    scales: list[str] = []
    for c in results.campuses:
        for i in c.indicators:
            gap = i.gap
            rows.append([
                c.id, getattr(c.name, lang), i.part, i.code, getattr(i.name, lang), t(f"scale.{i.scale}", lang),
                i.value, i.hq_value, i.previous_value, target_cell(i.target, i.comparison, i.scale),
                t(f"rulename.{i.rule}", lang),
                i.points, i.max_points,
                gap.ratio if gap else None, gap.diff if gap else None,
                (t("yes", lang) if gap.flagged else t("no", lang)) if gap else "",
                "; ".join(t(f"flag.{f}", lang) for f in i.flags), i.trace.arithmetic,
            ])
            scales.append(i.scale)
    return cols, headers, rows, scales


def csv_text(headers: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(h) for h in headers])
    for row in rows:
        w.writerow(["" if v is None else neutralise(v) for v in row])
    return buf.getvalue()


def write_csv(path: Path, headers: list[str], rows: list[list[Any]]) -> None:
    """CSV as Excel opens it with Chinese intact: UTF-8 with a BOM."""
    path.write_bytes(csv_text(headers, rows).encode("utf-8-sig"))


def write_xlsx(path: Path, results: Results, lang: Lang) -> None:
    """A workbook with a summary sheet and an indicator sheet: frozen headers, number formats, widths."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    rounding = results.method.rounding
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")

    def fill(ws: Any, cols: list[Column], headers: list[str], rows: list[list[Any]], scales: list[str] | None,
             banner: list[str] | None = None) -> None:
        for line in banner or []:  # above the table, where nobody opening the sheet can miss it
            ws.append([xlsx_safe(line)])
            ws.cell(row=ws.max_row, column=1).font = Font(bold=True, color="C00000")
            ws.cell(row=ws.max_row, column=1).data_type = "s"
        head = ws.max_row + 1 if banner else 1
        ws.append([xlsx_safe(str(h)) for h in headers])
        for cell in ws[head]:
            cell.font = header_font
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            cell.data_type = "s"
        for n, row in enumerate(rows):
            ws.append([xlsx_safe(v) for v in row])  # a control character in a name would end the run
            for col, cell in zip(cols, ws[ws.max_row], strict=True):
                value = cell.value
                if isinstance(value, str):
                    cell.data_type = "s"  # never a live formula, whatever the text starts with
                    continue
                if value is None:
                    continue
                scale = scales[n] if scales else ""
                if col.kind == "value" and scale == "percent":
                    cell.value = value / 100
                    cell.number_format = "0.00%"
                elif col.kind == "value" and scale == "fraction":
                    cell.number_format = "0.00%"
                elif col.kind == "score":
                    cell.number_format = places_format(rounding["indicator"])
                elif col.kind == "total":
                    cell.number_format = places_format(rounding["total"])
                elif col.kind in ("num", "value"):
                    cell.number_format = "0.00"
                elif col.kind == "ratio":
                    cell.number_format = "0.000"
                elif col.kind == "rate":
                    cell.number_format = "0.00%"
        ws.freeze_panes = f"A{head + 1}"
        ws.auto_filter.ref = f"A{head}:{get_column_letter(len(cols))}{head + len(rows)}"
        for idx, col in enumerate(cols, start=1):
            # Chinese characters are about twice as wide as Latin ones in Excel's units.
            longest = max([_display_width(str(headers[idx - 1]))]
                          + [_display_width(str(r[idx - 1])) for r in rows[:200] if r[idx - 1] is not None])
            ws.column_dimensions[get_column_letter(idx)].width = min(max(col.width, longest + 2), 60)
        ws.row_dimensions[head].height = 30

    cols, headers, rows = summary(results, lang)
    ws = wb.active
    ws.title = t("xlsx.summary", lang)
    fill(ws, cols, headers, rows, None, banner=incomplete_lines(results, lang))
    dcols, dheaders, drows, scales = detail(results, lang)
    fill(wb.create_sheet(t("xlsx.detail", lang)), dcols, dheaders, drows, scales)
    wb.properties.creator = "campuseval"
    wb.save(path)


def places_format(places: int) -> str:
    """Excel's number format for the declared rounding places: 2 -> 0.00, 0 -> 0."""
    return "0." + "0" * places if places > 0 else "0"


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
