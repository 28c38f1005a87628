"""Fuzzing widened: the command line as a whole, and the inside of xlsx files.

- CLI: random commands, option values (empty, huge, NUL, escapes, odd numbers), environment variables
  and file kinds (missing, folder, FIFO, device, bad data, good data) run through typer's CliRunner.
  Every run ends with exit 0, 1 or 2, no traceback, nothing raw from a file on the terminal, and the
  input files unchanged.
- xlsx internals: workbooks assembled from random parts (sheet XML with odd references, cell types,
  style and shared-string indexes, merged ranges, sheet lists, relationships, DTDs) read by
  `read_data`; only the tool's own errors may escape, within a time bound.
- Hostile workbooks that would take time or memory if a limit failed run in a subprocess with an
  address-space limit (2 GB) and a timeout, so a regression fails the test instead of the machine.

Settings are derandomized as in test_fuzz.py; CAMPUSEVAL_FUZZ_SCALE scales the number of inputs.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.config.load import load_config
from campuseval.data.read import read_data
from campuseval.errors import CampusevalError

REPO = Path(__file__).resolve().parents[1]
GOOD = REPO / "tests" / "bad_inputs" / "_good"
TARGETS = REPO / "examples" / "shaoxing" / "targets.yaml"
SCALE = float(os.environ.get("CAMPUSEVAL_FUZZ_SCALE", "1"))
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def fuzz(n: int) -> Any:
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=SCALE == 1, database=None,
                    suppress_health_check=list(HealthCheck))


def digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------- the command line


@pytest.fixture(scope="module")
def playground(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of inputs of every kind the fuzzer points options at."""
    root = tmp_path_factory.mktemp("cli")
    for p in GOOD.iterdir():
        shutil.copy(p, root / p.name)
    shutil.copy(TARGETS, root / "targets.yaml")
    (root / "targets.yaml").write_text((root / "targets.yaml").read_text(encoding="utf-8").replace(
        "extends: ../../configs/indicators_shaoxing.yaml", "extends: builtin:indicators_shaoxing.yaml"),
        encoding="utf-8")
    (root / "bad.csv").write_bytes("单位,年份,出院患者总人次数\n示例一院东湖院区,2024,\x1b[2J1e400\n".encode())
    (root / "folder").mkdir()
    (root / "empty.csv").write_bytes(b"")
    (root / "scores.json").write_text('{"schema_version": "campuseval.scores/1", "campuses": [[[]]]}',
                                      encoding="utf-8")
    if hasattr(os, "mkfifo"):
        os.mkfifo(root / "fifo.csv")
    return root


FILES = ["院区.csv", "总院.csv", "属地.csv", "bad.csv", "folder", "empty.csv", "missing.csv", "fifo.csv",
         "/dev/null", "/dev/zero", "targets.yaml", "scores.json", "x" * 300 + ".csv", "a\x00b.csv", "\x1b[2J.csv",
         "builtin:targets/keqiao.yaml", "builtin:../../x.yaml", "", "-", "--", "院区.csv\n"]
OPTION_VALUES = st.one_of(st.sampled_from(FILES), st.sampled_from(["", " ", "2024", "2_024", "0", "-1", "99999",
                                                                    "json", "json,,csv", "xlsx,md,html", "pdf", ",",
                                                                    "zh", "en", "fr", "wide", "long", "auto",
                                                                    "2025-01-01", "not-a-date", "1e309", "nan"]),
                          st.text(max_size=12))
OPTIONS = ["--table", "--targets", "--out", "--format", "--year", "--layout", "--lang", "--generated-at", "--force",
           "--catalog", "--version", "--help", "--bogus"]
COMMANDS = ["score", "validate", "indicators", "template", "report", "schema", "nope", ""]


@st.composite
def argv(draw: st.DrawFn) -> list[str]:
    args = [draw(st.sampled_from(COMMANDS))]
    args += draw(st.lists(st.sampled_from(FILES), max_size=3))
    for _ in range(draw(st.integers(0, 4))):
        opt = draw(st.sampled_from(OPTIONS))
        args.append(opt)
        if opt not in ("--force", "--catalog", "--version", "--help") and draw(st.booleans()):
            args.append(draw(OPTION_VALUES))
    return [a for a in args if a != ""] if draw(st.booleans()) else args


