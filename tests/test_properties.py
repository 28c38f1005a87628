"""Invariants of scoring, checked with generated inputs (hypothesis).

- Every rule gives 0 <= points <= the indicator's points (directly through score_rule, and through
  the whole engine on a small table holding every rule type).
- A value improved in the indicator's direction never lowers the score (relative_to_hq: the campus
  value with HQ fixed; change_vs_previous: this year's value with last year's fixed).
- The order of the rows and columns of the data files, and of the files, changes nothing.
- Half-up rounding (四舍五入): x.5 at the place rounds away from zero, rounding is idempotent,
  monotone and stays within half a unit.
- The total is the sum of the part scores plus bonus, rounded at the total's places.
"""

from __future__ import annotations

import csv
import io
import math
import random
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campuseval.config.effective import EffectiveTable
from campuseval.config.load import load_config
from campuseval.config.models import TargetRange
from campuseval.config.rules import RULE_CLASSES
from campuseval.data.read import read_data
from campuseval.engine.rules import score_rule
from campuseval.engine.score import score
from campuseval.results import Results
from campuseval.rounding import round_half_up

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "shaoxing"
FAST = settings(max_examples=60, deadline=None)
SLOW = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------- strategies

# Values as analysts report them (two decimals) and, now and then, any float in range.
two_places = st.integers(min_value=0, max_value=200_000).map(lambda n: n / 100)
values = st.one_of(two_places, st.floats(min_value=0, max_value=5_000, allow_nan=False, allow_infinity=False))
positive = st.one_of(st.integers(min_value=1, max_value=200_000).map(lambda n: n / 100),
                     st.floats(min_value=0.01, max_value=5_000))
points_st = st.sampled_from([0.5, 1.0, 2.0, 4.0, 6.0, 9.0, 10.0, 10.39, 30.0])
directions = st.sampled_from(["higher", "lower"])


def make(rtype: str, **params: Any) -> Any:
    return RULE_CLASSES[rtype].model_validate({"type": rtype, **params})


