"""Rank robustness: Monte Carlo over weights and targets, and the drop-one view, re-scored by the engine."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from types import MappingProxyType

import numpy as np

from campuseval.config.effective import EffectiveTable, build
from campuseval.config.models import Indicator, TargetRange
from campuseval.config.peryear import concrete, for_year
from campuseval.data.dataset import Dataset
from campuseval.engine.score import pick_year, score
from campuseval.errors import Location, UsageError, diag
from campuseval.results import Results
from campuseval.weights import allocate

# Rules whose target is a threshold that can move freely: scaling it keeps the rule well-formed.
# linear_band is left out (a target moved past its `limit` would invert the band), and rules that
# compare with HQ or the previous year have no target to move.
TARGET_RULES = frozenset({"target_pro_rata", "cap_pro_rata", "deduct_per_unit", "meets_target", "within_range"})
MAX_RUNS = 100_000  # bounded time: at a few ms a run, more is a mistake, not a wish
MAX_VARIATION = 0.9  # a weight or target may not reach zero or flip sign


@dataclass(frozen=True)
class Variation:
    """How far each setting may move, as a fraction: weights ±20% and targets ±10% by default."""

    part_weights: float = 0.20
    indicator_weights: float = 0.20
    targets: float = 0.10


def check_settings(runs: int, variation: Variation) -> None:
    """UsageError for a run count or variation outside the bounds, naming the option."""
    if not 1 <= runs <= MAX_RUNS:
        raise UsageError([diag(Location(path="--runs"), "sens.bad_runs", max=MAX_RUNS, value=runs)])
    for option, v in (("--weights", variation.part_weights), ("--indicator-weights", variation.indicator_weights),
                      ("--targets-variation", variation.targets)):
        if not 0 <= v <= MAX_VARIATION:
            raise UsageError([diag(Location(path=option), "sens.bad_variation", value=v, max=MAX_VARIATION)])


# ---------------------------------------------------------------- perturbed tables


def rebuild(eff: EffectiveTable, specs: list[Indicator], part_points: dict[str, float] | None = None,
            campus_targets: dict[str, dict[str, float | TargetRange]] | None = None) -> EffectiveTable:
    """The effective table again from (changed) indicator specs and part points, as the loader builds it."""
    table = eff.table
    if part_points is not None:
        table = table.model_copy(update={"parts": [p.model_copy(update={"points": part_points[p.code]})
                                                   for p in table.parts]})
    kept = {s.code for s in specs}
    old = {i.code: i for i in eff.indicators}
    return build(
        table, specs, list(eff.raw_fields), reweight=eff.reweight, missing=eff.missing,
        campus_targets=campus_targets if campus_targets is not None else {
            c: dict(old[c].campus_targets) for c in kept},
        origins={c: old[c].origin for c in kept}, changes={c: list(old[c].changes) for c in kept},
        campuses=eff.campuses, locality=eff.locality, years=eff.years, dropped=eff.dropped, sources=eff.sources,
        allocation=eff.allocation)


def _scale_target(t: float | TargetRange | None, k: float) -> float | TargetRange | None:
    if t is None:
        return None
    if isinstance(t, TargetRange):
        return TargetRange(min=None if t.min is None else t.min * k, max=None if t.max is None else t.max * k)
    return t * k


def _maxima(eff: EffectiveTable, part_k: np.ndarray, ind_k: np.ndarray) -> tuple[dict[str, float], dict[str, float]]:
    """Part points × part_k renormalised to the table's total, and each scored indicator's effective maximum
    × ind_k renormalised to its part's new points; both at the indicator rounding places, summing exactly."""
    places = eff.table.rounding.indicator
    parts = eff.effective_parts()
    total = sum(p.points for p in parts)
    new_parts = allocate([p.points * float(k) for p, k in zip(parts, part_k, strict=True)], total, places)
    part_points = {p.code: v for p, v in zip(parts, new_parts, strict=True)}
    maxima = {i.code: i.points for i in eff.indicators}
    for part in parts:
        members = [n for n, i in enumerate(eff.indicators) if i.spec.part == part.code and i.scored]
        if not members:
            continue
        raw = [eff.indicators[n].points * float(ind_k[n]) for n in members]
        shares = allocate(raw, part_points[part.code], places)
        maxima.update({eff.indicators[n].code: v for n, v in zip(members, shares, strict=True)})
    return part_points, maxima