ENV = st.fixed_dictionaries({
    "CAMPUSEVAL_LANG": st.sampled_from(["", "en", "zh", "EN_us", "xx", "\x1b"]),
    "SOURCE_DATE_EPOCH": st.sampled_from(["", "0", "1735689600", "abc", "9" * 30, "-1"]),
    "GITHUB_ACTIONS": st.sampled_from(["", "true"]),
})


@fuzz(120)
@given(args=argv(), env=ENV)
def test_cli_random_arguments(playground: Path, args: list[str], env: dict[str, str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(playground)
    before = digest(playground)
    shutil.rmtree(playground / "out", ignore_errors=True)
    started = time.perf_counter()
    result = CliRunner().invoke(app, args, env={k: v for k, v in env.items() if v} or None)
    elapsed = time.perf_counter() - started
    assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
    assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.output[-500:])
    assert "Traceback" not in result.output
    assert not UNSAFE.search(result.output.replace("\x1b[", "")) or "--help" in args, (args, result.output[-300:])
    assert elapsed < 30, (args, elapsed)
    # Outputs go to new files only: every input is as it was (new result folders are not inputs).
    after = {k: v for k, v in digest(playground).items() if k in before}
    assert after == before, args
    for extra in set(digest(playground)) - set(before):
        Path(extra).unlink()


# ---------------------------------------------------------------- the inside of xlsx files

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/></Types>')
ROOT_RELS = ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
             'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
             'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'

REFS = st.one_of(st.builds(lambda c, r: f"{c}{r}", st.sampled_from(["A", "B", "C", "D", "E", "a", "AA", "ALL", "ZZZ",
                                                                  "XFD", "XFE", ""]),
                           st.sampled_from(["1", "2", "3", "0", "100001", "1048576", "99999999", "", "-1"])),
                 st.sampled_from(["", "A", "1", "A1A", "$A$1", "R1C1"]))
CELL_VALUES = st.one_of(st.sampled_from(["1", "0.45", "-3.2", "1e26", "9" * 30, "NaN", "INF", "", " ", "0", "abc",
                                         "#DIV/0!", "2024", "TRUE", "1", "-1", "99999999"]),
                        st.text(st.characters(blacklist_categories=["Cs"]), max_size=8))
HEADER = ["单位", "年份", "出院患者总人次数", "出院患者四级手术比例"]


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@st.composite
def cell_xml(draw: st.DrawFn) -> str:
    ref = draw(REFS)
    kind = draw(st.sampled_from(["", "n", "s", "str", "inlineStr", "b", "e", "d", "zz"]))
    style = draw(st.sampled_from(["", "0", "1", "2", "3", "999", "-1", "x"]))
    attrs = (f' r="{ref}"' if ref else "") + (f' t="{kind}"' if kind else "") + (f' s="{style}"' if style else "")
    value = _esc(draw(CELL_VALUES))
    body = draw(st.sampled_from(["v", "f", "fv", "is", "none", "af"]))
    inner = {"v": f"<v>{value}</v>", "f": "<f>C2*2</f>", "fv": f"<f>C2</f><v>{value}</v>",
             "is": f"<is><t>{value}</t></is>", "none": "", "af": '<f t="array" ref="D2">SUM(C2)</f>'}[body]
    return f"<c{attrs}>{inner}</c>"


@st.composite
def workbook(draw: st.DrawFn) -> bytes:
    header = "".join(f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(HEADER))
    rows = [f'<row r="1">{header}</row>']
    units = ["示例一院东湖院区", "示例二院西山院区", "?", ""]
    for r in range(2, 2 + draw(st.integers(0, 4))):
        unit = draw(st.sampled_from(units))
        lead = f'<c r="A{r}" t="inlineStr"><is><t>{unit}</t></is></c><c r="B{r}"><v>2024</v></c>'
        cells = "".join(draw(st.lists(cell_xml(), max_size=4)))
        row_attr = draw(st.sampled_from([f' r="{r}"', "", ' r="x"', ' r="0"']))
        rows.append(f"<row{row_attr}>{lead}{cells}</row>")
    merges = draw(st.lists(st.sampled_from(["A2:A3", "C2:D2", "A1:XFD1048576", "B2", "Z9:A1", "A0:B1", "bad",
                                            "C3:C100000"]), max_size=3))
    merge_xml = (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges)
                 + "</mergeCells>") if merges else ""
    prolog = draw(st.sampled_from(["", '<?xml version="1.0"?>',
                                   '<!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>']))
    sheet = f'{prolog}<worksheet {NS}><sheetData>{"".join(rows)}</sheetData>{merge_xml}</worksheet>'
    strings = draw(st.lists(st.sampled_from(["45%", "示例一院东湖院区", "<r><t>a</t></r><r><t>b</t></r>", "",
                                             "<rPh><t>ruby</t></rPh>x"]), max_size=4))
    sst = f'<sst {NS}>' + "".join(f"<si><t>{s}</t></si>" if not s.startswith("<") else f"<si>{s}</si>"
                                  for s in strings) + "</sst>"
    fmts = draw(st.lists(st.sampled_from(["0%", "0.00\"%\"", "0.00\\%", "#,##0", "yyyy-mm-dd", "General", "[Red]0.0%",
                                          "0.0%;-0.0\"%\"", '"%"', ""]), max_size=3))
    styles = (f'<styleSheet {NS}><numFmts>' + "".join(f'<numFmt numFmtId="{164 + i}" formatCode="{_esc(f)}"/>'
                                                     for i, f in enumerate(fmts))
              + '</numFmts><cellXfs><xf numFmtId="0"/>' + "".join(f'<xf numFmtId="{164 + i}"/>' for i in range(len(fmts)))
              + '<xf numFmtId="10"/><xf numFmtId="14"/></cellXfs></styleSheet>')
    n_sheets = draw(st.sampled_from([1, 1, 2, 0, 300]))
    hidden = ' state="hidden"'
    sheets = "".join(f'<sheet name="S{i}" sheetId="{i + 1}" r:id="rId{draw(st.sampled_from(["1", "1", "9"]))}"'
                     f'{draw(st.sampled_from(["", hidden]))}/>' for i in range(n_sheets))
    wb = f'<workbook {NS} {RNS}><workbookPr date1904="{draw(st.sampled_from(["0", "1"]))}"/><sheets>{sheets}</sheets></workbook>'
    wb_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               '<Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/>'
               f'<Relationship Id="rId2" Target="{draw(st.sampled_from(["styles.xml", "/xl/styles.xml", "../../x"]))}" '
               'Type="y"/><Relationship Id="rId3" Target="sharedStrings.xml" Type="z"/></Relationships>')
    parts = {"[Content_Types].xml": CT, "_rels/.rels": ROOT_RELS, "xl/workbook.xml": wb,
             "xl/_rels/workbook.xml.rels": wb_rels, "xl/worksheets/sheet1.xml": sheet, "xl/styles.xml": styles,
             "xl/sharedStrings.xml": sst}
    for name in draw(st.lists(st.sampled_from(sorted(parts)), max_size=1)):
        del parts[name]  # a part missing
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return out.getvalue()


