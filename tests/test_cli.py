"""The commands as a user meets them: score, template round trip, report, indicators, help and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from campuseval import load_config, read_data, score
from campuseval.cli import app
from campuseval.export import results_json

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shaoxing"
XLSX = EXAMPLE / "data" / "demo_2023-2024.xlsx"
CSVS = [EXAMPLE / "data" / n for n in ("campus.csv", "hq.csv", "insurance.csv", "expert.csv")]
TARGETS = EXAMPLE / "targets.yaml"
STAMP = "2025-01-15T09:00:00+08:00"
runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_score_writes_every_format_and_matches_the_library(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--generated-at", STAMP,
                       "--format", "json,csv,xlsx")
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == ["scores.csv", "scores.json", "scores.xlsx", "summary.csv"]
    saved = results_json.load(out / "scores.json")
    eff = load_config(TARGETS)
    direct = score(eff, read_data([XLSX], eff), generated_at=STAMP)
    # The CLI adds nothing of its own: the file is what the library computes, paths aside.
    assert [c.model_dump() for c in saved.campuses] == [c.model_dump() for c in direct.campuses]
    assert "示例二院西山院区" in output and "95.49" in output


def test_csv_and_xlsx_data_give_the_same_scores() -> None:
    eff = load_config(TARGETS)
    from_xlsx = score(eff, read_data([XLSX], eff), generated_at=STAMP)
    from_csv = score(eff, read_data(CSVS, eff), generated_at=STAMP)
    assert [(c.id, c.total) for c in from_xlsx.campuses] == [(c.id, c.total) for c in from_csv.campuses]
    # Ranked by hand from the summary: 西山 95.49 > 东湖 92.35 > 南江 85.31 > 北塘 75.18.
    assert {c.id: c.rank for c in from_csv.campuses} == {"xishan": 1, "donghu": 2, "nanjiang": 3, "beitang": 4}


def test_summary_csv_is_utf8_with_bom_and_xlsx_has_formats(tmp_path: Path) -> None:
    out = tmp_path / "o"
    code, _ = run("score", *map(str, CSVS), "--targets", str(TARGETS), "--out", str(out), "--format", "csv,xlsx")
    assert code == 0
    raw = (out / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "排名".encode() in raw
    wb = openpyxl.load_workbook(out / "scores.xlsx")
    assert wb.sheetnames == ["说明", "汇总", "指标明细", "主要失分", "经费分配"]  # the example has a funding pool
    detail = wb["指标明细"]
    assert detail.freeze_panes == "A2"
    headers = [c.value for c in detail[1]]
    value_col = headers.index("院区值") + 1
    scale_col = headers.index("量纲") + 1
    percent_cells = [row[value_col - 1] for row in detail.iter_rows(min_row=2)
                     if row[scale_col - 1].value == "百分比（0-100）" and row[value_col - 1].value is not None]
    # Enough places for rare rates: 0.0096% is not shown as 0.01% (four places below 0.1%).
    assert percent_cells and all(c.number_format == ("0.00%" if c.value >= 0.01 or c.value == 0 else
                                                     "0.000%" if c.value >= 0.001 else "0.0000%")
                                 for c in percent_cells)
    assert any(c.number_format == "0.0000%" for c in percent_cells)  # the low-risk mortality rates
    assert all(0 <= c.value <= 1 for c in percent_cells)  # 45% is stored as 0.45 with a percent format


def test_english_outputs(tmp_path: Path) -> None:
    code, output = run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(tmp_path / "o"), "--lang", "en",
                       "--format", "csv")
    assert code == 0
    assert "Scores for 2024" in output
    header = (tmp_path / "o" / "summary.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.startswith("Rank,Campus ID,Campus,HQ,District,Total")


def test_existing_results_need_force(tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--format", "json")[0] == 0
    before = (out / "scores.json").read_bytes()
    code, output = run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--format", "json",
                       "--lang", "en")
    assert code == 2
    assert "already holds results: scores.json" in output and "--force" in output
    assert (out / "scores.json").read_bytes() == before
    assert run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--format", "json", "--force")[0] == 0


def test_template_round_trip(tmp_path: Path) -> None:
    """A template filled in and passed to score works: the filled values come back as the engine's inputs."""
    tpl = tmp_path / "tpl.xlsx"
    code, _ = run("template", "--targets", str(TARGETS), "--out", str(tpl), "--year", "2024")
    assert code == 0
    wb = openpyxl.load_workbook(tpl)
    assert wb.sheetnames == ["填报说明", "院区", "总院", "属地", "专家评分"]  # C5 is marked by a panel
    campus = wb["院区"]
    headers = [c.value for c in campus[1]]
    assert headers[:2] == ["单位", "年份"]
    assert "出院患者四级手术台次数（台次）" in headers
    assert campus["C1"].comment is not None and "lvl4_ops" in campus["C1"].comment.text
    names = ["示例一院东湖院区", "示例二院西山院区", "示例肿瘤医院南江院区", "示例三院北塘院区"]
    # B3/B4 compare with last year, so the template asks for 2023 as well as 2024.
    assert [(r[0].value, r[1].value) for r in campus.iter_rows(min_row=2)] == [
        (n, y) for n in names for y in (2023, 2024)]
    # Validation: counts must be >= 0, and "-" or 无 (the instructions' words for "no figure") pass too.
    rules = {str(dv.sqref): (dv.type, dv.formula1) for dv in campus.data_validations.dataValidation}
    assert rules["C2:C200"] == ("custom", 'OR(AND(ISNUMBER(C2),C2>=0),OR(TRIM(C2)="-",TRIM(C2)="无"))')
    # Fill every field of every sheet with 10 (100 for denominators would be nicer, but any
    # consistent figures will do): every formula is then 10/10*100 = 100%.
    for ws in (wb["院区"], wb["总院"], wb["属地"]):
        for row in ws.iter_rows(min_row=2):
            for cell in row[2:]:
                cell.value = 10
    # The panel sheet: one prefilled row per campus for C5 (trimmed mean, so three reviewers each).
    panel = wb["专家评分"]
    rows = [[c.value for c in r] for r in panel.iter_rows(min_row=2) if r[1].value == "C5"]
    assert [(r[0], r[5]) for r in rows] == [(n, 2024) for n in names]
    panel.delete_rows(2, panel.max_row)
    for unit, code, *_ in rows:
        for reviewer, mark in (("甲", 3), ("乙", 4), ("丙", 2)):
            panel.append([unit, code, mark, reviewer, None, 2024])
    wb.save(tpl)
    out = tmp_path / "o"
    code, output = run("score", str(tpl), "--targets", str(TARGETS), "--out", str(out), "--format", "json")
    assert code == 0, output
    results = results_json.load(out / "scores.json")
    donghu = results.campus("donghu")
    a1 = next(i for i in donghu.indicators if i.code == "A1")
    assert a1.value == 100.0 and a1.hq_value == 100.0  # 10 / 10 * 100 at campus and HQ
    assert a1.points == 10.0  # ratio 100 / 100 = 1 >= 0.9 -> full 10
    c1 = next(i for i in donghu.indicators if i.code == "C1")
    assert c1.value == 10.0 and c1.points == 9.0  # 10 >= target 10 -> full 9
    b3 = next(i for i in donghu.indicators if i.code == "B3")
    assert b3.previous_value == 100.0 and b3.flags == []
    assert b3.points == 0.0  # 100% in 2023 and 2024: no fall, and a fall is what earns the points
    c5 = next(i for i in donghu.indicators if i.code == "C5")
    assert c5.value == 3.0 and c5.points == 3.0  # 3, 4, 2 without the 4 and the 2 -> 3 of 4


