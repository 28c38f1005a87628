"""Writes the bad-input corpus: one folder per case under tests/bad_inputs/ and cases.json describing them.

Every case is one thing a user's data file or command line can get wrong (or get unusually right):
the files it consists of, the `campuseval score` arguments, the exit code, and the lines of output
that must appear in Chinese and in English - the location first (file, sheet, row, column as Excel
shows them), then the message. tests/test_bad_inputs.py runs them all.

The files are written by code, not by hand, so that xlsx and binary cases can be rebuilt exactly:

    python tests/bad_inputs/make_corpus.py          # rewrite the corpus after changing a case
    python tests/bad_inputs/make_corpus.py --check  # exit 1 if the committed files differ

xlsx files get fixed timestamps; corrupted ones are cut from an uncompressed (stored) workbook so
their bytes do not depend on the zlib version. Campus, HQ and district names are those of
examples/shaoxing/targets.yaml (fictional), against which every case is scored.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
GOOD = "_good"  # complete, valid data that "works" cases add to the file under test

# ---------------------------------------------------------------- the data every case starts from

CAMPUS_HEADER = ["单位", "年份", "出院患者总人次数", "出院患者手术人次数", "出院患者手术台次数", "出院患者微创手术台次数",
                 "出院患者四级手术台次数", "手术患者并发症发生例数", "低风险组出院例数", "低风险组死亡例数", "医疗收入",
                 "医疗服务收入（不含药品、耗材、检查检验收入）", "人员支出", "业务支出", "卫生技术人员数",
                 "高级职称卫生技术人员数", "门急诊及出院患者人次数", "绍兴市外患者人次数", "绍兴市外患者医疗收入",
                 "派驻属地医疗机构人员数", "专家下沉帮扶人次", "科研立项及成果转化帮扶项目数", "接收属地医务人员进修培训人次"]
CAMPUS_ROWS = [
    ["示例一院东湖院区", 2023, 29506, 12550, 14190, 4338, 3260, 91, 4830, 0, 103966.9, 35029.7, 38958.0, 98329.8,
     1175, 210, 941535, 85041, 13306.2, 6.2, 195, 2, 45],
    ["示例一院东湖院区", 2024, 33037, 14757, 16956, 4736, 4163, 125, 4884, 2, 93806.9, 32753.1, 36443.4, 88328.0,
     1199, 256, 875566, 68627, 12482.9, 9.7, 247, 4, 39],
    ["示例二院西山院区", 2023, 24649, 9914, 10920, 3080, 2449, 75, 3678, 1, 85298.2, 24094.7, 28856.2, 81042.0,
     961, 159, 771535, 49585, 8613.5, 8.7, 187, 2, 51],
    ["示例二院西山院区", 2024, 27773, 10614, 11913, 3436, 3048, 92, 3778, 0, 93324.2, 26233.3, 31854.4, 87481.7,
     948, 140, 793852, 81452, 10250.8, 10.2, 169, 4, 69],
    ["示例肿瘤医院南江院区", 2023, 16926, 5983, 6465, 1574, 1288, 51, 2675, 1, 58063.5, 14507.9, 16885.1, 55445.0,
     696, 103, 582848, 43801, 7697.5, 8.1, 184, 4, 64],
    ["示例肿瘤医院南江院区", 2024, 17148, 5570, 6100, 1393, 1198, 60, 2546, 1, 62784.7, 17040.3, 17903.6, 59481.9,
     838, 121, 587565, 70353, 5440.5, 11.7, 203, 1, 54],
    ["示例三院北塘院区", 2023, 17594, 7149, 8149, 2354, 2035, 59, 2052, 1, 45321.4, 14947.8, 16806.1, 43342.7,
     551, 103, 400294, 36603, 5339.4, 11.6, 216, 4, 69],
    ["示例三院北塘院区", 2024, 16441, 6565, 7454, 2000, 1783, 56, 2040, 2, 53882.6, 17838.8, 18865.0, 50902.7,
     697, 133, 450129, 49203, 5472.3, 8.0, 260, 3, 68],
]
HQ_HEADER = ["单位", "年份", "出院患者总人次数", "出院患者手术人次数", "出院患者手术台次数", "出院患者微创手术台次数",
             "出院患者四级手术台次数", "手术患者并发症发生例数", "低风险组出院例数", "低风险组死亡例数", "医疗收入",
             "医疗服务收入（不含药品、耗材、检查检验收入）", "人员支出", "业务支出", "卫生技术人员数",
             "高级职称卫生技术人员数", "门急诊及出院患者人次数", "绍兴籍患者人次数", "绍兴籍患者医疗收入"]
HQ_ROWS = [
    ["示例第一医院", 2023, 75070, 35022, 38352, 12800, 11132, 271, 9862, 1, 206408.0, 72005.4, 85424.0, 196227.8,
     2503, 537, 2146748, 99249, 12405.5],
    ["示例第一医院", 2024, 77997, 35039, 38860, 11095, 9837, 242, 10363, 1, 217584.6, 76132.1, 88014.2, 210930.5,
     2951, 567, 1960707, 81583, 11769.5],
    ["示例第二医院", 2023, 63539, 28029, 31964, 10491, 8612, 211, 10273, 1, 219150.0, 77777.1, 87231.7, 202842.8,
     2754, 523, 1988544, 90972, 13033.4],
    ["示例第二医院", 2024, 62660, 26536, 29625, 9579, 8186, 226, 9894, 1, 240221.0, 83124.6, 92362.1, 226511.5,
     2450, 471, 1881555, 77470, 12857.9],
    ["示例肿瘤医院", 2023, 73293, 33413, 36157, 11198, 9678, 300, 9268, 1, 206747.7, 71220.8, 83927.8, 191103.2,
     2825, 664, 1781667, 101912, 15373.8],
    ["示例肿瘤医院", 2024, 65186, 30524, 34041, 10156, 8491, 238, 10462, 2, 254640.7, 93592.0, 97291.9, 237266.2,
     2908, 528, 1951684, 100473, 17041.6],
    ["示例第三医院", 2023, 70311, 30581, 33675, 9794, 8984, 202, 9241, 0, 233109.1, 85295.5, 92107.6, 221574.0,
     2445, 562, 2109278, 108232, 15549.8],
    ["示例第三医院", 2024, 69685, 32898, 37617, 12691, 9911, 272, 10416, 2, 235606.1, 81535.4, 99267.0, 230148.4,
     2884, 596, 1773838, 95571, 16502.2],
]
LOCALITY_HEADER = ["单位", "年份", "属地参保人员医疗费用总额", "属地参保人员县域外就医费用"]
LOCALITY_ROWS = [
    ["东湖区", 2023, 185789.1, 41729.2], ["东湖区", 2024, 183749.2, 40956.2],
    ["西山区", 2023, 203651.7, 52385.8], ["西山区", 2024, 160732.6, 34980.3],
    ["南江新区", 2023, 223236.0, 40273.0], ["南江新区", 2024, 195256.7, 47169.8],
    ["北塘区", 2023, 203806.9, 43417.9], ["北塘区", 2024, 183764.8, 45044.8],
]
# A small campus table for faults: four columns, one row per campus for 2024.
SMALL_HEADER = ["单位", "年份", "出院患者总人次数", "出院患者手术人次数"]
SMALL_ROWS = [["示例一院东湖院区", 2024, 33037, 14757], ["示例二院西山院区", 2024, 27773, 10614],
              ["示例肿瘤医院南江院区", 2024, 17148, 5570], ["示例三院北塘院区", 2024, 16441, 6565]]
COMPANIONS = [f"../{GOOD}/总院.csv", f"../{GOOD}/属地.csv"]  # the HQ and district data, valid
EXAMPLE_TARGETS = "examples/shaoxing/targets.yaml"


def csv_text(header: list[Any], rows: list[list[Any]], sep: str = ",") -> str:
    """CSV as Excel writes it: CRLF after every line, nothing quoted that needs no quotes."""
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter=sep, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def utf8(text: str) -> bytes:
    return text.encode("utf-8")


def small_csv(edit: Callable[[list[list[Any]]], None] | None = None, header: list[str] | None = None) -> bytes:
    rows = [list(r) for r in SMALL_ROWS]
    if edit:
        edit(rows)
    return utf8(csv_text(header or SMALL_HEADER, rows))


def set_cell(row: int, col: int, value: Any) -> Callable[[list[list[Any]]], None]:
    """An edit of SMALL_ROWS by Excel coordinates: row 2 is the first data row, column 1 is A."""
    def edit(rows: list[list[Any]]) -> None:
        rows[row - 2][col - 1] = value
    return edit


# ---------------------------------------------------------------- reproducible xlsx

FIXED_TIME = (2024, 1, 1, 0, 0, 0)


def normalise_zip(raw: bytes, *, stored: bool = False) -> bytes:
    """The same workbook gives the same bytes: fixed entry times, fixed document dates."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*", rb"\g<1>2024-01-01T00:00:00Z", data)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, data)
    return out.getvalue()


