"""Expert panel marks: combined by hand (mean, and without the highest and lowest), checked on reading."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.config.load import load_config
from campuseval.data.read import read_data
from campuseval.engine.score import score
from campuseval.errors import DataError
from campuseval.expert import ExpertMark, combine
from campuseval.results import Results

CYCLE = Path(__file__).parent / "cycle"


def scored(marks: Path = CYCLE / "expert_marks.csv") -> Results:
    eff = load_config(str(CYCLE / "expert_table.yaml"))
    return score(eff, read_data([str(CYCLE / "expert_data.csv"), str(marks)], eff))


def test_trimmed_mean_and_mean_by_hand() -> None:
    # a: E1 marks 18, 16, 19.5, 15 -> without 19.5 and 15: (18 + 16) / 2 = 17 of 20.
    #    E2 marks 7, 8 -> mean 7.5 of 10. X1 50 >= 50 -> 70. Total 70 + 17 + 7.5 = 94.5.
    # b: E1 marks 12, 14, 20 -> without 20 and 12: 14 / 1 = 14. E2 9, 10, 6.5 -> 25.5 / 3 = 8.5.
    #    X1 70 x 25 / 50 = 35. Total 35 + 14 + 8.5 = 57.5.
    res = scored()
    got = {(c.id, i.code): (i.value, i.points) for c in res.campuses for i in c.indicators}
    assert got[("a", "E1")] == (17.0, 17.0) and got[("a", "E2")] == (7.5, 7.5)
    assert got[("b", "E1")] == (14.0, 14.0) and got[("b", "E2")] == (8.5, 8.5)
    assert {c.id: (c.total, c.rank) for c in res.campuses} == {"a": (94.5, 1), "b": (57.5, 2)}
    a_e1 = next(i for i in res.campus("a").indicators if i.code == "E1")
    # The trace names each reviewer, where the mark was read, and the arithmetic.
    assert a_e1.trace.inputs == {"expert.张": 18.0, "expert.李": 16.0, "expert.王": 19.5, "expert.赵": 15.0}
    assert a_e1.trace.cells["expert.李"].endswith("expert_marks.csv:C3")
    assert a_e1.trace.arithmetic.startswith(
        "trimmed mean of [张 18, 李 16, 王 19.5, 赵 15]: (18 + 16 + 19.5 + 15 - 19.5 - 15) ÷ 2 = 17")
    assert [(m.campus, m.indicator, m.reviewer, m.score, m.remark) for m in res.expert_marks][:2] == [
        ("a", "E1", "张", 18.0, "材料齐全"), ("a", "E1", "李", 16.0, "")]


def test_trimming_drops_one_of_each_however_many_tie() -> None:
    # 6, 6, 8, 9, 9 -> drop one 9 and one 6: (6 + 8 + 9) / 3 = 23 / 3 = 7.6666...
    marks = [ExpertMark(n, s) for n, s in zip("abcde", (6, 6, 8, 9, 9), strict=True)]
    value, _ = combine(marks, "trimmed_mean")
    assert value == pytest.approx(23 / 3, abs=1e-12)
    assert combine(marks, "mean")[0] == pytest.approx(38 / 5, abs=1e-12)


def test_report_lists_the_marks_and_the_combination(tmp_path: Path) -> None:
    from campuseval.report import render

    md = render(scored(), "md", "en")
    assert "### Expert panel marks" in md
    assert "| a | E1 Party building | 张 | 18 | 材料齐全 |" in md
    assert "**scores 17 / 20 (marked by a panel out of 20, the mean without the highest and the lowest mark" in md


def _marks(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "marks.csv"
    path.write_text("单位,指标,分数,评审人,备注,年份\n" + rows, encoding="utf-8")
    return path


@pytest.mark.parametrize(("rows", "expected"), [
    ("a,E1,21,张,\n", "marks.csv, row 2, column C: the expert score 21 for E1 is outside 0 to its points 20"),
    ("a,E1,-1,张,\n", "marks.csv, row 2, column C: '分数' cannot be negative, got -1"),
    ("a,E1,十八,张,\n", "marks.csv, row 2, column C: '分数' must be a number, got '十八'"),
    ("a,E1,18,张,,二〇二四\n", "marks.csv, row 2, column F:"),
    ("a,E1,18,,\n", "marks.csv, row 2, column D: '评审人' is blank"),
    ("a,X1,18,张,\n", "marks.csv, row 2, column B: 'X1' is not an expert-scored indicator"),
    ("z,E1,18,张,\n", "marks.csv, row 2, column A: 'z' in the expert marks is not an evaluated campus"),
    ("a,E1,18,张,\na,E1,17,张,\n", "marks.csv, row 3, column A: reviewer 张 marked E1 for a (2024) twice"),
    ("a,E1,18,张,\na,E1,17,李,\n", "marks.csv, row 2, column C: E1 for a (2024): marks from 2 reviewer(s); "
                                 "dropping the highest and lowest needs at least 3"),
])
def test_bad_marks_are_refused_with_where(tmp_path: Path, rows: str, expected: str) -> None:
    eff = load_config(str(CYCLE / "expert_table.yaml"))
    with pytest.raises(DataError) as exc:
        read_data([str(CYCLE / "expert_data.csv"), str(_marks(tmp_path, rows))], eff)
    text = exc.value.render("en")
    assert expected in text.replace(str(tmp_path) + "/", ""), text


def test_no_marks_is_a_gap_refused_unless_allowed() -> None:
    eff = load_config(str(CYCLE / "expert_table.yaml"))
    data = read_data([str(CYCLE / "expert_data.csv")], eff)
    with pytest.raises(DataError) as exc:
        score(eff, data)
    assert "no expert marks for E1 (2024) for a, b" in exc.value.render("en")
    res = score(eff, data, allow_incomplete=True)
    assert not res.complete and [g.what for g in res.missing_inputs] == ["expert_marks", "expert_marks"]
    e1 = next(i for i in res.campus("a").indicators if i.code == "E1")
    assert e1.points == 0.0 and "missing" in e1.flags


def test_cli_error_without_traceback(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["score", str(CYCLE / "expert_data.csv"), str(_marks(tmp_path, "a,E1,25,张,\n")),
                                   "--table", str(CYCLE / "expert_table.yaml"), "--out", str(tmp_path / "o"),
                                   "--lang", "en"])
    assert res.exit_code == 2 and "outside 0 to its points 20" in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()


def test_template_gains_the_sheet(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from campuseval.data.template import write_template

    eff = load_config(str(Path(__file__).resolve().parents[1] / "examples/shaoxing/targets.yaml"))
    write_template(eff, tmp_path / "t.xlsx", years=[2024])
    wb = load_workbook(tmp_path / "t.xlsx")
    ws = wb["专家评分"]
    assert [c.value for c in ws[1]] == ["单位", "指标", "分数", "评审人", "备注", "年份"]
    assert [ws.cell(row=2, column=n).value for n in (1, 2, 6)] == ["示例一院东湖院区", "C5", 2024]
    assert "C5" not in [c.value for c in wb["院区"][1]]  # marks are not a data column
    # Without expert-scored indicators there is no such sheet.
    write_template(load_config(str(CYCLE / "a.yaml")), tmp_path / "u.xlsx", years=[2024])
    assert "专家评分" not in load_workbook(tmp_path / "u.xlsx").sheetnames