def test_report_rerenders_from_scores_json(tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--format", "json")[0] == 0
    code, output = run("report", str(out / "scores.json"), "--out", str(tmp_path / "r"), "--lang", "en")
    assert code == 0, output
    assert (tmp_path / "r" / "report.md").exists() and (tmp_path / "r" / "report.html").exists()


def test_report_rejects_a_file_that_is_not_scores_json(tmp_path: Path) -> None:
    bad = tmp_path / "scores.json"
    bad.write_text('{"schema_version": "other/9"}', encoding="utf-8")
    code, output = run("report", str(bad), "--lang", "en")
    assert code == 2
    assert "schema version other/9" in output


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    code, output = run("score", str(XLSX), "--format", "pdf", "--out", str(tmp_path / "o"), "--lang", "en")
    assert code == 2 and "unknown output format 'pdf'" in output
    assert not (tmp_path / "o").exists()


def test_targets_year_outside_its_years(tmp_path: Path) -> None:
    text = TARGETS.read_text(encoding="utf-8").replace("years: [2023, 2024]", "years: [2025]")
    (tmp_path / "targets.yaml").write_text(text, encoding="utf-8")
    code, output = run("score", str(XLSX), "--targets", str(tmp_path / "targets.yaml"), "--out", str(tmp_path / "o"),
                       "--lang", "en")
    assert code == 2
    assert "the targets file applies to 2025, not to 2024" in output
    assert not (tmp_path / "o").exists()


def test_unknown_campus_in_data_names_the_cell(tmp_path: Path) -> None:
    code, output = run("score", str(XLSX), "--targets", "builtin:targets/keqiao.yaml", "--out", str(tmp_path / "o"),
                       "--lang", "en")
    assert code == 2
    assert "demo_2023-2024.xlsx, sheet \"院区\", row 2, column A: unknown unit '示例一院东湖院区'" in output


def test_version_and_module_entry() -> None:
    code, output = run("--version")
    assert code == 0 and re.fullmatch(r"campuseval \d+\.\d+\.\d+\n", output)


def test_indicators_lists_effective_points() -> None:
    code, output = run("indicators", "--targets", "builtin:targets/keqiao.yaml", "--lang", "en")
    assert code == 0
    assert "10.39" in output and "9.23" in output  # C1 and C3 after C4 is dropped: 9 x 30/26, 8 x 30/26
    assert "dropped: C4" in output


@pytest.mark.parametrize("command", ["validate", "score", "template", "report", "schema", "indicators", "compare",
                                     "diff", "sensitivity"])
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    code, output = run(command, "--help")
    assert code == 0 and "用法：" in output  # zh by default: click's own words in Chinese too
    assert f"campuseval {command}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_scores_json_schema_is_draft07_and_validates_output(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    code, output = run("schema", "scores")
    assert code == 0
    schema = json.loads(output)
    jsonschema.Draft7Validator.check_schema(schema)
    out = tmp_path / "o"
    run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--format", "json")
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(json.loads((out / "scores.json").read_text())))
    assert errors == []


@pytest.mark.parametrize("setting", ["shaoxing", "shanxi_nrmc", "fenghua", "county_medical_community"])
def test_every_example_scores_in_every_format(setting: str, tmp_path: Path) -> None:
    """Each shipped example goes through every output format, range targets and units without an HQ included."""
    folder = ROOT / "examples" / setting
    data = sorted(str(p) for p in (folder / "data").glob("*.csv"))
    out = tmp_path / "out"
    code, output = run("score", *data, "--targets", str(folder / "targets.yaml"), "--out", str(out),
                       "--generated-at", STAMP)
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == [
        "report.html", "report.md", "scores.csv", "scores.json", "scores.xlsx", "summary.csv"]
    wb = openpyxl.load_workbook(out / "scores.xlsx")
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)
