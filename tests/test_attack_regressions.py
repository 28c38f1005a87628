"""Classes an outside attack found after the hardening round, each kept shut by a test."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campuseval.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shaoxing"
XLSX = EXAMPLE / "data" / "demo_2023-2024.xlsx"
TARGETS = EXAMPLE / "targets.yaml"
PROPOSAL = EXAMPLE / "targets_proposal.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.output


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_compare_never_writes_over_its_inputs_even_forced(tmp_path: Path) -> None:
    data = tmp_path / "compare.xlsx"  # named as compare's own output would be
    shutil.copy(XLSX, data)
    before = sha(data)
    code, output = run("compare", str(data), "--targets", str(TARGETS), "--targets", str(PROPOSAL),
                       "--out", str(tmp_path), "--force", "--lang", "en")
    assert code == 2 and "compare.xlsx" in output
    assert sha(data) == before


def test_sensitivity_never_writes_over_its_targets_even_forced(tmp_path: Path) -> None:
    base = tmp_path / "sensitivity.md"  # a targets file named as sensitivity's report would be
    shutil.copy(TARGETS, base)
    before = sha(base)
    code, _ = run("sensitivity", str(XLSX), "--targets", str(base), "--runs", "5", "--out", str(tmp_path),
                  "--force", "--format", "md", "--lang", "en")
    assert code == 2
    assert sha(base) == before


def test_template_never_writes_over_the_config_it_read(tmp_path: Path) -> None:
    config = tmp_path / "t.xlsx"
    shutil.copy(TARGETS, config)
    before = sha(config)
    code, _ = run("template", "--targets", str(config), "--out", str(config), "--force", "--lang", "en")
    assert code == 2
    assert sha(config) == before


@pytest.mark.parametrize("line,bad", [("  pool: 1000000", "  pool: true"), ("  pool: 1000000", '  pool: "1000000"'),
                                      ("  min_total: 60", '  min_total: "-1e308"'),
                                      ("  min_total: 60", "  min_total: -5")])
def test_allocation_numbers_are_strict_and_bounded(tmp_path: Path, line: str, bad: str) -> None:
    text = TARGETS.read_text(encoding="utf-8")
    assert line in text
    path = tmp_path / "targets.yaml"
    path.write_text(text.replace(line, bad), encoding="utf-8")
    code, output = run("validate", str(path), "--lang", "en")
    assert code == 1, output
    assert "targets.yaml:" in output and "allocation." in output


def test_two_tiers_with_one_bound_are_refused(tmp_path: Path) -> None:
    text = TARGETS.read_text(encoding="utf-8")
    i = text.index("allocation:")
    path = tmp_path / "targets.yaml"
    path.write_text(text[:i] + "allocation:\n  pool: 100\n  method: tiers\n  by: band\n  tiers:\n"
                    "    - {min_total: 80, weight: 1}\n    - {min_total: 80, weight: 5}\n", encoding="utf-8")
    code, output = run("validate", str(path), "--lang", "en")
    assert code == 1 and "two tiers give min_total 80" in output


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_a_file_name_that_is_no_utf8_is_refused_before_any_work(tmp_path: Path) -> None:
    name = tmp_path / "bad\udcff.xlsx"
    shutil.copy(XLSX, name)
    out = tmp_path / "out"
    code, _ = run("score", str(name), "--targets", str(TARGETS), "--out", str(out), "--format", "json")
    assert code == 2 and not out.exists()


def test_results_survive_a_reader_that_stops_early(tmp_path: Path) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(f'"{sys.executable}" -m campuseval score "{XLSX}" --targets "{TARGETS}" --out "{out}" '
                          f'--format json | head -c 1', shell=True, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr
    assert (out / "scores.json").is_file()


def test_a_closed_stdout_is_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(f'"{sys.executable}" -m campuseval indicators --targets "{TARGETS}" >&-', shell=True,
                          capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("edit,where", [
    (lambda d: d["campuses"].append(dict(d["campuses"][0])), "campuses[4].id"),
    (lambda d: d["campuses"][0].update(rank=-3), "campuses[0].rank"),
    (lambda d: d.update(year=99999), "year"),
    (lambda d: d.update(campuses=[]), "campuses"),
])
def test_report_checks_a_hand_edited_scores_json(tmp_path: Path, edit: object, where: str) -> None:
    out = tmp_path / "out"
    code, _ = run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--format", "json")
    assert code == 0
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    edit(data)  # type: ignore[operator]
    (out / "scores.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, output = run("report", str(out / "scores.json"), "--out", str(tmp_path / "r"), "--lang", "en")
    assert code == 2 and where in output


def test_report_per_unit_with_a_campus_last_year_lacks(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run("score", str(XLSX), "--targets", str(TARGETS), "--out", str(out), "--format", "json")
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    data["campuses"][0]["id"] = "DongHu"
    (out / "scores.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    code, output = run("report", str(out / "scores.json"), "--out", str(tmp_path / "r"), "--per-unit")
    assert code in (0, 2), output


@pytest.mark.parametrize("option,value", [("--seed", "-1"), ("--seed", "1_0"), ("--runs", "1_000")])
def test_seed_and_runs_take_digits_only(option: str, value: str) -> None:
    code, output = run("sensitivity", str(XLSX), "--targets", str(TARGETS), option, value, "--lang", "en")
    assert code == 2 and "is not a whole number of 0 or more" in output
