"""Totals of a perturbed table without re-reading the data: the engine's rule functions and rounding, reused.

Sensitivity scores thousands of perturbed tables. Only the effective maxima and some targets change between
runs; each campus's values, HQ values, previous values and flags stay those of the plain scoring. This module
re-scores from those with the engine's own `score_rule`, `round_half_up`, `clean` and ranking order. It
applies only to tables and campuses where nothing else moves (no re-weighted or not-applicable indicators, no
bonus or veto); `plan` returns None otherwise and the caller re-scores with the engine. The caller also
checks, on every run of a sample, that these totals and ranks equal the engine's (tests check many more).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from campuseval.config.effective import EffectiveTable
from campuseval.config.models import TargetRange
from campuseval.engine.rules import score_rule
from campuseval.results import Results
from campuseval.rounding import clean, round_half_up

# Flags after which an indicator earns nothing whatever its weight (missing under the zero policy).
ZERO_FLAGS = frozenset({"missing", "not_computable", "hq_missing", "previous_missing"})
# Flags that change a campus's maxima or put the indicator outside the arithmetic below.
UNSUPPORTED_FLAGS = frozenset({"reweighted", "not_applicable", "veto"})


@dataclass(frozen=True)
class _Cell:
    """One campus and scored indicator: what the rule needs, or None when it earns 0."""

    n: int  # position of the indicator in eff.indicators
    value: float | None
    hq_value: float | None
    previous_value: float | None
    target: float | TargetRange | None  # the campus's own target, as the engine passes it
    scaled: bool  # the target moves with the run's factor (a TARGET_RULES rule)
    zero: bool


@dataclass(frozen=True)
class Plan:
    """Everything fixed across runs: per campus its scored cells, and the parts."""

    ids: tuple[str, ...]
    cells: tuple[tuple[_Cell, ...], ...]
    # Per part with a minimum coverage: its code, the floor, and its scored indicators' positions.
    floors: tuple[tuple[str, float, tuple[int, ...]], ...] = ()


def plan(eff: EffectiveTable, plain: Results, target_rules: frozenset[str]) -> Plan | None:
    """The fixed part of every run, or None when the table or a campus needs the engine's full path."""
    table = eff.table
    if any(i.spec.rule.type in ("bonus", "veto") for i in eff.indicators):
        return None
    # Only a plain sum of the parts, ranked on the rounded totals, with every campus ranked and one maximum
    # for all (so ranking by rate and by total agree) is reproduced here.
    if getattr(table, "aggregation", "additive") != "additive" or getattr(table, "rank_on", "rounded") != "rounded":
        return None
    if any(getattr(c, "status", "scored") != "scored" for c in plain.campuses):
        return None
    if len({c.max_total for c in plain.campuses}) > 1:
        return None
    # Coverage (a share of the perturbed maxima) is checked run by run: see `covered`.
    position = {i.code: n for n, i in enumerate(eff.indicators)}
    cells = []
    for c in plain.campuses:
        row = []
        for ind in c.indicators:
            n = position[ind.code]
            eff_ind = eff.indicators[n]
            if not eff_ind.scored:
                continue
            if UNSUPPORTED_FLAGS & set(ind.flags):
                return None
            zero = bool(ZERO_FLAGS & set(ind.flags)) or ind.value is None
            row.append(_Cell(n, ind.value, ind.hq_value, ind.previous_value, eff_ind.target_for(c.id),
                             eff_ind.spec.rule.type in target_rules, zero))
        cells.append(tuple(row))
    floors = []
    for part in eff.parts:
        floor = part.min_coverage if getattr(part, "min_coverage", None) is not None else \
            getattr(table, "min_coverage", 0.0)
        if floor:
            floors.append((part.code, float(floor), tuple(n for n, i in enumerate(eff.indicators)
                                                         if i.spec.part == part.code and i.scored)))
    return Plan(tuple(c.id for c in plain.campuses), tuple(cells), tuple(floors))


def covered(eff: EffectiveTable, p: Plan, maxima: dict[str, float]) -> bool:
    """Whether every campus keeps each part's minimum coverage under these maxima, as the engine measures it
    (the share of the part's maxima whose value could be used); when not, the run goes to the engine."""
    for row in p.cells:
        lacking = {cell.n for cell in row if cell.zero}
        if not lacking:
            continue
        for _, floor, members in p.floors:
            nominal = sum((clean(maxima[eff.indicators[n].code]) for n in members), start=clean(0.0))
            if nominal <= 0:
                continue
            usable = sum((clean(maxima[eff.indicators[n].code]) for n in members if n not in lacking),
                         start=clean(0.0))
            if float(usable / nominal) < floor:
                return False
    return True


def _scaled(t: float | TargetRange | None, k: float) -> float | TargetRange | None:
    if t is None or k == 1.0:
        return t
    if isinstance(t, TargetRange):
        return TargetRange(min=None if t.min is None else t.min * k, max=None if t.max is None else t.max * k)
    return t * k


def totals(eff: EffectiveTable, p: Plan, maxima: dict[str, float], target_k: np.ndarray) -> list[float]:
    """Each campus's total under the given maxima and target factors, as the engine computes it:
    the rule at the indicator's own points, scaled to its maximum, rounded half-up at the indicator
    places; parts summed as decimals; the total rounded at the total places."""
    places, total_places = eff.table.rounding.indicator, eff.table.rounding.total
    out = []
    for row in p.cells:
        got = clean(0.0)
        for cell in row:
            ind = eff.indicators[cell.n]
            if cell.zero or cell.value is None:
                continue  # 0 points, whatever the maximum
            spec = ind.spec
            target = _scaled(cell.target, float(target_k[cell.n])) if cell.scaled else cell.target
            outcome = score_rule(spec.rule, spec.direction, cell.value, spec.points, target, cell.hq_value,
                                 cell.previous_value)
            earned = outcome.points if outcome.points is not None else 0.0
            own, new_max = spec.points, maxima[ind.code]
            if own > 0 and not math.isclose(new_max, own):
                earned = float(clean(earned) * clean(new_max) / clean(own))
            got += clean(round_half_up(earned, places))
        out.append(round_half_up(float(got), total_places))
    return out


def competition_ranks(values: list[float]) -> list[int]:
    """1, 2, 2, 4 by total, highest first: the engine's ranking."""
    return [1 + sum(1 for o in values if o > v) for v in values]
