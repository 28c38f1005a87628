"""Results as tables: summary and indicator detail, written as CSV (utf-8-sig) or a formatted xlsx workbook."""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Iterator
from copy import copy
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from campuseval import formatting
from campuseval.i18n import Lang, t
from campuseval.results import INFORMATIONAL_FLAGS, Results
from campuseval.runinfo import incomplete_lines, ranking_sentence
from campuseval.safetext import xlsx_safe
from campuseval.trend import trend, trend_banner

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
# One unit per column: values in their owner's column (campus, HQ, locality), counts beside rates,
# targets as a number with the comparison in its own column, the arithmetic in words and in machine form.
DETAIL_COLUMNS = [Column("campus_id", "text", 14), Column("campus", "text", 26), Column("part", "text", 6),
                  Column("indicator", "text", 8), Column("indicator_name", "text", 34), Column("scale", "text", 8),
                  Column("unit", "text", 8), Column("value", "value", 11), Column("hq_value", "value", 11),
                  Column("locality_value", "value", 11), Column("numerator", "count", 11),
                  Column("denominator", "count", 11), Column("hq_numerator", "count", 11),
                  Column("hq_denominator", "count", 11), Column("previous_value", "value", 11),
                  Column("target_op", "text", 8), Column("target", "value", 10), Column("target_max", "value", 10),
                  Column("rule", "text", 16), Column("points", "score", 8), Column("max_points", "score", 8),
                  Column("lost", "score", 8), Column("previous_points", "score", 8), Column("gap_ratio", "ratio", 11),
                  Column("gap_diff", "diff", 13), Column("gap_flag", "text", 10), Column("flags_text", "text", 24),
                  Column("words", "text", 60), Column("arithmetic", "text", 40)]
LOSS_COLUMNS = [Column("campus_id", "text", 14), Column("campus", "text", 26), Column("indicator", "text", 8),
                Column("indicator_name", "text", 30), Column("lost", "score", 8), Column("reason", "text", 12),
                Column("words", "text", 70)]
_OWNER_COLUMN = {"campus": 0, "both": 0, "hq": 1, "locality": 2}
_TARGET_OPS = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def _name(text: Any, lang: Lang) -> str:
    return "" if text is None else (getattr(text, lang) or text.zh)


def summary(results: Results, lang: Lang) -> tuple[list[Column], list[str], list[list[Any]]]:
    """Columns, headers and rows of the campus summary, in rank order, with last year's beside when scored."""
    from campuseval.engine.history import changes

    cols = list(SUMMARY_COLUMNS)
    part_codes = [p.code for p in results.method.parts]
    headers = headers_for(cols, results, lang)
    for p in results.method.parts:
        cols.append(Column(f"part_{p.code}", "score", 12))
        headers.append(f"{p.code} {p.name.zh if lang == 'zh' else p.name.en}")
    moves = changes(results)
    if moves:
        for key, kind in (("previous_total", "total"), ("previous_rank", "int"), ("change", "total"),
                          ("change_like", "total"), ("not_comparable", "text")):
            cols.append(Column(key, kind, 12))
            headers.append(t(f"col.{key}", lang, year=results.previous_year))
    cols.append(Column("flags", "int", 8))
    headers.append(t("col.flags", lang))
    rows = []
    for c in results.ranked():
        scores = {p.code: (p.score if p.scored else None) for p in c.parts}
        row = [c.rank if c.rank is not None else t(f"status.{c.status}", lang), c.id, _name(c.name, lang),
               _name(c.hq.name, lang) if c.hq else "", _name(c.district.name, lang) if c.district else "",
               c.total, c.max_total, c.rate, t(f"status.{c.status}", lang),
               *(scores.get(code) for code in part_codes)]
        if moves:
            ch = moves.get(c.id)
            row += ([ch.previous_total, ch.previous_rank, ch.change, ch.like_for_like, ", ".join(ch.not_comparable)]
                    if ch else [None] * 5)
        rows.append([*row, c.flag_count])
    return cols, headers, rows


