"""The report as an editable Word document (python-docx): the same view as the HTML, tables instead of charts."""

from __future__ import annotations

import copy
import io
from collections.abc import Callable, Sequence
from typing import Any

from campuseval.i18n import Lang, t
from campuseval.report.model import CampusView, ReportView
from campuseval.report.view import build
from campuseval.results import Results

# Office documents in China name these faces; the Latin face is what Word uses for digits and codes, and
# the alternative names are what an English-language system calls the same fonts (fallbacks).
HEADING_FONT = ("黑体", "SimHei")
BODY_FONT = ("仿宋", "FangSong")
TABLE_FONT = ("宋体", "SimSun")
LATIN_FONT = "Times New Roman"


def render_docx(results: Results, lang: Lang, *, unit: str | None = None,
                detail: dict[str, str] | None = None) -> bytes:
    """The report of `results` as .docx bytes: A4, numbered headings, page numbers, tables whose header
    row repeats on every page. Charts are not drawn (a note says so): python-docx draws none, and a
    chart library would need a CJK font on the machine that writes the file.
    With `detail` (a large run: campus id -> its file), the document is the summary and says where each
    unit's section is."""
    from docx import Document
    from docx.shared import Cm, Pt

    view = build(results, lang, unit, detail=detail)
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    _styles(doc, Pt)
    _fonts_with_fallbacks(doc)
    _page_numbers(section, lang)
    doc.core_properties.title = view.title
    doc.core_properties.author = "campuseval"
    doc.core_properties.comments = f"campuseval {results.tool_version}; run {view.run_id}"

    _cover(doc, view)
    if not view.unit_mode:
        _overview(doc, view)
        _funding(doc, results, lang)
    if view.trend is not None:
        _trend(doc, view)
    if view.campuses or view.detail_note:
        doc.add_heading(t("report.sec.campuses", lang, entity=view.entity), level=1)
    if view.detail_note:
        doc.add_paragraph(view.detail_note)
    for n, c in enumerate(view.campuses, start=1):
        _campus(doc, view, c, n)
    _method(doc, view)
    doc.add_paragraph(view.footer, style="Caption")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _set_font(style_or_run: Any, faces: tuple[str, str]) -> None:
    from docx.oxml.ns import qn

    style_or_run.font.name = LATIN_FONT
    rpr = style_or_run.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), faces[0])
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:hint"), "eastAsia")


def _styles(doc: Any, pt: Any) -> None:
    from docx.shared import RGBColor

    normal = doc.styles["Normal"]
    _set_font(normal, BODY_FONT)
    normal.font.size = pt(12)
    for name, size in (("Title", 20), ("Heading 1", 16), ("Heading 2", 14), ("Heading 3", 12)):
        style = doc.styles[name]
        _set_font(style, HEADING_FONT)
        style.font.size = pt(size)
        style.font.bold = name != "Heading 3"
        style.font.color.rgb = RGBColor(0, 0, 0)
    for name in ("Caption", "List Bullet"):
        _set_font(doc.styles[name], BODY_FONT)
    doc.styles["Caption"].font.size = pt(9)
    doc.styles["Caption"].font.color.rgb = RGBColor(0x44, 0x44, 0x44)
    _set_font(doc.styles["Table Grid"], TABLE_FONT)


