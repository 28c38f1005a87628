"""The data readers against hostile files, round three: numbers in the sheet XML, the cell count,
CSV memory and the styles part.

Each hostile file is built in tmp_path; each test asserts exit code 2, a located message in Chinese
(and English), no traceback and a bound on time, and where memory was the attack, a bound on memory.
"""

from __future__ import annotations

import io
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.data import xlsx
from campuseval.data.sources import open_data_file

REPO = Path(__file__).resolve().parents[1]
TARGETS = REPO / "examples" / "shaoxing" / "targets.yaml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
PREFIXED = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def make_xlsx(path: Path, sheet: str | bytes, styles: str | None = None, shared: str | None = None) -> Path:
    """The smallest workbook this reader opens: one sheet "院区", optional styles and shared strings."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                                      '2006/relationships"><sheets><sheet name="院区" sheetId="1" r:id="rId1"/>'
                                      "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels",
                   '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        if styles is not None:
            z.writestr("xl/styles.xml", styles)
        if shared is not None:
            z.writestr("xl/sharedStrings.xml", shared)
    return path


def sheet(rows: str) -> str:
    return f"<worksheet {NS}><sheetData>{rows}</sheetData></worksheet>"


def score(path: Path, out: Path, lang: str, limit: float) -> Any:
    started = time.perf_counter()
    result = CliRunner().invoke(app, ["score", str(path), "--targets", str(TARGETS), "--out", str(out),
                                      "--lang", lang])
    assert time.perf_counter() - started < limit, "took too long"
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def refused(path: Path, tmp_path: Path, zh: str, en: str, limit: float = 10) -> None:
    for lang, text in (("zh", zh), ("en", en)):
        result = score(path, tmp_path / "out", lang, limit)
        assert result.exit_code == 2, result.output
        assert text in result.output, result.output
    assert not (tmp_path / "out").exists()


def in_little_memory(path: Path, megabytes: int) -> str:
    """Read a data file in a child process whose address space is capped; its one line of output."""
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, ({megabytes} << 20, {megabytes} << 20))
        from pathlib import Path
        from campuseval.data.sources import open_data_file
        from campuseval.errors import DataError
        try:
            open_data_file(Path({str(path)!r}), "data.csv")
        except DataError as exc:
            print("refused", exc.diagnostics[0].message.key)
        else:
            print("read")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


# ---------------------------------------------------------------- 1. numbers in the sheet XML


BAD_NUMBERS = {
    "row_superscript": (sheet('<row r="²"><c><v>1</v></c></row>'), None),
    "row_arabic_indic": (sheet('<row r="٣"><c><v>1</v></c></row>'), None),
    "row_fullwidth": (sheet('<row r="３"><c><v>1</v></c></row>'), None),
    "row_sign": (sheet('<row r="+3"><c><v>1</v></c></row>'), None),
    "row_underscore": (sheet('<row r="1_0"><c><v>1</v></c></row>'), None),
    "cell_ref_arabic_indic": (sheet('<row r="3"><c r="A٣"><v>1</v></c></row>'), None),
    "cell_ref_trailing_newline": (sheet('<row r="3"><c r="A3&#10;"><v>1</v></c></row>'), None),
    "shared_index_negative": (sheet('<row r="1"><c r="A1" t="s"><v>-1</v></c></row>'), 2),
    "shared_index_arabic_indic": (sheet('<row r="1"><c r="A1" t="s"><v>١</v></c></row>'), 2),
    "shared_index_superscript": (sheet('<row r="1"><c r="A1" t="s"><v>¹</v></c></row>'), 2),
    "shared_index_underscore": (sheet('<row r="1"><c r="A1" t="s"><v>0_1</v></c></row>'), 2),
    "shared_index_past_end": (sheet('<row r="1"><c r="A1" t="s"><v>2</v></c></row>'), 2),
    "style_index_arabic_indic": (sheet('<row r="1"><c r="A1" s="١"><v>1</v></c></row>'), None),
    "style_index_negative": (sheet('<row r="1"><c r="A1" s="-1"><v>1</v></c></row>'), None),
    "number_arabic_indic": (sheet('<row r="1"><c r="A1"><v>٣</v></c></row>'), None),
    "number_underscore": (sheet('<row r="1"><c r="A1"><v>1_000</v></c></row>'), None),
}


@pytest.mark.parametrize("case", sorted(BAD_NUMBERS))
def test_numbers_in_the_sheet_xml_are_ascii_digits_only(case: str, tmp_path: Path) -> None:
    xml, strings = BAD_NUMBERS[case]
    shared = None
    if strings:
        shared = f"<sst {NS}>" + "".join(f"<si><t>{c}</t></si>" for c in "ab"[:strings]) + "</sst>"
    path = make_xlsx(tmp_path / "院区.xlsx", xml, shared=shared)
    refused(path, tmp_path, f"{path}: 无法打开 xlsx：文件已损坏或不是 Excel 工作簿",
            f"{path}: cannot open the xlsx: the file is damaged or not an Excel workbook")


def test_number_format_index_is_ascii_digits_only(tmp_path: Path) -> None:
    styles = f'<styleSheet {NS}><cellXfs count="1"><xf numFmtId="١٤"/></cellXfs></styleSheet>'
    path = make_xlsx(tmp_path / "院区.xlsx", sheet('<row r="1"><c r="A1" s="0"><v>1</v></c></row>'), styles=styles)
    refused(path, tmp_path, f"{path}: 无法打开 xlsx", f"{path}: cannot open the xlsx")


def test_ascii_numbers_still_read(tmp_path: Path) -> None:
    """The same builder with honest numbers: rows, refs, shared strings and styles as written."""
    styles = (f'<styleSheet {NS}><numFmts count="1"><numFmt numFmtId="164" formatCode="0.0"/></numFmts>'
              '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>')
    shared = f"<sst {NS}><si><t>东湖</t></si><si><t>西湖</t></si></sst>"
    xml = sheet('<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" s="1"><v>2.5</v></c></row>'
                '<row><c t="s"><v>0</v></c><c><v>7</v></c></row>')
    path = make_xlsx(tmp_path / "ok.xlsx", xml, styles=styles, shared=shared)
    sheets, _ = open_data_file(path, "ok.xlsx")
    rows = sheets[0].rows
    assert [[c.value for c in r] for r in rows] == [[None, None], ["西湖", 2.5], ["东湖", 7]]
    assert rows[1][1].number_format == "0.0"


# ---------------------------------------------------------------- 2. the cell count


def test_prefixed_sheet_behind_a_long_comment_is_counted(tmp_path: Path) -> None:
    """The count once looked for prefixes in the first megabyte only: a 1.1 MB comment hid 3,000,000 cells."""
    row = "<x:c><x:v>1</x:v></x:c>" * 1_000
    body = "".join(f'<x:row r="{r}">{row}</x:row>' for r in range(1, 2_002))
    xml = f'<?xml version="1.0"?><!--{"a" * 1_100_000}--><x:worksheet {PREFIXED}><x:sheetData>{body}</x:sheetData></x:worksheet>'
    path = make_xlsx(tmp_path / "院区.xlsx", xml)
    del body, xml
    refused(path, tmp_path, f"{path}，工作表“院区”: 单元格超过 2,000,000 个",
            f'{path}, sheet "院区": more than 2,000,000 cells', limit=15)


@pytest.mark.parametrize("prefix", ["x", "ü", "a" * 300, "x.y-z_1"])
def test_count_sees_every_prefix_across_chunk_boundaries(prefix: str, tmp_path: Path) -> None:
    """Counted exactly, whatever the prefix (non-ASCII, long) and wherever the 1 MB chunks split a tag."""
    cell = f'<{prefix}:c r="A1"><{prefix}:v>1</{prefix}:v></{prefix}:c>'.encode()
    plain = b'<c r="A1"><v>1</v></c>'
    parts = [b"<!--" + b"-" * 0 + b"a" * 1_048_570 + b"-->"]  # the first tags straddle the first boundary
    n = 0
    size = sum(map(len, parts))
    while size < 3 * (1 << 20) + 10_000:
        for piece in (cell, plain, cell + b"\n", plain):
            parts.append(piece)
            size += len(piece)
            n += 1
    data = b"".join(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("s.xml", data)
    zf = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    reader = xlsx._Workbook(zf, {i.filename: i for i in zf.infolist()}, "t.xlsx")
    assert reader._count("s.xml", b"c") == (n, 2 * n)  # the cells, and every element (<c> and <v>)


def test_utf16_part_is_refused(tmp_path: Path) -> None:
    """Expat reads UTF-16 too, where the raw-byte count would find no cell at all."""
    xml = sheet('<row r="1"><c r="A1"><v>1</v></c></row>')
    for encoded in (xml.encode("utf-16"), ('<?xml version="1.0" encoding="UTF-16"?>' + xml).encode("utf-16-le"),
                    ('<?xml version="1.0" encoding="utf-16-be"?>' + xml).encode("utf-16-be")):
        path = make_xlsx(tmp_path / "院区.xlsx", encoded)
        refused(path, tmp_path, f"{path}: 无法打开 xlsx", f"{path}: cannot open the xlsx")


def test_element_name_of_megabytes_is_refused(tmp_path: Path) -> None:
    """The count carries the tag at a chunk's last "<" into the next chunk; a name of megabytes is refused."""
    xml = f'<worksheet {NS}><sheetData><{"x" * 2_500_000} a="1"/></sheetData></worksheet>'
    path = make_xlsx(tmp_path / "院区.xlsx", xml)
    refused(path, tmp_path, f"{path}: 无法打开 xlsx", f"{path}: cannot open the xlsx")


