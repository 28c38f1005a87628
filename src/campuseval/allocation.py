"""Funding by result: share a pool among the campuses to the fen, summing exactly to the pool; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from campuseval.config.allocation import Allocation, Tier
from campuseval.results import AllocationOut, AllocationRow, CampusScore, Text

FEN = 100  # fen per yuan


@dataclass(frozen=True)
class Claim:
    """What a campus brings to the division: its id, name, total and rank (None when unranked)."""

    campus: str
    name: Text
    total: float
    rank: int | None
    status: str = "scored"  # insufficient_data or not_evaluated: no result to pay on


def _exact(x: float) -> Fraction:
    # Totals are decimals rounded half-up at the table's places; take them as written, not as binary floats.
    return Fraction(Decimal(repr(x)))


def _yuan(fen: int) -> float:
    return float(Decimal(fen) / FEN)


def _tier_of(spec: Allocation, c: Claim) -> Tier | None:
    if spec.by == "band":
        fits = [t for t in spec.tiers if t.min_total is not None and _exact(c.total) >= _exact(t.min_total)]
        return max(fits, key=lambda t: t.min_total or 0.0, default=None)
    if c.rank is None:
        return None
    fits = [t for t in spec.tiers if t.max_rank is not None and c.rank <= t.max_rank]
    return min(fits, key=lambda t: t.max_rank or 0, default=None)


def _weight(spec: Allocation, c: Claim) -> tuple[Fraction, Tier | None, bool]:
    """The campus's claim on the pool, its tier, and whether it qualifies at all."""
    if c.rank is None or c.status != "scored":  # too little data: its total is not a result to pay on
        return Fraction(0), None, False
    if spec.min_total is not None and _exact(c.total) < _exact(spec.min_total):
        return Fraction(0), None, False
    if spec.method == "proportional":
        w = max(_exact(c.total), Fraction(0))
        return w, None, w > 0
    if spec.method == "above_floor":
        w = max(_exact(c.total) - _exact(spec.floor or 0.0), Fraction(0))
        return w, None, w > 0
    tier = _tier_of(spec, c)
    return (_exact(tier.weight), tier, True) if tier is not None else (Fraction(0), None, False)


def largest_remainder(pool_fen: int, weights: list[Fraction], order: list[int]) -> list[int]:
    """Split `pool_fen` in proportion to `weights`, in whole fen, summing exactly to the pool.

    Each share is floored; the fen left over go one each to the largest remainders, ties broken
    by `order` (a position per entry: lower first). All weights zero gives all zeros.
    """
    total = sum(weights, Fraction(0))
    if total == 0:
        return [0 for _ in weights]
    quotas = [pool_fen * w / total for w in weights]
    shares = [q.numerator // q.denominator for q in quotas]
    left = pool_fen - sum(shares)
    ranked = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - shares[i]), order[i]))
    for i in ranked[:left]:
        shares[i] += 1
    return shares


def allocate_pool(spec: Allocation, claims: list[Claim]) -> AllocationOut:
    """Each campus's amount under `spec`; the amounts sum to the pool unless no campus qualifies."""
    pool_fen = int(Decimal(repr(spec.pool)) * FEN)
    sized = [_weight(spec, c) for c in claims]
    weights = [w for w, _, _ in sized]
    # Ties on the remainder go to the better rank, then the campus listed first.
    order = sorted(range(len(claims)), key=lambda i: (claims[i].rank is None, claims[i].rank or 0, i))
    position = {i: n for n, i in enumerate(order)}
    fen = largest_remainder(pool_fen, weights, [position[i] for i in range(len(claims))])
    total_w = sum(weights, Fraction(0))
    rows = []
    for c, (w, tier, ok), f in zip(claims, sized, fen, strict=True):
        arithmetic = ""
        if total_w > 0 and w > 0:
            quota = Fraction(pool_fen, FEN) * w / total_w
            arithmetic = (f"{_num(Fraction(spec.pool))} × {_num(w)} ÷ {_num(total_w)} = {float(quota):.4f}"
                          f" -> {_yuan(f):.2f}")
        rows.append(AllocationRow(
            campus=c.campus, name=c.name, total=c.total, rank=c.rank, qualified=ok and w > 0,
            tier=Text(zh=tier.name.zh, en=tier.name.en or tier.name.zh) if tier is not None and tier.name else None,
            weight=float(w), amount=_yuan(f), arithmetic=arithmetic))
    unit = spec.unit
    return AllocationOut(
        pool=spec.pool, method=spec.method, floor=spec.floor, min_total=spec.min_total, by=spec.by,
        unit=Text(zh=unit.zh, en=unit.en or unit.zh) if unit else Text(zh="元", en="yuan"),
        rows=rows, undistributed=_yuan(pool_fen - sum(fen)))


def _num(x: Fraction) -> str:
    return f"{float(x):.10g}"


def allocate_results(spec: Allocation, campuses: list[CampusScore]) -> AllocationOut:
    """The allocation for scored campuses, in the order given."""
    return allocate_pool(spec, [Claim(c.id, c.name, c.total, getattr(c, "rank", None), getattr(c, "status", "scored"))
                                for c in campuses])
