"""Outputs that scale to a national panel: the workbook as before, streamed files, large-run reports."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from xlsx_fingerprint import fingerprint

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shaoxing"
XLSX = EXAMPLE / "data" / "demo_2023-2024.xlsx"
TARGETS = EXAMPLE / "targets.yaml"
STAMP = "2025-01-15T09:00:00+08:00"
GOLDEN = ROOT / "tests" / "output_golden"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_workbook_is_cell_for_cell_what_it_was(tmp_path: Path, lang: str) -> None:
    """Values, types, number formats, fills, fonts, widths, frozen panes and print setup of scores.xlsx and a
    feedback workbook, against a fingerprint taken before the writer counted its own rows."""
    result = CliRunner().invoke(app, ["score", str(XLSX), "--targets", str(TARGETS), "--out", str(tmp_path / "o"),
                                      "--generated-at", STAMP, "--format", "json,csv,xlsx", "--per-unit",
                                      "--lang", lang])
    assert result.exit_code == 0, result.output
    got = {"scores": fingerprint(tmp_path / "o" / "scores.xlsx"),
           "unit": fingerprint(tmp_path / "o" / "units" / "donghu.xlsx")}
    want = json.loads((GOLDEN / f"scores_xlsx.{lang}.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(got, ensure_ascii=False)) == want


def _score(out: Path, *args: str) -> Path:
    result = CliRunner().invoke(app, ["score", str(XLSX), "--targets", str(TARGETS), "--out", str(out),
                                      "--generated-at", STAMP, "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return out / "scores.json"


@pytest.mark.parametrize("args", [(), ("--year", "2023", "--allow-incomplete"),
                                  ("--year", "2023", "--year", "2024", "--allow-incomplete")])
def test_scores_json_written_a_campus_at_a_time_is_the_same_text(tmp_path: Path, args: tuple[str, ...]) -> None:
    """One year, a year with its previous one, and a multi-year series: streamed, the bytes of dumps()."""
    from campuseval.export import results_json

    results = results_json.load(_score(tmp_path / "o", *args))
    for variant in (results, results.model_copy(update={"campuses": []}),
                    results.model_copy(update={"series": [] if results.series is not None else None})):
        results_json.write(variant, tmp_path / "w.json")
        assert (tmp_path / "w.json").read_bytes() == results_json.dumps(variant).encode("utf-8")
    assert (tmp_path / "o" / "scores.json").read_bytes() == results_json.dumps(results).encode("utf-8")


def test_csv_streamed_is_csv_text(tmp_path: Path) -> None:
    from campuseval.export import results_json, tables

    results = results_json.load(_score(tmp_path / "o"))
    _, headers, rows, _ = tables.detail(results, "en")
    tables.write_csv(tmp_path / "s.csv", headers, iter(rows))
    assert (tmp_path / "s.csv").read_bytes() == tables.csv_text(headers, rows).encode("utf-8-sig")
