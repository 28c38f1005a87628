"""Half-up rounding (四舍五入) that first strips binary float noise, so 28.5 -> 29 and 0.125 -> 0.13."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal

# 15 significant digits is what a double holds reliably: 57/200*100 is 28.499999999999996
# in binary but 28.5 to 15 digits, which is the value the user typed and means.
_SIGNIFICANT = 15
_WIDE = Context(prec=80)


def clean(x: float) -> Decimal:
    """The decimal a float stands for, with representation noise beyond 15 digits removed."""
    return Decimal(format(x, f".{_SIGNIFICANT}g"))


def round_half_up(x: float, places: int) -> float:
    """Round `x` half away from zero at `places` decimals (四舍五入), as a float."""
    if x != x or x in (float("inf"), float("-inf")):
        return x
    quantum = Decimal(1).scaleb(-places)
    # Inputs are bounded where they are read (data 1e15, configs 1e9); the wide context only keeps a
    # product of bounded numbers (up to ~1e48) from raising InvalidOperation in quantize.
    return float(clean(x).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE))
