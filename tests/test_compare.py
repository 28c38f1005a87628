"""compare: one target changed, totals and ranks under both computed by hand; the CLI's files and errors."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.compare import compare
from campuseval.config.load import load_config
from campuseval.data.read import read_data
from campuseval.engine.score import score
from campuseval.results import Results

CYCLE = Path(__file__).parent / "cycle"


def scored(targets: str) -> Results:
    eff = load_config(str(CYCLE / targets))
    return score(eff, read_data([str(CYCLE / "data.csv")], eff))


def test_one_target_changed() -> None:
    # tests/cycle/table.yaml: X1 30 pts target 50, X2 30 pts target 10, Y1 40 pts target 20; all
    # target_pro_rata (points x value / target, capped). B lowers the X2 target to 5.
    # a: X1 50 -> 30, X2 5 -> A 30*5/10 = 15, B 30 (5 >= 5), Y1 20 -> 40: A 85, B 100
    # b: X1 40 -> 30*40/50 = 24, X2 10 -> 30 under both, Y1 16 -> 40*16/20 = 32: A 86, B 86
    # c: X1 25 -> 15, X2 8 -> A 30*8/10 = 24, B 30, Y1 20 -> 40: A 79, B 85
    # Ranks A: b 86 (1), a 85 (2), c 79 (3); B: a 100 (1), b 86 (2), c 85 (3).
    cmp = compare(scored("a.yaml"), scored("b.yaml"), "A", "B")
    rows = {r.id: r for r in cmp.rows}
    assert [(r.id, r.total_a, r.total_b, r.diff, r.rank_a, r.rank_b, r.rank_change) for r in cmp.rows] == [
        ("a", 85.0, 100.0, 15.0, 2, 1, 1), ("b", 86.0, 86.0, 0.0, 1, 2, -1), ("c", 79.0, 85.0, 6.0, 3, 3, 0)]
    assert rows["b"].moves == ()  # b met both X2 targets: nothing moved
    (move,) = rows["a"].moves
    assert (move.code, move.points_a, move.points_b, move.diff) == ("X2", 15.0, 30.0, 15.0)
    assert [x.render("en") for x in move.reasons] == ["target 10 -> 5"]
    assert [x.render("zh") for x in move.reasons] == ["目标值由 10 改为 5"]
    assert [(m.code, m.diff) for m in rows["c"].moves] == [("X2", 6.0)]


def test_added_and_dropped_indicators_and_changed_points(tmp_path: Path) -> None:
    # C drops X1: its 30 points go to X2 in part P (60 in all). a: X2 60*5/10 = 30 (+15), Y1 40 -> 70.
    import shutil

    shutil.copy(CYCLE / "table.yaml", tmp_path / "table.yaml")
    (tmp_path / "c.yaml").write_text("extends: table.yaml\nlocality: {id: t, name: 测试市}\ndrop: [X1]\n",
                                     encoding="utf-8")
    eff = load_config(str(tmp_path / "c.yaml"))
    res_c = score(eff, read_data([str(CYCLE / "data.csv")], eff))
    cmp = compare(scored("a.yaml"), res_c)
    a = next(r for r in cmp.rows if r.id == "a")
    assert (a.total_a, a.total_b) == (85.0, 70.0)
    moves = {m.code: m for m in a.moves}
    assert moves["X1"].points_b is None and [x.key for x in moves["X1"].reasons] == ["dropped"]
    assert (moves["X2"].points_a, moves["X2"].points_b) == (15.0, 30.0)
    assert [x.render("en") for x in moves["X2"].reasons] == ["maximum 30 -> 60"]


def test_cli_writes_every_format_and_matches_the_library(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["compare", str(CYCLE / "data.csv"), "--targets", str(CYCLE / "a.yaml"),
                              "--targets", str(CYCLE / "b.yaml"), "--out", str(tmp_path),
                              "--format", "md,html,xlsx,json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "compare.json").read_text(encoding="utf-8"))
    assert [(c["id"], c["total_a"], c["total_b"], c["rank_a"], c["rank_b"]) for c in data["campuses"]] == [
        ("a", 85.0, 100.0, 2, 1), ("b", 86.0, 86.0, 1, 2), ("c", 79.0, 85.0, 3, 3)]
    md = (tmp_path / "compare.md").read_text(encoding="utf-8")
    assert "| a | 85.00 | 100.00 | +15.00 | 2 | 1 | +1 |" in md
    assert "target 10 -&gt; 5" in (tmp_path / "compare.html").read_text(encoding="utf-8")
    from openpyxl import load_workbook

    ws = load_workbook(tmp_path / "compare.xlsx").worksheets[0]
    assert [c.value for c in ws[2]] == ["a", 85.0, 100.0, 15.0, 2, 1, "+1"]
    again = runner.invoke(app, ["compare", str(CYCLE / "data.csv"), "--targets", str(CYCLE / "a.yaml"),
                                "--targets", str(CYCLE / "b.yaml"), "--out", str(tmp_path), "--lang", "en"])
    assert again.exit_code == 2 and "already holds comparison files" in again.output


def test_cli_errors_without_traceback() -> None:
    runner = CliRunner()
    one = runner.invoke(app, ["compare", str(CYCLE / "data.csv"), "--targets", str(CYCLE / "a.yaml"),
                              "--lang", "en"])
    assert one.exit_code == 2
    assert "compare needs exactly two settings: two --targets or two --table (got 1)" in one.output
    year = runner.invoke(app, ["compare", str(CYCLE / "data.csv"), "--targets", str(CYCLE / "a.yaml"),
                               "--targets", str(CYCLE / "b.yaml"), "--year", "2019", "--lang", "en"])
    assert year.exit_code == 2 and "2019" in year.output and "Traceback" not in year.output
    other = runner.invoke(app, ["compare", str(CYCLE / "data.csv"), "--table", "builtin:indicators_fenghua.yaml",
                                "--targets", str(CYCLE / "a.yaml"), "--targets", str(CYCLE / "b.yaml"),
                                "--lang", "en"])
    assert other.exit_code == 2 and "Traceback" not in other.output
    assert "--help" not in one.output
    assert runner.invoke(app, ["compare", "--help"]).exit_code == 0


def test_two_tables(tmp_path: Path) -> None:
    # The same change written into a copy of the table (X2 target 10 -> 5) gives the same comparison as
    # two targets files: a 85 -> 100, b 86 -> 86, c 79 -> 85.
    table = (CYCLE / "table.yaml").read_text(encoding="utf-8")
    changed = table.replace("    rule: {type: target_pro_rata}\n    target: 10\n",
                            "    rule: {type: target_pro_rata}\n    target: 5\n")
    assert changed != table
    (tmp_path / "b_table.yaml").write_text(changed, encoding="utf-8")
    res = CliRunner().invoke(app, ["compare", str(CYCLE / "data.csv"), "--table", str(CYCLE / "table.yaml"),
                                   "--table", str(tmp_path / "b_table.yaml"), "--out", str(tmp_path / "o"),
                                   "--format", "json", "--lang", "en"])
    assert res.exit_code == 0, res.output
    data = json.loads((tmp_path / "o" / "compare.json").read_text(encoding="utf-8"))
    assert [(c["id"], c["total_a"], c["total_b"], c["rank_b"]) for c in data["campuses"]] == [
        ("a", 85.0, 100.0, 1), ("b", 86.0, 86.0, 2), ("c", 79.0, 85.0, 3)]
    assert data["campuses"][0]["indicators"][0]["why"][0]["en"] == "target 10 -> 5"
