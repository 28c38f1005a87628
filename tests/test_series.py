"""Several years in one run: per-year targets, score_years(), scores.json, the trend (report, xlsx, terminal)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from campuseval import load_config, read_data, score
from campuseval.cli import app
from campuseval.config.peryear import for_year
from campuseval.engine.series import MAX_YEARS, parse_span, score_years, years_to_run
from campuseval.errors import CampusevalError, ConfigError, DataError, UsageError
from campuseval.export import results_json
from campuseval.report.render import render
from campuseval.results import Results
from campuseval.trend import trend, trend_frame

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shaoxing"
XLSX = EXAMPLE / "data" / "demo_2023-2024.xlsx"
TARGETS = EXAMPLE / "targets.yaml"
STAMP = "2025-01-15T09:00:00+08:00"
runner = CliRunner()

# The two-year case of tests/scoring_cases/series_two_years_per_year_target.yaml, as files.
TABLE: dict[str, Any] = {
    "id": "case", "version": 1, "name": "测试表", "provenance": "测试用，非官方", "total_points": 20,
    "parts": [{"code": "P", "name": "第一部分", "points": 20}],
    "indicators": [
        {"code": "X1", "name": "派驻人员数", "part": "P", "points": 10, "scale": "count", "direction": "higher",
         "subject": "campus", "definition": "测试", "rule": {"type": "target_pro_rata"},
         "target": {2023: 20, 2024: 25}},
        {"code": "X2", "name": "专家下沉帮扶人次", "part": "P", "points": 10, "scale": "count", "direction": "higher",
         "subject": "campus", "definition": "测试", "rule": {"type": "target_pro_rata"}, "target": 10},
    ],
}
TARGETS_FILE: dict[str, Any] = {
    "extends": "table.yaml", "locality": {"id": "test_city", "name": "测试市"}, "years": [2023, 2024],
    "campuses": [{"id": "jia", "name": "甲院区"}, {"id": "yi", "name": "乙院区"}],
    "targets": {"X2": {"default": {2023: 8, 2024: 10}, "campuses": {"yi": {2023: 4, 2024: 5}}}},
}
ROWS = [("甲院区", 2023, 16, 8), ("乙院区", 2023, 20, 3), ("甲院区", 2024, 20, 9), ("乙院区", 2024, 30, 5)]


def write_case(folder: Path, targets: dict[str, Any] | None = None) -> tuple[Path, Path]:
    (folder / "table.yaml").write_text(yaml.safe_dump(TABLE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    path = folder / "targets.yaml"
    path.write_text(yaml.safe_dump(targets or TARGETS_FILE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    data = folder / "data.csv"
    data.write_text("单位,类型,年份,X1,X2\n" + "".join(f"{u},院区,{y},{a},{b}\n" for u, y, a, b in ROWS),
                    encoding="utf-8-sig")
    return path, data


@pytest.fixture
def two_years(tmp_path: Path) -> Results:
    targets, data = write_case(tmp_path)
    eff = load_config(targets)
    return score_years(eff, read_data([data], eff), [2024, 2023], generated_at=STAMP)


def totals(results: Results) -> dict[str, tuple[float, int | None]]:
    return {c.id: (c.total, c.rank) for c in results.campuses}


# ---------------------------------------------------------------- scoring


def test_two_years_each_with_its_own_targets(two_years: Results) -> None:
    # 2023: X1 target 20, X2 target 甲 8 / 乙 4
    #   甲: 10 x 16/20 = 8.00 + (8 >= 8) 10.00 = 18.00;  乙: (20 >= 20) 10.00 + 10 x 3/4 = 7.50 -> 17.50
    # 2024: X1 target 25, X2 target 甲 10 / 乙 5
    #   甲: 10 x 20/25 = 8.00 + 10 x 9/10 = 9.00 -> 17.00;  乙: (30 >= 25) 10.00 + (5 >= 5) 10.00 -> 20.00
    assert two_years.year == 2024
    assert [r.year for r in two_years.series or []] == [2023]
    assert totals(two_years.series[0]) == {"jia": (18.0, 1), "yi": (17.5, 2)}  # type: ignore[index]
    assert totals(two_years) == {"jia": (17.0, 2), "yi": (20.0, 1)}
    # The method appendix of each year shows that year's target.
    assert [m.target for m in two_years.series[0].method.indicators] == [20.0, 8.0]  # type: ignore[index]
    assert [m.target for m in two_years.method.indicators] == [25.0, 10.0]
    assert two_years.complete and two_years.series[0].complete  # type: ignore[index]


def test_last_year_beside_the_latest_is_rescored_with_the_latest_targets(two_years: Results) -> None:
    # `previous` (the overview's like-for-like columns) is 2023's data under 2024's targets:
    #   甲: 10 x 16/25 = 6.40 + 10 x 8/10 = 8.00 -> 14.40;  乙: 10 x 20/25 = 8.00 + 10 x 3/5 = 6.00 -> 14.00
    assert two_years.previous is not None
    assert totals(two_years.previous) == {"jia": (14.4, 1), "yi": (14.0, 2)}
    assert two_years.series[0].previous is None  # type: ignore[index]


def test_one_year_of_a_per_year_table_uses_that_years_target(tmp_path: Path) -> None:
    targets, data = write_case(tmp_path)
    eff = load_config(targets)
    r = score(eff, read_data([data], eff), year=2023, generated_at=STAMP)
    # 2023 alone: the same as the 2023 of the two-year run (甲 8 + 10 = 18, 乙 10 + 7.5 = 17.5).
    assert totals(r) == {"jia": (18.0, 1), "yi": (17.5, 2)}
    assert r.series is None


def test_trend_ranks_and_moves(two_years: Results) -> None:
    tr = trend(two_years)
    assert tr is not None and tr.years == (2023, 2024)
    by_id = {c.id: c for c in tr.campuses}
    assert [c.id for c in tr.campuses] == ["yi", "jia"]  # the latest year's order
    assert by_id["yi"].rank_change(1) == 1 and by_id["jia"].rank_change(1) == -1  # 2 -> 1, 1 -> 2
    assert by_id["jia"].rank_change(0) is None
    frame = trend_frame(two_years)
    assert str(frame["rank_change"].dtype) == "Int64"
    cols = frame[["campus", "year", "total", "rank", "rank_change"]].astype(object)
    assert list(cols.where(cols.notna(), None).itertuples(index=False, name=None)) == [
        ("yi", 2023, 17.5, 2, None), ("yi", 2024, 20.0, 1, 1), ("jia", 2023, 18.0, 1, None), ("jia", 2024, 17.0, 2, -1)]
    assert trend(score(load_config(TARGETS), read_data([XLSX], load_config(TARGETS)), generated_at=STAMP)) is None


# ---------------------------------------------------------------- refusals


def test_unknown_year_is_refused_before_scoring(tmp_path: Path) -> None:
    targets, data = write_case(tmp_path, {**TARGETS_FILE, "years": [2022, 2023, 2024]})
    eff = load_config(targets)
    with pytest.raises(DataError) as info:
        score_years(eff, read_data([data], eff), [2022, 2023, 2024])
    assert [d.message.key for d in info.value.diagnostics] == ["data.year_absent"]
    assert "2022" in info.value.render("en") and "2023, 2024" in info.value.render("en")


def test_year_outside_the_targets_file_is_refused(tmp_path: Path) -> None:
    targets, data = write_case(tmp_path, {**TARGETS_FILE, "years": [2024],
                                          "targets": {"X2": {"default": {2024: 10}}}})
    eff = load_config(targets)
    with pytest.raises(UsageError) as info:
        score_years(eff, read_data([data], eff), [2023, 2024, 2025])
    # Every unknown year at once: 2023 is outside the file's years, 2025 is not in the data.
    assert [d.message.key for d in info.value.diagnostics] == ["data.year_not_covered", "data.year_absent"]


def test_per_year_target_without_the_year_names_indicator_campus_and_years(tmp_path: Path) -> None:
    targets, data = write_case(tmp_path, {**TARGETS_FILE, "targets": {"X2": {"default": 10,
                                                                            "campuses": {"yi": {2024: 5}}}}})
    eff = load_config(targets)
    with pytest.raises(UsageError) as info:
        for_year(eff, 2023)
    en = info.value.render("en")
    assert "X2" in en and "yi" in en and "2023" in en and "(2024)" in en
    assert "target: {2023: 30}" in en  # the hint shows the fix
    with pytest.raises(UsageError):  # and a one-year run of that year is refused the same way
        score(eff, read_data([data], eff), year=2023)


def test_per_year_target_outside_the_files_years_is_a_located_config_error(tmp_path: Path) -> None:
    targets, _ = write_case(tmp_path, {**TARGETS_FILE, "years": [2024]})
    with pytest.raises(ConfigError) as info:
        load_config(targets)
    found = [d for d in info.value.diagnostics if d.message.key == "targets.year_outside"]
    assert len(found) == 2  # default 2023 and yi's 2023
    text = targets.read_text(encoding="utf-8").splitlines()
    for d in found:
        assert d.location.line is not None and text[d.location.line - 1].strip().startswith("2023:")


def test_each_years_value_is_checked_like_a_plain_target(tmp_path: Path) -> None:
    path = tmp_path / "t.yaml"
    path.write_text("extends: builtin:indicators_shaoxing.yaml\nlocality: {id: yc, name: 越城区}\ntargets:\n"
                    "  C1:\n    2023: -3\n    2024: 5\n  A8: {2023: {min: 3}}\n  B2: {2023: 十}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    # The value that is not a number is found at its own line and column (8:14), as `B2.2023`.
    [bad] = info.value.diagnostics
    assert (bad.location.line, bad.location.col, bad.location.path) == (8, 14, "targets.B2.2023")
    path.write_text(path.read_text(encoding="utf-8").replace("  B2: {2023: 十}\n", ""), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    keys = sorted(d.message.key for d in info.value.diagnostics)
    # C1 2023: -3 (a count below 0, and target_pro_rata needs > 0); A8 2023: a range for a pro-rata rule
    assert keys == ["cfg.rule_no_range", "cfg.target_negative", "cfg.target_positive"]


def test_a_refused_year_is_named(tmp_path: Path) -> None:
    # The Shaoxing example's 2023 lacks 2022 for the change rules B3/B4: a one-year run of 2023 is refused,
    # so the two-year run is refused too, saying which year.
    eff = load_config(TARGETS)
    with pytest.raises(DataError) as info:
        score_years(eff, read_data([XLSX], eff), [2023, 2024])
    assert info.value.diagnostics[0].message.key == "years.refused"
    assert "2023" in info.value.diagnostics[0].render("en")


def test_each_year_keeps_its_own_complete_flag() -> None:
    eff = load_config(TARGETS)
    r = score_years(eff, read_data([XLSX], eff), [2023, 2024], allow_incomplete=True, generated_at=STAMP)
    assert r.complete is True and r.series is not None and r.series[0].complete is False
    assert r.series[0].missing_inputs and r.series[0].missing_inputs[0].what == "previous_year"
    # Each year is exactly its one-year run: the latest, and 2023 (under --allow-incomplete).
    one = score(eff, read_data([XLSX], eff), generated_at=STAMP)
    assert [c.model_dump() for c in r.campuses] == [c.model_dump() for c in one.campuses]
    first = score(eff, read_data([XLSX], eff), year=2023, allow_incomplete=True, generated_at=STAMP)
    assert [c.model_dump() for c in r.series[0].campuses] == [c.model_dump() for c in first.campuses]
    assert r.series[0].missing_inputs == first.missing_inputs


@pytest.mark.parametrize(("span", "years"), [
    ("2020-2024", [2020, 2021, 2022, 2023, 2024]), ("2023–2024", [2023, 2024]), ("２０２３－２０２４", [2023, 2024]),
    ("2023至2024", [2023, 2024]), (" 2024 ", [2024]), ("2023~2024", [2023, 2024])])
def test_years_span(span: str, years: list[int]) -> None:
    assert parse_span(span) == years


@pytest.mark.parametrize("span", ["2024-2020", "20-24", "abc", "2020-2024-2025", "2020,2024", ""])
def test_bad_years_span(span: str) -> None:
    with pytest.raises(UsageError) as info:
        parse_span(span)
    assert info.value.diagnostics[0].message.key == "years.bad_span"


def test_years_options_together_and_too_many() -> None:
    with pytest.raises(UsageError) as info:
        years_to_run([2023], "2023-2024")
    assert info.value.diagnostics[0].message.key == "years.both"
    with pytest.raises(UsageError) as info:
        years_to_run(None, f"1950-{1950 + MAX_YEARS}")
    assert info.value.diagnostics[0].message.key == "years.too_many"
    with pytest.raises(UsageError) as info:
        years_to_run(None, "1899-2024")
    assert info.value.diagnostics[0].message.key == "data.year_range"
    assert years_to_run([2024, 2023, 2024], None) == [2023, 2024]
    assert years_to_run(None, None) == []


def test_sensitivity_and_diff_read_per_year_targets(tmp_path: Path) -> None:
    """The issue-13 siblings meet per-year targets: sensitivity perturbs the year's own, diff words the change."""
    from campuseval.sensitivity import analyse
    from campuseval.tablediff import diff_tables

    targets, data = write_case(tmp_path)
    eff = load_config(targets)
    ds = read_data([data], eff)
    for year, plain in ((2023, {"jia": 1, "yi": 2}), (2024, {"jia": 2, "yi": 1})):
        sens = analyse(eff, ds, year=year, runs=20, seed=1)
        assert {c.id: c.plain_rank for c in sens.campuses} == plain
    other = tmp_path / "other"
    other.mkdir()
    changed = {**TARGETS_FILE, "targets": {"X2": {"default": {2023: 8, 2024: 12}, "campuses": {"yi": {2023: 4,
                                                                                                    2024: 5}}}}}
    b = load_config(write_case(other, changed)[0])
    words = [c.render("en") if hasattr(c, "render") else str(c) for c in diff_tables(eff, b)]
    assert any("X2" in w and "2024: 12" in w for w in words), words