def test_elements_of_the_sheets_are_counted_before_parsing(tmp_path: Path) -> None:
    """Not only cells cost a call to Python: ten million empty rows are refused before the parse."""
    path = make_xlsx(tmp_path / "院区.xlsx", sheet("<row/>" * 10_000_001))
    refused(path, tmp_path, f"{path}，工作表“院区”: xlsx 中的 XML 元素超过 10,000,000 个",
            f'{path}, sheet "院区": the xlsx holds more than 10,000,000 XML elements', limit=10)


def test_elements_of_the_workbook_part_are_bounded(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "院区.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'))
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        b"</workbook>", b"<definedNames>" + b"<definedName/>" * 1_000_001 + b"</definedNames></workbook>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    refused(path, tmp_path, f"{path}: xlsx 中的 XML 元素超过 1,000,000 个",
            f"{path}: the xlsx holds more than 1,000,000 XML elements", limit=10)


# ---------------------------------------------------------------- 3. CSV memory


def test_csv_of_99_million_blank_lines_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b\n" + b"\n" * 99_000_000)
    started = time.perf_counter()
    assert in_little_memory(path, 1024) == "refused data.csv_too_large"  # was a MemoryError after 19 s
    assert time.perf_counter() - started < 20


def test_csv_blank_lines_count_toward_the_row_limit(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("单位,年份\n".encode() + b"\n" * 3_000_000)
    refused(path, tmp_path, f"{path}: CSV 有 3,000,001 行", f"{path}: the CSV has 3,000,001 rows", limit=15)


def test_csv_line_of_99_million_commas_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"," * 99_000_000 + b"\n")
    started = time.perf_counter()
    assert in_little_memory(path, 1024) == "refused data.csv_row_too_long"  # was refused after 1.6 GB
    assert time.perf_counter() - started < 20


