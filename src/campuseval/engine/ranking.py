"""Ranks from totals: by total or by rate, ties shared (1, 1, 3), units without enough data set apart."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from campuseval.results import CampusScore


def rate(total: float, max_total: float) -> Fraction | None:
    """total / max_total exactly (from the decimal text of both), so equal rates tie without float noise."""
    if max_total <= 0:
        return None
    return Fraction(Decimal(repr(total))) / Fraction(Decimal(repr(max_total)))


def _key(c: CampusScore, by: str, rank_on: str) -> Fraction:
    # rank_on unrounded: the total before its final rounding (already cleaned of float noise), so two
    # campuses shown with equal totals can still be told apart, as an index may ask.
    total = c.total_unrounded if rank_on == "unrounded" and c.total_unrounded is not None else c.total
    if by == "rate":
        r = rate(total, c.max_total)
        return r if r is not None else Fraction(0)
    return Fraction(Decimal(repr(total)))


def _competition(group: list[CampusScore], by: str, rank_on: str, start: int) -> None:
    """1 + the number ranked strictly above; one sort, so n log n however many units there are."""
    keys = {id(c): _key(c, by, rank_on) for c in group}
    ordered = sorted(group, key=lambda c: keys[id(c)], reverse=True)
    previous: Fraction | None = None
    rank = start
    for i, c in enumerate(ordered):
        key = keys[id(c)]
        if key != previous:
            rank = start + i
            previous = key
        c.rank = rank


def rank(scores: list[CampusScore], by: str = "rate", insufficient: str = "unranked",
         rank_on: str = "rounded") -> None:
    """Set rank (and rate) on every campus: scored ones first; then, if the table says so, the insufficient."""
    for c in scores:
        r = rate(c.total, c.max_total)
        c.rate = float(r) if r is not None else None
        c.rank = None
    scored = [c for c in scores if c.status == "scored"]
    _competition(scored, by, rank_on, 1)
    if insufficient == "last":
        _competition([c for c in scores if c.status == "insufficient_data"], by, rank_on, len(scored) + 1)