# ---------------------------------------------------------------- outputs


def test_one_year_scores_json_holds_no_series_key() -> None:
    eff = load_config(TARGETS)
    text = results_json.dumps(score(eff, read_data([XLSX], eff), generated_at=STAMP))
    assert '"series"' not in text


def test_multi_year_scores_json_round_trips_and_meets_the_schema(two_years: Results, tmp_path: Path) -> None:
    path = tmp_path / "scores.json"
    path.write_text(results_json.dumps(two_years), encoding="utf-8")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert [s["year"] for s in data["series"]] == [2023] and "series" not in data["series"][0]
    assert list(Draft7Validator(results_json.scores_schema()).iter_errors(data)) == []
    back = results_json.load(path)
    assert back.series is not None and totals(back.series[0]) == {"jia": (18.0, 1), "yi": (17.5, 2)}


def test_run_id_tells_a_multi_year_run_from_its_latest_year(two_years: Results) -> None:
    from campuseval.runid import run_id

    alone = two_years.model_copy(update={"series": None})
    assert run_id(two_years) != run_id(alone)
    assert run_id(two_years) == run_id(two_years.model_copy())


def test_report_trend_section(two_years: Results) -> None:
    md = render(two_years, "md", "zh")
    assert "## 历年趋势" in md
    # 乙院区 2023 17.50 (rank 2) -> 2024 20.00 (rank 1, up one); 甲院区 18.00 (1) -> 17.00 (2, down one)
    assert "| 乙院区 | 17.50 | 2 | 20.00 | 1 (↑1) |" in md
    assert "| 甲院区 | 18.00 | 1 | 17.00 | 2 (↓1) |" in md
    html = render(two_years, "html", "en")
    svg = html[html.index('<svg id="chart-trend"'):]
    svg = svg[:svg.index("</svg>")]
    assert "<text" in svg and "乙院区" in svg and "20.00" in svg and "rank 1 ↑1" in svg
    assert not re.search(r"(href|src)=\"(https?:)?//", html)  # nothing fetched from outside
    assert "Trend over the years" in html and 'href="#trend"' in html
    one = render(two_years.model_copy(update={"series": None}), "html", "en")
    assert "chart-trend" not in one and 'id="trend"' not in one


