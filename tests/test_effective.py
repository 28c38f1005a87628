"""Effective points after a locality's changes, worked out by hand, and the allocation behind them;
the effective table of the newer features (meets_target, within_range and qualitative rules, range
targets by campus, applies_to, deadlines, catalog references).

Re-weighting rules (config/effective.py): under `scale_within_part` a part keeps its points and its
scored indicators share them in proportion to their raw points, allocated at the table's rounding
places (2) by largest remainder so that they sum to the part exactly; under `shrink_total` raw
points stand and a part loses what was dropped.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campuseval.config import EffectiveTable, check_config, load_config
from campuseval.config.models import TargetRange
from campuseval.rounding import clean
from campuseval.weights import allocate


def points(eff: EffectiveTable, part: str) -> dict[str, float]:
    return {i.code: i.points for i in eff.indicators if i.spec.part == part}


def dec_sum(values: list[float] | dict[str, float]) -> Decimal:
    """The exact decimal sum of shares that are decimals at 2 places (float addition would add noise)."""
    vals = values.values() if isinstance(values, dict) else values
    return sum((Decimal(str(v)) for v in vals), Decimal(0))


UNCHANGED_A = {"A1": 10.0, "A2": 4.0, "A3": 4.0, "A4": 4.0, "A5": 4.0, "A6": 5.0, "A7": 5.0, "A8": 4.0}
UNCHANGED_B = {"B1": 6.0, "B2": 6.0, "B3": 6.0, "B4": 6.0, "B5": 6.0}


# ---------------------------------------------------------------- keqiao: drop C4, scale within part C


def test_keqiao_drops_c4_and_scales_c1_to_c3_to_30(at_repo_root: Path) -> None:
    result = check_config("configs/targets/keqiao.yaml")
    assert result.diagnostics == []
    eff = result.effective
    assert eff is not None
    assert eff.reweight == "scale_within_part"
    assert "C4" not in eff.codes()
    assert [(d.code, d.part, d.file) for d in eff.dropped] == [("C4", "C", "configs/targets/keqiao.yaml")]

    # Part C keeps its 30 points. Without C4 (4 points) its raw points are 9 + 9 + 8 = 26,
    # so each is scaled by 30/26:
    #   C1: 9 * 30/26 = 270/26 = 10.384615...
    #   C2: 9 * 30/26 = 270/26 = 10.384615...
    #   C3: 8 * 30/26 = 240/26 =  9.230769...
    assert pytest.approx(10.384615384615385) == 9 * 30 / 26
    assert pytest.approx(9.230769230769231) == 8 * 30 / 26
    # Floored at 2 places: 10.38 + 10.38 + 9.23 = 29.99, one hundredth short of 30.
    # Largest remainder: C1 and C2 leave 0.004615..., C3 leaves 0.000769...; the one
    # hundredth left goes to the largest remainder, the earlier of the tied C1 and C2.
    #   C1 = 10.39, C2 = 10.38, C3 = 9.23; 10.39 + 10.38 + 9.23 = 30.00
    assert points(eff, "C") == {"C1": 10.39, "C2": 10.38, "C3": 9.23}
    assert dec_sum(points(eff, "C")) == Decimal("30.00")
    assert [(p.code, p.points) for p in eff.effective_parts()] == [("A", 40.0), ("B", 30.0), ("C", 30.0)]
    assert eff.total_max == 100.0
    # Raw points stay as configured; parts A and B are untouched (their raw points already sum).
    assert {i.code: i.spec.points for i in eff.indicators if i.spec.part == "C"} == {"C1": 9, "C2": 9, "C3": 8}
    assert points(eff, "A") == UNCHANGED_A
    assert points(eff, "B") == UNCHANGED_B


def test_allocate_keqiao_by_hand() -> None:
    assert allocate([9, 9, 8], 30, 2) == [10.39, 10.38, 9.23]
    # The same shares in another order: the tie between the two 9s still goes to the earlier one.
    assert allocate([8, 9, 9], 30, 2) == [9.23, 10.39, 10.38]


# ---------------------------------------------------------------- shrink_total


def test_shrink_total_drops_c4_points_from_part_c_and_the_total(at_repo_root: Path) -> None:
    result = check_config("tests/configs/valid/shrink_total.yaml")
    assert result.diagnostics == []
    eff = result.effective
    assert eff is not None
    assert eff.reweight == "shrink_total"
    # Raw points stand: C1 9, C2 9, C3 8; part C is 9 + 9 + 8 = 26; total 40 + 30 + 26 = 96.
    assert points(eff, "C") == {"C1": 9.0, "C2": 9.0, "C3": 8.0}
    assert [(p.code, p.points) for p in eff.effective_parts()] == [("A", 40.0), ("B", 30.0), ("C", 26.0)]
    assert eff.total_max == 96.0
    # The table's parts are not rewritten; only the effective view shrinks.
    assert [(p.code, p.points) for p in eff.parts] == [("A", 40.0), ("B", 30.0), ("C", 30.0)]
    assert points(eff, "A") == UNCHANGED_A
    assert points(eff, "B") == UNCHANGED_B


def test_warning_when_points_changed_under_shrink_total(tmp_path: Path) -> None:
    f = tmp_path / "shrink_points.yaml"
    f.write_text("extends: builtin:indicators_shaoxing.yaml\nlocality: {id: x, name: 某区}\n"
                 "reweight: shrink_total\npoints:\n  C4: 2\n", encoding="utf-8")
    result = check_config(f)
    [w] = result.diagnostics
    assert w.severity == "warning"
    # C: 9 + 9 + 8 + 2 = 28; under shrink_total part C counts 28, the total 40 + 30 + 28 = 98.
    assert w.render("en") == f"{f}:4:1: points: part C: points after your changes sum to 28; under shrink_total the part counts 28, not 30"
    assert result.effective is not None and result.effective.total_max == 98.0


def test_warning_when_points_changed_under_scale_within_part(tmp_path: Path) -> None:
    f = tmp_path / "scale_points.yaml"
    f.write_text("extends: builtin:indicators_shaoxing.yaml\nlocality: {id: x, name: 某区}\n"
                 "points:\n  C4: 2\n", encoding="utf-8")
    result = check_config(f)
    [w] = result.diagnostics
    assert w.severity == "warning"
    assert w.render("en") == f"{f}:3:1: points: part C: points after your changes sum to 28; they will be scaled to the part's 30"
    eff = result.effective
    assert eff is not None
    # 9, 9, 8, 2 of 28 scaled to 30: 9*30/28 = 9.642857..., 8*30/28 = 8.571428..., 2*30/28 = 2.142857...
    # Floors 9.64 + 9.64 + 8.57 + 2.14 = 29.99; remainders .002857 (C1, C2), .001428 (C3), .002857 (C4).
    # The last hundredth goes to C1, the earliest of the three tied largest remainders.
    assert points(eff, "C") == {"C1": 9.65, "C2": 9.64, "C3": 8.57, "C4": 2.14}
    assert dec_sum(points(eff, "C")) == Decimal("30.00")


def test_drop_and_add_of_equal_points_gives_no_warning(tmp_path: Path) -> None:
    f = tmp_path / "swap.yaml"
    f.write_text(
        "extends: builtin:indicators_shaoxing.yaml\nlocality: {id: x, name: 某区}\ndrop: [C4]\nadd:\n"
        "  - {code: C5, name: 新指标, part: C, points: 4, scale: count, direction: higher, subject: campus,\n"
        "     definition: 说明, rule: {type: yes_no}}\n", encoding="utf-8")
    result = check_config(f)
    assert result.diagnostics == []
    assert result.effective is not None
    # 9 + 9 + 8 + 4 = 30: nothing to scale.
    assert points(result.effective, "C") == {"C1": 9.0, "C2": 9.0, "C3": 8.0, "C5": 4.0}


# ---------------------------------------------------------------- yuecheng: add C5, C4 4 -> 2


def test_yuecheng_adds_c5_and_halves_c4(at_repo_root: Path) -> None:
    result = check_config("configs/targets/yuecheng.yaml")
    assert result.diagnostics == []
    eff = result.effective
    assert eff is not None
    # C: 9 + 9 + 8 + 2 (C4, was 4) + 2 (C5, new) = 30, so nothing is scaled.
    assert points(eff, "C") == {"C1": 9.0, "C2": 9.0, "C3": 8.0, "C4": 2.0, "C5": 2.0}
    assert eff.total_max == 100.0
    c4, c5 = eff.indicator("C4"), eff.indicator("C5")
    assert c4.spec.points == 2
    assert [(c.file, c.what, c.old, c.new) for c in c4.changes] == [("configs/targets/yuecheng.yaml", "points", "4", "2")]
    assert c5.origin == "configs/targets/yuecheng.yaml"
    assert c5.rule.type == "yes_no" and c5.spec.target is None
    # The city file sets B1 to 10; Yuecheng raises it to 12.
    assert eff.indicator("B1").spec.target == 12
    assert eff.indicator("B1").changes[-1].new == "12%"  # shown in the scale: B1 is a percent
    assert [c.id for c in eff.campuses] == ["zpph_yuecheng"]
    assert eff.locality is not None and eff.locality.id == "yuecheng"
    assert eff.years == (2024, 2025)
    # Files the chain pulls in from the shipped configs read builtin:..., the same wherever one runs.
    assert [(s.path, s.role) for s in eff.sources] == [
        ("builtin:indicators_shaoxing.yaml", "table"),
        ("builtin:targets/shaoxing.yaml", "targets"),
        ("configs/targets/yuecheng.yaml", "targets"),
    ]


def test_shangyu_rule_and_targets(at_repo_root: Path) -> None:
    eff = load_config("configs/targets/shangyu.yaml")
    c2 = eff.indicator("C2")
    assert c2.rule.type == "linear_band" and c2.rule.limit == 60 and c2.spec.target == 240
    assert eff.indicator("C1").spec.target == 12
    assert eff.indicator("B5").spec.target == 25
    assert eff.codes() == [*UNCHANGED_A, *UNCHANGED_B, "C1", "C2", "C3", "C4"]


# ---------------------------------------------------------------- per-campus targets


def test_per_campus_targets(at_repo_root: Path) -> None:
    result = check_config("tests/configs/valid/per_campus.yaml")
    assert result.diagnostics == []
    eff = result.effective
    assert eff is not None
    c1 = eff.indicator("C1")
    assert c1.spec.target == 11  # the new default
    assert dict(c1.campus_targets) == {"zju2_keqiao": 6.0, "zpph_yuecheng": 14.0}
    assert c1.target_for("zju2_keqiao") == 6
    assert c1.target_for("zpph_yuecheng") == 14
    assert c1.target_for("srrsh_shangyu") == 11
    assert c1.target_for("zjcc_binhai") == 11
    # Other indicators have no per-campus target: every campus gets the indicator's own.
    b1 = eff.indicator("B1")
    assert dict(b1.campus_targets) == {}
    assert b1.target_for("zju2_keqiao") == 10
    # The campuses come from the city file this one extends.
    assert [c.id for c in eff.campuses] == ["zpph_yuecheng", "srrsh_shangyu", "zjcc_binhai", "zju2_keqiao"]


# ---------------------------------------------------------------- allocate by hand


@pytest.mark.parametrize(("raw", "total", "places", "expected"), [
    ([1, 1, 1], 100, 2, [33.34, 33.33, 33.33]),  # 33.333... each; floors 99.99; first tied gets .01
    ([1, 1, 1], 10, 0, [4.0, 3.0, 3.0]),  # 3.33 each; floors 9; first gets 1
    ([2, 1], 10, 2, [6.67, 3.33]),  # 6.666 / 3.333: floors 6.66 + 3.33; .006 > .003
    ([10, 4, 4, 4, 4, 5, 5, 4], 40, 2, [10.0, 4.0, 4.0, 4.0, 4.0, 5.0, 5.0, 4.0]),  # part A: already exact
    ([0, 5], 30, 2, [0.0, 30.0]),
    ([0, 0], 30, 2, [0.0, 0.0]),  # nothing to share in proportion to
    ([], 30, 2, []),
    ([1], 7.5, 2, [7.5]),
    ([1, 2, 3], 1, 3, [0.167, 0.333, 0.5]),  # 0.1666 / 0.3333 / 0.5; floors 0.166 + 0.333 + 0.5 = 0.999
])
def test_allocate_by_hand(raw: list[float], total: float, places: int, expected: list[float]) -> None:
    assert allocate(raw, total, places) == expected


# ---------------------------------------------------------------- allocate: properties

raws = st.lists(st.integers(min_value=0, max_value=100_000).map(lambda n: n / 100), min_size=1, max_size=12).filter(
    lambda xs: any(xs))
places_st = st.integers(min_value=0, max_value=4)


@st.composite
def allocations(draw: st.DrawFn) -> tuple[list[float], float, int]:
    raw = draw(raws)
    places = draw(places_st)
    total = float(Decimal(draw(st.integers(min_value=1, max_value=10_000_000))).scaleb(-places))
    return raw, total, places


def exact_shares(raw: list[float], total: float) -> list[Fraction]:
    s = sum(Fraction(clean(r)) for r in raw)
    return [Fraction(clean(r)) * Fraction(clean(total)) / s for r in raw]


@given(allocations())
def test_allocate_sums_exactly_at_the_places(case: tuple[list[float], float, int]) -> None:
    raw, total, places = case
    shares = allocate(raw, total, places)
    assert len(shares) == len(raw)
    assert dec_sum(shares) == Decimal(str(total)).quantize(Decimal(1).scaleb(-places))
    for s in shares:  # every share is a whole number of units
        assert Decimal(str(s)) == Decimal(str(s)).quantize(Decimal(1).scaleb(-places))


@given(allocations())
def test_allocate_each_share_within_one_unit_of_its_exact_share(case: tuple[list[float], float, int]) -> None:
    raw, total, places = case
    unit = Fraction(1, 10**places)
    for share, exact in zip(allocate(raw, total, places), exact_shares(raw, total), strict=True):
        # The floor of the exact share, or one unit more.
        assert 0 <= Fraction(Decimal(str(share))) - (exact // unit) * unit <= unit
        assert abs(Fraction(Decimal(str(share))) - exact) < unit


@given(allocations())
def test_allocate_is_monotone_and_ties_go_to_earlier_entries(case: tuple[list[float], float, int]) -> None:
    raw, total, places = case
    shares = allocate(raw, total, places)
    unit = 10.0**-places
    for i in range(len(raw)):
        for j in range(i + 1, len(raw)):
            if raw[i] > raw[j]:
                assert shares[i] >= shares[j]
            elif raw[i] < raw[j]:
                assert shares[i] <= shares[j]
            else:  # equal raw points: the same share, or one unit more for the earlier
                assert shares[i] == shares[j] or shares[i] - shares[j] == pytest.approx(unit)


@given(allocations(), st.randoms(use_true_random=False))
def test_allocate_is_order_stable(case: tuple[list[float], float, int], rnd: object) -> None:
    """Reordering the inputs reorders the shares, except that a tie of remainders goes to whichever
    tied entry now comes first."""
    raw, total, places = case
    order = list(range(len(raw)))
    rnd.shuffle(order)  # type: ignore[attr-defined]
    shares = allocate(raw, total, places)
    moved = allocate([raw[k] for k in order], total, places)
    assert allocate(raw, total, places) == shares  # deterministic
    unit = Fraction(1, 10**places)
    remainders = [e - (e // unit) * unit for e in exact_shares(raw, total)]
    for pos, k in enumerate(order):
        if remainders.count(remainders[k]) == 1:
            assert moved[pos] == shares[k]
        else:
            assert abs(Fraction(Decimal(str(moved[pos]))) - Fraction(Decimal(str(shares[k])))) <= unit
    assert dec_sum(moved) == dec_sum(shares)


@given(allocations(), st.integers(min_value=0, max_value=12))
def test_allocate_zero_points_change_nothing_else(case: tuple[list[float], float, int], at: int) -> None:
    """An indicator with 0 raw points (or a dropped one's slot) takes no share from the others."""
    raw, total, places = case
    at = min(at, len(raw))
    with_zero = allocate([*raw[:at], 0.0, *raw[at:]], total, places)
    assert with_zero[at] == 0.0
    assert [*with_zero[:at], *with_zero[at + 1:]] == allocate(raw, total, places)


# ---------------------------------------------------------------- the newer rules, range targets, applies_to, deadlines


def test_table_with_the_newer_rules(at_repo_root: Path) -> None:
    result = check_config("tests/configs/valid/new_rules.yaml")
    assert result.diagnostics == []
    eff = result.effective
    assert eff is not None
    m1, m2, w1, w2, g1, g2 = (eff.indicator(c) for c in ("M1", "M2", "W1", "W2", "G1", "G2"))
    assert (m1.rule.type, m1.rule.op, m1.rule.partial, m1.spec.target) == ("meets_target", "gt", False, 35)
    assert (m2.rule.type, m2.rule.op, m2.rule.partial, m2.spec.target) == ("meets_target", "le", True, 8)
    assert (w1.rule.type, w1.rule.outside) == ("within_range", "pro_rata")
    assert w1.spec.target == TargetRange(min=150, max=200)
    assert (w2.rule.type, w2.rule.outside) == ("within_range", "zero")
    assert w2.spec.target == TargetRange(min=40)  # open above: no ceiling
    assert w2.spec.target.max is None  # type: ignore[union-attr]
    assert g1.rule.type == "qualitative" and g1.rule.goal.zh == "绩效考核进入全国百强"
    assert g1.rule.goal.get("en") == "Top 100 in the national assessment"
    assert g2.rule.goal.zh == "建成省级区域医疗中心" and g2.rule.goal.get("en") == "建成省级区域医疗中心"
    # meets_target and within_range are scored; a qualitative goal is not and carries no points.
    assert [i.code for i in eff.indicators if i.scored] == ["M1", "M2", "W1", "W2"]
    assert points(eff, "P") == {"M1": 20.0, "M2": 20.0, "W1": 20.0}
    assert points(eff, "Q") == {"W2": 40.0, "G1": 0.0, "G2": 0.0}
    assert eff.total_max == 100.0
    # A table has no campuses: nothing is limited, every campus gets the indicator's own target.
    assert eff.campuses == ()
    assert all(i.spec.applies_to is None and i.applies("any_campus") for i in eff.indicators)
    assert w1.target_for("any_campus") == TargetRange(min=150, max=200)


def test_targets_file_with_range_targets_by_campus_deadlines_and_applies_to(at_repo_root: Path) -> None:
    result = check_config("tests/configs/valid/range_targets.yaml")
    assert result.diagnostics == []
    eff = result.effective
    assert eff is not None
    shown = "tests/configs/valid/range_targets.yaml"
    assert [(c.id, c.deadline) for c in eff.campuses] == [("campus_a", 2026), ("campus_b", 2027), ("campus_c", None)]
    assert all(c.hq is not None and c.district is not None for c in eff.campuses)

    # W1: the table's range stands as the default; campus_b gets its own range, campus_c only a ceiling.
    w1 = eff.indicator("W1")
    assert w1.spec.target == TargetRange(min=150, max=200)
    assert dict(w1.campus_targets) == {"campus_b": TargetRange(min=80, max=120), "campus_c": TargetRange(max=100)}
    assert w1.target_for("campus_a") == TargetRange(min=150, max=200)
    assert w1.target_for("campus_b") == TargetRange(min=80, max=120)
    assert w1.target_for("campus_c") == TargetRange(min=None, max=100)
    # The appendix's record: one change per campus (how a range is written is the formatting's business).
    assert [(c.file, c.what, c.campus) for c in w1.changes] == [(shown, "target", "campus_b"),
                                                               (shown, "target", "campus_c")]
    assert all("80" in c.new and "120" in c.new for c in w1.changes[:1])
    assert "100" in w1.changes[1].new and "150" in w1.changes[1].old

    # W2: a plain range replaces the table's open one for every campus.
    w2 = eff.indicator("W2")
    assert w2.spec.target == TargetRange(min=45, max=90)
    assert dict(w2.campus_targets) == {}
    [change] = w2.changes
    assert (change.file, change.what, change.campus) == (shown, "target", None)
    assert "40" in change.old and "45" in change.new and "90" in change.new

    # M2 is limited to the two campuses open; the spec says so, the engine shares out its points.
    m2 = eff.indicator("M2")
    assert m2.spec.applies_to == ["campus_a", "campus_b"]
    assert [m2.applies(c.id) for c in eff.campuses] == [True, True, False]
    assert [(c.what, c.new) for c in m2.changes] == [("applies_to", "campus_a, campus_b")]
    assert all(i.spec.applies_to is None for i in eff.indicators if i.code != "M2")
    # Effective points here are the table's: what applies_to does to them per campus is the engine's.
    assert points(eff, "P") == {"M1": 20.0, "M2": 20.0, "W1": 20.0}
    assert eff.total_max == 100.0
    assert [(s.path, s.role) for s in eff.sources] == [("tests/configs/valid/new_rules.yaml", "table"),
                                                     (shown, "targets")]


def test_catalog_reference_in_a_targets_file(at_repo_root: Path) -> None:
    result = check_config("tests/configs/valid/catalog_ref.yaml")
    assert result.diagnostics == []
    eff = result.effective
    assert eff is not None
    assert eff.codes() == ["X1", "X2", "Y1", "N3"]
    n3 = eff.indicator("N3")
    spec = n3.spec
    assert spec.name.zh == "日间手术占择期手术比例"
    assert (spec.national_no, spec.scale, spec.direction, spec.subject) == ("3", "percent", "monitor", "campus")
    assert spec.formula == "day_surgery_ops / elective_ops * 100"
    assert (spec.part, spec.points, spec.rule.type, spec.target) == ("Q", 0, "monitor", None)
    assert n3.points == 0.0 and not n3.scored
    assert n3.origin == "tests/configs/valid/catalog_ref.yaml"
    assert [(c.what, c.new) for c in n3.changes] == [("added", "N3")]
    # The raw fields its formula reads come with it, after the table's own.
    assert [r.code for r in eff.raw_fields] == ["num", "den", "day_surgery_ops", "elective_ops"]
    assert points(eff, "Q") == {"Y1": 40.0, "N3": 0.0}
