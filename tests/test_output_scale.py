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
    # The run names its inputs by absolute path (in 说明 and the cell sources): the checkout's place is <repo>.
    assert json.loads(json.dumps(got, ensure_ascii=False).replace(str(ROOT), "<repo>")) == want


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


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _score(tmp_path_factory.mktemp("demo") / "o")


def panel(scores: Path, n: int) -> object:
    """The demo results grown to `n` units (copies of its campuses under new ids, names and ranks)."""
    from campuseval.export import results_json
    from campuseval.results import Text

    results = results_json.load(scores)
    scored = [c for c in results.campuses if c.rank is not None]
    units = []
    for k in range(n):
        c = scored[k % len(scored)]
        units.append(c.model_copy(update={"id": f"u{k:04d}", "name": Text(zh=f"单位{k:04d}号", en=f"Unit {k:04d}x"),
                                          "rank": k + 1}))
    return results.model_copy(update={"campuses": units, "previous": None, "previous_year": None,
                                      "allocation": None, "expert_marks": [], "missing_inputs": []})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_terminal_shows_both_ends_of_a_long_ranking_and_where_the_rest_is(demo: Path, lang: str) -> None:
    import io

    from rich.console import Console

    from campuseval.terminal import print_summary

    results = panel(demo, 45)
    out, err = io.StringIO(), io.StringIO()
    written = [Path("res/summary.csv"), Path("res/scores.xlsx"), Path("res/report.html"), Path("res/units/u0001.html")]
    print_summary(results, lang, Console(file=out, width=250), Console(file=err, width=250), written)
    text = out.getvalue()
    name = "单位{:04d}号" if lang == "zh" else "Unit {:04d}x"
    shown = [k for k in range(45) if name.format(k) in text]
    assert shown == [*range(10), *range(35, 45)]
    line = " ".join(text.split())  # the note may wrap under the table
    assert "25" in line
    for f in ("res/summary.csv", "res/scores.xlsx", "res/report.html"):
        assert f in line
    assert "units/u0001.html" not in line
    assert ("中间 25 个" in line) if lang == "zh" else ("Not shown: 25" in line)


def test_terminal_shows_every_unit_up_to_thirty(demo: Path) -> None:
    import io

    from rich.console import Console

    from campuseval.terminal import print_summary

    out = io.StringIO()
    print_summary(panel(demo, 30), "en", Console(file=out, width=250), Console(file=io.StringIO()), [])
    assert all(f"Unit {k:04d}x" in out.getvalue() for k in range(30))
    assert "Not shown" not in out.getvalue()


def test_a_large_run_writes_summary_reports_and_a_file_per_unit(demo: Path, tmp_path: Path) -> None:
    import re

    import docx

    from campuseval.export.write import planned_files, write_outputs

    results = panel(demo, 60)
    formats = ["html", "md", "docx", "xlsx"]
    names = planned_files(formats, results)
    assert sorted(n for n in names if n.startswith("units/")) == [f"units/u{k:04d}.html" for k in range(60)]
    written = write_outputs(results, tmp_path / "out", formats, "zh")
    assert len(written) == len(names)
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert 'class="campus"' not in html  # no unit's section in the summary
    assert re.findall(r'href="(units/[^"]+)"', html) == [f"units/u{k:04d}.html" for k in range(60)]
    assert "units/" in html and "60 个" in html
    assert "<script" not in html and "http://" not in html and "https://" not in html
    for k in (0, 59):
        sheet = (tmp_path / "out" / "units" / f"u{k:04d}.html").read_text(encoding="utf-8")
        assert f"单位{k:04d}号" in sheet and 'class="campus"' in sheet
        assert "<script" not in sheet and "src=\"http" not in sheet
        assert [j for j in (0, 1, 58, 59) if j != k and f"单位{j:04d}号" in sheet] == []
    md = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "](units/u0000.html)" in md and "units/" in md
    assert "### 1. " not in md  # no unit's section
    words = "\n".join(p.text for p in docx.Document(str(tmp_path / "out" / "report.docx")).paragraphs)
    assert "units/" in words
    assert not (tmp_path / "out" / "units" / "u0000.xlsx").exists()


def test_a_run_at_the_threshold_keeps_the_whole_report(demo: Path, tmp_path: Path) -> None:
    from campuseval.export.write import planned_files, write_outputs
    from campuseval.report.view import SUMMARY_ABOVE

    results = panel(demo, SUMMARY_ABOVE)
    assert planned_files(["html"], results) == ["report.html"]
    write_outputs(results, tmp_path / "out", ["html"], "en")
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert html.count('<section class="campus"') == SUMMARY_ABOVE
    assert 'href="units/' not in html