def test_xlsx_trend_sheet(two_years: Results, tmp_path: Path) -> None:
    from campuseval.export.tables import write_xlsx

    path = tmp_path / "s.xlsx"
    write_xlsx(path, two_years, "en")
    wb = openpyxl.load_workbook(path)
    rows = list(wb["Trend"].iter_rows(values_only=True))
    assert rows[0][:6] == ("Campus ID", "Campus", "Year", "Rank", "Rank change", "Total")
    assert [r[:6] for r in rows[1:]] == [("yi", "乙院区", 2023, 2, None, 17.5), ("yi", "乙院区", 2024, 1, 1, 20),
                                         ("jia", "甲院区", 2023, 1, None, 18), ("jia", "甲院区", 2024, 2, -1, 17)]


def test_per_unit_workbook_holds_its_own_trend_only(two_years: Results, tmp_path: Path) -> None:
    from campuseval.export.tables import write_xlsx
    from campuseval.export.write import unit_results

    path = tmp_path / "jia.xlsx"
    write_xlsx(path, unit_results(two_years, "jia"), "en", cells=True)
    rows = list(openpyxl.load_workbook(path)["Trend"].iter_rows(values_only=True))[1:]
    # 甲院区 only, with its rank among all (1 in 2023, 2 in 2024: down one)
    assert [r[:5] for r in rows] == [("jia", "甲院区", 2023, 1, None), ("jia", "甲院区", 2024, 2, -1)]