def _fonts_with_fallbacks(doc: Any) -> None:
    """Declare the Chinese faces in the font table with their English names as alternatives, so Word and
    LibreOffice on a system that knows them only as SimHei / SimSun / FangSong still find them."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    try:
        part = doc.part.part_related_by(RT.FONT_TABLE)
    except KeyError:
        return
    root = parse_xml(part.blob)
    for name, alt in (HEADING_FONT, BODY_FONT, TABLE_FONT):
        root.append(parse_xml(f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alt}"/>'
                              '<w:charset w:val="86"/><w:family w:val="auto"/></w:font>'))
    from docx.oxml.xmlchemy import serialize_for_reading

    xml = serialize_for_reading(root)
    part._blob = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + xml).encode("utf-8")


def _field(paragraph: Any, instruction: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        elif text == instruction:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {instruction} "
        else:
            el = OxmlElement("w:t")
            el.text = text
        run._r.append(el)


def _page_numbers(section: Any, lang: Lang) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = t("docx.page", lang, page="\0").split("\0")
    p.add_run(before)
    _field(p, "PAGE")
    p.add_run(after)


def _table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Sequence[int] = (),
           size: float = 9, widths: Sequence[float] | None = None, notes: Sequence[str] | None = None) -> Any:
    """A grid table whose header row repeats on each page; `notes` adds a merged row of words under a row."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    head = table.rows[0]
    trpr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    trpr.append(repeat)
    for cell, text in zip(head.cells, headers, strict=True):
        _cell(cell, text, size, bold=True)
        shade = OxmlElement("w:shd")
        shade.set(qn("w:val"), "clear")
        shade.set(qn("w:fill"), "DDE4EE")
        cell._tc.get_or_add_tcPr().append(shade)
    if widths is None:  # the text columns take what the numbers leave of the 16.6 cm line
        widths = _widths(headers, rows, numeric)
    # python-docx spends milliseconds on each cell; all plain rows of a table look alike, and so do all rows
    # of notes, so the first of each is made through it and the others are copies of its XML with their own
    # text (a 2,000-row ranking, 60 indicators with their arithmetic under each, for 50 campuses).
    proto: Any = None
    note_proto: Any = None

    def sized(made: Any) -> None:
        for cell, width in zip(made.cells, widths, strict=False):
            cell.width = Cm(width)

    for n, row in enumerate(rows):
        note = notes[n] if notes is not None else ""
        if proto is not None and (not note or note_proto is not None):
            table._tbl.append(_copy_row(proto, row, qn))
            if note:
                table._tbl.append(_copy_row(note_proto, [note], qn))
            continue
        new = table.add_row()
        for k, (cell, text) in enumerate(zip(new.cells, row, strict=True)):
            _cell(cell, text, size, align=WD_ALIGN_PARAGRAPH.RIGHT if k in numeric else None)
        sized(new)
        proto = new._tr
        if note:
            extra = table.add_row()
            cells = extra.cells
            merged = cells[1].merge(cells[-1])
            _cell(merged, note, size - 1, italic=True)
            sized(extra)
            note_proto = extra._tr
    table.autofit = False
    for col, width in zip(table.columns, widths, strict=False):
        col.width = Cm(width)
    sized(head)
    del Pt
    return table


LINE_CM = 16.6


def _copy_row(proto: Any, texts: Sequence[str], qn: Callable[[str], str]) -> Any:
    """A copy of the row `proto` (a w:tr) with `texts` in its runs, one run a cell as _cell makes them."""
    tr = copy.deepcopy(proto)
    for r, text in zip(tr.iter(qn("w:r")), texts, strict=True):
        r.text = text  # what Run.text does: line breaks and tabs as Word's own elements
    return tr


def _widths(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int]) -> list[float]:
    """Column widths in cm: numbers and codes as wide as their longest line, the rest share what is left."""
    def width(text: str) -> float:
        longest = max((sum(2 if ord(ch) > 0x2E7F else 1 for ch in line) for line in str(text).split("\n")),
                      default=0)
        return 0.19 * longest + 0.3
    n = len(headers)
    need = [max([width(headers[k]) * 0.6] + [width(r[k]) for r in rows]) for k in range(n)]
    fixed = {k: min(max(need[k], 1.1), 2.2) for k in range(n) if k in numeric or k == 0}
    rest = [k for k in range(n) if k not in fixed]
    room = LINE_CM - 3.0 * len(rest)  # a text column keeps at least 3 cm
    if sum(fixed.values()) > room > 0:  # many number columns: narrow them all alike
        fixed = {k: max(0.9, w * room / sum(fixed.values())) for k, w in fixed.items()}
    left = max(LINE_CM - sum(fixed.values()), 3.0 * max(len(rest), 1))
    total_need = sum(need[k] for k in rest) or 1.0
    return [fixed[k] if k in fixed else max(3.0 if len(rest) == 1 else 1.6, left * need[k] / total_need)
            for k in range(n)]


def _cell(cell: Any, text: str, size: float, *, bold: bool = False, italic: bool = False, align: Any = None) -> None:
    from docx.shared import Pt

    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    if align is not None:
        p.alignment = align


def _cover(doc: Any, v: ReportView) -> None:
    for line in v.banner:
        doc.add_paragraph(line, style="Intense Quote")
    doc.add_paragraph(v.title, style="Title")
    doc.add_paragraph(v.subtitle)
    _table(doc, [t("docx.item", v.lang), t("docx.value", v.lang)], [list(m) for m in v.meta], widths=(4, 12.6))


def _overview(doc: Any, v: ReportView) -> None:
    lang = v.lang
    doc.add_heading(t("report.sec.overview", lang), level=1)
    doc.add_heading(t("report.sec.findings", lang), level=2)
    for line in v.findings:
        doc.add_paragraph(line, style="List Bullet")
    doc.add_heading(t("report.sec.ranking", lang), level=2)
    headers = [t("col.rank", lang), v.col_entity, t("col.total", lang), *v.part_heads]
    if v.has_previous:
        headers += [t("report.col.previous_total", lang), t("report.col.previous_rank", lang),
                    t("report.col.change", lang)]
    if v.has_hq:
        headers.append(t("report.col.gaps", lang))
    headers.append(t("col.flags", lang))
    rows = []
    for r in v.ranking:
        row = [r.rank, r.name, r.total, *r.parts]
        if v.has_previous:
            row += [r.previous_total, r.previous_rank, r.change]
        if v.has_hq:
            row.append(r.gaps)
        rows.append([*row, r.flags])
    _table(doc, headers, rows, numeric=[0, *range(2, len(headers))], size=8)
    for line in [v.part_legend, *v.ranking_legend]:
        doc.add_paragraph(line, style="Caption")
    doc.add_paragraph(t("docx.no_charts", lang), style="Caption")