@st.composite
def rule_setups(draw: st.DrawFn, rtype: str, monotone: bool = False) -> dict[str, Any]:
    """A valid rule of type `rtype` with its direction, points and target (and HQ / last year's value).

    monotone: only set-ups where "better" has a meaning (graded bands that pay more for better
    values, yes/no whose expected answer is the better one).
    """
    points = draw(points_st)
    out: dict[str, Any] = {"points": points, "target": None, "hq": None, "previous": None}
    if rtype == "target_pro_rata":
        out.update(rule=make(rtype), direction="higher", target=draw(positive))
    elif rtype == "cap_pro_rata":
        out.update(rule=make(rtype), direction="lower", target=draw(values))
    elif rtype == "deduct_per_unit":
        floor = draw(st.floats(min_value=0, max_value=points, exclude_max=True))
        rule = make(rtype, step=draw(st.sampled_from([0.1, 0.5, 1.0, 2.0, 7.3])),
                    deduct=draw(st.sampled_from([0.1, 0.25, 0.5, 1.0, 3.0])), floor=floor,
                    steps=draw(st.sampled_from(["exact", "started", "completed"])))
        out.update(rule=rule, direction=draw(directions), target=draw(values))
    elif rtype == "linear_band":
        direction = draw(directions)
        a, b = sorted(draw(st.lists(values, min_size=2, max_size=2, unique=True)))
        target, limit = (b, a) if direction == "higher" else (a, b)
        out.update(rule=make(rtype, limit=limit), direction=direction, target=target)
    elif rtype == "graded_bands":
        direction = draw(directions)
        edges = sorted(draw(st.lists(two_places, min_size=1, max_size=5, unique=True)))
        bounds = [None, *edges, None]
        grades = draw(st.lists(st.floats(min_value=0, max_value=points), min_size=len(bounds) - 1,
                               max_size=len(bounds) - 1))
        if monotone:  # more points for better values
            grades = sorted(grades, reverse=direction == "lower")
        bands = [{"min": lo, "max": hi, "points": g}
                 for lo, hi, g in zip(bounds[:-1], bounds[1:], grades, strict=True)]
        keep = draw(st.lists(st.booleans(), min_size=len(bands), max_size=len(bands)))
        if not monotone and any(keep):  # gaps between bands: values in no band score 0
            bands = [b for b, k in zip(bands, keep, strict=True) if k]
        out.update(rule=make(rtype, bands=bands), direction=direction)
    elif rtype == "yes_no":
        direction = draw(directions)
        expect = direction == "higher" if monotone else draw(st.booleans())
        out.update(rule=make(rtype, expect=expect), direction=direction)
    elif rtype == "relative_to_hq":
        full = draw(st.floats(min_value=0.05, max_value=10))
        zero = draw(st.floats(min_value=0, max_value=full, exclude_max=True))
        out.update(rule=make(rtype, full_ratio=full, zero_ratio=zero), direction=draw(directions),
                   hq=draw(values))
    elif rtype == "change_vs_previous":
        min_change = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 0.05, 2.0]))
        rule = make(rtype, min_change=min_change, relative=draw(st.booleans()),
                    allow_equal=min_change == 0 and draw(st.booleans()))
        out.update(rule=rule, direction=draw(directions), previous=draw(values))
    elif rtype == "bonus":
        out.update(rule=make(rtype, per_unit=draw(st.sampled_from([0.1, 0.5, 1.0, 2.0])), base=draw(values)),
                   direction="higher")
    elif rtype == "monitor":
        out.update(rule=make(rtype), direction=draw(st.sampled_from(["higher", "lower", "monitor"])))
    elif rtype == "veto":
        out.update(rule=make(rtype), direction="lower")
    elif rtype == "meets_target":
        direction = draw(directions)  # the config requires gt/ge with higher, lt/le with lower
        op = draw(st.sampled_from(["gt", "ge"] if direction == "higher" else ["lt", "le"]))
        partial = op in ("ge", "le") and draw(st.booleans())  # partial credit is refused with strict ops
        out.update(rule=make(rtype, op=op, partial=partial), direction=direction, target=draw(positive))
    elif rtype == "within_range":
        lo, hi = sorted(draw(st.lists(positive, min_size=2, max_size=2)))
        lo_, hi_ = draw(st.sampled_from([(lo, hi), (lo, None), (None, hi)]))
        out.update(rule=make(rtype, outside=draw(st.sampled_from(["zero", "pro_rata"]))),
                   direction=draw(st.sampled_from(["higher", "lower", "monitor"])),
                   target=TargetRange(min=lo_, max=hi_))
    elif rtype == "qualitative":
        out.update(rule=make(rtype, goal="绩效考核进入全国百强"), direction="higher")
    elif rtype == "expert":  # the value is the panel's combined mark
        out.update(rule=make(rtype, combine=draw(st.sampled_from(["mean", "trimmed_mean"]))), direction="higher")
    else:  # a rule type added without a strategy here
        pytest.fail(f"no strategy for rule type {rtype}: add one to rule_setups")
    return out


def points_for(setup: dict[str, Any], value: float) -> float | None:
    return score_rule(setup["rule"], setup["direction"], value, setup["points"], setup["target"],
                      setup["hq"], setup["previous"]).points


# Rules where a better value must never score less; graded bands and yes/no only in the set-ups
# where "better" has a meaning; within_range has no better direction (inside the range is best).
MONOTONE = sorted(set(RULE_CLASSES) - {"monitor", "veto", "qualitative", "within_range"})


# ---------------------------------------------------------------- 0 <= points <= max


