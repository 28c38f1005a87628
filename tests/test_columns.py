"""The per-column pass (engine/columns.py) against the scalar rules (engine/rules.py), the reference.

For every vectorised rule, generated values, targets and points (ties at the target and the limit,
values at a .xx5 of the indicator's places, zeros, negatives, missing values) are scored both ways.
Where the column pass vouches for a unit (its `exact` mask), score_rule given the column's points must
say exactly what it says alone: the same points after half-up rounding, the same arithmetic, the same
words, the same "rounded to" step and trace suffix. Units it does not vouch for take the scalar path.
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from campuseval.config.rules import CapProRata, LinearBand, TargetProRata
from campuseval.engine import columns, explain
from campuseval.engine.rules import Outcome, score_rule
from campuseval.engine.score import _shown_unrounded
from campuseval.results import Text
from campuseval.rounding import clean, round_half_up

ENTITY = Text(zh="院区", en="campus")


def _number() -> st.SearchStrategy[float]:
    """Values as tables and data hold them: short decimals, ties at .xx5, zeros, negatives, odd floats."""
    return st.one_of(
        st.integers(-2000, 200000).map(lambda k: k / 1000),  # three decimals: many .xx5 at two places
        st.integers(-200, 20000).map(lambda k: k / 100 + 0.005),
        st.sampled_from([0.0, -0.0, 1.0, 2.0, 0.5, 12.5, 28.5, 57 / 200 * 100, 1 / 3, 2 / 3, 0.125, 1e-9, -1.0]),
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    )


def _same(reference: Outcome, column: Outcome, places: int) -> None:
    assert column.points is not None and reference.points is not None
    rounded = round_half_up(reference.points, places)
    assert round_half_up(column.points, places) == rounded
    assert column.arithmetic == reference.arithmetic
    assert column.words is not None and reference.words is not None
    assert explain.render([column.words], "percent", "campus", ENTITY, places) == \
        explain.render([reference.words], "percent", "campus", ENTITY, places)
    assert _shown_unrounded(column.points, rounded) == (float(clean(reference.points)) != rounded)
    assert explain.rounded_step(column.points, rounded, places) == \
        explain.rounded_step(reference.points, rounded, places)


def _check(rule: object, direction: str, values: list[float | None], targets: list[float], points: float,
           places: int, earned: np.ndarray, exact: np.ndarray) -> None:
    assert len(earned) == len(exact) == len(values)
    for v, t, e, ok in zip(values, targets, earned.tolist(), exact.tolist(), strict=True):
        if v is None:
            assert not ok  # a missing value is never vouched for (the engine does not score it)
            continue
        if not ok:
            continue
        reference = score_rule(rule, direction, v, points, t)  # type: ignore[arg-type]
        column = score_rule(rule, direction, v, points, t, earned=e)  # type: ignore[arg-type]
        _same(reference, column, places)


def _arrays(values: list[float | None], targets: list[float]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([math.nan if v is None else v for v in values], dtype=float),
            np.array(targets, dtype=float))


_POINTS = st.sampled_from([1.0, 2.0, 2.5, 3.0, 4.0, 7.0, 10.0, 0.35, 1.75])
_PLACES = st.sampled_from([0, 1, 2, 3, 4])


@settings(max_examples=300, deadline=None)
@given(data=st.lists(st.tuples(st.one_of(st.none(), _number()), _number()), min_size=1, max_size=20),
       points=_POINTS, places=_PLACES, tie=st.booleans())
def test_target_pro_rata(data: list[tuple[float | None, float]], points: float, places: int, tie: bool) -> None:
    values = [v for v, _ in data]
    targets = [abs(t) + 0.5 for _, t in data]  # validated tables: a pro-rata target is positive
    if tie:  # values at the target and a hair below it
        values = [t if i % 2 else t * (1 - 1e-13) for i, t in enumerate(targets)]
    earned, exact = columns.target_pro_rata(*_arrays(values, targets), points, places)
    _check(TargetProRata(type="target_pro_rata"), "higher", values, targets, points, places, earned, exact)


@settings(max_examples=300, deadline=None)
@given(data=st.lists(st.tuples(st.one_of(st.none(), _number()), _number()), min_size=1, max_size=20),
       points=_POINTS, places=_PLACES, tie=st.booleans())
def test_cap_pro_rata(data: list[tuple[float | None, float]], points: float, places: int, tie: bool) -> None:
    values = [v for v, _ in data]
    targets = [t for _, t in data]
    if tie:
        values = [t if i % 2 else t * (1 + 1e-13) for i, t in enumerate(targets)]
    earned, exact = columns.cap_pro_rata(*_arrays(values, targets), points, places)
    _check(CapProRata(type="cap_pro_rata"), "lower", values, targets, points, places, earned, exact)


@settings(max_examples=300, deadline=None)
@given(data=st.lists(st.tuples(st.one_of(st.none(), _number()), _number()), min_size=1, max_size=20),
       limit=_number(), points=_POINTS, places=_PLACES, higher=st.booleans(), tie=st.booleans())
def test_linear_band(data: list[tuple[float | None, float]], limit: float, points: float, places: int,
                     higher: bool, tie: bool) -> None:
    values = [v for v, _ in data]
    # Validated tables: the limit lies below the target when higher is better, above it when lower.
    targets = [limit + abs(t) + 0.01 if higher else limit - abs(t) - 0.01 for _, t in data]
    if tie:  # at the target, at the limit, and just inside each
        values = [(t, limit, t * (1 - 1e-13), limit + (1e-13 if higher else -1e-13))[i % 4]
                  for i, t in enumerate(targets)]
    earned, exact = columns.linear_band(*_arrays(values, targets), limit, points, higher, places)
    rule = LinearBand(type="linear_band", limit=limit)
    _check(rule, "higher" if higher else "lower", values, targets, points, places, earned, exact)


def test_the_column_pass_vouches_for_most_units() -> None:
    """Not a test of speed: that the mask is not so cautious that nothing takes the column's points."""
    rng = np.random.default_rng(1)
    values = np.round(rng.uniform(0, 100, 1000), 2)
    _, exact = columns.target_pro_rata(values, np.full(1000, 100.0), 3.0, 2)
    assert exact.mean() > 0.9
    assert np.all(exact <= (values < 100))  # never a unit at or above the target
