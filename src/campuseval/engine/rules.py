"""Each scoring rule as a pure function: a value (and target, HQ value, last year's value) in, points out, with the arithmetic."""

from __future__ import annotations

import math
from dataclasses import dataclass

from campuseval.config import rules as r
from campuseval.config.models import TargetRange
from campuseval.config.rules import Rule
from campuseval.rounding import clean


@dataclass(frozen=True)
class Outcome:
    """Points before rounding (None when the rule cannot score) and the arithmetic that gave them."""

    points: float | None
    arithmetic: str
    missing: str | None = None  # "hq_missing" or "previous_missing" when an input besides the value is absent


def _n(x: float) -> str:
    """A number in the arithmetic trace: four decimals at most, trailing zeros trimmed (fast; display only)."""
    if x != x or x in (math.inf, -math.inf):
        return str(x)
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _ge(a: float, b: float) -> bool:
    """a >= b once float noise is ignored, so 28.499999999999996 meets a target of 28.5.

    Noise is relative: 1e-12 of the larger magnitude is far below any figure a hospital
    reports and far above the error of a few float operations.
    """
    return a >= b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def score_rule(rule: Rule, direction: str, value: float, points: float, target: float | TargetRange | None,
               hq_value: float | None = None, previous: float | None = None) -> Outcome:
    """Points `value` earns under `rule`, out of `points`. `value` is finite and present.

    The config is validated: a rule that uses a target has one, a number or (within_range) a range.
    """
    if isinstance(rule, r.WithinRange):
        assert isinstance(target, TargetRange)
        return _within(rule, value, points, target)
    if isinstance(rule, r.Qualitative):
        return Outcome(None, f"not scored from data: {rule.goal.zh}")
    assert not isinstance(target, TargetRange)
    if isinstance(rule, r.MeetsTarget):
        assert target is not None
        return _meets(rule, value, points, target)
    if isinstance(rule, r.TargetProRata):
        assert target is not None and target > 0
        if _ge(value, target):
            return Outcome(points, f"{_n(value)} >= {_n(target)} -> {_n(points)}")
        earned = points * max(value, 0.0) / target
        return Outcome(earned, f"{_n(points)} × {_n(value)} ÷ {_n(target)} = {_n(earned)}")
    if isinstance(rule, r.CapProRata):
        assert target is not None
        if _ge(target, value):
            return Outcome(points, f"{_n(value)} <= {_n(target)} -> {_n(points)}")
        earned = points * target / value
        return Outcome(earned, f"{_n(points)} × {_n(target)} ÷ {_n(value)} = {_n(earned)}")
    if isinstance(rule, r.DeductPerUnit):
        assert target is not None
        return _deduct(rule, direction, value, points, target)
    if isinstance(rule, r.LinearBand):
        assert target is not None
        return _linear(rule, direction, value, points, target)
    if isinstance(rule, r.GradedBands):
        for band in rule.bands:
            lo_ok = band.min is None or _ge(value, band.min)
            hi_ok = band.max is None or not _ge(value, band.max)
            if lo_ok and hi_ok:
                lo = "-inf" if band.min is None else _n(band.min)
                hi = "+inf" if band.max is None else _n(band.max)
                return Outcome(band.points, f"{_n(value)} in [{lo}, {hi}) -> {_n(band.points)}")
        return Outcome(0.0, f"{_n(value)} in no band -> 0")
    if isinstance(rule, r.YesNo):
        yes = value != 0
        earned = points if yes == rule.expect else 0.0
        return Outcome(earned, f"{'yes' if yes else 'no'} -> {_n(earned)}")
    if isinstance(rule, r.RelativeToHq):
        if hq_value is None:
            return Outcome(None, "HQ value missing", missing="hq_missing")
        return _relative(rule, direction, value, points, hq_value)
    if isinstance(rule, r.ChangeVsPrevious):
        if previous is None:
            return Outcome(None, "previous year's value missing", missing="previous_missing")
        return _change(rule, direction, value, points, previous)
    if isinstance(rule, r.Monitor):
        return Outcome(None, "monitor only")
    if isinstance(rule, r.Bonus):
        earned = min(points, rule.per_unit * max(0.0, value - rule.base))
        return Outcome(earned, f"min({_n(points)}, {_n(rule.per_unit)} × max(0, {_n(value)} - {_n(rule.base)}))"
                               f" = {_n(earned)}")
    if isinstance(rule, r.Veto):
        triggered = value > 0
        return Outcome(None, "veto triggered" if triggered else "no veto event")
    raise AssertionError(rule)


_OPS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def _meets(rule: r.MeetsTarget, value: float, points: float, target: float) -> Outcome:
    same = math.isclose(value, target, rel_tol=1e-12, abs_tol=1e-12)
    met = {"gt": value > target and not same, "ge": value >= target or same,
           "lt": value < target and not same, "le": value <= target or same}[rule.op]
    test = f"{_n(value)} {_OPS[rule.op]} {_n(target)}"
    if met:
        return Outcome(points, f"{test}: met -> {_n(points)}")
    if not rule.partial:
        return Outcome(0.0, f"{test}: not met -> 0")
    if rule.op in ("gt", "ge"):
        earned = points * max(value, 0.0) / target
        return Outcome(earned, f"{test}: not met; {_n(points)} × {_n(value)} ÷ {_n(target)} = {_n(earned)}")
    earned = points * target / value if value > 0 else points
    return Outcome(earned, f"{test}: not met; {_n(points)} × {_n(target)} ÷ {_n(value)} = {_n(earned)}")