def xlsx(build: Callable[[Workbook], None], *, stored: bool = False) -> bytes:
    wb = Workbook()
    build(wb)
    buf = io.BytesIO()
    wb.save(buf)
    return normalise_zip(buf.getvalue(), stored=stored)


def sheet(title: str, rows: list[list[Any]], *, first: bool = True,
          then: Callable[[Any], None] | None = None) -> Callable[[Workbook], None]:
    """A workbook builder: one sheet named `title` holding `rows`, then `then(ws)` for formats and merges."""
    def build(wb: Workbook) -> None:
        ws = wb.active if first else wb.create_sheet(title)
        ws.title = title
        for r in rows:
            ws.append(r)
        if then:
            then(ws)
    return build


def chain(*builders: Callable[[Workbook], None]) -> Callable[[Workbook], None]:
    def build(wb: Workbook) -> None:
        for b in builders:
            b(wb)
    return build


def patch_part(raw: bytes, part: str, edit: Callable[[bytes], bytes]) -> bytes:
    """A workbook with one part's XML rewritten, for structures openpyxl will not write (or not quickly)."""
    src = zipfile.ZipFile(io.BytesIO(raw))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            entry = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, edit(data) if info.filename == part else data)
    return out.getvalue()


SHEET1 = "xl/worksheets/sheet1.xml"


def add_merges(*refs: str) -> Callable[[bytes], bytes]:
    def edit(xml: bytes) -> bytes:
        merges = "".join(f'<mergeCell ref="{r}"/>' for r in refs)
        return xml.replace(b"</sheetData>", f'</sheetData><mergeCells count="{len(refs)}">{merges}</mergeCells>'.encode(), 1)
    return edit