def test_csv_long_row_is_located(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("单位,年份\n东湖,2024\n".encode() + b"," * 2_000_000 + b"\n")
    refused(path, tmp_path, f"{path}，第 3 行: CSV 的这一行有 2,000,001 个字符，超过上限 1,000,000",
            f"{path}, row 3: this row of the CSV holds 2,000,001 characters, more than the limit of 1,000,000")


def test_csv_width_is_still_counted_exactly(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("单位,年份\n".encode() + b",".join([b"1"] * 1_001) + b"\n" + b"x,2024\n" * 5)
    refused(path, tmp_path, f"{path}: CSV 有 7 行、1,001 列", f"{path}: the CSV has 7 rows, 1,001 columns")


def test_csv_quote_left_open_in_a_large_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("单位,年份\n\"东湖,2024\n".encode() + b"x,2024\n" * 200_000)
    refused(path, tmp_path, f"{path}，第 2 行: 这一行有一个引号", f"{path}, row 2: ")


# ---------------------------------------------------------------- 4. the styles part


@pytest.mark.parametrize(("tag", "xml"), [
    ("xf", "<cellXfs>" + "<xf/>" * 2_000_000 + "</cellXfs>"),
    ("xf", "<cellStyleXfs>" + "<xf/>" * 70_000 + "</cellStyleXfs>"),
    ("numFmt", "<numFmts>" + '<numFmt numFmtId="1" formatCode="0"/>' * 70_000 + "</numFmts>"),
])
def test_styles_entries_are_bounded(tag: str, xml: str, tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "院区.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'),
                     styles=f"<styleSheet {NS}>{xml}</styleSheet>")
    refused(path, tmp_path, f"{path}: xlsx 的样式表中 {tag} 条目超过 65,000 个",
            f"{path}: the styles of the xlsx hold more than 65,000 {tag} entries", limit=5)


def test_styles_elements_are_bounded(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "院区.xlsx", sheet('<row r="1"><c r="A1"><v>1</v></c></row>'),
                     styles=f"<styleSheet {NS}><fonts>" + "<font/>" * 3_000_000 + "</fonts></styleSheet>")
    refused(path, tmp_path, f"{path}: xlsx 的样式表中元素超过 1,000,000 个",
            f"{path}: the styles of the xlsx hold more than 1,000,000 elements", limit=10)