def _within(rule: r.WithinRange, value: float, points: float, target: TargetRange) -> Outcome:
    lo, hi = target.min, target.max
    shown = f"[{'-inf' if lo is None else _n(lo)}, {'+inf' if hi is None else _n(hi)}]"
    below = lo is not None and not _ge(value, lo)
    above = hi is not None and not _ge(hi, value)
    if not below and not above:
        return Outcome(points, f"{_n(value)} in {shown} -> {_n(points)}")
    if rule.outside == "zero":
        return Outcome(0.0, f"{_n(value)} outside {shown} -> 0")
    if below:
        assert lo is not None
        earned = points * max(value, 0.0) / lo if lo > 0 else 0.0
        return Outcome(earned, f"{_n(value)} below {shown}; {_n(points)} × {_n(value)} ÷ {_n(lo)} = {_n(earned)}")
    assert hi is not None
    earned = points * hi / value if value > 0 else 0.0
    return Outcome(earned, f"{_n(value)} above {shown}; {_n(points)} × {_n(hi)} ÷ {_n(value)} = {_n(earned)}")


def _deduct(rule: r.DeductPerUnit, direction: str, value: float, points: float, target: float) -> Outcome:
    short = float(clean(target - value) if direction == "higher" else clean(value - target))
    if short <= 0:
        return Outcome(points, f"{_n(value)} meets {_n(target)} -> {_n(points)}")
    steps = float(clean(short / rule.step))
    if rule.steps == "started":
        steps = math.ceil(steps)
    elif rule.steps == "completed":
        steps = math.floor(steps)
    earned = max(rule.floor, points - steps * rule.deduct)
    return Outcome(earned, f"max({_n(rule.floor)}, {_n(points)} - {_n(steps)} × {_n(rule.deduct)}) = {_n(earned)}"
                           f" (short by {_n(short)})")


def _linear(rule: r.LinearBand, direction: str, value: float, points: float, target: float) -> Outcome:
    limit = rule.limit
    if direction == "higher":
        if _ge(value, target):
            return Outcome(points, f"{_n(value)} >= {_n(target)} -> {_n(points)}")
        if _ge(limit, value):
            return Outcome(0.0, f"{_n(value)} <= {_n(limit)} -> 0")
        earned = points * (value - limit) / (target - limit)
        return Outcome(earned, f"{_n(points)} × ({_n(value)} - {_n(limit)}) ÷ ({_n(target)} - {_n(limit)})"
                               f" = {_n(earned)}")
    if _ge(target, value):
        return Outcome(points, f"{_n(value)} <= {_n(target)} -> {_n(points)}")
    if _ge(value, limit):
        return Outcome(0.0, f"{_n(value)} >= {_n(limit)} -> 0")
    earned = points * (limit - value) / (limit - target)
    return Outcome(earned, f"{_n(points)} × ({_n(limit)} - {_n(value)}) ÷ ({_n(limit)} - {_n(target)}) = {_n(earned)}")


def relative_ratio(direction: str, value: float, hq_value: float) -> float:
    """Campus against HQ as an achievement ratio: campus/HQ, or HQ/campus when lower is better.

    Both zero count as equal (1). A zero denominator with a non-zero numerator means the
    campus is ahead without bound (inf): HQ 0 on higher-is-better, campus 0 on lower.
    """
    num_, den = (value, hq_value) if direction != "lower" else (hq_value, value)
    if den == 0:
        return 1.0 if num_ == 0 else math.inf
    return float(clean(num_ / den))


def _relative(rule: r.RelativeToHq, direction: str, value: float, points: float, hq_value: float) -> Outcome:
    ratio = relative_ratio(direction, value, hq_value)
    shown = "inf" if math.isinf(ratio) else _n(ratio)
    expr = f"{_n(value)} ÷ {_n(hq_value)}" if direction != "lower" else f"{_n(hq_value)} ÷ {_n(value)}"
    if math.isinf(ratio) or _ge(ratio, rule.full_ratio):
        return Outcome(points, f"ratio {expr} = {shown} >= {_n(rule.full_ratio)} -> {_n(points)}")
    if _ge(rule.zero_ratio, ratio):
        return Outcome(0.0, f"ratio {expr} = {shown} <= {_n(rule.zero_ratio)} -> 0")
    earned = points * (ratio - rule.zero_ratio) / (rule.full_ratio - rule.zero_ratio)
    if rule.zero_ratio == 0:
        return Outcome(earned, f"ratio {expr} = {shown}; {_n(points)} × {shown} ÷ {_n(rule.full_ratio)} = {_n(earned)}")
    return Outcome(earned, f"ratio {expr} = {shown}; {_n(points)} × ({shown} - {_n(rule.zero_ratio)}) ÷ "
                           f"({_n(rule.full_ratio)} - {_n(rule.zero_ratio)}) = {_n(earned)}")


def _change(rule: r.ChangeVsPrevious, direction: str, value: float, points: float, previous: float) -> Outcome:
    gain = float(clean(value - previous if direction == "higher" else previous - value))
    word = "rise" if direction == "higher" else "fall"
    need = rule.min_change * abs(previous) if rule.relative else rule.min_change
    need = float(clean(need))
    if need > 0:
        ok = _ge(gain, need)
        cond = f"{word} {_n(gain)} {'>=' if ok else '<'} {_n(need)}"
    else:
        ok = gain > 0 or (rule.allow_equal and gain == 0)
        cond = f"{word} {_n(gain)} {'>' if gain > 0 else ('=' if gain == 0 else '<')} 0"
    earned = points if ok else 0.0
    return Outcome(earned, f"{_n(previous)} -> {_n(value)}: {cond} -> {_n(earned)}")
