"""Composite indices: formula functions and their domains, the geometric total, rank_on, years 1900-2100,
and the HDI-style example checked against the arithmetic its README works by hand.

Scoring semantics with data files are in tests/scoring_cases/ (geometric_*, formula_functions,
rank_on_*, year_before_2000); this file tests the parts below and around them through the library.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from campuseval import formula
from campuseval.cli import app
from campuseval.config import check_config, load_config
from campuseval.data.cells import CellProblem, parse_year
from campuseval.data.read import read_data
from campuseval.engine import aggregate
from campuseval.engine.score import score
from campuseval.errors import DataError, UsageError
from campuseval.report.render import render
from campuseval.results import PartScore, Results, Text
from campuseval.years import check_year

ROOT = Path(__file__).resolve().parents[1]
HDI = ROOT / "examples" / "hdi"
HDI_DATA = HDI / "data" / "synthetic_countries_1990-2020.csv"
STAMP = "2025-01-01T00:00:00"
runner = CliRunner()


# ---------------------------------------------------------------- formula functions


@pytest.mark.parametrize(("text", "env", "expected"), [
    ("ln(a)", {"a": 1.0}, 0.0),  # ln 1 = 0
    ("ln(a)", {"a": math.e}, 1.0),
    ("log10(a)", {"a": 1000.0}, 3.0),  # 10^3 = 1000
    ("log10(a) - log10(b)", {"a": 1.0, "b": 100.0}, -2.0),  # 0 - 2
    ("sqrt(a)", {"a": 16.0}, 4.0),
    ("sqrt(a)", {"a": 0.0}, 0.0),  # 0 is inside sqrt's domain
    ("exp(a)", {"a": 0.0}, 1.0),
    ("exp(ln(a))", {"a": 7.5}, 7.5),
    ("(ln(a) - ln(100)) / (ln(75000) - ln(100)) * 100", {"a": 75000.0}, 100.0),  # at the top goalpost
    ("(ln(a) - ln(100)) / (ln(75000) - ln(100)) * 100", {"a": 100.0}, 0.0),  # at the bottom one
    ("max(sqrt(a), b)", {"a": 9.0, "b": 2.0}, 3.0),
])
def test_function_values(text: str, env: dict[str, float], expected: float) -> None:
    assert formula.parse(text).evaluate(env) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("text", "env", "function", "argument", "names"), [
    ("ln(a)", {"a": 0.0}, "ln", 0.0, {"a"}),
    ("ln(a)", {"a": -3.0}, "ln", -3.0, {"a"}),
    ("log10(a * b)", {"a": 2.0, "b": 0.0}, "log10", 0.0, {"a", "b"}),
    ("log10(a)", {"a": -1e-300}, "log10", -1e-300, {"a"}),
    ("sqrt(a - b)", {"a": 1.0, "b": 5.0}, "sqrt", -4.0, {"a", "b"}),
    ("exp(a)", {"a": 710.0}, "exp", 710.0, {"a"}),  # e^710 > the largest double (about 1.8e308)
    ("b + ln(a)", {"a": 0.0, "b": 1.0}, "ln", 0.0, {"a"}),  # names: only the argument's fields
])
def test_outside_the_domain_is_not_computable_and_says_where(text: str, env: dict[str, float], function: str,
                                                              argument: float, names: set[str]) -> None:
    with pytest.raises(formula.NotComputable) as info:
        formula.parse(text).evaluate(env)
    assert (info.value.function, info.value.argument, set(info.value.names)) == (function, argument, names)


def test_division_by_zero_is_still_not_computable_without_a_function() -> None:
    with pytest.raises(formula.NotComputable) as info:
        formula.parse("ln(a) / b").evaluate({"a": 2.0, "b": 0.0})
    assert info.value.function is None


@pytest.mark.parametrize("text", ["ln(a, b)", "ln()", "sqrt(x=a)", "ln(*a)", "log(a)", "log2(a)", "pow(a, 2)",
                                  "math.log(a)", "ln.__class__", "ln(a)(b)"])
def test_functions_are_called_only_as_allowed(text: str) -> None:
    with pytest.raises(formula.FormulaError):
        formula.parse(text)


def test_full_width_function_call_and_names_inside_functions() -> None:
    parsed = formula.parse("ｌｎ（gni）÷ sqrt(pop)")
    assert parsed.text == "ln(gni)/ sqrt(pop)" and parsed.names == frozenset({"gni", "pop"})


# ---------------------------------------------------------------- geometric total


def parts(*pairs: tuple[float, float]) -> list[PartScore]:
    return [PartScore(code=f"P{n}", name=Text(zh="部分", en="part"), score=s, max=m) for n, (s, m) in enumerate(pairs)]


def test_geometric_equal_parts_is_total_times_the_geometric_mean() -> None:
    # 300 x (0.25 x 0.5 x 1)^(1/3) = 300 x 0.125^(1/3) = 300 x 0.5 = 150
    assert aggregate.geometric(parts((25, 100), (50, 100), (100, 100))) == 150


def test_geometric_unequal_parts_weights_by_points() -> None:
    # T = 50 + 25 + 25 = 100; 100 x (32/50)^0.5 x (20.25/25)^0.25 x (25/25)^0.25
    #   = 100 x 0.64^0.5 x 0.81^0.25 = 100 x 0.8 x 0.948683298050514 = 75.8946638440411
    got = float(aggregate.geometric(parts((32, 50), (20.25, 25), (25, 25))))
    assert got == pytest.approx(100 * 0.8 * math.sqrt(0.9), abs=1e-12)
    assert round(got, 10) == 75.8946638440


def test_geometric_zero_part_zeroes_the_total_and_additive_does_not() -> None:
    zero = parts((0, 50), (50, 50))
    assert aggregate.geometric(zero) == 0  # 100 x 0^0.5 x 1^0.5
    assert aggregate.additive(zero) == 50  # 0 + 50


def test_geometric_full_marks_give_the_total_points() -> None:
    assert aggregate.geometric(parts((40, 40), (30, 30), (30, 30))) == 100


PART = st.tuples(st.floats(0, 1), st.floats(0.5, 100))  # (rate, part points)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(PART, min_size=1, max_size=6), st.integers(0, 5), st.floats(0, 1))
def test_geometric_properties(spec: list[tuple[float, float]], which: int, better: float) -> None:
    """0 <= total <= total points; never above the additive total (AM-GM); a better part never lowers it;
    a zero part zeroes it; the order of the parts changes nothing."""
    ps = parts(*((rate * pts, pts) for rate, pts in spec))
    total = aggregate.geometric(ps)
    top = sum(p.max for p in ps)
    assert total >= 0 and float(total) <= top + 1e-9
    # Weighted AM-GM: T x Π r^(p/T) <= T x Σ (p/T) r = Σ scores, equal only when every rate is the same.
    assert total <= aggregate.additive(ps) * (1 + Decimal("1e-20")) + Decimal("1e-12")
    assert aggregate.geometric(list(reversed(ps))) == pytest.approx(total, rel=Decimal("1e-20"))
    k = which % len(ps)
    raised = list(ps)
    raised[k] = PartScore(code="x", name=Text(zh="部分", en="part"), score=max(ps[k].score, better * ps[k].max),
                          max=ps[k].max)
    assert aggregate.geometric(raised) >= total
    zeroed = list(ps)
    zeroed[k] = PartScore(code="x", name=Text(zh="部分", en="part"), score=0.0, max=ps[k].max)
    assert aggregate.geometric(zeroed) == 0


# ---------------------------------------------------------------- the engine: warnings name the cell


def write_table(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "table.yaml"
    path.write_text(body, encoding="utf-8")
    return path


INCOME_TABLE = """\
id: t
version: 1
name: 测试表
provenance: 测试用
total_points: 100
missing: {missing}
parts:
  - {{code: P, name: 收入, points: 100}}
