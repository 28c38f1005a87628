"""Combining part scores into a total: additive (their sum) or geometric (a weighted geometric mean)."""

from __future__ import annotations

from decimal import Decimal, localcontext

from campuseval.results import PartScore
from campuseval.rounding import clean

# Decimal's default 28 digits: a non-integer power is correctly rounded there, far below the
# 6 places a total may be rounded to, and the same inputs give the same digits on every machine.
_PRECISION = 28


def additive(parts: list[PartScore]) -> Decimal:
    """Σ part scores."""
    return sum((clean(p.score) for p in parts), start=Decimal(0))


def geometric(parts: list[PartScore]) -> Decimal:
    """T × Π (score ÷ max) ^ (max ÷ T), T = Σ max, over the parts with points; 0 when any part scores 0.

    With parts H, E, I of 100 points each this is 300 × (h/100 · e/100 · i/100)^(1/3): 300 times the
    geometric mean of the three rates. A part whose maximum is 0 has weight 0 and drops out; the
    engine refuses that case before calling (a dimension with no value leaves the index undefined).
    """
    weighted = [p for p in parts if p.max > 0]
    if not weighted:
        return Decimal(0)
    with localcontext() as ctx:
        ctx.prec = _PRECISION
        maxima = [clean(p.max) for p in weighted]
        total = sum(maxima, start=Decimal(0))
        # Parts of equal points share one exponent: multiply their rates first and raise once, since a
        # non-integer Decimal power is the costly step (one for HDI's three equal parts, not three).
        by_weight: dict[Decimal, Decimal] = {}
        for p, top in zip(weighted, maxima, strict=True):
            rate = clean(p.score) / top
            if rate <= 0:  # a zero part zeroes the index: that is what a geometric mean means
                return Decimal(0)
            by_weight[top] = by_weight.get(top, Decimal(1)) * rate
        product = Decimal(1)
        for top, rates in by_weight.items():
            product *= rates ** (top / total)
        return total * product