@pytest.fixture(scope="module")
def effective() -> Any:
    return load_config(TARGETS)


@fuzz(400)
@given(raw=workbook())
def test_xlsx_internals(tmp_path_factory: pytest.TempPathFactory, effective: Any, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("x", numbered=True) / "fuzz.xlsx"
    path.write_bytes(raw)
    started = time.perf_counter()
    try:
        data = read_data([path], effective)
    except CampusevalError as exc:
        for d in exc.diagnostics:
            d.render("zh")
            d.render("en")
    else:
        assert data.values["value"].map(lambda v: v != v or abs(v) <= 1e15).all()
    assert time.perf_counter() - started < 10
    assert path.read_bytes() == raw


# ---------------------------------------------------------------- hostile workbooks in a jail


def _stored(parts: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


def _base_parts(sheet: bytes, workbook_xml: bytes | None = None, sst: bytes | None = None) -> dict[str, bytes]:
    wb = workbook_xml or f'<workbook {NS} {RNS}><sheets><sheet name="院区" sheetId="1" r:id="rId1"/></sheets></workbook>'.encode()
    parts = {"[Content_Types].xml": CT.encode(), "_rels/.rels": ROOT_RELS.encode(), "xl/workbook.xml": wb,
             "xl/_rels/workbook.xml.rels": b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
             b'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" Type="x"/></Relationships>',
             "xl/worksheets/sheet1.xml": sheet}
    if sst is not None:
        parts["xl/sharedStrings.xml"] = sst
    return parts


def _hostile() -> dict[str, tuple[bytes, str]]:
    head = f"<worksheet {NS}><sheetData>".encode()
    tail = b"</sheetData></worksheet>"
    million = head + b"".join(b"<row>" + b"<c><v>1</v></c>" * 1000 + b"</row>" for _ in range(2100)) + tail
    sparse = head + b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' + \
        b'<row r="99999"><c r="ALK99999"><v>1</v></c></row>' + tail
    many_merges = head + tail.replace(b"</worksheet>", b"<mergeCells>" + b"".join(
        b'<mergeCell ref="A%d:B%d"/>' % (r, r) for r in range(1, 20_002, 2)) + b"</mergeCells></worksheet>")
    laughs = (b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">' + b"".join(
        b'<!ENTITY %s "%s">' % (chr(98 + i).encode(), (b"&" + chr(97 + i).encode() + b";") * 10) for i in range(9))
        + b"]>" + head + b'<row><c t="inlineStr"><is><t>&j;</t></is></c></row>' + tail)
    deep = head + b"<row>" + b"<x>" * 50_000 + b"</x>" * 50_000 + b"</row>" + tail
    strings = f'<sst {NS}>'.encode() + b"<si><t>x</t></si>" * 2_100_000 + b"</sst>"
    sheets = f'<workbook {NS} {RNS}><sheets>'.encode() + b"".join(
        b'<sheet name="S%d" sheetId="%d" r:id="rId1"/>' % (i, i + 1) for i in range(10_000)) + b"</sheets></workbook>"
    return {
        "two_million_cells": (_stored(_base_parts(million)), "data.too_many_cells"),
        "sparse_grid": (_stored(_base_parts(sparse)), "data.grid_too_large"),
        "ten_thousand_merges": (_stored(_base_parts(many_merges)), "data.too_many_merged"),
        "billion_laughs": (_stored(_base_parts(laughs)), "data.bad_xlsx"),
        "deep_xml": (_stored(_base_parts(deep)), "data.no_header_in_sheets"),  # streamed, no recursion
        "shared_strings": (_stored(_base_parts(head + tail, sst=strings)), "data.too_many_cells"),
        "ten_thousand_sheets": (_stored(_base_parts(head + tail, workbook_xml=sheets)), "data.too_many_sheets"),
    }


JAIL = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
from campuseval.config.load import load_config
from campuseval.data.read import read_data
from campuseval.errors import CampusevalError
try:
    read_data([sys.argv[1]], load_config(sys.argv[2]))
except CampusevalError as exc:
    print(exc.diagnostics[0].message.key)
    sys.exit(2)
print("read")
"""


@pytest.mark.skipif(sys.platform == "win32", reason="resource limits")
@pytest.mark.parametrize("name", sorted(_hostile()))
def test_hostile_workbook_in_a_jail(name: str, tmp_path: Path) -> None:
    raw, key = _hostile()[name]
    path = tmp_path / "hostile.xlsx"
    path.write_bytes(raw)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", JAIL, str(path), str(TARGETS)], capture_output=True, text=True,
                          timeout=120)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr[-2000:])
    assert proc.stdout.strip() == key
    assert elapsed < 30, elapsed
    assert path.read_bytes() == raw
