"""diff: every kind of change in words, zh and en, each at the file and line that makes it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.config.load import load_config
from campuseval.tablediff import diff_tables

CYCLE = Path(__file__).parent / "cycle"


@pytest.fixture
def at_root(at_repo_root: Path) -> Path:
    return at_repo_root


def test_one_target(at_root: Path) -> None:
    (change,) = diff_tables(load_config("tests/cycle/a.yaml"), load_config("tests/cycle/b.yaml"))
    assert change.render("en") == "X2 Support visits: target 10 -> 5"
    assert change.render("zh") == "X2 帮扶人次：目标值由 10 改为 5"
    assert (change.location.file, change.location.line, change.location.path) == ("tests/cycle/b.yaml", 5, "targets.X2")


def test_every_kind_located(at_root: Path) -> None:
    changes = diff_tables(load_config("tests/cycle/a.yaml"), load_config("tests/cycle/c.yaml"))
    got = [(c.location.line, c.location.path, c.render("en")) for c in changes]
    # tests/cycle/c.yaml: drop on line 7 (X1 goes; X2 then carries all 60 points of part P), the X2
    # targets on 11, the Y1 rule on 13, two campuses on 5-6, the allocation on 14. `points: Y1: 40`
    # restates the table and is no change.
    assert got == [
        (7, "drop[0]", "indicator X1 Surgery share dropped (had 30 points)"),
        (7, "drop", "X2 Support visits: effective points 30 -> 60 (indicators of its part were added or dropped)"),
        (11, "targets.X2", "X2 Support visits: target 10 -> 12"),
        (11, "targets.X2.campuses.b", "X2 Support visits: target for b 10 -> 8"),
        (13, "rules.Y1", "Y1 Staff seconded: rule 'full points at or above the target 20; below it, points x "
                         "actual / target' -> 'full points at the target 20; each 1 below deducts 2 (part steps "
                         "pro rata), down to 0'"),
        (5, "campuses.a", "unit a (甲院区) added"),
        (6, "campuses.b", "unit b (乙院区) added"),
        (14, "allocation", "allocation added: pool: 100000, method: proportional"),
    ]
    assert all(c.location.file == "tests/cycle/c.yaml" for c in changes)
    zh = [c.render("zh") for c in changes]
    assert zh[0] == "删除指标 X1 手术占比（原 30 分）" and zh[2] == "X2 帮扶人次：目标值由 10 改为 12"


def test_a_dropped_indicator_is_located_at_its_definition_when_b_does_not_drop_it(at_root: Path) -> None:
    # Reversed: C -> A adds X1 back; A's table defines it (tests/cycle/table.yaml, the X1 item starts on line 16).
    changes = diff_tables(load_config("tests/cycle/c.yaml"), load_config("tests/cycle/a.yaml"))
    added = next(c for c in changes if c.key == "added")
    assert added.render("en") == "indicator X1 Surgery share added (30 points)"
    assert (added.location.file, added.location.line) == ("tests/cycle/table.yaml", 16)
    assert any(c.key == "allocation_removed" for c in changes)


def test_cli_text_github_json_and_exit_code(at_root: Path) -> None:
    runner = CliRunner()
    text = runner.invoke(app, ["diff", "tests/cycle/a.yaml", "tests/cycle/b.yaml", "--lang", "en"])
    assert text.exit_code == 0
    assert "tests/cycle/b.yaml:5:3: targets.X2: X2 Support visits: target 10 -> 5" in text.output
    gh = runner.invoke(app, ["diff", "tests/cycle/a.yaml", "tests/cycle/b.yaml", "--format", "github",
                             "--exit-code", "--lang", "en"])
    assert gh.exit_code == 1
    assert ("::notice file=tests/cycle/b.yaml,line=5,col=3,title=campuseval diff::"
            "X2 Support visits: target 10 -> 5") in gh.output
    js = runner.invoke(app, ["diff", "tests/cycle/a.yaml", "tests/cycle/c.yaml", "--format", "json"])
    payload = json.loads(js.stdout)
    assert len(payload["changes"]) == 8 and payload["changes"][0]["line"] == 7
    same = runner.invoke(app, ["diff", "tests/cycle/a.yaml", "tests/cycle/a.yaml", "--exit-code", "--lang", "en"])
    assert same.exit_code == 0 and "give the same effective table" in same.output


def test_cli_bad_input(at_root: Path) -> None:
    res = CliRunner().invoke(app, ["diff", "tests/cycle/a.yaml", "tests/cycle/missing.yaml", "--lang", "en"])
    assert res.exit_code == 2 and "tests/cycle/missing.yaml" in res.output and "Traceback" not in res.output


def test_two_tables_part_and_indicator_points(at_root: Path, tmp_path: Path) -> None:
    # A copy of the table with total 100 -> 90, part P 60 -> 50 and X1's own points 30 -> 20 (P: 20 + 30 = 50):
    # each change is located at its line in the copy (P's points on line 11, X1's on line 19). X1's
    # effective points follow its own (30 -> 20) and are not reported twice.
    lines = (at_root / "tests/cycle/table.yaml").read_text(encoding="utf-8").splitlines(keepends=True)
    assert (lines[6], lines[10], lines[18]) == ("total_points: 100\n", "    points: 60\n", "    points: 30\n")
    lines[6], lines[10], lines[18] = "total_points: 90\n", "    points: 50\n", "    points: 20\n"
    (tmp_path / "t2.yaml").write_text("".join(lines), encoding="utf-8")
    changes = diff_tables(load_config("tests/cycle/table.yaml"), load_config(str(tmp_path / "t2.yaml")))
    assert [(c.location.line, c.render("en")) for c in changes] == [
        (11, "part P: points 60 -> 50"), (19, "X1 Surgery share: points 30 -> 20")]