def _funding(doc: Any, results: Results, lang: Lang) -> None:
    """The funding table, as in the HTML and Markdown reports, when the targets file allocates a pool."""
    from campuseval.report.allocation import allocation_view

    a = allocation_view(results, lang)
    if a is None:
        return
    doc.add_heading(a.title, level=2)
    doc.add_paragraph(a.method)
    _table(doc, a.heads, a.rows, numeric=[0, *range(2, len(a.heads))], size=8)
    for line in (a.total, a.note):
        if line:
            doc.add_paragraph(line, style="Caption")


def _trend(doc: Any, v: ReportView) -> None:
    """A multi-year run's trend: the same tables as the HTML, without its chart."""
    lang, tr = v.lang, v.trend
    doc.add_heading(t("report.sec.trend", lang), level=1)
    for line in tr.intro:
        doc.add_paragraph(line)
    doc.add_heading(t("report.trend.totals", lang), level=2)
    headers = [v.col_entity] + [f"{y} {t(k, lang)}" for y in tr.years for k in ("col.total", "col.rank")]
    rows = [[r.name, *(x for cell in r.cells for x in cell)] for r in tr.totals]
    _table(doc, headers, rows, numeric=list(range(1, len(headers))), size=8)
    for line in tr.legend:
        doc.add_paragraph(line, style="Caption")
    doc.add_heading(t("report.trend.parts", lang), level=2)
    headers = [v.col_entity, t("col.part", lang), *tr.years]
    _table(doc, headers, [[r.name, r.part, *r.cells] for r in tr.parts], numeric=list(range(2, len(headers))),
           size=8)


def _campus(doc: Any, v: ReportView, c: CampusView, n: int) -> None:
    lang = v.lang
    heading = doc.add_heading(f"{n}. {c.name}", level=2)
    heading.paragraph_format.page_break_before = n > 1  # as the HTML prints: each campus on a new page
    for line in c.banner:
        doc.add_paragraph(line, style="Intense Quote")
    lines = [c.summary, c.previous]
    if c.hq:
        lines.append(t("col.hq", lang) + t("cli.colon", lang) + c.hq)
    if c.district:
        lines.append(t("col.district", lang) + t("cli.colon", lang) + c.district)
    lines.append(c.deadline)
    for line in lines:
        if line:
            doc.add_paragraph(line)
    doc.add_heading(t("report.campus.parts", lang), level=3)
    headers = [t("col.part", lang), t("report.col.part_name", lang), t("col.points", lang), t("col.max_points", lang),
               t("report.col.rate", lang)] + ([t("report.col.previous_points", lang)] if v.has_previous else [])
    _table(doc, headers, [[p.code, p.name, p.score, p.max, p.rate] + ([p.previous] if v.has_previous else [])
                          for p in c.parts], numeric=[2, 3, 4, 5])
    doc.add_heading(t("report.campus.losses", lang), level=3)
    if c.losses:
        _table(doc, [t("report.col.code", lang), t("col.indicator_name", lang), t("report.col.lost", lang),
                     t("report.col.reason", lang), t("report.col.words", lang)],
               [[x.code, x.name, x.lost, x.reason, x.words] for x in c.losses], numeric=[2],
               widths=(1.2, 3.6, 1.3, 2.2, 8.3))
        doc.add_paragraph(c.loss_total, style="Caption")
    else:  # no loss rows: none lost, or a campus not evaluated (loss_total says why)
        doc.add_paragraph(c.loss_total or t("report.campus.losses.none", lang))
    if c.has_hq:
        doc.add_heading(t("report.campus.gaps", lang), level=3)
        if c.gaps:
            _table(doc, [t("report.col.code", lang), t("col.indicator_name", lang), v.col_value,
                         t("col.hq_value", lang),
                         t("col.gap_ratio", lang), t("report.col.gap_diff", lang), t("report.col.tolerance", lang)],
                   [[g.code, g.name, g.value, g.hq_value, g.ratio, g.diff, g.tolerance] for g in c.gaps],
                   numeric=[2, 3, 4, 5])
            doc.add_paragraph(t("report.campus.gaps.note", lang), style="Caption")
        else:
            doc.add_paragraph(t("report.campus.gaps.none", lang))
    doc.add_heading(t("report.campus.indicators", lang), level=3)
    headers = [t("report.col.code", lang), t("col.indicator_name", lang), v.col_value]
    if c.has_hq:
        headers.append(t("col.hq_value", lang))
    if v.has_locality:
        headers.append(t("report.col.locality_value", lang))
    headers += [t("col.target", lang), t("report.col.points_of", lang)]
    if v.has_previous:
        headers += [t("report.col.previous_value", lang), t("report.col.previous_points", lang)]
    headers.append(t("report.col.status", lang))
    rows = []
    for i in c.indicators:
        row = [i.code, i.name + (t("report.paren", lang, text=i.unit) if i.unit else ""),
               _with_counts(i.campus_value, i.campus_counts)]
        if c.has_hq:
            row.append(_with_counts(i.hq_value, i.hq_counts))
        if v.has_locality:
            row.append(_with_counts(i.locality_value, i.locality_counts))
        row += [i.target, i.points]
        if v.has_previous:
            row += [i.previous_value, i.previous_points]
        rows.append([*row, i.status])
    _table(doc, headers, rows, numeric=list(range(2, len(headers) - 1)), size=8,
           notes=[i.words for i in c.indicators])
    for line in c.explained:
        doc.add_paragraph(line, style="Caption")
    doc.add_heading(t("report.campus.notes", lang), level=3)
    if c.notes:
        _notes(doc, v, c.notes)
    else:
        doc.add_paragraph(t("report.campus.notes.none", lang))
    if c.other_notes:
        doc.add_heading(t("report.campus.other_notes", lang), level=3)
        _notes(doc, v, c.other_notes)
    if v.unit_mode and c.cells:
        doc.add_heading(t("report.campus.cells", lang), level=3)
        _table(doc, [t("report.col.code", lang), t("report.col.field", lang), t("col.value", lang),
                     t("report.col.cell", lang)], [[x.code, x.field, x.value, x.cell] for x in c.cells], numeric=[2])


