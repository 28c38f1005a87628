"""The homogeneity (同质化) gap: how far a campus falls short of its HQ on one indicator, and whether to flag it."""

from __future__ import annotations

import math

from campuseval.results import Gap
from campuseval.rounding import clean


def gap(direction: str, value: float | None, hq_value: float | None,
        min_ratio: float | None, max_diff: float | None) -> Gap:
    """Ratio and difference of campus against HQ, direction-aware, with the flag.

    ratio: campus/HQ for higher-is-better, HQ/campus for lower-is-better, so 1 means equal
    and below 1 means the campus falls short. diff: the shortfall in the indicator's unit
    (HQ - campus, or campus - HQ for lower-is-better); negative means the campus is ahead.
    Edge cases: both zero are equal (ratio 1, diff 0). A zero denominator with the campus
    ahead (HQ 0 on higher, campus 0 on lower) has no finite ratio (null) and is not flagged.
    A zero numerator (campus 0 on higher, HQ 0 on lower) gives ratio 0. Either value
    missing: nothing to compare, not flagged, noted as not assessable.
    """
    if value is None or hq_value is None:
        return Gap.trusted(ratio=None, diff=None, min_ratio=min_ratio, max_diff=max_diff, flagged=False,
                                   note="not_assessable")
    if direction == "monitor":
        plain = None if hq_value == 0 else float(clean(value / hq_value))
        return Gap.trusted(ratio=plain, diff=float(clean(value) - clean(hq_value)), min_ratio=None,
                                   max_diff=None, flagged=False, note="monitor")
    lower = direction == "lower"
    diff = float(clean(value) - clean(hq_value) if lower else clean(hq_value) - clean(value))
    numerator, denominator = (hq_value, value) if lower else (value, hq_value)
    # A zero denominator: equal when both are zero, else the campus is ahead without bound.
    zero_ratio = 1.0 if numerator == 0 else None
    ratio = zero_ratio if denominator == 0 else float(clean(numerator / denominator))
    if value == 0 and hq_value == 0:
        note = "both_zero"
    elif hq_value == 0:
        note = "hq_zero"
    elif value == 0:
        note = "campus_zero"
    else:
        note = "equal" if diff == 0 else ("campus_worse" if diff > 0 else "campus_better")
    flagged = bool(
        (min_ratio is not None and ratio is not None and ratio < min_ratio and not _same(ratio, min_ratio))
        or (max_diff is not None and diff > max_diff and not _same(diff, max_diff))
    )
    return Gap.trusted(ratio=ratio, diff=diff, min_ratio=min_ratio, max_diff=max_diff, flagged=flagged,
                               note=note)


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
