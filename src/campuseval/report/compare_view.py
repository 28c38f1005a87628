"""The comparison (campuseval compare) as text: terminal rows, Markdown, HTML and an xlsx workbook."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jinja2

from campuseval.compare import Comparison
from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.report.markdown import md_escape


def _signed(x: float | None, places: int) -> str:
    if x is None:
        return "-"
    text = fixed(x, places)
    return text if text.startswith("-") or float(text) == 0 else "+" + text


def campus_table(cmp: Comparison, lang: Lang) -> tuple[list[str], list[list[str]]]:
    heads = [t("compare.col.campus", lang), t("compare.col.total", lang, label="A"),
             t("compare.col.total", lang, label="B"), t("compare.col.diff", lang),
             t("compare.col.rank", lang, label="A"), t("compare.col.rank", lang, label="B"),
             t("compare.col.rank_change", lang)]
    rows = []
    for r in cmp.rows:
        change = r.rank_change
        rows.append([r.name(lang), fixed(r.total_a, cmp.places), fixed(r.total_b, cmp.places),
                     _signed(r.diff, cmp.places), "-" if r.rank_a is None else str(r.rank_a),
                     "-" if r.rank_b is None else str(r.rank_b),
                     "-" if change is None else ("0" if change == 0 else f"{change:+d}")])
    return heads, rows


def move_table(cmp: Comparison, lang: Lang) -> tuple[list[str], list[list[str]]]:
    heads = [t("compare.col.campus", lang), t("compare.col.indicator", lang),
             t("compare.col.points", lang, label="A"), t("compare.col.points", lang, label="B"),
             t("compare.col.diff", lang), t("compare.col.why", lang)]
    rows = []
    for r in cmp.rows:
        for m in r.moves:
            name = m.name_zh if lang == "zh" else m.name_en
            rows.append([r.name(lang), f"{m.code} {name}",
                         "-" if m.points_a is None else f"{num(m.points_a)} / {num(m.max_a)}",
                         "-" if m.points_b is None else f"{num(m.points_b)} / {num(m.max_b)}",
                         _signed(m.diff, 4).rstrip("0").rstrip(".") if m.diff else "0",
                         t("list.sep", lang).join(x.render(lang) for x in m.reasons)])
    return heads, rows


@functools.cache
def _env(fmt: str) -> jinja2.Environment:
    loader = jinja2.PackageLoader("campuseval.report", "templates")
    if fmt == "html":
        return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return jinja2.Environment(loader=loader, autoescape=False, finalize=md_escape, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def render_comparison(cmp: Comparison, fmt: str, lang: Lang) -> str:
    """The comparison as a Markdown or self-contained HTML page."""
    ch, crows = campus_table(cmp, lang)
    mh, mrows = move_table(cmp, lang)

    def label(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    return _env(fmt).get_template(f"compare.{fmt}.j2").render(
        t=label, lang=lang, cmp=cmp, campus_heads=ch, campus_rows=crows, move_heads=mh, move_rows=mrows)


def write_comparison_xlsx(path: Path, cmp: Comparison, lang: Lang) -> None:
    """Two sheets: totals and ranks per campus, and the indicators that moved; every text cell forced to text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    sheets = [(t("compare.sheet.campuses", lang), *campus_table(cmp, lang)),
              (t("compare.sheet.moves", lang), *move_table(cmp, lang))]
    for n, (title, heads, rows) in enumerate(sheets):
        ws = wb.active if n == 0 else wb.create_sheet()
        ws.title = title
        ws.append(heads)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append(row)
        for line in ws.iter_rows():
            for cell in line:
                cell.data_type = "s"  # never a live formula, whatever a name starts with
        ws.freeze_panes = "A2"
        for col, width in zip("ABCDEFG", (34, 30, 14, 14, 10, 40, 10), strict=False):
            ws.column_dimensions[col].width = width
    # Numbers as numbers in the first sheet, where a reader will sort and sum.
    ws = wb.worksheets[0]
    for i, r in enumerate(cmp.rows, start=2):
        for col, value in zip("BCDEF", (r.total_a, r.total_b, r.diff, r.rank_a, r.rank_b), strict=True):
            cell = ws[f"{col}{i}"]
            cell.value = value
            cell.data_type = "n"
    wb.properties.creator = "campuseval"
    wb.save(path)
