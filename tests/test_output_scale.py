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