def detail(results: Results, lang: Lang) -> tuple[list[Column], list[str], list[list[Any]], list[str]]:
    """Columns, headers, rows and each row's scale, one row per campus and indicator."""
    rows: list[list[Any]] = []
    scales: list[str] = []
    for row, scale in detail_rows(results, lang):
        rows.append(row)
        scales.append(scale)
    return DETAIL_COLUMNS, headers_for(DETAIL_COLUMNS, results, lang), rows, scales


def detail_rows(results: Results, lang: Lang) -> Iterator[tuple[list[Any], str]]:
    """The rows of detail() one at a time, each with its scale: a national panel has 120,000 of them."""
    from campuseval.formula import fraction

    before = {(c.id, i.code): i for c in results.previous.campuses for i in c.indicators} if results.previous else {}
    for c in results.campuses:
        for i in c.indicators:
            gap = i.gap
            owners: list[float | None] = [None, None, None]
            owners[_OWNER_COLUMN.get(i.subject, 0)] = i.value
            if i.subject == "both":
                owners[1] = i.hq_value
            parts = fraction(i.trace.formula)
            counts: list[float | None] = [None] * 4
            if parts is not None:
                counts = [i.trace.inputs.get(parts[0]), i.trace.inputs.get(parts[1]),
                          i.trace.inputs.get("hq." + parts[0]), i.trace.inputs.get("hq." + parts[1])]
            op, low, high = _target_parts(i.target, i.comparison, i.rule, i.previous_value)
            op = t("xlsx.op.prev", lang) if op == "prev" else op
            old = before.get((c.id, i.code))
            lost = (i.max_points - i.points) if i.scored and i.points is not None else None
            yield [
                c.id, _name(c.name, lang), i.part, i.code, _name(i.name, lang), t(f"scale.{i.scale}", lang),
                _name(i.unit, lang), *owners, *counts,
                old.value if old is not None else None, op, low, high,
                t(f"rulename.{i.rule}", lang), i.points, i.max_points, lost,
                old.points if old is not None and old.scored else None,
                gap.ratio if gap else None, gap.diff if gap else None,
                (t("yes", lang) if gap.flagged else t("no", lang)) if gap else "",
                "; ".join(t(f"flag.{f}", lang) for f in i.flags),
                _name(i.trace.words, lang), i.trace.arithmetic,
            ], i.scale


def _target_parts(target: Any, comparison: str | None, rule: str, previous: float | None
                  ) -> tuple[str, float | None, float | None]:
    """A target as (comparison, number, upper end): ('≥', 20, None), ('~', 150, 200), ('上年', 4.57, None)."""
    if rule == "change_vs_previous":
        return "prev", previous, None
    if target is None:
        return "", None, None
    if isinstance(target, int | float):
        return _TARGET_OPS.get(comparison or "", ""), float(target), None
    lo, hi = getattr(target, "min", None), getattr(target, "max", None)
    if lo is not None and hi is not None:
        return "~", lo, hi
    return ("≥", lo, None) if lo is not None else ("≤", hi, None)


def losses(results: Results, lang: Lang) -> tuple[list[Column], list[str], list[list[Any]]]:
    """Every campus's lost points, largest first within each campus (see campuseval.losses)."""
    from campuseval.losses import lost_points
    from campuseval.report.rows import loss_name, loss_reason, loss_words

    headers = headers_for(LOSS_COLUMNS, results, lang)
    rows: list[list[Any]] = []
    for c in results.ranked():
        for x in lost_points(c, results.method.rounding.get("total", 2)):
            rows.append([c.id, _name(c.name, lang), x.code, loss_name(x, c, lang), x.lost, loss_reason(x, lang),
                         loss_words(x, c, lang)])
    return LOSS_COLUMNS, headers, rows