# ---------------------------------------------------------------- the command


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def test_cli_two_years(tmp_path: Path) -> None:
    targets, data = write_case(tmp_path)
    out = tmp_path / "out"
    code, output = run("score", str(data), "--targets", str(targets), "--year", "2023", "--year", "2024",
                       "--out", str(out), "--format", "json,html", "--generated-at", STAMP, "--lang", "en")
    assert code == 0, output
    assert "Trend over the years" in output and "1 (+1)" in output
    saved = results_json.load(out / "scores.json")
    assert saved.series is not None and totals(saved.series[0]) == {"jia": (18.0, 1), "yi": (17.5, 2)}
    # --years gives the same run
    code, _ = run("score", str(data), "--targets", str(targets), "--years", "2023-2024", "--out", str(out),
                  "--format", "json", "--generated-at", STAMP, "--force")
    assert code == 0 and results_json.load(out / "scores.json") == saved


@pytest.mark.parametrize(("args", "said"), [
    (["--years", "2024-2023"], "--years: '2024-2023' is not a range of years"),
    (["--year", "2023", "--years", "2023-2024"], "--year and --years cannot be used together"),
    (["--years", "2022-2024"], "the data has no rows for 2022 (it has 2023, 2024)"),
])
def test_cli_refusals(tmp_path: Path, args: list[str], said: str) -> None:
    targets, data = write_case(tmp_path)
    out = tmp_path / "out"
    code, output = run("score", str(data), "--targets", str(targets), *args, "--out", str(out), "--lang", "en")
    assert code == 2 and said in output
    assert not out.exists()  # nothing half-written


def test_error_classes_are_user_errors() -> None:
    assert issubclass(UsageError, CampusevalError) and issubclass(DataError, CampusevalError)
