"""No confident ranking from incomplete or misread data: completeness, header typos, plausibility, --strict."""

from __future__ import annotations

import copy
import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from campuseval import load_config, read_data, score
from campuseval.cli import app
from campuseval.errors import DataError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shaoxing"
DATA = EXAMPLE / "data"
TARGETS = EXAMPLE / "targets.yaml"
CSVS = ["campus.csv", "hq.csv", "insurance.csv", "expert.csv"]  # expert.csv: the panel's marks for C5
STAMP = "2025-01-15T09:00:00+08:00"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def read_rows(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return list(csv.reader(io.StringIO(raw.decode(enc), newline="")))
        except UnicodeDecodeError:
            continue
    raise AssertionError(path)


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8-sig")
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the example's CSV files (the GBK one re-saved as UTF-8), safe to edit."""
    folder = tmp_path / "data"
    folder.mkdir()
    for name in CSVS:
        write_rows(folder / name, read_rows(DATA / name))
    return folder


# ---------------------------------------------------------------- a whole input left out


@pytest.mark.parametrize("lang,expected", [
    ("zh", ["没有读到任何总院 2024 年的数据：A1, A2, A3, A4, A5, A6, A7, A8, B3, B4 需要总院值",
            "是否漏传了总院文件或“总院”工作表？", "--allow-incomplete"]),
    ("en", ["no HQ rows for 2024 were read; HQ values are needed by A1, A2, A3, A4, A5, A6, A7, A8, B3, B4",
            "Was the HQ file or the 总院 sheet left out?", "--allow-incomplete"]),
])
def test_hq_file_left_out_is_refused_and_nothing_is_written(data: Path, tmp_path: Path, lang: str,
                                                            expected: list[str]) -> None:
    out = tmp_path / "out"
    code, output = run("score", str(data / "campus.csv"), str(data / "insurance.csv"), str(data / "expert.csv"), "--targets", str(TARGETS),
                       "--out", str(out), "--lang", lang)
    assert code == 2
    for text in expected:
        assert text in output
    assert not out.exists()


def test_hq_left_out_with_allow_incomplete_says_so_on_every_output(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run("score", str(data / "campus.csv"), str(data / "insurance.csv"), str(data / "expert.csv"), "--targets", str(TARGETS),
                       "--out", str(out), "--allow-incomplete", "--generated-at", STAMP, "--lang", "zh")
    assert code == 0, output
    assert "数据不完整" in output
    saved = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert saved["complete"] is False
    assert [(g["what"], g["subject"]) for g in saved["missing_inputs"]] == [("subject", "hq")]
    assert saved["missing_inputs"][0]["indicators"] == ["A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8", "B3", "B4"]
    # Part A (40 points) needs HQ values throughout: 0 of 40 scorable < 0.5, so every campus is
    # set apart as insufficient and none is ranked.
    assert {c["status"] for c in saved["campuses"]} == {"insufficient_data"}
    assert all(c["rank"] is None for c in saved["campuses"])
    assert all(c["max_total"] == 60 for c in saved["campuses"])  # B 30 + C 30; A is out
    for name in ("report.html", "report.md"):
        assert "数据不完整" in (out / name).read_text(encoding="utf-8")
    import openpyxl

    wb = openpyxl.load_workbook(out / "scores.xlsx")
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("数据不完整" in c for c in cells)


def test_a_complete_run_is_marked_complete(tmp_path: Path) -> None:
    eff = load_config(TARGETS)
    results = score(eff, read_data([DATA / n for n in CSVS], eff), generated_at=STAMP)
    assert results.complete and results.missing_inputs == []
    assert [c.status for c in results.campuses] == ["scored"] * 4
    assert sorted(c.rank for c in results.campuses if c.rank) == [1, 2, 3, 4]
    # One value is missing in the example on purpose: 北塘 did not report C3 for 2024.
    assert results.missing_values == 1


# ---------------------------------------------------------------- removing any input file or column


def _variants() -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = [(name, None) for name in CSVS]
    for name in CSVS:
        header = read_rows(DATA / name)[0]
        out += [(name, col) for col in header if col not in ("单位", "年份")]
    return out


@pytest.fixture(scope="module")
def full_results() -> dict[str, Any]:
    eff = load_config(TARGETS)
    return score(eff, read_data([DATA / n for n in CSVS], eff), generated_at=STAMP).model_dump()


@pytest.mark.parametrize("name,column", _variants(), ids=lambda v: str(v))
def test_removing_a_file_or_column_never_passes_silently(data: Path, full_results: dict[str, Any], name: str,
                                                         column: str | None) -> None:
    """Without --allow-incomplete, a run missing a needed file or column is refused."""
    files = [data / n for n in CSVS]
    if column is None:
        files.remove(data / name)
    else:
        rows = read_rows(data / name)
        k = rows[0].index(column)
        write_rows(data / name, [r[:k] + r[k + 1:] for r in rows])
    eff = load_config(TARGETS)
    try:
        results = score(eff, read_data(files, eff), generated_at=STAMP)
    except DataError as exc:
        keys = {d.message.key for d in exc.diagnostics}
        # An expert-mark file without a required column is refused where it is read.
        assert keys & {"complete.gap", "complete.header_typo", "data.expert_columns"}, exc.render("en")
        return
    # Scored: then nothing that was removed was needed, and the results are the full ones.
    got = _comparable(results.model_dump())
    assert got == _comparable(copy.deepcopy(full_results)), \
        f"removing {name} {column or ''} changed the scores without a refusal"


def _comparable(dump: dict[str, Any]) -> dict[str, Any]:
    """Results less what depends on where a value sits (cells, file hashes) and remarks, last year too."""
    for year in (dump, dump.get("previous")):
        if not year:
            continue
        year.pop("data_files", None)
        for c in year["campuses"]:
            for i in c["indicators"]:
                i["trace"]["cells"] = {}
        for m in year.get("expert_marks", []):  # a remark is not a score
            m["remark"], m["cell"] = "", None
    return dump


# ---------------------------------------------------------------- headers


@pytest.mark.parametrize("lang,expected", [
    ("zh", "campus.csv，第 1 行，E 列: 表头“出院患者手术台次”无法识别，很可能是“出院患者手术台次数”（ops）写错了"),
    ("en", "campus.csv, row 1, column E: the header '出院患者手术台次' is not recognised and is probably "
           "'出院患者手术台次数' (ops) mistyped"),
])
def test_a_mistyped_needed_header_is_an_error_at_the_header(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             lang: str, expected: str) -> None:
    rows = read_rows(data / "campus.csv")
    assert rows[0][4] == "出院患者手术台次数"
    rows[0][4] = "出院患者手术台次"
    write_rows(data / "campus.csv", rows)
    monkeypatch.chdir(data)
    out = tmp_path / "out"
    code, output = run("score", *CSVS, "--targets", str(TARGETS), "--out", str(out), "--lang", lang)
    assert code == 2
    assert expected in output
    assert not out.exists()


def test_other_unknown_headers_are_one_warning(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = read_rows(data / "campus.csv")
    write_rows(data / "campus.csv", [[*r, "已核对", "张三"] if i else [*r, "备注", "填报人"] for i, r in enumerate(rows)])
    monkeypatch.chdir(data)
    code, output = run("score", *CSVS, "--targets", str(TARGETS), "--out", str(tmp_path / "o"), "--lang", "zh")
    assert code == 0, output
    assert output.count("以下列无法识别") == 1
    assert "备注 (X), 填报人 (Y)" in output


def test_unit_suggestions_come_from_units_of_the_same_kind(data: Path, tmp_path: Path) -> None:
    """An HQ name written differently in the HQ file: skipped with a hint naming an HQ, then refused as a gap."""
    rows = read_rows(data / "hq.csv")
    for r in rows[1:]:
        if r[0] == "示例第一医院":
            r[0] = "示例第一医院本部"
    write_rows(data / "总院.csv", rows)  # the file's name says the kind, as a sheet's name does
    (data / "hq.csv").unlink()
    code, output = run("score", str(data / "campus.csv"), str(data / "总院.csv"), str(data / "insurance.csv"), str(data / "expert.csv"),
                       "--targets", str(TARGETS), "--out", str(tmp_path / "o"), "--lang", "zh")
    assert code == 2
    assert "总院“示例第一医院本部”不在目标值文件的名单中，其数据未参与评分" in output
    assert "您是否想写“示例第一医院”" in output  # an HQ, never a campus such as 示例一院东湖院区
    assert "示例第一医院（总院）没有 2024 年的数据行" in output


# ---------------------------------------------------------------- plausibility and --strict


def _table(tmp_path: Path, **extra: Any) -> Path:
    table = {
        "id": "plaus", "version": 1, "name": "测试表", "provenance": "测试用，非官方", "total_points": 20,
        "parts": [{"code": "P", "name": "第一部分", "points": 20}],
        "raw_fields": [{"code": "ops", "name": "手术台次数", "scale": "count"},
                       {"code": "lvl4", "name": "四级手术台次数", "scale": "count"}],
        "indicators": [
            {"code": "X1", "name": "四级手术比例", "part": "P", "points": 10, "scale": "percent",
             "direction": "higher", "subject": "campus", "definition": "测试", "formula": "lvl4 / ops * 100",
             "rule": {"type": "target_pro_rata"}, "target": 30},
            {"code": "X2", "name": "优质护理覆盖率", "part": "P", "points": 10, "scale": "percent",
             "direction": "higher", "subject": "campus", "definition": "测试",
             "rule": {"type": "target_pro_rata"}, "target": 90},
        ],
        **extra,
    }
    path = tmp_path / "table.yaml"
    path.write_text(yaml.safe_dump(table, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _warnings(tmp_path: Path, rows: list[list[Any]], **extra: Any) -> list[str]:
    eff = load_config(_table(tmp_path, **extra))
    path = write_rows(tmp_path / "data.csv", [["单位", "类型", "年份", "手术台次数", "四级手术台次数", "优质护理覆盖率"],
                                               *[[str(v) for v in r] for r in rows]])
    return [w.en for w in score(eff, read_data([path], eff), generated_at=STAMP).warnings]


def test_a_percent_typed_as_a_fraction_is_named_with_the_fix(tmp_path: Path) -> None:
    # 0.92 against a target of 90 points: ×100 = 92 lies within 3× of 90, so it reads as a fraction.
    got = _warnings(tmp_path, [["甲院区", "院区", 2024, 100, 20, 0.92], ["乙院区", "院区", 2024, 100, 25, 95]])
    hits = [w for w in got if "looks like a fraction" in w]
    assert len(hits) == 1
    assert "data.csv, row 2, column F: '优质护理覆盖率' holds 0.92" in hits[0]
    assert "times 100: 92" in hits[0]


def test_a_jump_from_last_year_is_named(tmp_path: Path) -> None:
    # 手术台次数 1,200 -> 12,000: ten times is the default factor, and only more than it warns; 13,000 does.
    rows = [["甲院区", "院区", 2023, 1200, 300, 95], ["甲院区", "院区", 2024, 13000, 320, 95]]
    got = _warnings(tmp_path, rows)
    assert any("data.csv, row 3, column D: '手术台次数' is 13000, more than 10 times away from 1200 in 2023" in w
               for w in got), got
    got = _warnings(tmp_path, [["甲院区", "院区", 2023, 1200, 300, 95], ["甲院区", "院区", 2024, 12000, 320, 95]])
    assert not any("times away" in w for w in got), got
    got = _warnings(tmp_path, rows, plausibility={"year_change_factor": 20})
    assert not any("times away" in w for w in got), got


def test_a_share_above_one_and_a_fractional_count_are_named(tmp_path: Path) -> None:
    got = _warnings(tmp_path, [["甲院区", "院区", 2024, 100, 120, 95], ["乙院区", "院区", 2024, 100.5, 20, 95]])
    assert any("data.csv, row 2, column E: the numerator '四级手术台次数' (120) of X1 is larger than its "
               "denominator '手术台次数' (100)" in w for w in got), got
    assert any("data.csv, row 3, column D: '手术台次数' is a count but holds the fraction 100.5" in w
               for w in got), got


def test_an_hq_row_equal_to_its_campus_row_is_named(tmp_path: Path) -> None:
    eff = load_config(TARGETS)
    rows = read_rows(DATA / "hq.csv")
    campus = read_rows(DATA / "campus.csv")
    common = [h for h in rows[0] if h in campus[0] and h not in ("单位", "年份")]
    first = next(r for r in campus[1:] if r[0] == "示例一院东湖院区" and r[1] == "2024")
    for r in rows[1:]:
        if r[0] == "示例第一医院" and r[1] == "2024":
            for h in common:
                r[rows[0].index(h)] = first[campus[0].index(h)]
    write_rows(tmp_path / "hq.csv", rows)
    write_rows(tmp_path / "insurance.csv", read_rows(DATA / "insurance.csv"))
    results = score(eff, read_data([DATA / "campus.csv", tmp_path / "hq.csv", tmp_path / "insurance.csv",
                                    DATA / "expert.csv"], eff), generated_at=STAMP)
    assert any("the HQ 示例第一医院 row equals the campus 示例一院东湖院区 row in all 15 fields" in w.en
               for w in results.warnings), [w.en for w in results.warnings]


def test_strict_turns_warnings_into_errors_and_writes_nothing(data: Path, tmp_path: Path) -> None:
    rows = read_rows(data / "campus.csv")
    write_rows(data / "campus.csv", [[*r, "已核对"] if i else [*r, "备注"] for i, r in enumerate(rows)])
    out = tmp_path / "out"
    files = [str(data / n) for n in CSVS]
    code, output = run("score", *files, "--targets", str(TARGETS), "--out", str(out), "--lang", "en")
    assert code == 0 and "warning" in output
    shutil.rmtree(out)
    code, output = run("score", *files, "--targets", str(TARGETS), "--out", str(out), "--strict", "--lang", "en")
    assert code == 2
    assert "--strict: 1 warning(s) count as errors as asked; nothing was written" in output
    assert "these columns are not recognised" in output
    assert not out.exists()


# ---------------------------------------------------------------- what was read, ranking words


def test_the_terminal_says_what_was_read_before_the_ranking(tmp_path: Path) -> None:
    code, output = run("score", str(DATA / "demo_2023-2024.xlsx"), "--targets", str(TARGETS),
                       "--out", str(tmp_path / "o"), "--lang", "zh")
    assert code == 0
    assert "已读取：" in output
    assert "工作表“院区” 8 行，工作表“总院” 8 行，工作表“属地” 8 行" in output
    assert "2024 年有数据的单位：院区 4 个，总院 4 个，属地 4 个；数据中的年度：2023, 2024（评价 2024 年，上年 2023）" in output
    assert "缺失或无法计算的数值 1 项次；警告 0 条" in output
    assert output.index("已读取：") < output.index("2024 年评价结果")
    assert "按得分率排名（四舍五入后的总分 ÷ 各自满分），同率并列（1、1、3）" in output
    assert "标记数：该单位被标记需要关注的指标个数" in output


def test_scores_json_documents_the_new_fields() -> None:
    schema = json.loads((ROOT / "configs" / "schema" / "scores.schema.json").read_text(encoding="utf-8"))
    text = json.dumps(schema)
    for key in ("complete", "missing_inputs", "missing_values", "status", "rate", "coverage"):
        assert f'"{key}"' in text


@pytest.mark.parametrize("lang,expected", [
    ("zh", "data.csv，第 2 行，F 列: 警告：“优质护理覆盖率”填的是 0.92，像是小数而不是百分点（对照值 90）"),
    ("en", "data.csv, row 2, column F: warning: '优质护理覆盖率' holds 0.92, which looks like a fraction rather "
           "than percentage points (compared with 90)"),
])
def test_a_percent_as_fraction_through_the_cli_and_under_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                lang: str, expected: str) -> None:
    table = _table(tmp_path)
    write_rows(tmp_path / "data.csv", [["单位", "类型", "年份", "手术台次数", "四级手术台次数", "优质护理覆盖率"],
                                       ["甲院区", "院区", "2024", "100", "20", "0.92"],
                                       ["乙院区", "院区", "2024", "100", "25", "95"]])
    monkeypatch.chdir(tmp_path)
    code, output = run("score", "data.csv", "--table", str(table), "--out", "out", "--lang", lang)
    assert code == 0
    assert expected in output
    code, output = run("score", "data.csv", "--table", str(table), "--out", "out2", "--strict", "--lang", lang)
    assert code == 2
    assert not (tmp_path / "out2").exists()


# ---------------------------------------------------------------- what an outside attack found


def _edit(data: Path, name: str, fn: Any) -> None:
    rows = read_rows(data / name)
    write_rows(data / name, fn(rows))


def _refusal(data: Path, files: list[str] | None = None) -> str:
    eff = load_config(TARGETS)
    with pytest.raises(DataError) as info:
        score(eff, read_data([data / n for n in files or CSVS], eff), generated_at=STAMP)
    return info.value.render("zh")


def test_one_hq_without_last_year_is_refused(data: Path) -> None:
    """B3/B4 compare the HQ with last year: one HQ's 2023 row missing is a gap, not two zeros."""
    _edit(data, "hq.csv", lambda rows: [r for r in rows if not (r[0] == "示例第一医院" and r[1] == "2023")])
    assert "示例第一医院（总院）没有 2023 年的数据行：示例一院东湖院区 的 B3, B4 需要它" in _refusal(data)


def test_last_years_rows_without_the_needed_columns_are_refused(data: Path) -> None:
    def drop(rows: list[list[str]]) -> list[list[str]]:
        k = rows[0].index("绍兴籍患者人次数")
        return [r[:k] + ([""] if r[1] == "2023" else [r[k]]) + r[k + 1:] if i else r for i, r in enumerate(rows)]
    _edit(data, "hq.csv", drop)
    assert "总院数据中都没有“绍兴籍患者人次数”（sx_visits）的数值（2023 年，没有这一列或全部为空）：B3 需要它" in _refusal(data)


def test_a_column_present_but_empty_everywhere_is_refused(data: Path) -> None:
    def blank(rows: list[list[str]]) -> list[list[str]]:
        k = rows[0].index("绍兴市外患者人次数")
        return [r if i == 0 else [*r[:k], "", *r[k + 1:]] for i, r in enumerate(rows)]
    _edit(data, "campus.csv", blank)
    assert "院区数据中都没有“绍兴市外患者人次数”（outcity_visits）的数值（2024 年，没有这一列或全部为空）" in _refusal(data)


def test_rows_with_only_blank_cells_count_as_no_row(data: Path) -> None:
    _edit(data, "hq.csv", lambda rows: [r[:2] + [""] * (len(r) - 2) if r[0] == "示例第一医院" and r[1] == "2024"
                                        else r for r in rows])
    assert "示例第一医院（总院）没有 2024 年的数据行" in _refusal(data)


def test_a_campus_row_of_blanks_is_not_evaluated_and_scores_nothing(data: Path) -> None:
    _edit(data, "campus.csv", lambda rows: [r[:2] + [""] * (len(r) - 2) if r[0] == "示例三院北塘院区" and r[1] == "2024"
                                            else r for r in rows])
    assert "示例三院北塘院区 没有 2024 年的数据行：无法评价" in _refusal(data)
    eff = load_config(TARGETS)
    results = score(eff, read_data([data / n for n in CSVS], eff), generated_at=STAMP, allow_incomplete=True)
    beitang = results.campus("beitang")
    # Its district's B5 alone would give 4.90 points: no evaluation of the campus, so nothing.
    assert (beitang.status, beitang.rank, beitang.total, beitang.max_total, beitang.rate) == (
        "not_evaluated", None, 0.0, 0.0, None)
    assert sorted(c.rank for c in results.campuses if c.rank) == [1, 2, 3]


def test_a_column_one_file_lacks_is_refused_for_its_units(data: Path) -> None:
    rows = read_rows(data / "campus.csv")
    k = rows[0].index("绍兴市外患者人次数")
    write_rows(data / "a.csv", rows[:5])
    write_rows(data / "b.csv", [r[:k] + r[k + 1:] for r in [rows[0], *rows[5:]]])
    text = _refusal(data, ["a.csv", "b.csv", "hq.csv", "insurance.csv"])
    assert ("示例三院北塘院区、示例肿瘤医院南江院区 的数据中没有“绍兴市外患者人次数”（outcity_visits）一列（2024 年），"
            "其他单位有：B1 需要它") in text


def test_a_part_with_nothing_scorable_keeps_its_maximum(tmp_path: Path) -> None:
    """Under reweight with min_coverage 0, a part whose indicators are all missing scores 0 of its points.

    Parts P 60 (X1 30, X2 30) and Q 40 (Y1 40), target 10. 甲: X1, X2 blank, Y1 10 -> P 0 of 60
    (nothing to re-weight to), Q 40 -> 40 of 100 = 0.4; never 40 of 40 = 100%.
    乙: X1 10, X2 10, Y1 5 -> 30 + 30 + 20 = 80 of 100 -> rank 1; 甲 rank 2.
    """
    table = {"id": "t", "version": 1, "name": "测试表", "provenance": "测试", "total_points": 100,
             "missing": "reweight", "min_coverage": 0,
             "parts": [{"code": "P", "name": "甲部", "points": 60}, {"code": "Q", "name": "乙部", "points": 40}],
             "indicators": [{"code": c, "name": n, "part": part, "points": pts, "scale": "count",
                             "direction": "higher", "subject": "campus", "definition": "测试",
                             "rule": {"type": "target_pro_rata"}, "target": 10}
                            for c, n, part, pts in (("X1", "甲一", "P", 30), ("X2", "甲二", "P", 30),
                                                    ("Y1", "乙一", "Q", 40))]}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    eff = load_config(path)
    csv_path = write_rows(tmp_path / "d.csv", [["单位", "类型", "年份", "甲一", "甲二", "乙一"],
                                               ["甲院区", "院区", "2024", "", "", "10"],
                                               ["乙院区", "院区", "2024", "10", "10", "5"]])
    results = score(eff, read_data([csv_path], eff), generated_at=STAMP)
    jia, yi = results.campus("甲院区"), results.campus("乙院区")
    assert (jia.total, jia.max_total, jia.rank) == (40.0, 100.0, 2)
    assert [(p.code, p.score, p.max) for p in jia.parts] == [("P", 0.0, 60.0), ("Q", 40.0, 40.0)]
    assert (yi.total, yi.max_total, yi.rank) == (80.0, 100.0, 1)


def test_strict_never_lets_incomplete_data_through(data: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run("score", str(data / "campus.csv"), str(data / "insurance.csv"), "--targets", str(TARGETS),
                       "--out", str(out), "--allow-incomplete", "--strict", "--lang", "en")
    assert code == 2
    assert "--strict and --allow-incomplete together: under --strict incomplete data never passes" in output
    assert not out.exists()


def test_a_mistyped_header_is_not_also_called_ignored(data: Path, tmp_path: Path) -> None:
    _edit(data, "campus.csv", lambda rows: [[*r[:4], "出院患者手术台次" if i == 0 else r[4], *r[5:]]
                                            for i, r in enumerate(rows)])
    code, output = run("score", *(str(data / n) for n in CSVS), "--targets", str(TARGETS), "--out",
                       str(tmp_path / "o"), "--lang", "zh")
    assert code == 2
    assert "很可能是“出院患者手术台次数”" in output
    assert "以下列无法识别" not in output


def test_digits_are_compared_as_digits_in_suggestions(data: Path) -> None:
    _edit(data, "campus.csv", lambda rows: [[r[0].replace("示例一院", "示例1院"), *r[1:]] for r in rows])
    assert "您是否想写“示例一院东湖院区”" in _refusal(data)


def test_the_same_file_twice_is_refused(data: Path) -> None:
    eff = load_config(TARGETS)
    with pytest.raises(DataError) as info:
        read_data([data / "campus.csv", data / ".." / "data" / "campus.csv"], eff)
    assert "同一个文件给了两次" in info.value.render("zh")


# ---------------------------------------------------------------- the second outside attack


def test_a_row_of_zeros_is_named_as_a_fall_to_zero(data: Path) -> None:
    """A campus row typed as zeros is no blank row: it reads, but every figure "fell to 0" from last year."""
    _edit(data, "campus.csv", lambda rows: [r[:2] + ["0"] * (len(r) - 2) if r[0] == "示例三院北塘院区" and r[1] == "2024"
                                            else r for r in rows])
    eff = load_config(TARGETS)
    results = score(eff, read_data([data / n for n in CSVS], eff), generated_at=STAMP)
    jumps = [w.en for w in results.warnings if "more than 10 times away" in w.en and "row 9" in w.en]
    assert any("'出院患者手术台次数' is 0, more than 10 times away from" in w for w in jumps), jumps
    # ... and its parts fall below min_coverage? No: zeros are values. What it scores is said per indicator;
    # a campus set apart for too little data is said as a warning too (see the next test).


def test_insufficient_data_is_a_warning_so_strict_stops_it(tmp_path: Path) -> None:
    """coverage_below_min: 甲 has P 10 of 30 scorable -> 数据不足; the run warns, and --strict refuses."""
    table = {"id": "t", "version": 1, "name": "测试表", "provenance": "测试", "total_points": 40,
             "parts": [{"code": "P", "name": "甲部", "points": 30}, {"code": "Q", "name": "乙部", "points": 10}],
             "indicators": [{"code": c, "name": n, "part": part, "points": 10, "scale": "count",
                             "direction": "higher", "subject": "campus", "definition": "测试",
                             "rule": {"type": "target_pro_rata"}, "target": 10}
                            for c, n, part in (("X1", "一", "P"), ("X2", "二", "P"), ("X3", "三", "P"),
                                               ("Y1", "四", "Q"))]}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
    eff = load_config(path)
    csv_path = write_rows(tmp_path / "d.csv", [["单位", "类型", "年份", "一", "二", "三", "四"],
                                               ["甲院区", "院区", "2024", "10", "", "", "5"],
                                               ["乙院区", "院区", "2024", "10", "10", "10", "10"]])
    results = score(eff, read_data([csv_path], eff), generated_at=STAMP)
    assert any("甲院区 数据不足：P 部分可评分的分值不足 50%" in w.zh for w in results.warnings)
    # Lost points for a part set aside are not counted: 甲 scores Q 5 of 10, so it lost 5 of its maximum 10.
    from campuseval.losses import lost_points
    jia = results.campus("甲院区")
    assert (jia.total, jia.max_total) == (5.0, 10.0)
    assert sum(x.lost for x in lost_points(jia)) == pytest.approx(10.0 - 5.0)
    with pytest.raises(DataError):
        score(eff, read_data([csv_path], eff), generated_at=STAMP, strict=True)


def test_funding_on_incomplete_data_is_marked_provisional(data: Path, tmp_path: Path) -> None:
    _edit(data, "campus.csv", lambda rows: [r for r in rows if not (r[0] == "示例三院北塘院区" and r[1] == "2024")])
    out = tmp_path / "out"
    code, output = run("score", *(str(data / n) for n in CSVS), "--targets", str(TARGETS),
                       "--out", str(out), "--allow-incomplete", "--format", "json,md,xlsx,docx", "--per-unit",
                       "--lang", "zh")
    assert code == 0, output
    assert "（暂定，数据不完整）" in output and "不能作为拨付依据" in output
    saved = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert saved["allocation"]["provisional"] is True
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "不能作为拨付依据" in md
    row = next(line for line in md.splitlines() if line.startswith("| 未评价 | 示例三院北塘院区"))
    assert "| - |" in row  # not evaluated: no total, not 0.00
    import openpyxl

    wb = openpyxl.load_workbook(out / "scores.xlsx")
    assert any("不能作为拨付依据" in str(c.value) for row in wb["经费分配"].iter_rows() for c in row)
    import docx

    text = "\n".join(p.text for p in docx.Document(str(out / "report.docx")).paragraphs)
    assert "经费分配" in text and "不能作为拨付依据" in text
    # Each campus's own sheet names only its own gaps: 北塘's missing row is not on 西山's page.
    assert "示例三院北塘院区" not in (out / "units" / "xishan.html").read_text(encoding="utf-8")


def test_marks_of_a_dropped_indicator_or_a_year_without_data_are_not_used(data: Path, tmp_path: Path) -> None:
    shutil.copy(TARGETS, tmp_path / "base.yaml")  # extends is relative to the file that says it
    targets = tmp_path / "drop.yaml"
    targets.write_text("extends: base.yaml\nlocality: {id: demo_city, name: 示例市}\ndrop: [C5]\n", encoding="utf-8")
    eff = load_config(targets)
    results = score(eff, read_data([data / n for n in CSVS], eff), generated_at=STAMP)
    assert "C5" not in {i.code for i in results.campuses[0].indicators}
    marks = read_rows(DATA / "expert.csv")
    write_rows(tmp_path / "expert.csv", [*marks, ["示例一院东湖院区", "C5", "0.5", "评审专家E", "", "2022"]])
    eff = load_config(TARGETS)
    files = [data / n for n in CSVS if n != "expert.csv"] + [tmp_path / "expert.csv"]
    results = score(eff, read_data(files, eff), generated_at=STAMP)
    assert results.complete