def csv_text(headers: list[str], rows: list[list[Any]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([neutralise(h) for h in headers])
    for row in rows:
        w.writerow(["" if v is None else neutralise(v) for v in row])
    return buf.getvalue()


def write_csv(path: Path, headers: list[str], rows: Iterable[list[Any]]) -> None:
    """CSV as Excel opens it with Chinese intact: UTF-8 with a BOM; the bytes of csv_text, a row at a time."""
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow([neutralise(h) for h in headers])
        for row in rows:
            w.writerow(["" if v is None else neutralise(v) for v in row])


def write_xlsx(path: Path, results: Results, lang: Lang, *, cells: bool = False) -> None:
    """A workbook fit to hand on: a 说明 sheet (what, from which files, when, by which run), the summary,
    the indicators and the lost points; one unit per column, flagged rows highlighted, print-ready.
    `cells` adds a sheet of the data cells each value was read from (the per-campus feedback sheets)."""
    from openpyxl import Workbook

    wb = Workbook()
    rounding = results.method.rounding
    ws = wb.active
    ws.title = t("xlsx.about", lang)
    _about(ws, results, lang)
    cols, headers, rows = summary(results, lang)
    _fill(wb.create_sheet(t("xlsx.summary", lang)), cols, headers, rows, None, rounding, lang,
          banner=incomplete_lines(results, lang))
    flagged = [bool(set(i.flags) - INFORMATIONAL_FLAGS) for c in results.campuses for i in c.indicators]
    made, scales = itertools.tee(detail_rows(results, lang))  # read in step: tee holds one row at most
    _fill(wb.create_sheet(t("xlsx.detail", lang)), DETAIL_COLUMNS, headers_for(DETAIL_COLUMNS, results, lang),
          (row for row, _ in made), (scale for _, scale in scales), rounding, lang, flagged)
    lcols, lheaders, lrows = losses(results, lang)
    _fill(wb.create_sheet(t("xlsx.losses", lang)), lcols, lheaders, lrows, None, rounding, lang)
    if results.series:  # a multi-year run: one row per campus and year
        tcols, theaders, trows = trend_table(results, lang)
        _fill(wb.create_sheet(t("xlsx.trend", lang)), tcols, theaders, trows, None, rounding, lang,
              banner=trend_banner(results, lang))
    if cells:
        ccols = [Column("campus", "text", 26), Column("indicator", "text", 8), Column("field", "text", 24),
                 Column("cell_value", "count", 14), Column("cell", "text", 50)]
        crows = [[_name(c.name, lang), i.code, k, i.trace.inputs.get(k), v]
                 for c in results.campuses for i in c.indicators for k, v in i.trace.cells.items()]
        _fill(wb.create_sheet(t("xlsx.cells", lang)), ccols, [t(f"col.{c.key}", lang) for c in ccols], crows, None,
              rounding, lang)
    from campuseval.export.allocation_sheet import add_allocation_sheet

    add_allocation_sheet(wb, results, lang)
    wb.properties.creator = "campuseval"
    wb.save(path)


def _about(ws: Any, results: Results, lang: Lang) -> None:
    """The 说明 sheet: two columns, item and value, enough to know what the workbook is without the report."""
    from openpyxl.styles import Alignment, Font

    from campuseval.runid import run_id

    m = results.method
    rows: list[tuple[str, Any]] = [
        (t("xlsx.about.year", lang), results.year),
        (t("xlsx.about.previous_year", lang), results.previous_year if results.previous is not None else ""),
        (t("xlsx.about.locality", lang), _name(results.locality.name, lang) if results.locality else ""),
        (t("xlsx.about.table", lang), f"{_name(m.table_name, lang)} ({m.table_id})"),
        (t("xlsx.about.version", lang), str(m.table_version)),
    ]
    for s in results.config_files:
        rows.append((t(f"xlsx.about.role.{s.role}", lang) if s.role in ("table", "targets") else s.role,
                     f"{s.path}  sha256 {s.sha256}"))
    for s in results.data_files:
        rows.append((t("xlsx.about.role.data", lang), f"{s.path}  sha256 {s.sha256}"))
    rows += [
        (t("xlsx.about.generated", lang), results.generated_at),
        (t("xlsx.about.tool", lang), f"campuseval {results.tool_version}"),
        (t("xlsx.about.run_id", lang), run_id(results)),
        (t("xlsx.about.ranking", lang), ranking_sentence(results, lang)),
        (t("xlsx.about.rounding", lang), t("xlsx.about.rounding.text", lang, ind=m.rounding.get("indicator", 2),
                                           total=m.rounding.get("total", 2))),
        (t("xlsx.about.small_sample", lang), m.small_sample),
        (t("xlsx.about.flags", lang), t("xlsx.about.flags.text", lang)),
        (t("xlsx.about.units", lang), t("xlsx.about.units.text", lang)),
    ]
    ws.append([t("xlsx.about.item", lang), t("xlsx.about.value", lang)])
    for item, value in rows:
        ws.append([xlsx_safe(item), xlsx_safe(value)])  # file and sheet names are the user's
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 100
    _print_setup(ws)


def _print_setup(ws: Any, head: int = 1) -> None:
    """A4 landscape, one page wide, header row repeated on every page."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{head}:{head}"


def percent_format(x: float) -> str:
    """Enough places that a rare rate is not shown as 0.00%: 0.0096% needs four."""
    ax = abs(x)
    return "0.00%" if ax >= 0.01 or ax == 0 else ("0.000%" if ax >= 0.001 else "0.0000%")


def count_format(x: float) -> str:
    """Counts as integers (247, not 247.00); amounts with their decimals (9.7)."""
    return "#,##0" if float(x).is_integer() else "#,##0.0###"


def _fill(ws: Any, cols: list[Column], headers: list[str], rows: Iterable[list[Any]], scales: Iterable[str] | None,
          rounding: dict[str, int], lang: Lang, flagged: Iterable[bool] | None = None,
          banner: list[str] | None = None) -> None:
    from openpyxl.cell import Cell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE4EE")
    alert_fill = PatternFill("solid", fgColor="FBE3E3")
    pp = '0.00" ' + t("xlsx.pp", lang) + '"'
    # Rows and columns are counted here, never asked of the sheet: ws.max_row scans every cell, so asking
    # it once a row made a 120,000-row sheet quadratic.
    r = 0
    for line in banner or []:  # above the table, where nobody opening the sheet can miss it
        r += 1
        cell = ws.cell(row=r, column=1, value=xlsx_safe(line))
        cell.font = Font(bold=True, color="C00000")
        cell.data_type = "s"
    head = r + 1
    for j, h in enumerate(headers, start=1):
        cell = ws.cell(row=head, column=j, value=xlsx_safe(str(h)))
        cell.font = header_font
        cell.fill = header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.data_type = "s"
    wrapped = {j for j, col in enumerate(cols, start=1) if col.key in ("words", "arithmetic")}
    top = Alignment(wrap_text=True, vertical="top")
    score_format, total_format = places_format(rounding["indicator"]), places_format(rounding["total"])
    # Setting a style object on a cell hashes it to find its id; a 3-million-cell sheet has a handful of
    # distinct styles, so each is made once on a real cell and its ids copied to the cells that share it.
    styles: dict[tuple[bool, str | None, bool], Any] = {}
    sample: list[list[Any]] = []  # the first 200 rows, for the column widths
    scale_of = iter(scales) if scales is not None else itertools.repeat("")
    alert_of = iter(flagged) if flagged is not None else itertools.repeat(False)
    n = -1
    for n, row in enumerate(rows):
        if n < 200:
            sample.append(row)
        scale = next(scale_of)
        alert = next(alert_of)
        cells = []
        for j, (col, raw) in enumerate(zip(cols, row, strict=True), start=1):
            cell = Cell(ws, value=xlsx_safe(raw))  # a control character in a name would end the run
            cells.append(cell)
            value = cell.value
            fmt: str | None = None
            if isinstance(value, str):
                cell.data_type = "s"  # never a live formula, whatever the text starts with
            elif value is None or isinstance(value, bool):
                pass
            elif col.kind == "value" and scale == "percent":
                cell.value = value / 100
                fmt = percent_format(value / 100)
            elif col.kind == "value" and scale == "fraction":
                fmt = percent_format(value)
            elif col.kind == "count":
                fmt = count_format(value)
            elif col.kind == "diff" and scale == "percent":
                fmt = pp  # a difference of two percents: percentage points, said in the cell
            elif col.kind in ("count", "value", "diff") and scale in ("count", "level", "money", ""):
                fmt = count_format(value)
            elif col.kind == "score":
                fmt = score_format
            elif col.kind == "total":
                fmt = total_format
            elif col.kind == "ratio":
                fmt = "0.000"
            elif col.kind == "rate":
                fmt = "0.00%"
            elif col.kind in ("value", "diff", "count"):
                fmt = "0.00##"
            key = (alert, fmt, j in wrapped)
            if key == (False, None, False):
                continue
            made = styles.get(key)
            if made is not None:
                cell._style = copy(made)
                continue
            if alert:
                cell.fill = alert_fill
            if fmt is not None:
                cell.number_format = fmt
            if j in wrapped:
                cell.alignment = top
            styles[key] = copy(cell._style)
        ws.append(cells)
    count = n + 1
    ws.freeze_panes = f"A{head + 1}"
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(cols))}{head + count}"
    for idx, col in enumerate(cols, start=1):
        # Chinese characters are about twice as wide as Latin ones in Excel's units.
        longest = max([_display_width(str(headers[idx - 1]))]
                      + [_display_width(str(r[idx - 1])) for r in sample if r[idx - 1] is not None])
        ws.column_dimensions[get_column_letter(idx)].width = min(max(col.width, longest + 2), 60)
    ws.row_dimensions[head].height = 30
    _print_setup(ws, head)


def places_format(places: int) -> str:
    """Excel's number format for the declared rounding places: 2 -> 0.00, 0 -> 0."""
    return "0." + "0" * places if places > 0 else "0"


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


TREND_COLUMNS = [Column("campus_id", "text", 14), Column("campus", "text", 28), Column("year", "int", 8),
                 Column("rank", "int", 6), Column("rank_change", "int", 10), Column("total", "total", 9),
                 Column("max_total", "total", 8), Column("status", "text", 10), Column("complete", "text", 10)]


def trend_table(results: Results, lang: Lang) -> tuple[list[Column], list[str], list[list[Any]]]:
    """The trend sheet of a multi-year run: one row per campus and year, in the latest year's rank order."""
    tr = trend(results)
    cols = list(TREND_COLUMNS)
    headers = headers_for(cols, results, lang)
    if tr is None:
        return cols, headers, []
    for p in tr.parts:
        cols.append(Column(f"part_{p.code}", "score", 12))
        headers.append(f"{p.code} {_name(p.name, lang)}")
    rows: list[list[Any]] = []
    for ct in tr.campuses:
        for k, pt in enumerate(ct.points):
            if pt is None:
                continue
            rows.append([ct.id, _name(ct.name, lang), pt.year,
                         pt.rank if pt.rank is not None else t(f"status.{pt.status}", lang), ct.rank_change(k),
                         pt.total if pt.evaluated else None, pt.max_total, t(f"status.{pt.status}", lang),
                         t("trend.complete.yes" if pt.complete else "trend.complete.no", lang),
                         *(pt.parts.get(p.code) for p in tr.parts)])
    return cols, headers, rows
