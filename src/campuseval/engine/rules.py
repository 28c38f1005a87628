"""Each scoring rule as a pure function: a value (and target, HQ or last year's value) in, points and arithmetic out."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

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
    # The same arithmetic for people: a catalog key under words.* and its parameters, put into
    # sentences by engine/explain.py (numbers there are formatted in the indicator's scale).
    words: tuple[str, dict[str, object]] | None = None


def _w(key: str, **params: object) -> tuple[str, dict[str, object]]:
    return ("words." + key, params)


def _n(x: float) -> str:
    """A number in the arithmetic trace: four decimals at most, trailing zeros trimmed (fast; display only)."""
    if x != x or x in (math.inf, -math.inf):
        return str(x)
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _d(x: float) -> Decimal:
    """A float as the decimal it stands for (noise beyond 15 digits stripped): rule arithmetic is done on these,
    so 12.7 - 12 is 0.7 and not 0.6999999999999993, and a half lands on the half."""
    return clean(x)


def _f(x: Decimal) -> float:
    return float(x)


def _ge(a: float, b: float) -> bool:
    """a >= b once float noise is ignored, so 28.499999999999996 meets a target of 28.5.

    Noise is relative: 1e-12 of the larger magnitude is far below any figure a hospital
    reports and far above the error of a few float operations.
    """
    return a >= b or math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def score_rule(rule: Rule, direction: str, value: float, points: float, target: float | TargetRange | None,
               hq_value: float | None = None, previous: float | None = None, earned: float | None = None) -> Outcome:
    """Points `value` earns under `rule`, out of `points`. `value` is finite and present.

    The config is validated: a rule that uses a target has one, a number or (within_range) a range.
    `earned`: the points of a pro-rata or linear rule's partial branch as engine/columns.py computed them
    for the whole column, where it vouches they give the same output as the Decimal here; else None.
    """
    if isinstance(rule, r.WithinRange):
        assert isinstance(target, TargetRange)
        return _within(rule, value, points, target)
    if isinstance(rule, r.Qualitative):
        return Outcome(None, f"not scored from data: {rule.goal.zh}",
                       words=_w("qualitative", goal={"zh": rule.goal.zh, "en": rule.goal.en or rule.goal.zh}))
    if isinstance(rule, r.Expert):
        # The panel marks out of the indicator's points; the reader refused any mark above them.
        earned = min(max(value, 0.0), points)
        return Outcome(earned, f"expert {_n(value)} -> {_n(earned)}",
                       words=_w("expert", v=value, p=points, e=earned))
    assert not isinstance(target, TargetRange)
    if isinstance(rule, r.MeetsTarget):
        assert target is not None
        return _meets(rule, value, points, target)
    if isinstance(rule, r.TargetProRata):
        assert target is not None and target > 0
        if _ge(value, target):
            return Outcome(points, f"{_n(value)} >= {_n(target)} -> {_n(points)}",
                           words=_w("target.met", v=value, tgt=target, p=points))
        if earned is None:
            earned = _f(_d(points) * _d(max(value, 0.0)) / _d(target))
        return Outcome(earned, f"{_n(points)} × {_n(value)} ÷ {_n(target)} = {_n(earned)}",
                       words=_w("target.below", v=value, tgt=target, p=points, e=earned))
    if isinstance(rule, r.CapProRata):
        assert target is not None
        if _ge(target, value):
            return Outcome(points, f"{_n(value)} <= {_n(target)} -> {_n(points)}",
                           words=_w("cap.met", v=value, tgt=target, p=points))
        if earned is None:
            earned = _f(_d(points) * _d(target) / _d(value))
        return Outcome(earned, f"{_n(points)} × {_n(target)} ÷ {_n(value)} = {_n(earned)}",
                       words=_w("cap.above", v=value, tgt=target, p=points, e=earned))
    if isinstance(rule, r.DeductPerUnit):
        assert target is not None
        return _deduct(rule, direction, value, points, target)
    if isinstance(rule, r.LinearBand):
        assert target is not None
        return _linear(rule, direction, value, points, target, earned)
    if isinstance(rule, r.GradedBands):
        for band in rule.bands:
            lo_ok = band.min is None or _ge(value, band.min)
            hi_ok = band.max is None or not _ge(value, band.max)
            if lo_ok and hi_ok:
                lo = "-inf" if band.min is None else _n(band.min)
                hi = "+inf" if band.max is None else _n(band.max)
                key = "band." + ("both" if band.min is not None and band.max is not None
                                 else "min" if band.min is not None else "max" if band.max is not None else "any")
                return Outcome(band.points, f"{_n(value)} in [{lo}, {hi}) -> {_n(band.points)}",
                               words=_w(key, v=value, lo=band.min, hi=band.max, e=band.points))
        return Outcome(0.0, f"{_n(value)} in no band -> 0", words=_w("band.none", v=value))
    if isinstance(rule, r.YesNo):
        yes = value != 0
        earned = points if yes == rule.expect else 0.0
        return Outcome(earned, f"{'yes' if yes else 'no'} -> {_n(earned)}",
                       words=_w(f"yes_no.{'yes' if yes else 'no'}.{'got' if earned else 'zero'}", p=points))
    if isinstance(rule, r.RelativeToHq):
        if hq_value is None:
            return Outcome(None, "HQ value missing", missing="hq_missing", words=_w("hq_missing"))
        return _relative(rule, direction, value, points, hq_value)
    if isinstance(rule, r.ChangeVsPrevious):
        if previous is None:
            return Outcome(None, "previous year's value missing", missing="previous_missing",
                           words=_w("previous_missing"))
        return _change(rule, direction, value, points, previous)
    if isinstance(rule, r.Monitor):
        return Outcome(None, "monitor only", words=_w("monitor"))
    if isinstance(rule, r.Bonus):
        earned = _f(min(_d(points), _d(rule.per_unit) * max(Decimal(0), _d(value) - _d(rule.base))))
        return Outcome(earned, f"min({_n(points)}, {_n(rule.per_unit)} × max(0, {_n(value)} - {_n(rule.base)}))"
                               f" = {_n(earned)}",
                       words=_w("bonus", v=value, base=rule.base, per=rule.per_unit, p=points, e=earned))
    if isinstance(rule, r.Veto):
        triggered = value > 0
        return Outcome(None, "veto triggered" if triggered else "no veto event",
                       words=_w("veto.yes" if triggered else "veto.no"))
    raise AssertionError(rule)


_OPS = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def _meets(rule: r.MeetsTarget, value: float, points: float, target: float) -> Outcome:
    same = math.isclose(value, target, rel_tol=1e-12, abs_tol=1e-12)
    met = {"gt": value > target and not same, "ge": value >= target or same,
           "lt": value < target and not same, "le": value <= target or same}[rule.op]
    test = f"{_n(value)} {_OPS[rule.op]} {_n(target)}"
    op = f"words.op.{rule.op}"
    if met:
        return Outcome(points, f"{test}: met -> {_n(points)}", words=_w("meets.met", v=value, op=op, tgt=target,
                                                                        p=points))
    if not rule.partial:
        return Outcome(0.0, f"{test}: not met -> 0", words=_w("meets.zero", v=value, op=op, tgt=target))
    if rule.op in ("gt", "ge"):
        earned = _f(_d(points) * _d(max(value, 0.0)) / _d(target))
        return Outcome(earned, f"{test}: not met; {_n(points)} × {_n(value)} ÷ {_n(target)} = {_n(earned)}",
                       words=_w("meets.partial_up", v=value, op=op, tgt=target, p=points, e=earned))
    earned = _f(_d(points) * _d(target) / _d(value)) if value > 0 else points
    return Outcome(earned, f"{test}: not met; {_n(points)} × {_n(target)} ÷ {_n(value)} = {_n(earned)}",
                   words=_w("meets.partial_down", v=value, op=op, tgt=target, p=points, e=earned))


def _within(rule: r.WithinRange, value: float, points: float, target: TargetRange) -> Outcome:
    lo, hi = target.min, target.max
    shown = f"[{'-inf' if lo is None else _n(lo)}, {'+inf' if hi is None else _n(hi)}]"
    below = lo is not None and not _ge(value, lo)
    above = hi is not None and not _ge(hi, value)
    rng = {"lo": lo, "hi": hi}
    if not below and not above:
        return Outcome(points, f"{_n(value)} in {shown} -> {_n(points)}", words=_w("range.in", v=value, p=points,
                                                                                    **rng))
    if rule.outside == "zero":
        return Outcome(0.0, f"{_n(value)} outside {shown} -> 0", words=_w("range.out", v=value, **rng))
    if below:
        assert lo is not None
        earned = _f(_d(points) * _d(max(value, 0.0)) / _d(lo)) if lo > 0 else 0.0
        return Outcome(earned, f"{_n(value)} below {shown}; {_n(points)} × {_n(value)} ÷ {_n(lo)} = {_n(earned)}",
                       words=_w("range.below", v=value, p=points, e=earned, **rng))
    assert hi is not None
    earned = _f(_d(points) * _d(hi) / _d(value)) if value > 0 else 0.0
    return Outcome(earned, f"{_n(value)} above {shown}; {_n(points)} × {_n(hi)} ÷ {_n(value)} = {_n(earned)}",
                   words=_w("range.above", v=value, p=points, e=earned, **rng))


def _deduct(rule: r.DeductPerUnit, direction: str, value: float, points: float, target: float) -> Outcome:
    short = _d(target) - _d(value) if direction == "higher" else _d(value) - _d(target)
    if short <= 0:
        return Outcome(points, f"{_n(value)} meets {_n(target)} -> {_n(points)}",
                       words=_w(f"deduct.met_{direction}", v=value, tgt=target, p=points))
    steps = short / _d(rule.step)
    if rule.steps == "started":
        steps = steps.to_integral_value(rounding=ROUND_CEILING)
    elif rule.steps == "completed":
        steps = steps.to_integral_value(rounding=ROUND_FLOOR)
    earned = _f(max(_d(rule.floor), _d(points) - steps * _d(rule.deduct)))
    return Outcome(earned, f"max({_n(rule.floor)}, {_n(points)} - {_n(_f(steps))} × {_n(rule.deduct)}) = "
                           f"{_n(earned)} (short by {_n(_f(short))})",
                   words=_w("deduct.short", v=value, tgt=target, short=_f(short), step=rule.step, k=_f(steps),
                            d=rule.deduct, floor=rule.floor, p=points, e=earned))


def _linear(rule: r.LinearBand, direction: str, value: float, points: float, target: float,
            earned: float | None = None) -> Outcome:
    limit = rule.limit
    common = {"v": value, "tgt": target, "limit": limit, "p": points}
    if direction == "higher":
        if _ge(value, target):
            return Outcome(points, f"{_n(value)} >= {_n(target)} -> {_n(points)}", words=_w("linear.met_up", **common))
        if _ge(limit, value):
            return Outcome(0.0, f"{_n(value)} <= {_n(limit)} -> 0", words=_w("linear.zero_up", **common))
        if earned is None:
            earned = _f(_d(points) * (_d(value) - _d(limit)) / (_d(target) - _d(limit)))
        return Outcome(earned, f"{_n(points)} × ({_n(value)} - {_n(limit)}) ÷ ({_n(target)} - {_n(limit)})"
                               f" = {_n(earned)}", words=_w("linear.between_up", e=earned, **common))
    if _ge(target, value):
        return Outcome(points, f"{_n(value)} <= {_n(target)} -> {_n(points)}", words=_w("linear.met_down", **common))
    if _ge(value, limit):
        return Outcome(0.0, f"{_n(value)} >= {_n(limit)} -> 0", words=_w("linear.zero_down", **common))
    if earned is None:
        earned = _f(_d(points) * (_d(limit) - _d(value)) / (_d(limit) - _d(target)))
    return Outcome(earned, f"{_n(points)} × ({_n(limit)} - {_n(value)}) ÷ ({_n(limit)} - {_n(target)}) = {_n(earned)}",
                   words=_w("linear.between_down", e=earned, **common))


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
    # In words the ratio is written as the division it is: campus ÷ HQ, or HQ ÷ campus when lower is better.
    up = direction != "lower"
    common: dict[str, object] = {"a_who": "@own" if up else "@hq", "a": value if up else hq_value,
                                 "b_who": "@hq" if up else "@own", "b": hq_value if up else value,
                                 "ratio": ratio, "full": rule.full_ratio, "zero": rule.zero_ratio, "p": points}
    if math.isinf(ratio):
        return Outcome(points, f"ratio {expr} = {shown} >= {_n(rule.full_ratio)} -> {_n(points)}",
                       words=_w("relative.unbounded", **common))
    if _ge(ratio, rule.full_ratio):
        return Outcome(points, f"ratio {expr} = {shown} >= {_n(rule.full_ratio)} -> {_n(points)}",
                       words=_w("relative.met", **common))
    if _ge(rule.zero_ratio, ratio):
        return Outcome(0.0, f"ratio {expr} = {shown} <= {_n(rule.zero_ratio)} -> 0",
                       words=_w("relative.zero", **common))
    earned = _f(_d(points) * (_d(ratio) - _d(rule.zero_ratio)) / (_d(rule.full_ratio) - _d(rule.zero_ratio)))
    if rule.zero_ratio == 0:
        return Outcome(earned, f"ratio {expr} = {shown}; {_n(points)} × {shown} ÷ {_n(rule.full_ratio)} = {_n(earned)}",
                       words=_w("relative.partial", e=earned, **common))
    return Outcome(earned, f"ratio {expr} = {shown}; {_n(points)} × ({shown} - {_n(rule.zero_ratio)}) ÷ "
                           f"({_n(rule.full_ratio)} - {_n(rule.zero_ratio)}) = {_n(earned)}",
                   words=_w("relative.partial_zero", e=earned, **common))


def _change(rule: r.ChangeVsPrevious, direction: str, value: float, points: float, previous: float) -> Outcome:
    gain = _f(_d(value) - _d(previous) if direction == "higher" else _d(previous) - _d(value))
    word = "rise" if direction == "higher" else "fall"
    need = _f(_d(rule.min_change) * abs(_d(previous)) if rule.relative else _d(rule.min_change))
    if need > 0:
        ok = _ge(gain, need)
        cond = f"{word} {_n(gain)} {'>=' if ok else '<'} {_n(need)}"
    else:
        ok = gain > 0 or (rule.allow_equal and gain == 0)
        cond = f"{word} {_n(gain)} {'>' if gain > 0 else ('=' if gain == 0 else '<')} 0"
    earned = points if ok else 0.0
    moved = _d(value) - _d(previous)
    went = "words.moved.up" if moved > 0 else "words.moved.down" if moved < 0 else "words.moved.same"
    wanted = "words.want.up" if direction == "higher" else "words.want.down"
    key = ("change." + ("ok" if ok else "fail") + ("_by" if need > 0 else "_eq" if rule.allow_equal else ""))
    return Outcome(earned, f"{_n(previous)} -> {_n(value)}: {cond} -> {_n(earned)}",
                   words=_w(key, prev=previous, v=value, went=went, wanted=wanted, need=need, p=points))