def test_progress_bar_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from campuseval.progress import RunProgress, wanted

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert wanted(Tty()) and not wanted(io.StringIO()) and not wanted(None)
    monkeypatch.setenv("CI", "true")
    assert not wanted(Tty())
    pipe = io.StringIO()
    with RunProgress("zh", stream=pipe, delay=0) as bar:
        bar.stage("progress.read")
        bar.file("scores.xlsx", 3)
    assert pipe.getvalue() == ""


def test_docx_table_rows_copied_from_the_first_keep_their_own_text_notes_and_widths() -> None:
    from docx import Document
    from docx.oxml.ns import qn

    from campuseval.report.docx import _table

    doc = Document()
    rows = [["A1", "第一行", "1.00"], ["A2", "", "2.00"], ["A3", "two\nlines", "3\t00"], ["A4", "四", "4.00"]]
    notes = ["", "说明二", "", "note four"]
    table = _table(doc, ["代码", "名称", "分值"], rows, numeric=[2], notes=notes)
    got = [[c.text for c in r.cells] for r in table.rows]
    assert got == [["代码", "名称", "分值"], ["A1", "第一行", "1.00"], ["A2", "", "2.00"], ["", "说明二", "说明二"],
                   ["A3", "two\nlines", "3\t00"], ["A4", "四", "4.00"], ["", "note four", "note four"]]
    widths = [[tc.find(qn("w:tcPr")).find(qn("w:tcW")).get(qn("w:w")) for tc in tr.iter(qn("w:tc"))]
              for tr in table._tbl.iter(qn("w:tr"))]
    assert all(w == widths[1] for w in widths[:3] + widths[4:6])  # every plain row as wide as the first
    assert widths[3] == widths[6] and len(widths[3]) == 2  # every note row merged alike
    right = [r.cells[2].paragraphs[0].alignment for r in table.rows[1:3]]
    assert right[0] is not None and right[0] == right[1]  # numbers aligned right in copies too


def test_unit_file_names_keep_chinese_letters_and_stay_unique() -> None:
    from campuseval.export.write import safe_stem

    used: set[str] = set()
    # Letters of any script stay (an analyst finds 院区甲.html by name); path separators and dots at the ends do not.
    assert [safe_stem(x, used) for x in ("院区甲", "院区乙", "../x", "A", "a", "院区甲")] == [
        "院区甲", "院区乙", "_x", "A", "a-2", "院区甲-2"]


def test_an_earlier_runs_feedback_sheets_are_named_not_mixed_in_silently(tmp_path: Path) -> None:
    """--force rewrites this run's units/ files; a sheet an earlier run left there (a campus since renamed) is
    kept, since it may not be ours, but the run says so, so that it is not sent out by mistake."""
    out = tmp_path / "o"
    (out / "units").mkdir(parents=True)
    (out / "units" / "old_campus.html").write_text("an earlier run's sheet", encoding="utf-8")
    (out / "units" / "notes.txt").write_text("the analyst's own notes", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(XLSX), "--targets", str(TARGETS), "--out", str(out),
                                      "--generated-at", STAMP, "--format", "json", "--per-unit", "--force",
                                      "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert (f"warning: {out / 'units'} also holds 1 feedback sheets this run did not write (such as "
            "old_campus.html)") in " ".join(result.output.split())
    assert (out / "units" / "old_campus.html").read_text(encoding="utf-8") == "an earlier run's sheet"
    assert (out / "units" / "notes.txt").exists()
    rerun = CliRunner().invoke(app, ["score", str(XLSX), "--targets", str(TARGETS), "--out", str(tmp_path / "new"),
                                     "--generated-at", STAMP, "--format", "json", "--per-unit", "--lang", "en"])
    assert rerun.exit_code == 0 and "did not write" not in rerun.output


def test_unit_file_names_hold_on_every_file_system() -> None:
    """Names that are one file on Windows/macOS (σ, ς, Σ casefold alike), device names, names over 255 bytes."""
    from campuseval.export.write import safe_stem

    used: set[str] = set()
    got = [safe_stem(x, used) for x in ("σ", "ς", "Σ", "CON", "con.txt", "COM1", "𠀀" * 70)]
    assert got[:6] == ["σ", "ς-2", "Σ-3", "_CON", "_con.txt", "_COM1"]
    assert len((got[6] + "-2.xlsx").encode("utf-8")) <= 255 and got[6] == "𠀀" * 50  # 200 bytes of 4-byte letters


def test_leftover_unit_files_are_named_when_this_run_writes_none(tmp_path: Path) -> None:
    """A run of 50 units or fewer over an earlier large run's folder: its units/ sheets are not this run's."""
    out = tmp_path / "o"
    (out / "units").mkdir(parents=True)
    (out / "units" / "old.html").write_text("an earlier run's sheet", encoding="utf-8")
    result = CliRunner().invoke(app, ["score", str(XLSX), "--targets", str(TARGETS), "--out", str(out),
                                      "--generated-at", STAMP, "--format", "json", "--force", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "also holds 1 feedback sheets this run did not write (such as old.html)" in " ".join(result.output.split())