def perturb(eff: EffectiveTable, part_k: np.ndarray, ind_k: np.ndarray, target_k: np.ndarray) -> EffectiveTable:
    """The table with each part's points × part_k renormalised to the table's total, each indicator's effective
    maximum × ind_k renormalised to its part's new points, and targets × target_k; factors of 1 change nothing.

    Weights move the effective maxima, not the indicators' own points: rules with absolute amounts (bands,
    deductions) keep their meaning, and the engine scales what they earn to the new maximum as it does
    for a district's drop. (For a campus whose missing values are re-weighted, the engine shares the part
    by the table's own points, so within such a part only the part's weight varies for that campus.)
    """
    part_points, maxima = _maxima(eff, part_k, ind_k)
    indicators = []
    for n, ind in enumerate(eff.indicators):
        k = float(target_k[n]) if ind.spec.rule.type in TARGET_RULES else 1.0
        changed = replace(ind, points=maxima[ind.code])
        if k != 1.0:
            # concrete(): the table was resolved to the year (for_year), so no target is per year here.
            per_campus = {c: _scale_target(concrete(v), k) for c, v in ind.campus_targets.items()}
            changed = replace(changed, spec=ind.spec.model_copy(
                update={"target": _scale_target(concrete(ind.spec.target), k)}),
                              campus_targets=MappingProxyType({c: v for c, v in per_campus.items() if v is not None}))
        indicators.append(changed)
    new_part_models = tuple(p.model_copy(update={"points": part_points[p.code]}) for p in eff.parts)
    return replace(eff, parts=new_part_models, indicators=tuple(indicators))


# ---------------------------------------------------------------- results


@dataclass(frozen=True)
class CampusRobustness:
    """One campus over the runs: the plain rank, the median, the 5-95% interval and the chance of each rank."""

    id: str
    name_zh: str
    name_en: str
    plain_rank: int | None
    plain_total: float
    median: float | None
    p5: int | None
    p95: int | None
    low: int | None  # p5, widened to the plain rank when needed (ties at the table's own weights)
    high: int | None
    chance: tuple[float, ...]  # chance[r-1]: share of runs in which the campus ranked r
    unranked: float  # share of runs in which the campus had no rank

    def name(self, lang: str) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class DropOne:
    """Ranks and totals when one indicator is dropped (its points going to the rest of its part)."""

    code: str
    name_zh: str
    name_en: str
    ranks: dict[str, int | None]  # campus id -> rank; empty when the drop is impossible
    totals: dict[str, float]
    possible: bool  # False for the only scored indicator of its part


