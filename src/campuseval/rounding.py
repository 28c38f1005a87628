"""Half-up rounding (四舍五入) that first strips binary float noise, so 28.5 -> 29 and 0.125 -> 0.13."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Context, Decimal

# 15 significant digits is what a double holds reliably: 57/200*100 is 28.499999999999996
# in binary but 28.5 to 15 digits, which is the value the user typed and means.
_SIGNIFICANT = 15
_WIDE = Context(prec=80)
_SCALE = [10.0**p for p in range(16)]


def clean(x: float) -> Decimal:
    """The decimal a float stands for, with representation noise beyond 15 digits removed."""
    return Decimal(format(x, f".{_SIGNIFICANT}g"))


def near_tie(x: float, places: int) -> bool:
    """Whether `x` lies so close to a half of the last place that float noise could decide its rounding.

    Stripping noise to 15 significant digits moves a value by at most 5e-15 of itself; the float product
    |x| * 10**places adds a few ulps more. A value whose scaled fraction is further than max(1e-9, 1e-13 of
    it) from .5 rounds the same before and after cleaning, so only those within need Decimal.
    """
    r = abs(x) * (_SCALE[places] if 0 <= places < 16 else 10.0**places)
    if r >= 4503599627370496.0:  # 2**52: no fraction left to tell
        return True
    f = r - int(r) - 0.5
    return -1e-9 <= f <= 1e-9 or abs(f) <= r * 1e-13


def round_half_up(x: float, places: int) -> float:
    """Round `x` half away from zero at `places` decimals (四舍五入), as a float."""
    if not math.isfinite(x):
        return x
    if places >= 0 and not near_tie(x, places):
        # Not near a tie (see near_tie): the cleaned decimal and the float round to the same digits, and
        # round() gives the float nearest those digits (correctly rounded, as float(Decimal) is).
        return round(x, places)
    quantum = Decimal(1).scaleb(-places)
    # Inputs are bounded where they are read (data 1e15, configs 1e9); the wide context only keeps a
    # product of bounded numbers (up to ~1e48) from raising InvalidOperation in quantize.
    return float(clean(x).quantize(quantum, rounding=ROUND_HALF_UP, context=_WIDE))