raw_fields:
  - {{code: gni, name: 人均国民总收入, scale: money}}
indicators:
  - {{code: INC, name: 收入指数, part: P, points: 100, scale: ratio, direction: higher, subject: campus,
     definition: 收入指数, formula: (ln(gni) - ln(100)) / (ln(75000) - ln(100)) * 100,
     rule: {{type: linear_band, limit: 0}}, target: 100}}
"""


def test_ln_of_zero_warns_naming_the_cell(tmp_path: Path) -> None:
    eff = load_config(write_table(tmp_path, INCOME_TABLE.format(missing="zero")))
    data = tmp_path / "d.csv"
    data.write_text("单位,类型,年份,人均国民总收入\n甲院区,院区,2024,0\n乙院区,院区,2024,750\n", encoding="utf-8-sig")
    results = score(eff, read_data([data], eff), generated_at=STAMP)
    jia = results.campus("甲院区").indicators[0]
    assert (jia.points, jia.flags, jia.value) == (0.0, ["not_computable"], None)
    assert "ln(0) undefined" in jia.trace.arithmetic
    # 乙: (ln 750 - ln 100) / (ln 75000 - ln 100) x 100 = ln 7.5 / ln 750 x 100 = 30.4411...
    yi = results.campus("乙院区").indicators[0]
    assert yi.value == pytest.approx(math.log(7.5) / math.log(750) * 100, abs=1e-9) and yi.flags == []
    [warning] = [w for w in results.warnings if "ln(0)" in w.en]
    assert warning.en == ("甲院区: INC 收入指数 is not computable: ln(0) is undefined (ln needs an argument above 0); "
                          f"from gni = 0 ({data}:D2)")
    assert "ln(0) 无定义" in warning.zh and f"({data}:D2)" in warning.zh


def test_ln_of_zero_under_missing_error_points_at_the_cell(tmp_path: Path) -> None:
    eff = load_config(write_table(tmp_path, INCOME_TABLE.format(missing="error")))
    data = tmp_path / "d.csv"
    data.write_text("单位,类型,年份,人均国民总收入\n甲院区,院区,2024,-5\n", encoding="utf-8-sig")
    with pytest.raises(DataError) as info:
        score(eff, read_data([data], eff), generated_at=STAMP)
    [d] = info.value.diagnostics
    assert (d.location.row, d.location.column) == (2, "D")
    assert "not computable: ln(-5), 人均国民总收入" in d.render("en")


def test_geometric_part_left_empty_by_reweighting_is_refused(tmp_path: Path) -> None:
    table = write_table(tmp_path, (ROOT / "tests" / "configs" / "valid" / "geometric_table.yaml")
                        .read_text(encoding="utf-8").replace("rank_on: unrounded",
                                                                        "rank_on: unrounded\nmissing: reweight\n"
                                                                        "min_coverage: 0"))
    eff = load_config(table)
    data = tmp_path / "d.csv"
    data.write_text("单位,类型,年份,预期寿命,人均收入,预期受教育年限,平均受教育年限\n甲国,院区,2020,70,,12,9\n",
                    encoding="utf-8-sig")
    with pytest.raises(DataError) as info:  # the empty column is a gap first: go past it to the engine
        score(eff, read_data([data], eff), generated_at=STAMP, allow_incomplete=True)
    assert info.value.render("en") == (
        f"{data}: 甲国: part I has no scorable indicator in 2020 (all missing and re-weighted, or not "
        "applicable), so the geometric total is undefined\n  hint: fill in at least one of the part's indicators, "
        "or set missing to zero (a missing value scores 0, and the total with it)")


# ---------------------------------------------------------------- years 1900-2100


@pytest.mark.parametrize(("value", "year"), [(1900, 1900), ("1950年", 1950), (1999.0, 1999), ("2100", 2100)])
def test_years_from_1900_to_2100_are_read(value: object, year: int) -> None:
    assert parse_year(value) == year


@pytest.mark.parametrize("value", [1899, 2101, "2200", 1850.0])
def test_years_outside_are_refused(value: object) -> None:
    with pytest.raises(CellProblem):
        parse_year(value)


def test_check_year_and_the_library_entry_points() -> None:
    assert check_year(1900) == 1900 and check_year(2100) == 2100
    with pytest.raises(UsageError) as info:
        check_year(1899)
    assert info.value.render("en") == ("--year: year 1899 is not between 1900 and 2100\n"
                                       "  hint: give a four-digit year from 1900 to 2100, such as 2024")
    eff = load_config(HDI / "targets.yaml")
    with pytest.raises(UsageError):
        read_data([HDI_DATA], eff, year=2101)


@pytest.mark.parametrize(("years", "ok"), [("[1900, 1950]", True), ("[1899]", False), ("[2101]", False)])
def test_targets_file_years(tmp_path: Path, years: str, ok: bool) -> None:
    (tmp_path / "table.yaml").write_text((ROOT / "tests" / "configs" / "valid" / "small_table.yaml")
                                         .read_text(encoding="utf-8"), encoding="utf-8")
    targets = tmp_path / "t.yaml"
    targets.write_text(f"extends: table.yaml\nlocality: {{id: x, name: 某地}}\nyears: {years}\n", encoding="utf-8")
    result = check_config(targets)
    assert (not result.errors) is ok, [d.render("en") for d in result.errors]
    if not ok:
        assert result.errors[0].location.line == 3


def test_cli_year_outside_the_range_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["score", str(HDI_DATA), "--targets", str(HDI / "targets.yaml"), "--year", "1899",
                              "--out", str(tmp_path / "o"), "--lang", "en"])
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert "--year: year 1899 is not between 1900 and 2100" in res.stderr
    assert not (tmp_path / "o").exists()  # nothing half-written


def test_cli_template_prefills_a_year_before_2000(tmp_path: Path) -> None:
    import openpyxl

    out = tmp_path / "t.xlsx"
    res = runner.invoke(app, ["template", "--targets", str(HDI / "targets.yaml"), "--year", "1950", "--out", str(out)])
    assert res.exit_code == 0, res.output
    ws = openpyxl.load_workbook(out).worksheets[1]
    assert [ws.cell(r, 2).value for r in range(2, 7)] == [1950] * 5
    [dv] = [d for d in ws.data_validations.dataValidation if d.type == "whole"]
    assert (dv.formula1, dv.formula2) == ("1900", "2100")
    bad = runner.invoke(app, ["template", "--targets", str(HDI / "targets.yaml"), "--year", "2101",
                              "--out", str(tmp_path / "u.xlsx")])
    assert bad.exit_code == 2 and not (tmp_path / "u.xlsx").exists()


# ---------------------------------------------------------------- the HDI-style example


def hdi_results(year: int | None = None) -> Results:
    eff = load_config(HDI / "targets.yaml")
    return score(eff, read_data([HDI_DATA], eff), year=year, generated_at=STAMP)


def test_example_northvale_matches_the_readme_arithmetic() -> None:
    r = hdi_results()
    assert r.year == 2020
    nv = r.campus("northvale")
    points = {i.code: i.points for i in nv.indicators}
    # By hand, as the README shows it:
    le = 100 * (78.4 - 20) / (85 - 20)  # 89.846153846...
    eys, mys = 50 * 16.2 / 18, 50 * 12.1 / 15  # 45, 40.333333...
    inc = (math.log(41250) - math.log(100)) / (math.log(75000) - math.log(100)) * 100  # 90.969329460...
    assert points == {"LE": 89.846154, "EYS": 45.0, "MYS": 40.333333, "INC": 90.969329}
    assert (round(le, 6), round(eys, 6), round(mys, 6), round(inc, 6)) == (89.846154, 45.0, 40.333333, 90.969329)
    assert {p.code: p.score for p in nv.parts} == {"H": 89.846154, "E": 85.333333, "I": 90.969329}
    by_hand = 300 * (0.89846154 * 0.85333333 * 0.90969329) ** (1 / 3)  # 266.047379258125
    assert nv.total == 266.047379 == round(by_hand, 6)
    assert nv.total_unrounded == pytest.approx(266.047379258125, abs=1e-9)
    assert nv.rank == 2

    readme = (HDI / "README.md").read_text(encoding="utf-8")
    for shown in ("89.846154", "45.000000", "40.333333", "85.333333", "90.969329", "266.047379258125",
                  "**266.047379**", "**0.886825**"):
        assert shown in readme, shown
    assert f"{nv.total / 300:.6f}" == "0.886825"
    row = re.search(r"\| 北岚国 Northvale \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+) \| (\d+) \|", readme)
    assert row is not None
    assert [float(x) for x in row.groups()[:4]] == [89.846154, 85.333333, 90.969329, nv.total]
    assert int(row.group(5)) == nv.rank


def test_example_other_countries_match_the_readme() -> None:
    r = hdi_results()
    readme = (HDI / "README.md").read_text(encoding="utf-8")
    for c in r.campuses:
        assert f"{c.total:.6f}" in readme, c.id
    west = r.campus("westridge")
    # Past their goalposts: EYS 19 > 18 and GNI 82,000 > 75,000 score full marks.
    assert {i.code: i.points for i in west.indicators}["EYS"] == 50
    assert {p.code: p.score for p in west.parts}["I"] == 100
    assert [c.id for c in sorted(r.campuses, key=lambda c: c.rank)] == [
        "westridge", "northvale", "southisle", "eastmere", "midfield"]


def test_example_scores_1990() -> None:
    nv = hdi_results(1990).campus("northvale")
    # 1990: LE 72.5 -> 100 x 52.5 / 65 = 80.769231; EYS 13.8 -> 50 x 13.8 / 18 = 38.333333;
    # MYS 9.9 -> 50 x 9.9 / 15 = 33; GNI 28,400 -> ln 284 / ln 750 x 100 = 85.330994
    assert {i.code: i.points for i in nv.indicators} == {"LE": 80.769231, "EYS": 38.333333, "MYS": 33.0,
                                                         "INC": 85.330994}
    by_hand = 300 * (0.80769231 * 0.71333333 * 0.85330994) ** (1 / 3)
    assert nv.total == round(by_hand, 6)


def test_example_report_states_the_method() -> None:
    md = render(hdi_results(), "md", "en")
    assert ("The total is geometric: total = 300 × Π (part score ÷ part maximum) ^ (part maximum ÷ 300), 300 times "
            "the weighted geometric mean of the part rates. A part scoring 0 makes the total 0.") in md
    assert "Ranks follow the totals before their final rounding" in md
    assert "266.047379" in md
    zh = render(hdi_results(), "md", "zh")
    assert "任一部分得 0 分，总分即为 0。" in zh and "排名按取整前的总分" in zh


def test_additive_reports_say_ranks_use_rounded_totals() -> None:
    eff = load_config(ROOT / "examples" / "shaoxing" / "targets.yaml")
    data = [ROOT / "examples" / "shaoxing" / "data" / n for n in ("campus.csv", "hq.csv", "insurance.csv", "expert.csv")]
    results = score(eff, read_data(data, eff), generated_at=STAMP)
    assert results.method.aggregation == "additive" and results.method.rank_on == "rounded"
    md = render(results, "md", "en")
    assert "Ranks follow the rounded totals; equal totals share a rank." in md
    assert "The total is geometric" not in md