@dataclass(frozen=True)
class Sensitivity:
    """The whole analysis: settings, per-campus robustness (plain rank order) and the drop-one view."""

    year: int
    runs: int
    seed: int
    variation: Variation
    campuses: tuple[CampusRobustness, ...]
    drop_one: tuple[DropOne, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year, "runs": self.runs, "seed": self.seed,
            "variation": {"part_weights": self.variation.part_weights,
                          "indicator_weights": self.variation.indicator_weights,
                          "targets": self.variation.targets},
            "campuses": [{
                "id": c.id, "name": {"zh": c.name_zh, "en": c.name_en}, "plain_rank": c.plain_rank,
                "plain_total": c.plain_total, "median_rank": c.median, "p5": c.p5, "p95": c.p95,
                "interval": [c.low, c.high], "chance": {str(r): p for r, p in enumerate(c.chance, start=1)},
                "unranked": c.unranked,
            } for c in self.campuses],
            "drop_one": [{"indicator": d.code, "name": {"zh": d.name_zh, "en": d.name_en}, "possible": d.possible,
                          "ranks": d.ranks, "totals": d.totals} for d in self.drop_one],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _ranks(res: Results) -> dict[str, int | None]:
    return {c.id: getattr(c, "rank", None) for c in res.campuses}


def simulate(eff: EffectiveTable, data: Dataset, *, year: int | None = None, runs: int = 1000, seed: int = 1,
             variation: Variation | None = None, engine_only: bool = False) -> Sensitivity:
    """Score `runs` perturbed tables drawn with `seed`; the same inputs and seed give the same result.

    Each run is the engine's scoring of the perturbed table (`perturb`). Where nothing but the maxima and
    targets moves, sensitivity_fast gives the same totals from the plain run's values with the engine's own
    rule functions, checked against the engine on the plain table and the first runs; `engine_only`
    re-scores every run with the engine."""
    variation = variation or Variation()
    check_settings(runs, variation)
    year = pick_year(eff, data, year)
    eff = for_year(eff, year)  # targets given per year: perturb the year's own, as score() would use them
    plain = score(eff, data, year=year, previous=False)
    rng = np.random.default_rng(seed)
    n_parts, n_ind = len(eff.table.parts), len(eff.indicators)
    # Every draw made up front, in one order: the result depends on the seed alone.
    part_k = 1 + variation.part_weights * rng.uniform(-1, 1, (runs, n_parts))
    ind_k = 1 + variation.indicator_weights * rng.uniform(-1, 1, (runs, n_ind))
    target_k = 1 + variation.targets * rng.uniform(-1, 1, (runs, n_ind))
    ids = [c.id for c in plain.campuses]
    ranks = np.zeros((runs, len(ids)), dtype=np.int64)  # 0: unranked
    fast = None if engine_only else _fast_scorer(eff, data, year, plain, part_k, ind_k, target_k)
    for r in range(runs):
        if fast is not None:
            ranks[r] = fast(r)
            continue
        got = _ranks(score(perturb(eff, part_k[r], ind_k[r], target_k[r]), data, year=year, previous=False))
        ranks[r] = [got.get(i) or 0 for i in ids]
    return Sensitivity(year, runs, seed, variation, _summarise(plain, ids, ranks))


CHECKED_RUNS = 5  # runs re-scored by the engine too before the fast path is trusted for the rest


def _fast_scorer(eff: EffectiveTable, data: Dataset, year: int, plain: Results, part_k: np.ndarray,
                 ind_k: np.ndarray, target_k: np.ndarray) -> Callable[[int], list[int]] | None:
    """Ranks of run r from sensitivity_fast, when it applies and agrees with the engine on the plain table
    and on the first runs; None to re-score every run with the engine."""
    from campuseval.sensitivity_fast import competition_ranks, covered, plan, totals

    p = plan(eff, plain, TARGET_RULES)
    if p is None:
        return None

    def ranks_of(r: int) -> tuple[list[float], list[int]]:
        _, maxima = _maxima(eff, part_k[r], ind_k[r])
        if not covered(eff, p, maxima):  # a campus falls below a part's minimum coverage: the engine decides
            engine = score(perturb(eff, part_k[r], ind_k[r], target_k[r]), data, year=year, previous=False)
            got = _ranks(engine)
            return [c.total for c in engine.campuses], [got.get(i) or 0 for i in p.ids]
        t = totals(eff, p, maxima, target_k[r])
        return t, competition_ranks(t)

    ones_p, ones_i = np.ones(len(eff.table.parts)), np.ones(len(eff.indicators))
    plain_totals = totals(eff, p, _maxima(eff, ones_p, ones_i)[1], ones_i)
    if plain_totals != [c.total for c in plain.campuses] or \
            competition_ranks(plain_totals) != [_ranks(plain)[i] for i in p.ids]:
        return None
    for r in range(min(CHECKED_RUNS, len(part_k))):
        engine = score(perturb(eff, part_k[r], ind_k[r], target_k[r]), data, year=year, previous=False)
        t, rk = ranks_of(r)
        if t != [c.total for c in engine.campuses] or rk != [_ranks(engine)[i] for i in p.ids]:
            return None
    return lambda r: ranks_of(r)[1]


def _summarise(plain: Results, ids: list[str], ranks: np.ndarray) -> tuple[CampusRobustness, ...]:
    runs, n = ranks.shape
    out = []
    by_id = {c.id: c for c in plain.campuses}
    for j, cid in enumerate(ids):
        c = by_id[cid]
        col = ranks[:, j]
        ranked = col[col > 0]
        plain_rank = getattr(c, "rank", None)
        if ranked.size:
            median = float(np.median(ranked))
            p5 = int(np.percentile(ranked, 5, method="lower"))
            p95 = int(np.percentile(ranked, 95, method="higher"))
        else:
            median, p5, p95 = None, None, None
        low, high = p5, p95
        if plain_rank is not None:
            low = plain_rank if low is None else min(low, plain_rank)
            high = plain_rank if high is None else max(high, plain_rank)
        chance = tuple(float(np.count_nonzero(col == r)) / runs for r in range(1, n + 1))
        out.append(CampusRobustness(cid, c.name.zh, c.name.en, plain_rank, c.total, median, p5, p95, low, high,
                                    chance, float(np.count_nonzero(col == 0)) / runs))
    out.sort(key=lambda x: (x.plain_rank is None, x.plain_rank or 0, ids.index(x.id)))
    return tuple(out)


def drop_one(eff: EffectiveTable, data: Dataset, *, year: int | None = None) -> tuple[DropOne, ...]:
    """For each indicator that carries points, the ranks with it dropped, as a district's `drop:` would."""
    year = pick_year(eff, data, year)
    eff = for_year(eff, year)
    out = []
    specs = [i.spec for i in eff.indicators]
    for ind in eff.indicators:
        s = ind.spec
        if not s.rule.scored or ind.points <= 0:
            continue
        if not any(o.part == s.part and o.rule.scored and o.code != s.code for o in specs):
            out.append(DropOne(s.code, s.name.zh, s.name.en or s.name.zh, {}, {}, False))
            continue
        res = score(rebuild(eff, [o for o in specs if o.code != s.code]), data, year=year, previous=False)
        out.append(DropOne(s.code, s.name.zh, s.name.en or s.name.zh, _ranks(res),
                           {c.id: c.total for c in res.campuses}, True))
    return tuple(out)


def analyse(eff: EffectiveTable, data: Dataset, *, year: int | None = None, runs: int = 1000, seed: int = 1,
            variation: Variation | None = None) -> Sensitivity:
    """simulate() and drop_one() together: what `campuseval sensitivity` shows."""
    sim = simulate(eff, data, year=year, runs=runs, seed=seed, variation=variation)
    return Sensitivity(sim.year, sim.runs, sim.seed, sim.variation, sim.campuses,
                       drop_one(eff, data, year=sim.year))