def _with_counts(value: str, counts: str) -> str:
    return f"{value}\n{counts}" if counts else value


def _notes(doc: Any, v: ReportView, notes: Sequence[Any]) -> None:
    lang = v.lang
    _table(doc, [t("report.col.code", lang), t("col.indicator_name", lang), t("report.col.status", lang),
                 t("report.col.note", lang)], [[n.code, n.name, n.status, n.text] for n in notes],
           widths=(1.2, 3.6, 2.4, 9.4))


def _method(doc: Any, v: ReportView) -> None:
    lang = v.lang
    doc.add_heading(t("report.sec.method", lang), level=1)
    doc.add_heading(t("report.method.about", lang), level=2)
    doc.add_paragraph(v.provenance)
    doc.add_heading(t("report.method.structure", lang), level=2)
    doc.add_paragraph(v.structure)
    _table(doc, [t("col.part", lang), t("report.col.part_name", lang), t("col.max_points", lang)],
           [[p.code, p.name, p.max] for p in v.method_parts], numeric=[2])
    doc.add_heading(t("report.method.indicators", lang), level=2)
    _table(doc, [t("report.col.code", lang), t("col.indicator_name", lang), t("col.max_points", lang),
                 t("col.rule", lang), t("col.target", lang), t("report.col.tolerance", lang),
                 t("report.col.changes", lang)],
           [[m.code, m.name, m.points, f"{m.rule_name}{t('cli.colon', lang)}{m.rule_text}", m.target, m.tolerance,
             t("list.sep", lang).join(m.changes)] for m in v.method_rows],
           numeric=[2], size=8, notes=[m.definition for m in v.method_rows])
    doc.add_heading(t("report.method.dropped", lang), level=2)
    for line in v.dropped or [t("report.method.dropped.none", lang)]:
        doc.add_paragraph(line)
    doc.add_heading(t("report.method.rounding", lang), level=2)
    doc.add_paragraph(v.rounding)
    doc.add_heading(t("report.method.missing", lang), level=2)
    for line in v.missing:
        doc.add_paragraph(line)
    doc.add_heading(t("report.method.homogeneity" if v.has_hq else "report.method.marks.heading", lang), level=2)
    if v.homogeneity:
        doc.add_paragraph(v.homogeneity)
    doc.add_paragraph(v.marks)
    doc.add_heading(t("report.method.small_sample.heading", lang), level=2)
    doc.add_paragraph(v.small_sample)
    doc.add_heading(t("report.sec.sources", lang), level=2)
    _table(doc, [t("report.col.role", lang), t("report.col.file", lang), t("report.col.path", lang),
                 t("report.col.sha", lang)], [[s.role, s.name, s.path, s.sha] for s in v.sources])
    doc.add_heading(t("report.sec.warnings", lang), level=2)
    for line in v.warnings or [t("report.warnings.none", lang)]:
        doc.add_paragraph(line)
