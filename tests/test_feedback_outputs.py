"""The outputs that go out of the office: per-campus feedback sheets, Word, the workbook, Chinese usage errors."""

from __future__ import annotations

import os
import re
from pathlib import Path

import docx
import openpyxl
import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.export import results_json
from campuseval.runid import run_id

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shaoxing"
XLSX = EXAMPLE / "data" / "demo_2023-2024.xlsx"
TARGETS = EXAMPLE / "targets.yaml"
STAMP = "2025-01-15T09:00:00+08:00"
NAMES = {"donghu": "示例一院东湖院区", "xishan": "示例二院西山院区", "nanjiang": "示例肿瘤医院南江院区",
         "beitang": "示例三院北塘院区"}
runner = CliRunner()


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = runner.invoke(app, list(args), env=env)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("feedback") / "out"
    code, output = run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(folder), "--generated-at", STAMP,
                       "--format", "json,xlsx,html,docx", "--per-unit", env={"CAMPUSEVAL_LANG": "zh"})
    assert code == 0, output
    assert "已为每个评价对象写出反馈单：8 个文件" in output
    return folder


def _xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)


def test_per_unit_writes_one_html_and_one_xlsx_per_campus_naming_only_it(out: Path) -> None:
    units = out / "units"
    assert sorted(p.name for p in units.iterdir()) == sorted(f"{cid}.{ext}" for cid in NAMES for ext in ("html", "xlsx"))
    rid = run_id(results_json.load(out / "scores.json"))
    for cid, name in NAMES.items():
        for text in ((units / f"{cid}.html").read_text(encoding="utf-8"), _xlsx_text(units / f"{cid}.xlsx")):
            assert name in text
            assert [n for other, n in NAMES.items() if other != cid and n in text] == []
            assert rid in text  # stamped with the run that made it
    wb = openpyxl.load_workbook(units / "beitang.xlsx")
    assert wb.sheetnames == ["说明", "汇总", "指标明细", "主要失分", "数据来源", "经费分配"]  # its own amount only
    cells = [[c.value for c in row] for row in wb["数据来源"].iter_rows(min_row=2)]
    # 北塘's 2024 row of the campus sheet, as Excel shows it: the research-project count was "—".
    assert any(r[1] == "A1" and r[2] == "lvl4_ops" and re.search(r"demo_2023-2024\.xlsx:院区!\w+\d+$", r[4])
               for r in cells)
    html = (units / "beitang.html").read_text(encoding="utf-8")
    assert "数据来源单元格" in html and "主要失分" in html and "在 4 个院区中排名第 4" in html


def test_run_id_is_a_hash_of_contents_not_paths(out: Path, tmp_path: Path) -> None:
    saved = results_json.load(out / "scores.json")
    moved = saved.model_copy(update={"data_files": [f.model_copy(update={"path": "elsewhere/" + f.path})
                                                    for f in saved.data_files]})
    assert run_id(moved) == run_id(saved) and re.fullmatch(r"[0-9a-f]{12}", run_id(saved))
    changed = saved.model_copy(update={"data_files": [f.model_copy(update={"sha256": "0" * 64})
                                                      for f in saved.data_files]})
    assert run_id(changed) != run_id(saved)


def test_docx_opens_with_ranking_table_and_a_section_per_campus(out: Path) -> None:
    d = docx.Document(str(out / "report.docx"))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    for n, cid in enumerate(("xishan", "donghu", "nanjiang", "beitang"), start=1):
        assert f"{n}. {NAMES[cid]}" in headings
    assert "一、总体情况" in headings and "三、评价方法说明" in headings
    ranking = next(t for t in d.tables if t.rows[0].cells[0].text == "排名")
    assert [r.cells[1].text for r in ranking.rows[1:]] == [NAMES[c] for c in ("xishan", "donghu", "nanjiang", "beitang")]
    assert ranking.rows[1].cells[2].text == "95.49 / 100"  # the total beside its maximum, as everywhere
    # Every table repeats its header row on each page.
    assert all(t.rows[0]._tr.trPr is not None and "tblHeader" in t.rows[0]._tr.trPr.xml for t in d.tables)
    section = d.sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)  # A4
    assert "PAGE" in section.footer._element.xml  # page numbers
    assert 'w:eastAsia="黑体"' in d.styles["Heading 1"].element.xml