def many_cells(n: int) -> Callable[[bytes], bytes]:
    """A sheet of `n` one-character cells in rows of 1,000: 15 bytes a cell, it zips to almost nothing."""
    def edit(xml: bytes) -> bytes:
        row = b"<c><v>1</v></c>" * 1000
        body = b"".join(b'<row r="%d">' % (r + 10) + row + b"</row>" for r in range(n // 1000 + 1))
        return xml.replace(b"</sheetData>", body + b"</sheetData>", 1)
    return edit


def many_sheets(n: int) -> Callable[[bytes], bytes]:
    """workbook.xml declaring `n` sheets that all point at the one sheet part."""
    def edit(xml: bytes) -> bytes:
        first = re.search(rb"<sheet [^>]*/>", xml)
        assert first is not None
        extra = b"".join(re.sub(rb'name="[^"]*"', b'name="S%d"' % k, re.sub(rb'sheetId="\d+"', b'sheetId="%d"' % (k + 2),
                                                                               first.group()))
                         for k in range(n))
        return xml.replace(first.group(), first.group() + extra, 1)
    return edit


def array_formula(xml: bytes) -> bytes:
    """D3 becomes an array formula with no saved value (what a script leaves)."""
    return re.sub(rb'<c r="D3"[^>]*>.*?</c>', b'<c r="D3"><f t="array" ref="D3">SUM(C3*0.38)</f></c>', xml, count=1)


def long_integer(xml: bytes) -> bytes:
    return re.sub(rb'(<c r="C3"[^>]*>)<v>[^<]*</v>', rb"\g<1><v>" + b"9" * 5000 + b"</v>", xml, count=1)


def small_xlsx(then: Callable[[Any], None] | None = None, title: str = "院区") -> bytes:
    return xlsx(sheet(title, [SMALL_HEADER, *[list(r) for r in SMALL_ROWS]], then=then))


def zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            z.writestr(entry, data)
    return out.getvalue()


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def ole(extra: bytes = b"") -> bytes:
    """The start of an OLE compound file (old .xls, .et, encrypted .xlsx): signature, then zeros."""
    return OLE + b"\x00" * 504 + extra + b"\x00" * 512


# ---------------------------------------------------------------- cases


@dataclass
class Case:
    id: str
    what: str  # the fault (or the unusual input that must work), in a few words
    files: dict[str, bytes]
    args: list[str]  # data files relative to the case folder, then options
    exit: int
    zh: list[str]  # each must appear in the output of `score ... --lang zh`
    en: list[str]  # each must appear in the output of `score ... --lang en`
    values: list[list[Any]] = field(default_factory=list)  # [unit id, year, field, value, None or "absent"]
    flags: list[list[str]] = field(default_factory=list)  # [campus id, indicator, flag] found in scores.json
    targets: str = EXAMPLE_TARGETS  # relative to the repository root, or to the case folder when local
    out: str = "new"  # the --out folder before the run: "new", "file" (a file), "results" (earlier results)
    formats: str = "json,csv,xlsx"


def loc_zh(file: str, row: int | None = None, col: str | None = None, sheet: str | None = None) -> str:
    bits = [file]
    if sheet is not None:
        bits.append(f"工作表“{sheet}”")
    if row is not None:
        bits.append(f"第 {row} 行")
    if col is not None:
        bits.append(f"{col} 列")
    return "，".join(bits) + ": "


def loc_en(file: str, row: int | None = None, col: str | None = None, sheet: str | None = None) -> str:
    bits = [file]
    if sheet is not None:
        bits.append(f'sheet "{sheet}"')
    if row is not None:
        bits.append(f"row {row}")
    if col is not None:
        bits.append(f"column {col}")
    return ", ".join(bits) + ": "


def full_campus_csv(edit: Callable[[list[list[Any]]], None] | None = None, sep: str = ",") -> str:
    rows = [list(r) for r in CAMPUS_ROWS]
    if edit:
        edit(rows)
    return csv_text(CAMPUS_HEADER, rows, sep)


def works(id: str, what: str, files: dict[str, bytes], data: list[str], values: list[list[Any]],
          zh: list[str] | None = None, en: list[str] | None = None, args: list[str] | None = None,
          flags: list[list[str]] | None = None) -> Case:
    # The small campus table lacks most columns the table needs: these cases are about reading a
    # file, so they go on with --allow-incomplete (the refusal itself has cases of its own).
    return Case(id, what, files, [*data, *(args or []), "--allow-incomplete"], 0, zh or [], en or [],
                values=values, flags=flags or [])


def cases() -> list[Case]:  # one long list reads better than many small functions
    rnd = random.Random(20240101)
    stored = xlsx(sheet("院区", [SMALL_HEADER, *[list(r) for r in SMALL_ROWS]]), stored=True)
    c: list[Case] = []
    add = c.append
    F = "院区.csv"
    X = "院区.xlsx"

    # ---------------------------------------------------------- files that cannot be read
    add(Case("empty_file", "a 0-byte file", {F: b""}, [F], 2,
             [F + ": 文件是空的", "campuseval template"], [F + ": the file is empty", "campuseval template"]))
    add(Case("whitespace_only", "spaces, tabs and line breaks only", {F: b"  \r\n\t\r\n   \r\n"}, [F], 2,
             [F + ": 文件是空的"], [F + ": the file is empty"]))
    add(Case("bom_only", "a UTF-8 byte-order mark and a line break", {F: b"\xef\xbb\xbf\r\n"}, [F], 2,
             [F + ": 没有找到表头行"], [F + ": no header row found"]))
    add(Case("utf16_with_bom", "CSV saved as UTF-16 (Excel's Unicode text)",
             {F: csv_text(SMALL_HEADER, SMALL_ROWS).encode("utf-16")}, [F], 2,
             [F + ": 文件是 UTF-16（Unicode 文本）编码", "CSV UTF-8"],
             [F + ": the file is encoded as UTF-16 (Unicode text)", "CSV UTF-8"]))
    add(Case("utf16le_no_bom", "CSV in UTF-16 LE without a byte-order mark",
             {F: csv_text(SMALL_HEADER, SMALL_ROWS).encode("utf-16-le")}, [F], 2,
             [F + ": 文件是 UTF-16（Unicode 文本）编码"], [F + ": the file is encoded as UTF-16 (Unicode text)"]))
    add(Case("latin1_not_gbk", "Latin-1 bytes that are neither UTF-8 nor GBK",
             {F: "单位,年份,出院患者总人次数\r\n".encode() + "Café,2024,1\r\n".encode("latin-1")}, [F], 2,
             [F + ": 无法识别文件编码（既不是 UTF-8 也不是 GBK）"],
             [F + ": cannot tell the file's encoding (neither UTF-8 nor GBK)", "save it from Excel as 'CSV UTF-8"]))
    whole = utf8(csv_text(SMALL_HEADER, SMALL_ROWS))
    cut = whole[: whole.index("示例三院".encode()) + 4]  # ends inside the second byte of 例... of 示
    add(Case("truncated_mid_character", "a UTF-8 file cut off inside a character", {F: cut}, [F], 2,
             [F + ": 文件在一个字符中间结束"], [F + ": the file ends in the middle of a character", "ask the sender"]))
    add(Case("truncated_mid_row", "a file cut off in the middle of its last row",
             {F: whole[: whole.rindex(b"16441") + 3]}, [F], 2,
             [loc_zh(F, 5, "C") + "这一行只有 3 列（表头有 4 列）"],
             [loc_en(F, 5, "C") + "this row has only 3 cells (the header has 4)"]))
    add(Case("unclosed_quote", "a stray opening quote that would swallow the rest of the file",
             {F: small_csv().replace("示例二院西山院区".encode(), '"示例二院西山院区'.encode())}, [F], 2,
             [loc_zh(F, 3) + "这一行有一个引号（\"）没有配对"], [loc_en(F, 3) + "a quote (\") in this row is never closed"]))
    noise = bytes(rnd.randrange(256) for _ in range(3000))
    add(Case("binary_as_csv", "random bytes named .csv", {F: noise}, [F], 2,
             [F + ": 这不是 CSV 文本文件（含二进制内容）"], [F + ": this is not a CSV text file"]))
    add(Case("png_as_csv", "a PNG picture named .csv",
             {F: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rnd.randrange(256) for _ in range(200))}, [F], 2,
             [F + ": 这不是 CSV 文本文件（含二进制内容）"], [F + ": this is not a CSV text file", "give a .csv or .xlsx"]))
    add(Case("zip_as_csv", "a zip archive (not a workbook) named .csv", {F: zip_of({"readme.txt": b"hello"})}, [F], 2,
             [F + ": 无法打开 xlsx"], [F + ": cannot open the xlsx: the file is damaged or not an Excel workbook"]))
    add(works("xlsx_named_csv", "a real workbook named .csv is read as a workbook",
              {F: small_xlsx()}, [F, *COMPANIONS], [["donghu", 2024, "discharges", 33037]]))
    add(Case("xls_file", "an old binary .xls workbook", {"院区.xls": ole()}, ["院区.xls"], 2,
             ["院区.xls: 不支持旧版 .xls / WPS .et 格式", "另存为 .xlsx"],
             ["院区.xls: old .xls and WPS .et files are not supported", "save it as .xlsx"]))
    add(Case("xls_renamed_xlsx", "an old .xls renamed to .xlsx", {X: ole()}, [X], 2,
             [X + ": 不支持旧版 .xls / WPS .et 格式"], [X + ": old .xls and WPS .et files are not supported"]))
    add(Case("html_saved_as_xls", "a web page saved with an .xls name",
             {"院区.xls": utf8("<html><body><table><tr><td>单位</td></tr></table></body></html>")}, ["院区.xls"], 2,
             ["院区.xls: 不支持旧版 .xls / WPS .et 格式"], ["院区.xls: old .xls and WPS .et files are not supported"]))
    add(Case("wps_et_file", "a WPS spreadsheet (.et)", {"院区.et": ole()}, ["院区.et"], 2,
             ["院区.et: 不支持旧版 .xls / WPS .et 格式"], ["院区.et: old .xls and WPS .et files are not supported"]))
    add(Case("ods_file", "an OpenDocument spreadsheet", {"院区.ods": zip_of({"mimetype": b"application/vnd.oasis"})},
             ["院区.ods"], 2, ["院区.ods: 不支持 .ods 格式", "另存为 .xlsx"],
             ["院区.ods: .ods files are not supported", "save it as .xlsx"]))
    add(Case("encrypted_xlsx", "a password-protected workbook (an OLE container with an EncryptedPackage)",
             {X: ole("EncryptedPackage".encode("utf-16-le"))}, [X], 2,
             [X + ": 工作簿设置了打开密码，无法读取", "清空密码"],
             [X + ": the workbook is protected by a password and cannot be read", "clear the password"]))
    add(Case("truncated_xlsx", "a workbook cut off halfway", {X: stored[: len(stored) // 2]}, [X], 2,
             [X + ": 无法打开 xlsx：文件已损坏或不是 Excel 工作簿", "重新保存"],
             [X + ": cannot open the xlsx: the file is damaged or not an Excel workbook", "save it again"]))
    add(Case("zip_not_xlsx", "a zip archive of text files named .xlsx", {X: zip_of({"data.txt": b"1,2,3"})}, [X], 2,
             [X + ": 无法打开 xlsx"], [X + ": cannot open the xlsx"]))
    damaged = bytearray(stored)
    start = damaged.index(b"<sheetData>")
    damaged[start:start + 40] = b"\x00\xff" * 20  # the sheet's XML overwritten: its checksum no longer matches
    add(Case("damaged_xlsx", "a workbook with garbage inside its sheet", {X: bytes(damaged)}, [X], 2,
             [X + ": 无法打开 xlsx"], [X + ": cannot open the xlsx"]))
    add(Case("missing_file", "a data file that does not exist", {}, ["不存在.csv"], 2,
             ["不存在.csv: 文件不存在", "请检查路径和文件名"], ["不存在.csv: file not found", "check the path"]))
    add(Case("directory_as_data", "a folder given instead of its files", {"数据/院区.csv": small_csv()}, ["数据"], 2,
             ["数据: 这是一个文件夹，不是文件", "数据/*.xlsx"], ["数据: this is a folder, not a file", "data/*.xlsx"]))

    # ---------------------------------------------------------- headers
    add(Case("no_unit_column", "the header has indicators but no unit column",
             {F: utf8(csv_text(SMALL_HEADER[1:], [r[1:] for r in SMALL_ROWS]))}, [F], 2,
             [loc_zh(F, 1) + "表头中没有“单位”列"], [loc_en(F, 1) + "the header row has no unit column", "add a column headed 单位"]))
    add(Case("no_header", "a file with no recognisable header",
             {F: utf8("这是一份说明\r\n请填写数据\r\n")}, [F], 2,
             [F + ": 没有找到表头行\n", "出院患者四级手术比例"],
             [F + ": no header row found\n", "the header needs a unit column"]))
    add(Case("no_header_in_workbook", "a workbook none of whose sheets has a header: the sheets are listed",
             {X: xlsx(chain(sheet("说明", [["请填写数据"]]), sheet("Sheet2", [["合计", 1]], first=False)))}, [X], 2,
             [X + ": 没有找到表头行（工作表：说明、Sheet2）"], [X + ": no header row found (sheets: 说明、Sheet2)"]))
    add(Case("no_year_column", "no year column and no --year",
             {F: utf8(csv_text(["单位", "出院患者总人次数"], [["示例一院东湖院区", 1]]))}, [F], 2,
             [loc_zh(F, 1) + "没有“年份”列", "--year"], [loc_en(F, 1) + "there is no year column", "--year"]))
    add(Case("duplicate_header", "the same header twice",
             {F: utf8(csv_text([*SMALL_HEADER, "出院患者总人次数"], [[*r, 1] for r in SMALL_ROWS]))}, [F], 2,
             [loc_zh(F, 1, "E") + "“出院患者总人次数”出现了两列（另一列在 C 列）"],
             [loc_en(F, 1, "E") + "'出院患者总人次数' has two columns (the other is column C)"]))
    add(Case("duplicate_header_trailing_space", "two headers that differ only by a trailing space",
             {F: utf8(csv_text([*SMALL_HEADER, "出院患者总人次数 "], [[*r, 1] for r in SMALL_ROWS]))}, [F], 2,
             [loc_zh(F, 1, "E") + "“出院患者总人次数”出现了两列（另一列在 C 列）", "末尾空格"],
             [loc_en(F, 1, "E") + "'出院患者总人次数' has two columns", "trailing spaces"]))
    add(Case("duplicate_header_fullwidth", "A1 and its full-width twin Ａ１",
             {F: utf8(csv_text(["单位", "年份", "A1", "Ａ１"], [["示例一院东湖院区", 2024, 40, 41]]))}, [F], 2,
             [loc_zh(F, 1, "D") + "“出院患者四级手术比例”出现了两列（另一列在 C 列）", "全角/半角"],
             [loc_en(F, 1, "D") + "'出院患者四级手术比例' has two columns (the other is column C)", "full-width"]))
    add(Case("duplicate_header_code_and_name", "an indicator given by code and by name",
             {F: utf8(csv_text(["单位", "年份", "出院患者四级手术比例", "A1"], [["示例一院东湖院区", 2024, 40, 41]]))},
             [F], 2, [loc_zh(F, 1, "D") + "“出院患者四级手术比例”出现了两列（另一列在 C 列）"],
             [loc_en(F, 1, "D") + "'出院患者四级手术比例' has two columns (the other is column C)"]))
    titled = [["2024 年院区数据"], ["填报单位：示例市卫健委"], [], SMALL_HEADER, *[list(r) for r in SMALL_ROWS]]
    titled[5][3] = "约10000"
    add(Case("title_rows_error", "title rows above the header; the error keeps Excel's row number",
             {F: utf8(csv_text(titled[0], titled[1:]))}, [F], 2,
             [loc_zh(F, 6, "D") + "“出院患者手术人次数”应为数字，实际为“约10000”"],
             [loc_en(F, 6, "D") + "'出院患者手术人次数' must be a number, got '约10000'"]))

    def title_merged(ws: Any) -> None:
        ws.insert_rows(1, 2)
        ws["A1"] = "2024 年院区数据（示例）"
        ws.merge_cells("A1:D1")

    add(works("title_rows_works", "a merged title row and a blank row above the header",
              {X: small_xlsx(then=title_merged)}, [X, *COMPANIONS],
              [["donghu", 2024, "discharges", 33037], ["beitang", 2024, "surgery_discharges", 6565]]))

    def two_row(bad: Any = None) -> bytes:
        rows = [["单位", "年份", "手术情况", None, None],
                [None, None, "出院患者手术人次数", "出院患者手术台次数", "出院患者四级手术台次数"],
                ["示例一院东湖院区", 2024, 14757, 16956, 4163 if bad is None else bad],
                ["示例二院西山院区", 2024, 10614, 11913, 3048]]

        def merge(ws: Any) -> None:
            ws.merge_cells("A1:A2")
            ws.merge_cells("B1:B2")
            ws.merge_cells("C1:E1")

        return xlsx(sheet("院区", rows, then=merge))

    add(works("two_row_header_works", "a group title merged over three columns; 单位 and 年份 merged over two rows",
              {X: two_row()}, [X, *COMPANIONS],
              [["donghu", 2024, "surgery_discharges", 14757], ["donghu", 2024, "lvl4_ops", 4163],
               ["xishan", 2024, "ops", 11913]]))
    add(Case("two_row_header_error", "a two-row header; the error is located below it",
             {X: two_row("四千")}, [X], 2,
             [loc_zh(X, 3, "E", "院区") + "“出院患者四级手术台次数”应为数字，实际为“四千”"],
             [loc_en(X, 3, "E", "院区") + "'出院患者四级手术台次数' must be a number, got '四千'"]))
    add(works("unknown_columns_warning", "a column that is not an indicator: a warning, the rest is read",
              {F: utf8(csv_text([*SMALL_HEADER, "备注"], [[*r, "已核对"] for r in SMALL_ROWS]))},
              [F, *COMPANIONS], [["donghu", 2024, "discharges", 33037]],
              zh=[loc_zh(F, 1) + "警告：以下列无法识别，已忽略：备注 (E)"],
              en=[loc_en(F, 1) + "warning: these columns are not recognised and were ignored: 备注 (E)"]))
    add(Case("header_only_csv", "a header and no rows", {F: utf8(csv_text(SMALL_HEADER, []))}, [F], 2,
             [F + ": 没有数据行"], [F + ": there are no data rows", "one row per unit"]))
    add(Case("header_only_sheet", "a workbook whose only sheet has headers and no rows",
             {X: xlsx(sheet("院区", [SMALL_HEADER]))}, [X], 2, [X + ": 没有数据行"], [X + ": there are no data rows"]))
    add(works("empty_sheet_and_data_sheet", "an empty first sheet, data on the second",
              {X: xlsx(chain(sheet("Sheet1", []), sheet("院区", [SMALL_HEADER, *SMALL_ROWS], first=False)))},
              [X, *COMPANIONS], [["nanjiang", 2024, "discharges", 17148]]))
    notes = [["填报说明"], ["1. 每个单位、每个年度填一行"], ["2. 缺失填 - 或留空"]]
    bad_rows = [SMALL_HEADER, *[list(r) for r in SMALL_ROWS]]
    bad_rows[3][2] = "17,148.5.0"
    add(Case("instructions_then_data", "an instructions sheet, then data with a fault: the data sheet is named",
             {X: xlsx(chain(sheet("填报说明", notes), sheet("院区数据", bad_rows, first=False)))}, [X], 2,
             [loc_zh(X, 4, "C", "院区数据") + "“出院患者总人次数”应为数字，实际为“17,148.5.0”"],
             [loc_en(X, 4, "C", "院区数据") + "'出院患者总人次数' must be a number, got '17,148.5.0'"]))

    # ---------------------------------------------------------- units and years
    add(Case("unknown_campus", "a misspelt campus name: did you mean",
             {F: small_csv(set_cell(3, 1, "示例二院西三院区"))}, [F], 2,
             [loc_zh(F, 3, "A") + "不认识的单位“示例二院西三院区”", "您是否想写“示例二院西山院区”"],
             [loc_en(F, 3, "A") + "unknown unit '示例二院西三院区'", "did you mean '示例二院西山院区'"]))
    add(Case("unknown_unit_no_suggestion", "a unit with no close name: the known ones are listed",
             {F: small_csv(set_cell(2, 1, "XYZ"))}, [F], 2,
             [loc_zh(F, 2, "A") + "不认识的单位“XYZ”", "示例一院东湖院区"],
             [loc_en(F, 2, "A") + "unknown unit 'XYZ'", "示例一院东湖院区"]))
    add(Case("duplicate_unit_year", "the same campus and year twice",
             {F: utf8(csv_text(SMALL_HEADER, [*SMALL_ROWS, SMALL_ROWS[1]]))}, [F], 2,
             [loc_zh(F, 6, "A") + "示例二院西山院区 2024 年的数据重复（第一次在第 3 行）"],
             [loc_en(F, 6, "A") + "示例二院西山院区 has two rows for 2024 (the first is row 3)"]))
    add(Case("duplicate_across_files", "the same value in two files",
             {F: small_csv(), "院区补充.csv": utf8(csv_text(SMALL_HEADER[:3], [SMALL_ROWS[0][:3]]))},
             [F, "院区补充.csv"], 2,
             [loc_zh("院区补充.csv", 2, "C") + "示例一院东湖院区 2024 年的“出院患者总人次数”重复（已在 院区.csv:C2 读到）"],
             [loc_en("院区补充.csv", 2, "C") + "'出院患者总人次数' for 示例一院东湖院区 in 2024 appears twice (already read at 院区.csv:C2)"]))
    add(Case("blank_unit_name", "a data row with no unit name", {F: small_csv(set_cell(4, 1, ""))}, [F], 2,
             [loc_zh(F, 4, "A") + "这一行没有单位名称"], [loc_en(F, 4, "A") + "this row has no unit name"]))
    add(Case("bad_year", "a year in Chinese numerals", {F: small_csv(set_cell(2, 2, "二〇二四"))}, [F], 2,
             [loc_zh(F, 2, "B") + "年份“二〇二四”无法识别", "之间的四位年份"],
             [loc_en(F, 2, "B") + "year '二〇二四' is not a year", "four-digit year"]))
    add(Case("blank_year", "a data row with no year", {F: small_csv(set_cell(5, 2, ""))}, [F], 2,
             [loc_zh(F, 5, "B") + "这一行没有年份"], [loc_en(F, 5, "B") + "this row has no year"]))
    add(Case("year_absent", "--year 2030 when the data holds 2023 and 2024",
             {F: utf8(full_campus_csv())}, [F, "--year", "2030"], 2,
             [F + ": 数据中没有 2030 年的数据（有：2023, 2024）"], [F + ": the data has no rows for 2030 (it has 2023, 2024)"]))
    add(Case("year_not_in_targets", "data for 2022 only, a targets file for 2023-2024",
             {F: small_csv(lambda rows: [r.__setitem__(1, 2022) for r in rows])}, [F], 2,
             ["targets.yaml: 目标值文件适用于 2023, 2024 年，不适用于 2022 年"],
             ["targets.yaml: the targets file applies to 2023, 2024, not to 2022"]))
    add(Case("hq_without_rows", "campus data but no HQ rows: refused, the HQ file is named as missing",
             {F: utf8(full_campus_csv())}, [F, f"../{GOOD}/属地.csv"], 2,
             ["没有读到任何总院 2024 年的数据：A1, A2, A3, A4, A5, A6, A7, A8, B3, B4 需要总院值",
              "是否漏传了总院文件或“总院”工作表", "--allow-incomplete"],
             ["no HQ rows for 2024 were read; HQ values are needed by A1, A2, A3, A4, A5, A6, A7, A8, B3, B4",
              "Was the HQ file or the 总院 sheet left out", "--allow-incomplete"]))
    add(works("hq_without_rows_allowed", "no HQ rows with --allow-incomplete: scored, flagged hq_missing, said",
              {F: utf8(full_campus_csv())}, [F, f"../{GOOD}/属地.csv"], [["donghu", 2024, "discharges", 33037]],
              ["数据不完整", "没有读到任何总院 2024 年的数据", "数据不足"],
              ["Incomplete data", "no HQ rows for 2024 were read", "insufficient data"],
              flags=[["donghu", "A1", "hq_missing"], ["xishan", "A7", "hq_missing"]]))
    add(Case("campus_without_rows", "a campus of the targets file has no rows: refused, the campus named",
             {F: utf8(full_campus_csv(lambda rows: rows.__delitem__(slice(6, 8))))}, [F, *COMPANIONS], 2,
             ["示例三院北塘院区 没有 2024 年的数据行：无法评价"],
             ["Example Third Hospital Beitang Campus has no row for 2024: it cannot be scored"]))
    add(works("campus_without_rows_allowed", "a campus without rows, --allow-incomplete: listed 未评价, no rank",
              {F: utf8(full_campus_csv(lambda rows: rows.__delitem__(slice(6, 8))))}, [F, *COMPANIONS],
              [["donghu", 2024, "discharges", 33037]], ["未评价", "没有 2024 年的数据行"],
              ["not evaluated", "no data row for 2024"],
              flags=[["beitang", "A1", "missing"], ["beitang", "C4", "missing"]]))

    # ---------------------------------------------------------- cell values
    add(Case("text_in_number", "text where a number belongs", {F: small_csv(set_cell(3, 4, "约一万"))}, [F], 2,
             [loc_zh(F, 3, "D") + "“出院患者手术人次数”应为数字，实际为“约一万”", "只填数字"],
             [loc_en(F, 3, "D") + "'出院患者手术人次数' must be a number, got '约一万'", "write a number only"]))
    add(Case("negative_count", "a negative count", {F: small_csv(set_cell(4, 3, -17148))}, [F], 2,
             [loc_zh(F, 4, "C") + "“出院患者总人次数”不能为负数，实际为 -17148"],
             [loc_en(F, 4, "C") + "'出院患者总人次数' cannot be negative, got -17148"]))
    pct_header = ["单位", "年份", "出院患者四级手术比例", "出院患者手术占比"]
    add(Case("percent_above_100", "a percentage above 100",
             {F: utf8(csv_text(pct_header, [["示例一院东湖院区", 2024, "24.6", "104.7"]]))}, [F], 2,
             [loc_zh(F, 2, "D") + "“出院患者手术占比”是百分比，应在 0 到 100 之间，实际为 104.7", "分子分母"],
             [loc_en(F, 2, "D") + "'出院患者手术占比' is a percentage and must be within 0-100, got 104.7"]))
    add(Case("percent_sign_on_count", "a % sign on a count", {F: small_csv(set_cell(2, 4, "45%"))}, [F], 2,
             [loc_zh(F, 2, "D") + "“出院患者手术人次数”不是百分比，不能带百分号：45%"],
             [loc_en(F, 2, "D") + "'出院患者手术人次数' is not a percentage and cannot carry a % sign: 45%"]))
    add(Case("permille", "a per-mille sign",
             {F: utf8(csv_text(pct_header, [["示例一院东湖院区", 2024, "246‰", "44"]]))}, [F], 2,
             [loc_zh(F, 2, "C") + "“出院患者四级手术比例”使用了千分号：246‰", "0.05%"],
             [loc_en(F, 2, "C") + "'出院患者四级手术比例' uses a per-mille sign: 246‰"]))
    add(Case("decimal_comma", "a decimal comma (45,5)",
             {F: utf8(csv_text(pct_header, [["示例一院东湖院区", 2024, "45,5", "44"]]))}, [F], 2,
             [loc_zh(F, 2, "C") + "“出院患者四级手术比例”应为数字，实际为“45,5”"],
             [loc_en(F, 2, "C") + "'出院患者四级手术比例' must be a number, got '45,5'"]))
    add(Case("long_text_cell", "100,000 characters of text in one cell", {F: small_csv(set_cell(2, 3, "x" * 100_000))},
             [F], 2, [loc_zh(F, 2, "C") + "“出院患者总人次数”应为数字，实际为“xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...”"],
             [loc_en(F, 2, "C") + "'出院患者总人次数' must be a number, got 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...'"]))
    add(Case("long_number_cell", "a 100,000-digit number", {F: small_csv(set_cell(2, 3, "9" * 100_000))}, [F], 2,
             [loc_zh(F, 2, "C") + "“出院患者总人次数”不是有限的数字：9999999999999999999999999999999999999..."],
             [loc_en(F, 2, "C") + "'出院患者总人次数' is not a finite number: 9999999999999999999999999999999999999..."]))
    add(Case("overflow_1e309", "1e309, beyond the largest float", {F: small_csv(set_cell(3, 3, "1e309"))}, [F], 2,
             [loc_zh(F, 3, "C") + "“出院患者总人次数”不是有限的数字：1e309"],
             [loc_en(F, 3, "C") + "'出院患者总人次数' is not a finite number: 1e309"]))
    add(Case("nan_inf_text", "NaN, inf and -inf typed as text",
             {F: small_csv(lambda rows: (rows[0].__setitem__(2, "NaN"), rows[1].__setitem__(2, "inf"),
                                         rows[2].__setitem__(3, "-inf")))}, [F], 2,
             [loc_zh(F, 2, "C") + "“出院患者总人次数”不是有限的数字：NaN", loc_zh(F, 3, "C") + "“出院患者总人次数”不是有限的数字：inf",
              loc_zh(F, 4, "D") + "“出院患者手术人次数”不是有限的数字：-inf"],
             [loc_en(F, 2, "C") + "'出院患者总人次数' is not a finite number: NaN",
              loc_en(F, 3, "C") + "'出院患者总人次数' is not a finite number: inf",
              loc_en(F, 4, "D") + "'出院患者手术人次数' is not a finite number: -inf"]))
    add(Case("date_cell", "an xlsx date where a number belongs",
             {X: small_xlsx(then=lambda ws: ws.cell(row=3, column=3, value=dt.datetime(2024, 3, 1)))}, [X], 2,
             [loc_zh(X, 3, "C", "院区") + "“出院患者总人次数”应为数字，实际为日期 2024-03-01", "日期格式"],
             [loc_en(X, 3, "C", "院区") + "'出院患者总人次数' must be a number, got the date 2024-03-01"]))

    def logical(ws: Any) -> None:
        ws["C2"] = True
        ws["D4"] = False

    add(Case("logical_cells", "TRUE and FALSE cells in number columns", {X: small_xlsx(then=logical)}, [X], 2,
             [loc_zh(X, 2, "C", "院区") + "“出院患者总人次数”应为数字，实际为逻辑值 TRUE",
              loc_zh(X, 4, "D", "院区") + "“出院患者手术人次数”应为数字，实际为逻辑值 FALSE"],
             [loc_en(X, 2, "C", "院区") + "'出院患者总人次数' must be a number, got the logical value TRUE",
              loc_en(X, 4, "D", "院区") + "'出院患者手术人次数' must be a number, got the logical value FALSE"]))
    add(Case("true_as_text", "TRUE typed in a CSV number column", {F: small_csv(set_cell(5, 4, "TRUE"))}, [F], 2,
             [loc_zh(F, 5, "D") + "“出院患者手术人次数”应为数字，实际为“TRUE”"],
             [loc_en(F, 5, "D") + "'出院患者手术人次数' must be a number, got 'TRUE'"]))
    add(Case("uncached_formula", "a formula saved by a script, never calculated",
             {X: small_xlsx(then=lambda ws: ws.cell(row=3, column=4, value="=C3*0.38"))}, [X], 2,
             [loc_zh(X, 3, "D", "院区") + "单元格是公式 =C3*0.38，但文件中没有保存计算结果", "用 Excel 或 WPS 打开文件并保存一次"],
             [loc_en(X, 3, "D", "院区") + "the cell holds the formula =C3*0.38 but no saved result",
              "open the file in Excel or WPS and save it once"]))
    add(Case("excel_error_value", "a cell showing #DIV/0!",
             {X: small_xlsx(then=lambda ws: ws.cell(row=5, column=4, value="#DIV/0!"))}, [X], 2,
             [loc_zh(X, 5, "D", "院区") + "“出院患者手术人次数”是 Excel 的错误值 #DIV/0!（公式计算出错）"],
             [loc_en(X, 5, "D", "院区") + "'出院患者手术人次数' holds the Excel error #DIV/0! (its formula failed)"]))

    def percents(ws: Any) -> None:
        ws["D2"].number_format = "0%"
        ws["D3"].number_format = "0.0%"

    pct_rows = [["单位", "年份", "出院患者四级手术比例", "出院患者手术占比", "出院患者微创手术占比"],
                ["示例一院东湖院区", 2024, "45%", 0.45, 45], ["示例二院西山院区", 2024, "45.5 %", 0.455, "45.5"]]
    add(works("percent_spellings", "45%, 0.45 in a percent-formatted cell and 45 all read as 45",
              {X: xlsx(sheet("院区", pct_rows, then=percents))}, [X, *COMPANIONS],
              [["donghu", 2024, "A1", 45], ["donghu", 2024, "A2", 45], ["donghu", 2024, "A3", 45],
               ["xishan", 2024, "A1", 45.5], ["xishan", 2024, "A2", 45.5], ["xishan", 2024, "A3", 45.5]]))
    add(works("fullwidth_digits", "full-width digits ４５ and １２３４５.５",
              {F: small_csv(lambda rows: (rows[0].__setitem__(3, "４５"), rows[1].__setitem__(2, "１２３４５.５")))},
              [F, *COMPANIONS], [["donghu", 2024, "surgery_discharges", 45], ["xishan", 2024, "discharges", 12345.5]]))
    add(works("thousands_separators", "1,234 and 33,037 with thousands separators",
              {F: small_csv(lambda rows: (rows[0].__setitem__(2, "33,037"), rows[1].__setitem__(3, "1,234")))},
              [F, *COMPANIONS], [["donghu", 2024, "discharges", 33037], ["xishan", 2024, "surgery_discharges", 1234]]))
    add(works("missing_markers", "-, 无, — and blank read as missing",
              {F: small_csv(lambda rows: (rows[0].__setitem__(2, "-"), rows[1].__setitem__(2, "无"),
                                          rows[2].__setitem__(2, "—"), rows[3].__setitem__(2, "")))},
              [F, *COMPANIONS], [["donghu", 2024, "discharges", None], ["xishan", 2024, "discharges", None],
                                 ["nanjiang", 2024, "discharges", None], ["beitang", 2024, "surgery_discharges", 6565]]))
    add(works("unit_suffix", "counts typed with their unit: 33037人次, 16956台次",
              {F: small_csv(lambda rows: (rows[0].__setitem__(2, "33037人次"), rows[0].__setitem__(3, " 14757 ")))},
              [F, *COMPANIONS], [["donghu", 2024, "discharges", 33037], ["donghu", 2024, "surgery_discharges", 14757]]))
    add(works("gbk_csv", "a CSV saved as GBK (Excel's default on Chinese Windows)",
              {F: full_campus_csv().encode("gbk")}, [F, *COMPANIONS],
              [["donghu", 2024, "discharges", 33037], ["beitang", 2024, "C4", 68]]))

    # ---------------------------------------------------------- workbook structure
    def hide_second(wb: Workbook) -> None:
        sheet("院区", [SMALL_HEADER, *SMALL_ROWS])(wb)
        hidden = wb.create_sheet("旧数据")
        hidden.append(SMALL_HEADER)
        hidden.append(["示例一院东湖院区", 2023, 1, 1])
        hidden.sheet_state = "hidden"

    add(works("hidden_sheet", "data in a hidden sheet: a warning, and the sheet is not read",
              {X: xlsx(hide_second)}, [X, *COMPANIONS],
              [["donghu", 2024, "discharges", 33037], ["donghu", 2023, "discharges", "absent"]],
              zh=[loc_zh(X, sheet="旧数据") + "警告：工作表已隐藏，未读取其中的数据", "取消隐藏"],
              en=[loc_en(X, sheet="旧数据") + "warning: the sheet is hidden; its data was not read", "Unhide"]))

    def merge_values(ws: Any) -> None:
        ws["C4"] = None
        ws.merge_cells("C3:C4")

    add(Case("merged_in_data", "two number cells merged into one", {X: small_xlsx(then=merge_values)}, [X], 2,
             [loc_zh(X, 3, "C", "院区") + "数据区域中有合并单元格 C3:C4", "取消合并"],
             [loc_en(X, 3, "C", "院区") + "merged cells C3:C4 inside the data area", "unmerge them"]))
    by_year = [SMALL_HEADER, ["示例一院东湖院区", 2023, 29506, 12550], [None, 2024, 33037, 14757],
               ["示例二院西山院区", 2023, 24649, 9914], [None, 2024, 27773, 10614]]

    def merge_units(ws: Any) -> None:
        ws.merge_cells("A2:A3")
        ws.merge_cells("A4:A5")

    add(works("unit_merged_over_years", "a unit name merged over its two year rows",
              {X: xlsx(sheet("院区", by_year, then=merge_units))}, [X, *COMPANIONS],
              [["donghu", 2023, "discharges", 29506], ["donghu", 2024, "discharges", 33037],
               ["xishan", 2024, "surgery_discharges", 10614]]))
    add(Case("far_stray_cell", "a stray value 200,000 rows below the data",
             {X: small_xlsx(then=lambda ws: ws.cell(row=200_001, column=2, value="x"))}, [X], 2,
             [loc_zh(X, 200001, "B", "院区") + "数据区域之外很远处有内容", "Ctrl+End"],
             [loc_en(X, 200001, "B", "院区") + "a cell far outside the data area holds something", "Ctrl+End"]))

    # ---------------------------------------------------------- layouts and separators
    long_rows = [["示例一院东湖院区", 2024, "出院患者总人次数", 33037], ["示例一院东湖院区", 2024, "A1", "24.6%"],
                 ["示例二院西山院区", 2024, "出院患者手术人次数", "10,614"]]
    long_csv = utf8(csv_text(["单位", "年份", "指标", "值"], long_rows))
    add(works("long_layout", "long layout: 单位, 年份, 指标, 值", {F: long_csv}, [F, *COMPANIONS],
              [["donghu", 2024, "discharges", 33037], ["donghu", 2024, "A1", 24.6],
               ["xishan", 2024, "surgery_discharges", 10614]]))
    add(Case("long_given_as_wide", "--layout wide for a long file", {F: long_csv}, [F, "--layout", "wide"], 2,
             [loc_zh(F, 1) + "按 --layout wide 读取，但这张表是 long 格式", "--layout long"],
             [loc_en(F, 1) + "--layout wide was given, but this sheet is in the long layout", "--layout long"]))
    add(Case("wide_given_as_long", "--layout long for a wide file", {F: small_csv()}, [F, "--layout", "long"], 2,
             [loc_zh(F, 1) + "按 --layout long 读取，但这张表是 wide 格式"],
             [loc_en(F, 1) + "--layout long was given, but this sheet is in the wide layout"]))
    add(Case("long_unknown_indicator", "long layout naming an indicator that does not exist",
             {F: utf8(csv_text(["单位", "年份", "指标", "值"], [["示例一院东湖院区", 2024, "出院患者总人数", 1]]))}, [F], 2,
             [loc_zh(F, 2, "C") + "不认识的指标“出院患者总人数”"], [loc_en(F, 2, "C") + "unknown indicator '出院患者总人数'"]))
    add(works("semicolon_csv", "a CSV separated by semicolons", {F: utf8(full_campus_csv(sep=";"))}, [F, *COMPANIONS],
              [["donghu", 2024, "discharges", 33037], ["beitang", 2023, "medical_revenue", 45321.4]]))
    add(Case("semicolon_csv_error", "a semicolon CSV with a fault: columns still counted right",
             {F: utf8(csv_text(SMALL_HEADER, [[*SMALL_ROWS[0][:3], "n.a."], *SMALL_ROWS[1:]], sep=";"))}, [F], 2,
             [loc_zh(F, 2, "D") + "“出院患者手术人次数”应为数字，实际为“n.a.”"],
             [loc_en(F, 2, "D") + "'出院患者手术人次数' must be a number, got 'n.a.'"]))
    add(works("tab_separated", "a tab-separated file saved as .csv", {F: utf8(full_campus_csv(sep="\t"))},
              [F, *COMPANIONS], [["xishan", 2024, "discharges", 27773]]))

    # ---------------------------------------------------------- targets files (config errors are tested elsewhere)
    example = (HERE.parents[1] / EXAMPLE_TARGETS).read_text(encoding="utf-8")
    base_line = "extends: builtin:indicators_shaoxing.yaml"
    assert base_line in example

    def targets(extends: str) -> bytes:
        return utf8(example.replace(base_line, f"extends: {extends}"))

    line = example.splitlines().index(base_line) + 1
    add(Case("targets_extends_missing", "a targets file extending a table that does not exist",
             {"targets.yaml": targets("tables/不存在.yaml"), F: small_csv()}, [F], 2,
             [f"targets.yaml:{line}:10: extends: extends 指向的文件不存在：tables/不存在.yaml"],
             [f"targets.yaml:{line}:10: extends: the file extended does not exist: tables/不存在.yaml"],
             targets="targets.yaml"))
    add(Case("targets_circular", "two targets files extending each other",
             {"targets.yaml": targets("other.yaml"), "other.yaml": targets("targets.yaml"), F: small_csv()}, [F], 2,
             [f"other.yaml:{line}:10: extends: extends 循环引用"], [f"other.yaml:{line}:10: extends: circular extends"],
             targets="targets.yaml"))
    add(Case("targets_python_tag", "a YAML tag that would run a command when loaded unsafely",
             {"targets.yaml": utf8(example.replace("notes:", "evil: !!python/object/apply:os.system [\"touch pwned\"]\n"
                                                   "notes:")), F: small_csv()}, [F], 2,
             ["!!python/object/apply:os.system"], ["!!python/object/apply:os.system"], targets="targets.yaml"))

    # ---------------------------------------------------------- the command line
    add(Case("format_pdf", "--format pdf", {F: small_csv()}, [F, "--format", "pdf"], 2,
             ["--format: 不支持的输出格式“pdf”", "json, csv, xlsx, md, html"],
             ["--format: unknown output format 'pdf'", "choose from json, csv, xlsx, md, html"], formats=""))
    add(Case("out_is_file", "--out names an existing file", {F: small_csv()}, [F], 2,
             ["out: 输出路径已存在且不是文件夹", "用 --out 指定一个文件夹"],
             ["out: the output path exists and is not a folder", "give a folder with --out"], out="file"))
    add(Case("out_has_results", "--out holds earlier results and no --force: refused, old files untouched",
             {F: small_csv()}, [F, *COMPANIONS], 2, ["out: 输出文件夹已有结果文件：scores.json", "--force"],
             ["out: the output folder already holds results: scores.json", "add --force"], out="results"))
    add(works("out_has_results_force", "--out holds earlier results and --force: replaced",
              {F: small_csv()}, [F, *COMPANIONS], [["donghu", 2024, "discharges", 33037]], args=["--force"]))
    c[-1].out = "results"
    add(Case("year_not_a_number", "--year 二〇二四", {F: small_csv()}, [F, "--year", "二〇二四"], 2,
             ["--year: --year 的值“二〇二四”不是四位年份"], ["--year: --year '二〇二四' is not a four-digit year"]))
    add(Case("layout_unknown", "--layout diagonal", {F: small_csv()}, [F, "--layout", "diagonal"], 2,
             ["--layout 的值“diagonal”无效"], ["Invalid value for '--layout'"]))
    add(Case("no_data_files", "score with no data files", {}, [], 2, ["缺少参数 data"], ["Missing argument"]))
    # ---------------------------------------------------------- limits and hostile input (issue 11)
    add(Case("xlsx_million_cells", "a 70 KB workbook whose sheet holds 2,001,000 cells",
             {X: patch_part(small_xlsx(), SHEET1, many_cells(2_000_000))}, [X], 2,
             [loc_zh(X, sheet="院区") + "单元格超过 2,000,000 个", "拆分"],
             [loc_en(X, sheet="院区") + "more than 2,000,000 cells", "split it"]))
    add(Case("xlsx_whole_sheet_merge", "one merged range covering the whole sheet",
             {X: patch_part(small_xlsx(), SHEET1, add_merges("A1:XFD1048576"))}, [X], 2,
             [loc_zh(X, 1, "A", "院区") + "合并单元格 A1:XFD1048576 超出数据区域"],
             [loc_en(X, 1, "A", "院区") + "the merged range A1:XFD1048576 reaches beyond the data area"]))
    add(Case("xlsx_merged_area", "merged ranges covering 1.2 million cells inside the limits",
             {X: patch_part(small_xlsx(), SHEET1, add_merges("F10:CW10009", "F20000:U30000"))}, [X], 2,
             [loc_zh(X, 20000, "F", "院区") + "合并单元格共覆盖超过 1,000,000 个单元格"],
             [loc_en(X, 20000, "F", "院区") + "the merged ranges cover more than 1,000,000 cells together"]))
    add(Case("xlsx_many_sheets", "5,000 sheets all pointing at one sheet part",
             {X: patch_part(small_xlsx(), "xl/workbook.xml", many_sheets(5000))}, [X], 2,
             [X + ": 工作簿的工作表超过 200 张"], [X + ": the workbook has more than 200 sheets"]))
    add(Case("xlsx_array_formula_uncached", "an array formula without a saved value is an error, not missing",
             {X: patch_part(small_xlsx(), SHEET1, array_formula)}, [X], 2,
             [loc_zh(X, 3, "D", "院区") + "单元格是公式 =SUM(C3*0.38)，但文件中没有保存计算结果"],
             [loc_en(X, 3, "D", "院区") + "the cell holds the formula =SUM(C3*0.38) but no saved result"]))
    add(Case("xlsx_5000_digit_integer", "a number cell of 5,000 digits",
             {X: patch_part(small_xlsx(), SHEET1, long_integer)}, [X], 2,
             [loc_zh(X, 3, "C", "院区") + "“出院患者总人次数”不是有限的数字"],
             [loc_en(X, 3, "C", "院区") + "'出院患者总人次数' is not a finite number"]))
    add(Case("huge_number_1e26", "1e26 in a count: past what decimal rounding takes",
             {F: small_csv(set_cell(3, 3, "1e26"))}, [F], 2,
             [loc_zh(F, 3, "C") + "“出院患者总人次数”的数值 1e+26 超出可处理的范围"],
             [loc_en(F, 3, "C") + "'出院患者总人次数' holds 1e+26, beyond the range that can be handled"]))
    add(Case("huge_integer_text", "a 5,000-digit integer typed in a CSV",
             {F: small_csv(set_cell(3, 3, "9" * 5000))}, [F], 2,
             [loc_zh(F, 3, "C") + "“出院患者总人次数”不是有限的数字"],
             [loc_en(F, 3, "C") + "'出院患者总人次数' is not a finite number"]))
    add(Case("space_inside_number", "4 5 is not 45",
             {F: small_csv(set_cell(3, 3, "4 5"))}, [F], 2,
             [loc_zh(F, 3, "C") + "“出院患者总人次数”应为数字，实际为“4 5”"],
             [loc_en(F, 3, "C") + "'出院患者总人次数' must be a number, got '4 5'"]))
    add(Case("escape_sequences_in_unit", "a unit name that would clear the screen and reverse the line",
             {F: small_csv(set_cell(3, 1, "\x1b[2J\x1b[H示例\u202e院区\x07"))}, [F], 2,
             [loc_zh(F, 3, "A") + "不认识的单位“\\x1b[2J\\x1b[H示例\\u202e院区\\x07”"],
             [loc_en(F, 3, "A") + "unknown unit '\\x1b[2J\\x1b[H示例\\u202e院区\\x07'"]))
    add(Case("unit_name_10000_chars", "a unit name of 10,000 characters",
             {F: small_csv(set_cell(3, 1, "院" * 10_000))}, [F], 2,
             [loc_zh(F, 3, "A") + "单位名称有 10000 个字符，超过上限 200"],
             [loc_en(F, 3, "A") + "the unit name has 10000 characters, more than the limit of 200"]))
    add(Case("csv_too_wide", "a CSV header of 1,001 columns",
             {F: utf8(csv_text([*SMALL_HEADER, *[f"x{k}" for k in range(997)]], SMALL_ROWS))}, [F], 2,
             [F + ": CSV 有 5 行、1,001 列"], [F + ": the CSV has 5 rows, 1,001 columns"]))
    add(Case("double_bom", "a CSV with two UTF-8 byte-order marks", {F: b"\xef\xbb\xbf" + b"\xef\xbb\xbf" + small_csv()},
             [F], 2, [F + ": 文件开头有两个 UTF-8 标记（BOM）"], [F + ": the file starts with two UTF-8 byte-order marks"]))
    add(Case("format_empty", "--format \"\" would write nothing", {F: small_csv()}, [F, "--format", ""], 2,
             ["--format: 选项 --format 的值是空的"], ["--format: the option --format was given an empty value"]))
    add(Case("year_with_underscore", "--year 2_024, which Python's int() takes", {F: small_csv()},
             [F, "--year", "2_024"], 2,
             ["--year: --year 的值“2_024”不是四位年份"], ["--year: --year '2_024' is not a four-digit year"]))
    add(Case("data_name_nul", "a data file name holding a NUL byte", {F: small_csv()}, ["院区\x00.csv"], 2,
             ["院区\\0.csv: 文件名中含有空字符"], ["院区\\0.csv: the file name holds a NUL character"]))
    add(Case("data_name_too_long", "a data file name of 300 characters", {F: small_csv()}, ["长" * 300 + ".csv"], 2,
             ["文件名或路径过长"], ["the file name or path is too long"]))
    c[-1].zh[0] = "长" * 300 + ".csv: " + c[-1].zh[0]
    c[-1].en[0] = "长" * 300 + ".csv: " + c[-1].en[0]
    return c


# ---------------------------------------------------------------- writing


# The example's C5 is marked by a panel: three reviewers per campus and year (trimmed mean needs three).
EXPERT_HEADER = ["单位", "指标", "分数", "评审人", "年份"]
EXPERT_ROWS = [[campus, "C5", mark, reviewer, year]
               for campus in ("示例一院东湖院区", "示例二院西山院区", "示例肿瘤医院南江院区", "示例三院北塘院区")
               for year in (2023, 2024)
               for reviewer, mark in (("评审专家A", 3), ("评审专家B", 3.5), ("评审专家C", 4))]


def good_files() -> dict[str, bytes]:
    return {"院区.csv": b"\xef\xbb\xbf" + utf8(csv_text(CAMPUS_HEADER, CAMPUS_ROWS)),
            "总院.csv": b"\xef\xbb\xbf" + utf8(csv_text(HQ_HEADER, HQ_ROWS)),
            "属地.csv": csv_text(LOCALITY_HEADER, LOCALITY_ROWS).encode("gbk"),
            "专家评分.csv": b"\xef\xbb\xbf" + utf8(csv_text(EXPERT_HEADER, EXPERT_ROWS))}


def manifest(all_cases: list[Case]) -> str:
    rows = []
    for case in all_cases:
        d = asdict(case)
        d.pop("files")
        rows.append(d)
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def build(root: Path) -> dict[str, bytes]:
    """Every corpus file by its path under `root`."""
    all_cases = cases()
    ids = [c.id for c in all_cases]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    files = {f"{GOOD}/{name}": data for name, data in good_files().items()}
    for case in all_cases:
        for name, data in case.files.items():
            files[f"{case.id}/{name}"] = data
    files["cases.json"] = utf8(manifest(all_cases))
    return files


def write(root: Path) -> None:
    files = build(root)
    keep = {root / "make_corpus.py"}
    for child in root.iterdir():
        if child not in keep and child.name != "__pycache__":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def same(a: bytes | None, b: bytes | None) -> bool:
    """Equal bytes, or two zips with equal members (zlib versions may compress differently)."""
    if a == b:
        return True
    if a is None or b is None:
        return False
    try:
        za, zb = zipfile.ZipFile(io.BytesIO(a)), zipfile.ZipFile(io.BytesIO(b))
        return za.namelist() == zb.namelist() and all(za.read(n) == zb.read(n) for n in za.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def stale_files(root: Path) -> list[str]:
    """Corpus files on disk that differ from what this script writes, or are missing or extra."""
    on_disk = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
               if p.is_file() and p.name != "make_corpus.py" and "__pycache__" not in p.parts}
    built = build(root)
    return sorted(n for n in set(on_disk) | set(built) if not same(on_disk.get(n), built.get(n)))


def main(argv: list[str]) -> int:
    if "--check" in argv:
        stale = stale_files(HERE)
        for name in stale:
            print(f"differs: {name}")
        return 1 if stale else 0
    write(HERE)
    print(f"wrote {len(cases())} cases to {HERE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
