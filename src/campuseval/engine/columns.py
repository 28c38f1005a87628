"""The per-column pass: a rule's points for one indicator at every campus at once, with numpy.

engine/rules.py is the reference: one value in, points and the arithmetic out, in Decimal. Here the
rules whose points take Decimal arithmetic at volume (target_pro_rata, cap_pro_rata, linear_band) get
one small vectorised function each: the values, targets and points of a column in, the points (the
partial branch's, before rounding) out, with a mask `exact` of the units whose float result is certain
to give the very same output as the Decimal one. The engine passes those to score_rule as `earned`
(which then skips its Decimal) and lets score_rule compute the rest itself, so the branch taken, the
words and the arithmetic stay those of the reference.

Why the mask makes the float result as good as the Decimal one. The reference cleans each input to 15
significant digits (at most 5e-15 of itself away from the float) and divides in 28 digits; the float
result here is at most a few ulps (1e-15 each) from the float of the same expression. So the two
results differ by at most `err` times the result, err 3e-14 for a product and quotient, more for a
difference of close numbers (linear_band: the error of v - limit, relative to it). Nothing the engine
shows reads the unrounded points beyond this: they are rounded half-up at the indicator's places,
shown at 4 and at max(places, 4) decimals, and compared with their rounding. Where the result at each
of those scales lies further than err (and 1e-9) from a tie (.5 of the last place) and, at the
indicator's places, from a whole step, both results round and read the same. Units nearer than that,
and any re-weighted later (engine/score.py rescales from the exact value), take the Decimal path.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]

_PRODUCT_ERR = 3e-14  # relative error of p * v / t in floats against the Decimal of the cleaned inputs
_CLEAN_ERR = 5e-15  # cleaning to 15 significant digits moves a value by at most this much of itself


def _ge(a: Floats, b: Floats | float) -> Mask:
    """rules._ge over arrays: a >= b once float noise is ignored (math.isclose, rel and abs 1e-12)."""
    with np.errstate(all="ignore"):  # huge or missing (NaN) values compare False, as in rules
        return (a >= b) | (np.abs(a - b) <= np.maximum(1e-12 * np.maximum(np.abs(a), np.abs(b)), 1e-12))


def _clear(earned: Floats, err: Floats | float, places: int) -> Mask:
    """Where `earned` (relative error at most `err`) rounds and reads as the exact result would."""
    ok = np.isfinite(earned) & (np.abs(earned) < 1e9)
    earned = np.where(ok, earned, 0.0)  # the rest is not vouched for: no inf or nan in the arithmetic below
    for k in sorted({4, places, max(places, 4)}):
        r = np.abs(earned) * 10.0**k
        slack = np.maximum(1e-9, r * (err + 1e-13))
        frac = r - np.floor(r)
        ok &= np.abs(frac - 0.5) > slack  # no tie of half-up rounding (or of the 4-decimal trace) near
        if k == places:
            ok &= (frac > slack) & (1.0 - frac > slack)  # not on a whole step: "rounded to" said or not
    return ok


def target_pro_rata(values: Floats, targets: Floats, points: float, places: int) -> tuple[Floats, Mask]:
    """points × max(value, 0) ÷ target below the target (rules: TargetProRata)."""
    with np.errstate(all="ignore"):
        earned = points * np.maximum(values, 0.0) / targets
    partial = (targets > 0) & ~_ge(values, targets)
    return earned, partial & _clear(earned, _PRODUCT_ERR, places)


def cap_pro_rata(values: Floats, targets: Floats, points: float, places: int) -> tuple[Floats, Mask]:
    """points × target ÷ value above the cap (rules: CapProRata)."""
    with np.errstate(all="ignore"):
        earned = points * targets / values
    partial = (values != 0) & ~_ge(targets, values)
    return earned, partial & _clear(earned, _PRODUCT_ERR, places)


def linear_band(values: Floats, targets: Floats, limit: float, points: float, higher: bool,
                places: int) -> tuple[Floats, Mask]:
    """points × (value - limit) ÷ (target - limit) between limit and target, or mirrored when lower is better
    (rules: LinearBand)."""
    top, bottom = (values - limit, targets - limit) if higher else (limit - values, limit - targets)
    with np.errstate(all="ignore"):
        earned = points * top / bottom
        # Cleaning moves each operand by _CLEAN_ERR of itself; a difference of close numbers magnifies that.
        err = (_PRODUCT_ERR + _CLEAN_ERR * (np.abs(values) + abs(limit)) / np.abs(top)
               + _CLEAN_ERR * (np.abs(targets) + abs(limit)) / np.abs(bottom))
    if higher:
        partial = ~_ge(values, targets) & ~_ge(np.full_like(values, limit), values)
    else:
        partial = ~_ge(targets, values) & ~_ge(values, np.full_like(values, limit))
    partial &= (bottom != 0) & np.isfinite(err)
    return earned, partial & _clear(earned, np.where(partial, err, 0.0), places)