@pytest.mark.parametrize("rtype", list(RULE_CLASSES))
@FAST
@given(data=st.data())
def test_points_within_zero_and_max(rtype: str, data: st.DataObject) -> None:
    setup = data.draw(rule_setups(rtype))
    value = data.draw(values if rtype not in ("yes_no", "veto") else st.sampled_from([0.0, 1.0, 2.0]))
    got = points_for(setup, value)
    if rtype in ("monitor", "veto", "qualitative"):
        assert got is None
        return
    assert got is not None
    assert not math.isnan(got)
    # Raw points may carry float noise (6 x 0.09 / 0.09 = 6.000000000000001); the engine reports them
    # rounded, and the rounded value must be within the bounds exactly.
    assert got >= 0 and (got <= setup["points"] or math.isclose(got, setup["points"], rel_tol=1e-12))
    assert 0 <= round_half_up(got, 2) <= round_half_up(setup["points"], 2)


# ---------------------------------------------------------------- a better value never scores less


@pytest.mark.parametrize("rtype", MONOTONE)
@FAST
@given(data=st.data())
def test_a_better_value_never_lowers_the_score(rtype: str, data: st.DataObject) -> None:
    setup = data.draw(rule_setups(rtype, monotone=True))
    pool = st.sampled_from([0.0, 1.0]) if rtype == "yes_no" else values
    a, b = sorted(data.draw(st.lists(pool, min_size=2, max_size=2)))
    worse, better = (a, b) if setup["direction"] == "higher" else (b, a)
    p_worse, p_better = points_for(setup, worse), points_for(setup, better)
    assert p_worse is not None and p_better is not None
    # Float noise aside (a strict meets_target not met at exactly the target earns points x 1.0000000000000002).
    assert p_better >= p_worse or math.isclose(p_better, p_worse, rel_tol=1e-12), (setup, worse, better)


# ---------------------------------------------------------------- a small table with every rule type

SMALL_TABLE: dict[str, Any] = {
    "id": "props", "version": 1, "name": "性质测试表", "provenance": "测试用，非官方", "total_points": 78,
    "homogeneity": {"min_ratio": 0.9},
    "parts": [{"code": "P", "name": "第一部分", "points": 30}, {"code": "Q", "name": "第二部分", "points": 24},
              {"code": "S", "name": "第三部分", "points": 24}],
    "indicators": [
        {"code": "T1", "rule": {"type": "target_pro_rata"}, "target": 40, "points": 6},
        {"code": "C1", "rule": {"type": "cap_pro_rata"}, "target": 20, "points": 6, "direction": "lower"},
        {"code": "D1", "rule": {"type": "deduct_per_unit", "step": 0.5, "deduct": 1, "steps": "started"},
         "target": 50, "points": 6},
        {"code": "L1", "rule": {"type": "linear_band", "limit": 10}, "target": 60, "points": 6},
        {"code": "G1", "rule": {"type": "graded_bands", "bands": [{"min": 60, "points": 6},
                                                               {"min": 30, "max": 60, "points": 3}]},
         "points": 6},
        {"code": "Y1", "rule": {"type": "yes_no"}, "points": 6, "part": "Q", "scale": "level"},
        {"code": "R1", "rule": {"type": "relative_to_hq", "full_ratio": 0.9}, "points": 6, "part": "Q",
         "subject": "both"},
        {"code": "R2", "rule": {"type": "relative_to_hq", "full_ratio": 1, "zero_ratio": 0.5}, "points": 6,
         "part": "Q", "subject": "both", "direction": "lower"},
        {"code": "H1", "rule": {"type": "change_vs_previous"}, "points": 6, "part": "Q", "direction": "lower"},
        {"code": "B1", "rule": {"type": "bonus", "per_unit": 0.5, "base": 50}, "points": 3, "part": "Q"},
        {"code": "M1", "rule": {"type": "monitor"}, "points": 0, "part": "Q", "direction": "monitor",
         "subject": "both"},
        {"code": "V1", "rule": {"type": "veto", "effect": "cap", "cap": 40}, "points": 0, "part": "Q",
         "direction": "lower", "scale": "count"},
        {"code": "E1", "rule": {"type": "meets_target", "op": "ge", "partial": True}, "target": 50, "points": 10,
         "part": "S"},
        {"code": "W1", "rule": {"type": "within_range", "outside": "pro_rata"}, "target": {"min": 20, "max": 80},
         "points": 10, "part": "S", "direction": "monitor"},
        {"code": "Q1", "rule": {"type": "qualitative", "goal": "绩效考核进入全国百强"}, "points": 0, "part": "S"},
        {"code": "X1", "rule": {"type": "expert", "combine": "trimmed_mean"}, "points": 4, "part": "S",
         "scale": "count"},
    ],
}
# Defaults for what the entries above leave out: part P, percent, higher is better, the campus's own value.
SMALL_TABLE["indicators"] = [
    {"name": f"指标{n + 1}", "definition": "测试", "part": "P", "scale": "percent", "direction": "higher",
     "subject": "campus", **ind}
    for n, ind in enumerate(SMALL_TABLE["indicators"])
]
# Data columns: every indicator but the expert-marked one, whose marks come from a 专家评分 sheet.
SMALL_CODES = [i["code"] for i in SMALL_TABLE["indicators"] if i["rule"]["type"] != "expert"]
YES_NO_CODES = {"Y1", "V1"}

