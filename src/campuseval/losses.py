"""Where each campus lost its points (主要失分): per indicator, with the reason, summing exactly to maximum - total."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from campuseval.results import CampusScore, IndicatorScore, Text
from campuseval.rounding import clean, round_half_up

# Why points were lost, as catalog keys under loss.reason.*; the order a reader meets them in the table.
REASONS = ("missing", "veto", "hq_gap", "change_up", "change_down", "change_same", "below_target",
           "not_applicable", "bonus", "rounding")
_MISSING = ("missing", "not_computable", "hq_missing", "previous_missing")


@dataclass(frozen=True)
class Loss:
    """Points one indicator (or the veto, bonus or total rounding) took off a campus's maximum.

    `lost` is negative for a bonus, which adds to the total. `words` is the indicator's arithmetic.
    """

    code: str
    name: Text | None
    lost: float
    reason: str
    words: Text | None = None


def reason_of(ind: IndicatorScore) -> str:
    """The reason an indicator fell short of its maximum, from its flags and rule."""
    if set(ind.flags) & set(_MISSING):
        return "missing"
    if "not_applicable" in ind.flags:
        return "not_applicable"
    if ind.rule == "relative_to_hq":
        return "hq_gap"
    if ind.rule == "change_vs_previous" and ind.value is not None and ind.previous_value is not None:
        moved = clean(ind.value) - clean(ind.previous_value)
        return "change_up" if moved > 0 else "change_down" if moved < 0 else "change_same"
    return "below_target"


def lost_points(c: CampusScore, total_places: int = 2) -> list[Loss]:
    """Every loss of `c`, largest first (ties in table order), adding up exactly to max_total - total.

    Scored indicators lose max_points - points; a bonus gives points back (a negative loss); a veto
    takes what it cut from the total; rounding the total at `total_places` may move it by a rounding
    step. Indicators that lost nothing are left out.
    """
    out: list[Loss] = []
    if c.status == "not_evaluated":  # not scored at all: nothing was lost, and its page says why
        return out
    # A part set aside for too little data counts in neither the total nor the maximum: its
    # indicators lost nothing of max_total.
    set_aside = {p.code for p in c.parts if not p.scored}
    for ind in c.indicators:
        if not ind.scored or ind.points is None or ind.part in set_aside:
            continue
        lost = clean(ind.max_points) - clean(ind.points)
        if lost != 0:
            out.append(Loss(ind.code, ind.name, float(lost), reason_of(ind), ind.trace.words))
    out.sort(key=lambda x: -x.lost)  # stable: equal losses keep the table's order
    parts = sum((clean(p.score) for p in c.parts if p.scored), start=Decimal(0))
    if c.bonus:
        out.append(Loss(_code(c, "bonus"), None, -c.bonus, "bonus"))
    before_veto = Decimal(repr(round_half_up(float(parts + clean(c.bonus)), total_places)))
    unrounded = parts + clean(c.bonus)
    if before_veto != unrounded:
        out.append(Loss("", None, float(unrounded - before_veto), "rounding"))
    if c.veto and clean(c.total) != before_veto:
        out.append(Loss(c.veto, None, float(before_veto - clean(c.total)), "veto"))
    return out


def _code(c: CampusScore, rule: str) -> str:
    return ", ".join(i.code for i in c.indicators if i.rule == rule and i.points)
