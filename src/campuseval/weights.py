"""Effective points: scaling raw points to a part's points and allocating them exactly at the rounding places."""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from campuseval.rounding import clean


def allocate(raw: list[float], total: float, places: int) -> list[float]:
    """Scale `raw` to sum to `total` and round each share to `places` so the shares still sum to `total`.

    Largest-remainder (Hamilton) allocation: each share is floored at `places`, and the
    units left over go to the largest remainders, earlier entries first on ties. Without
    it, dropping C4 (4 of 30 points) would give C1-C3 10.38 + 10.38 + 9.23 = 29.99 and a
    perfect campus could not reach full marks.
    """
    if not raw:
        return []
    raw_sum = sum(clean(r) for r in raw)
    if raw_sum == 0:
        return [0.0 for _ in raw]
    unit = Decimal(1).scaleb(-places)
    target = clean(total).quantize(unit, rounding=ROUND_HALF_UP)
    exact = [clean(r) * target / raw_sum for r in raw]
    floors = [e.quantize(unit, rounding=ROUND_FLOOR) for e in exact]
    left = int(((target - sum(floors)) / unit).to_integral_value())
    order = sorted(range(len(raw)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:left]:
        floors[i] += unit
    return [float(f) for f in floors]