def test_workbook_fit_to_hand_on(out: Path) -> None:
    wb = openpyxl.load_workbook(out / "scores.xlsx")
    about = {r[0].value: r[1].value for r in wb["说明"].iter_rows(min_row=2)}
    assert about["评价年度"] == 2024 and about["指标表版本"] == "2024.1"
    assert about["运行编号"] == run_id(results_json.load(out / "scores.json"))
    assert "demo_2023-2024.xlsx" in about["数据文件"] and "sha256" in about["数据文件"]
    assert about["排名规则"] == "按得分率排名（四舍五入后的总分 ÷ 各自满分），同率并列（1、1、3），数据不足或未评价的院区不参与排名。"
    ws = wb["指标明细"]
    assert ws.print_title_rows == "$1:$1" and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    rows = [[c for c in row] for row in ws.iter_rows(min_row=2)]
    a5 = next(r for r in rows if r[col["院区代码"]].value == "donghu" and r[col["指标代码"]].value == "A5")
    # 2 deaths in 4,884 cases: 0.0410% as an Excel percent with four places; the counts as integers.
    assert a5[col["院区值"]].value == pytest.approx(2 / 4884) and a5[col["院区值"]].number_format == "0.0000%"
    assert (a5[col["分子"]].value, a5[col["分母"]].value) == (2, 4884) and a5[col["分母"]].number_format == "#,##0"
    assert a5[col["与总院差距（百分比指标为百分点）"]].number_format == '0.00" 个百分点"'
    assert a5[col["院区值"]].fill.fgColor.rgb.endswith("FBE3E3")  # flagged: a homogeneity gap
    c2 = next(r for r in rows if r[col["院区代码"]].value == "donghu" and r[col["指标代码"]].value == "C2")
    assert c2[col["院区值"]].value == 247 and c2[col["院区值"]].number_format == "#,##0"
    assert (c2[col["目标比较"]].value, c2[col["目标值"]].value) == (None, 200)
    b3 = next(r for r in rows if r[col["院区代码"]].value == "donghu" and r[col["指标代码"]].value == "B3")
    assert b3[col["院区值"]].value is None and b3[col["总院值"]].value == pytest.approx(0.0416, abs=5e-5)
    assert b3[col["目标比较"]].value == "较上年"
    a8 = next(r for r in rows if r[col["院区代码"]].value == "donghu" and r[col["指标代码"]].value == "A8")
    assert a8[col["目标值"]].value == pytest.approx(0.20) and a8[col["目标值"]].number_format == "0.00%"


def test_usage_errors_and_help_in_chinese_unless_english() -> None:
    code, output = run("score", env={"CAMPUSEVAL_LANG": "zh"})
    assert code == 2 and "错误：缺少参数 data。" in output and "用法：campuseval score [选项]" in output
    code, output = run("score", "--lang", "en", env={"CAMPUSEVAL_LANG": "zh"})
    assert code == 2 and "Error: Missing argument 'data'." in output
    code, output = run("score", "x", "--bogus", env={"CAMPUSEVAL_LANG": "zh"})
    assert code == 2 and "错误：没有选项 --bogus" in output
    code, output = run("nope", env={"CAMPUSEVAL_LANG": "zh"})
    assert code == 2 and "错误：没有命令“nope”。" in output
    code, output = run("score", "--help", env={"CAMPUSEVAL_LANG": "zh"})
    assert code == 0 and "选项：" in output and "显示本帮助并退出。" in output and "Show this message" not in output
    code, output = run("score", "--help", env={"CAMPUSEVAL_LANG": "en"})
    assert code == 0 and "Options:" in output and "Show this message and exit." in output


def test_template_validation_accepts_missing_words_and_checks_money(tmp_path: Path) -> None:
    target = tmp_path / "t.xlsx"
    code, output = run("template", "--out", str(target), "--targets", str(TARGETS), "--year", "2024",
                       env={"CAMPUSEVAL_LANG": "zh"})
    assert code == 0, output
    wb = openpyxl.load_workbook(target)
    ws = wb[wb.sheetnames[1]]
    head = [c.value for c in ws[1]]
    rules = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    money = next(i for i, h in enumerate(head) if h and "医疗收入" in str(h) and "万元" in str(h))
    letter = openpyxl.utils.get_column_letter(money + 1)
    dv = rules[f"{letter}2"]
    assert dv.type == "custom" and '"-"' in dv.formula1 and '"无"' in dv.formula1 and f"{letter}2>=0" in dv.formula1
    if os.name == "posix":  # shared like any saved file, not readable by its owner only
        mask = os.umask(0o022)
        os.umask(mask)
        assert target.stat().st_mode & 0o777 == 0o666 & ~mask