cell_values = st.one_of(
    st.integers(min_value=0, max_value=10_000).map(lambda n: str(n / 100)),  # 0-100 with 2 places
    st.sampled_from(["", "-", "无", "0", "100", "45%"]),
)
yes_no_cells = st.sampled_from(["是", "否", "", "1", "0"])


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue()


@st.composite
def small_datasets(draw: st.DrawFn) -> str:
    """Two years of rows for three campuses sharing two HQs: random values, blanks and '-'."""
    header = ["单位", "类型", "总院", "区县", "年份", *SMALL_CODES]
    rows = []
    units = [("甲院区", "院区", "甲总院"), ("乙院区", "院区", "甲总院"), ("丙院区", "院区", "乙总院"),
             ("甲总院", "总院", ""), ("乙总院", "总院", "")]
    for unit, kind, hq in units:
        for year in (2023, 2024):
            cells = [draw(yes_no_cells) if c in YES_NO_CODES else draw(cell_values) for c in SMALL_CODES]
            rows.append([unit, kind, hq, "", str(year), *cells])
    return csv_text(header, rows)


@pytest.fixture(scope="module")
def small_eff(tmp_path_factory: pytest.TempPathFactory) -> EffectiveTable:
    path = tmp_path_factory.mktemp("props") / "table.yaml"
    path.write_text(yaml.safe_dump(SMALL_TABLE, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_config(path)


def score_text(eff: EffectiveTable, text: str, name: str = "data.csv") -> Results:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / name
        path.write_text(text, encoding="utf-8-sig")
        files = [path]
        experts = [i.code for i in eff.indicators if i.spec.rule.type == "expert"]
        if experts:  # the panel's marks are not data cells: three reviewers per campus, item and year
            marks = Path(d) / "专家评分.csv"
            rows = [[u, code, mark, reviewer, year] for u in ("甲院区", "乙院区", "丙院区") for code in experts
                    for year in (2023, 2024) for reviewer, mark in (("甲", 1), ("乙", 2.5), ("丙", 4))]
            marks.write_text(csv_text(["单位", "指标", "分数", "评审人", "年份"], rows), encoding="utf-8-sig")
            files.append(marks)
        # Random rows leave whole columns blank at times: the invariants hold for incomplete runs too.
        return score(eff, read_data(files, eff), generated_at="2025-01-01T00:00:00", allow_incomplete=True)


def check_totals(results: Results, total_places: int) -> None:
    """Part = sum of its indicators' points (0 when below min_coverage); total = scored parts + bonus, then veto."""
    for c in results.campuses:
        for p in c.parts:
            members = [i for i in c.indicators if i.part == p.code and i.scored]
            earned = sum((Decimal(str(i.points)) for i in members), Decimal(0))
            assert Decimal(str(p.score)) == (earned if p.scored else Decimal(0))
            assert Decimal(str(p.max)) == sum((Decimal(str(i.max_points)) for i in members), Decimal(0))
            assert 0 <= p.score <= p.max
            assert p.scored == (p.coverage is None or p.coverage >= results.method.min_coverage)
        for i in c.indicators:
            if i.scored or i.rule == "bonus":
                assert i.points is not None and 0 <= i.points <= i.max_points, i
            else:
                assert i.points is None and i.max_points == 0
        bonus = sum((Decimal(str(i.points)) for i in c.indicators if i.rule == "bonus"), Decimal(0))
        assert Decimal(str(c.bonus)) == bonus
        expected = round_half_up(float(sum((Decimal(str(p.score)) for p in c.parts if p.scored), Decimal(0))
                                       + bonus), total_places)
        if c.veto is None:
            assert c.total == expected
        else:
            assert c.total <= expected
        assert 0 <= c.total <= c.max_total + c.bonus
        assert Decimal(str(c.max_total)) == sum((Decimal(str(p.max)) for p in c.parts if p.scored), Decimal(0))
        assert (c.rank is not None) == (c.status == "scored")  # the table's default: insufficient are unranked

def test_the_small_table_has_every_rule_type() -> None:
    assert {i["rule"]["type"] for i in SMALL_TABLE["indicators"]} == set(RULE_CLASSES)


@SLOW
@given(small_datasets())
def test_engine_points_within_bounds_and_total_is_sum_of_parts_plus_bonus(small_eff: EffectiveTable,
                                                                           text: str) -> None:
    results = score_text(small_eff, text)
    assert [c.id for c in results.campuses] == ["丙院区", "乙院区", "甲院区"]
    check_totals(results, small_eff.table.rounding.total)


# ---------------------------------------------------------------- the shipped table


@pytest.fixture(scope="module")
def shipped_eff() -> EffectiveTable:
    return load_config("builtin:indicators_shaoxing.yaml")


@st.composite
def shipped_datasets(draw: st.DrawFn, eff: EffectiveTable) -> str:
    """Raw fields (and now and then a reported rate) for two campuses, their HQs and districts, two years."""
    raw = [r.code for r in eff.raw_fields]
    c_codes = [i.code for i in eff.indicators if i.spec.part == "C"]
    reported = ["A8", "B1"]
    header = ["单位", "类型", "总院", "区县", "年份", *raw, *c_codes, *reported]
    counts = st.one_of(st.integers(min_value=0, max_value=50_000).map(str), st.sampled_from(["", "-"]))
    rates = st.one_of(st.just(""), st.integers(min_value=0, max_value=10_000).map(lambda n: str(n / 100)))
    rows = []
    units = [("甲院区", "院区", "甲总院", "甲区"), ("乙院区", "院区", "乙总院", "乙区"),
             ("甲总院", "总院", "", ""), ("乙总院", "总院", "", ""), ("甲区", "区县", "", ""), ("乙区", "区县", "", "")]
    for unit, kind, hq, district in units:
        for year in (2023, 2024):
            rows.append([unit, kind, hq, district, str(year), *(draw(counts) for _ in raw),
                         *(draw(counts) for _ in c_codes), *(draw(rates) for _ in reported)])
    return csv_text(header, rows)


@SLOW
@given(data=st.data())
def test_shipped_table_total_is_the_sum_of_its_parts(shipped_eff: EffectiveTable, data: st.DataObject) -> None:
    results = score_text(shipped_eff, data.draw(shipped_datasets(shipped_eff)))
    assert len(results.campuses) == 2
    check_totals(results, shipped_eff.table.rounding.total)
    for c in results.campuses:
        # A part below min_coverage leaves the maximum; the parts themselves keep 40, 30, 30.
        assert c.max_total == sum(p.max for p in c.parts if p.scored)
        assert [p.max for p in c.parts] == [40, 30, 30]


# ---------------------------------------------------------------- row, column and file order


def _read_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return list(csv.reader(io.StringIO(text, newline="")))


def _comparable(results: Results) -> dict[str, Any]:
    """The results without what necessarily depends on where a value sits: cell addresses and file hashes."""
    dump = results.model_dump()
    for year in (dump, dump["previous"]) if dump.get("previous") else (dump,):  # last year, scored alike
        year.pop("data_files")
        for c in year["campuses"]:
            for i in c["indicators"]:
                i["trace"].pop("cells")
        for m in year["expert_marks"]:
            m.pop("cell")
    return dump


@pytest.fixture(scope="module")
def example() -> tuple[EffectiveTable, list[Path], dict[str, Any]]:
    files = sorted((EXAMPLE / "data").glob("*.csv"))
    if not files or not (EXAMPLE / "targets.yaml").is_file():
        pytest.skip("the Shaoxing example data is not there")
    eff = load_config(EXAMPLE / "targets.yaml")
    results = score(eff, read_data(files, eff), generated_at="2025-01-01T00:00:00")
    assert len(results.campuses) == 4
    return eff, files, _comparable(results)


@SLOW
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_row_column_and_file_order_change_nothing(example: tuple[EffectiveTable, list[Path], dict[str, Any]],
                                                  seed: int) -> None:
    eff, files, expected = example
    rnd = random.Random(seed)
    with tempfile.TemporaryDirectory() as d:
        shuffled: list[Path] = []
        for f in files:
            header, *rows = _read_csv(f)
            order = list(range(len(header)))
            rnd.shuffle(order)
            rnd.shuffle(rows)
            out = Path(d) / f.name
            out.write_text(csv_text([header[k] for k in order], [[r[k] for k in order] for r in rows]),
                           encoding="utf-8-sig")
            shuffled.append(out)
        rnd.shuffle(shuffled)
        results = score(eff, read_data(shuffled, eff), generated_at="2025-01-01T00:00:00")
    assert _comparable(results) == expected


# ---------------------------------------------------------------- half-up rounding

places_st = st.integers(min_value=0, max_value=6)


@FAST
@given(st.integers(min_value=0, max_value=10**8), places_st, st.sampled_from([1, -1]))
def test_half_at_the_place_rounds_away_from_zero(n: int, places: int, sign: int) -> None:
    x = sign * float(Decimal(10 * n + 5).scaleb(-(places + 1)))  # n.5 at `places`, e.g. 28.5, 0.125
    assert round_half_up(x, places) == sign * float(Decimal(n + 1).scaleb(-places))


def test_half_up_known_values() -> None:
    assert round_half_up(28.5, 0) == 29  # round() gives 28
    assert round_half_up(0.125, 2) == 0.13  # round() gives 0.12
    assert round_half_up(57 / 200 * 100, 0) == 29  # 28.499999999999996 is 28.5
    assert round_half_up(2.675, 2) == 2.68  # 2.67499999999999982236431605997495353221893310546875 in binary
    assert round_half_up(-28.5, 0) == -29


floats_st = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@FAST
@given(floats_st, places_st)
def test_half_up_is_idempotent(x: float, places: int) -> None:
    once = round_half_up(x, places)
    assert round_half_up(once, places) == once


@FAST
@given(floats_st, places_st)
def test_half_up_is_within_half_a_unit(x: float, places: int) -> None:
    got = Decimal(round_half_up(x, places))
    half = Decimal(1).scaleb(-places) / 2
    # The float's own noise beyond 15 significant digits is stripped first, so allow that much more.
    noise = abs(Decimal(x)) * Decimal("1e-14")
    assert abs(got - Decimal(x)) <= half + noise
    # ... and the result is a whole number of units at `places`
    assert got.quantize(Decimal(1).scaleb(-places)) == Decimal(str(round_half_up(x, places)))


@FAST
@given(floats_st, floats_st, places_st)
def test_half_up_is_monotone(x: float, y: float, places: int) -> None:
    lo, hi = sorted((x, y))
    assert round_half_up(lo, places) <= round_half_up(hi, places)

