"""Half-up rounding (四舍五入) that first strips binary float noise, so 28.5 -> 29 and 0.125 -> 0.13."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

# 15 significant digits is what a double holds reliably: 57/200*100 is 28.499999999999996
# in binary but 28.5 to 15 digits, which is the value the user typed and means.
_SIGNIFICANT = 15


def clean(x: float) -> Decimal:
    """The decimal a float stands for, with representation noise beyond 15 digits removed."""
    return Decimal(format(x, f".{_SIGNIFICANT}g"))


def round_half_up(x: float, places: int) -> float:
    """Round `x` half away from zero at `places` decimals (四舍五入), as a float."""
    if x != x or x in (float("inf"), float("-inf")):
        return x
    quantum = Decimal(1).scaleb(-places)
    return float(clean(x).quantize(quantum, rounding=ROUND_HALF_UP))
