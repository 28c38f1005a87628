"""The scoring engine: an effective table and a dataset in, Results out; no I/O."""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Literal

import numpy as np

from campuseval import __version__, formula
from campuseval.allocation import allocate_results
from campuseval.config.effective import EffectiveTable, EffIndicator
from campuseval.config.models import TargetRange
from campuseval.config.peryear import for_year
from campuseval.config.rules import LinearBand, Qualitative
from campuseval.data.dataset import Dataset, UnitInfo
from campuseval.data.read import unknown_columns_warning
from campuseval.engine import aggregate, columns, explain, plausibility, ranking
from campuseval.engine.completeness import as_diagnostics, header_typos, missing_inputs
from campuseval.engine.homogeneity import gap as homogeneity_gap
from campuseval.engine.method import build_method, target_out, text
from campuseval.engine.rules import Outcome, score_rule
from campuseval.errors import DataError, Diagnostic, Location, UsageError, diag
from campuseval.expert import combine
from campuseval.formatting import num
from campuseval.i18n import t
from campuseval.results import (
    INFORMATIONAL_FLAGS,
    MISSING_FLAGS,
    CampusScore,
    CampusStatus,
    ExpertMarkOut,
    Flag,
    Gap,
    IndicatorScore,
    PartScore,
    RefOut,
    Results,
    SourceOut,
    Text,
    Trace,
)
from campuseval.rounding import clean, round_half_up
from campuseval.weights import allocate
from campuseval.years import check_year

Row = dict[str, float]
_BLOCK = 256  # campuses scored column by column at a time: arrays long enough for numpy, drafts few in memory
CONFLICT_TOLERANCE = 0.005  # a reported rate may be rounded; half a percent of the value is noise, more is not


@dataclass
class Resolved:
    """An indicator's value at one unit and year, and how it was obtained."""

    value: float | None
    source: Literal["reported", "computed", "missing"]
    inputs: dict[str, float | None] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    problem: Flag | None = None  # missing or not_computable
    conflict: bool = False
    domain: formula.NotComputable | None = None  # ln(0) and the like: which function, which argument


@dataclass
class _Draft:
    """An indicator score before per-campus re-weighting and rounding."""

    ind: EffIndicator
    raw_points: float | None  # earned at the default effective points
    excluded: bool  # missing under the reweight policy
    # The IndicatorScore's fields (and under "trace" the Trace's), built into objects once, when final.
    result: dict[str, Any]
    steps: list[explain.Step] = field(default_factory=list)  # the arithmetic in words, rendered at the end
    # Where raw_points came from the per-column pass (engine/columns.py): the reference scoring, for a
    # re-weighting that rescales them (columns vouches for their rounding, not for a rescaled value).
    exact: Callable[[], Outcome] | None = None


class _Context:
    def __init__(self, eff: EffectiveTable, data: Dataset, year: int,
                 lookup: dict[tuple[str, int], Row] | None = None) -> None:
        self.eff = eff
        self.data = data
        self.year = year
        self.lookup = data.lookup() if lookup is None else lookup
        self.formulas = {i.code: formula.parse(i.spec.formula) for i in eff.indicators if i.spec.formula}
        self.fractions = {i.code: f for i in eff.indicators if (f := formula.fraction(i.spec.formula)) is not None}
        self.inputs_of = {code: sorted(parsed.names) for code, parsed in self.formulas.items()}  # trace order
        self.places = eff.table.rounding.indicator
        self.points = {i.code: clean(i.points) for i in eff.indicators}  # each effective maximum as a decimal
        self.names = {i.code: Text(zh=i.spec.name.zh, en=i.spec.name.en or i.spec.name.zh) for i in eff.indicators}
        self.units = {i.code: text(i.spec.unit) for i in eff.indicators}
        self.entity = Text(zh=eff.table.entity.zh, en=eff.table.entity.en or eff.table.entity.zh)
        self.problems: list[Diagnostic] = []
        self.words = True
        self.conflicts: list[Text] = []
        self.not_evaluated: set[str] = set()  # campuses whose own row for the year is absent

    def resolve(self, ind: EffIndicator, unit: str | None, year: int, prefix: str = "") -> Resolved:
        row = self.lookup.get((unit, year)) if unit is not None else None
        if row is None:
            return Resolved(None, "missing", problem="missing")
        code = ind.code
        reported = _present(row.get(code))
        inputs: dict[str, float | None] = {}
        cells: dict[str, str] = {}
        if reported is not None:
            inputs[prefix + code] = reported
            self._cell(unit, year, code, prefix + code, cells)
        parsed = self.formulas.get(code)
        computed: float | None = None
        problem: Flag | None = None
        domain: formula.NotComputable | None = None
        if parsed is not None:
            for name in self.inputs_of[code]:
                inputs[prefix + name] = _present(row.get(name))
                self._cell(unit, year, name, prefix + name, cells)
            try:
                computed = formula_value(parsed, row)
            except formula.NotComputable as exc:
                problem = "not_computable"
                domain = exc if exc.function else None
            except formula.MissingInput:
                problem = "missing"
        if reported is not None:
            conflict = computed is not None and _differs(reported, computed)
            return Resolved(reported, "reported", inputs, cells, conflict=conflict)
        if computed is not None:
            return Resolved(computed, "computed", inputs, cells)
        return Resolved(None, "missing", inputs, cells, problem=problem or "missing", domain=domain)

    def _cell(self, unit: str | None, year: int, fld: str, key: str, cells: dict[str, str]) -> None:
        ref = self.data.refs.get((unit or "", year, fld))
        if ref is not None:
            cells[key] = ref.short()


def _present(v: float | None) -> float | None:
    return None if v is None or v != v else v


def _differs(a: float, b: float) -> bool:
    return abs(a - b) > CONFLICT_TOLERANCE * max(abs(a), abs(b), 1e-12)


def formula_value(parsed: formula.Formula, row: Row) -> float:
    """The formula over one row of raw values, with float noise stripped (15 significant digits)."""
    return float(clean(parsed.evaluate({n: _present(row.get(n)) for n in parsed.names})))


def pick_year(eff: EffectiveTable, data: Dataset, year: int | None) -> int:
    years = data.years()
    if not years:
        raise DataError([diag(Location(file=", ".join(f.path for f in data.files) or None), "data.no_rows",
                              "data.no_rows.hint")])
    if year is None:
        year = max(years)
    elif check_year(year) not in years:
        raise DataError([diag(Location(file=", ".join(f.path for f in data.files)), "data.year_absent",
                              "data.year_absent.hint", year=year, years=", ".join(map(str, years)))])
    if eff.years is not None and year not in eff.years:
        source = eff.sources[-1].path if eff.sources else None
        raise UsageError([diag(Location(file=source), "data.year_not_covered", "data.year_not_covered.hint",
                               year=year, years=", ".join(map(str, eff.years)))])
    return year


def campuses_of(eff: EffectiveTable, data: Dataset) -> list[tuple[UnitInfo, Text]]:
    """The campuses to score with their names: those of the targets file, else those the data describes."""
    if eff.campuses:
        out = []
        for c in eff.campuses:
            info = UnitInfo(c.id, "campus", c.name.zh, c.hq.id if c.hq else None,
                            c.district.id if c.district else None, c.name.en, deadline=c.deadline)
            out.append((info, Text(zh=c.name.zh, en=c.name.en or c.name.zh)))
        return out
    units = sorted((u for u in data.units.values() if u.kind == "campus"), key=lambda u: u.id)
    if not units:
        raise DataError([diag(Location(file=", ".join(f.path for f in data.files)), "data.no_campus",
                              "data.no_campus.hint")])
    return [(u, Text(zh=u.name, en=u.name_en or u.name)) for u in units]


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Scoring builds hundreds of thousands of small dicts and objects and frees none of them: the cyclic
    garbage collector would walk them all again and again (a third of the engine's time) for nothing.
    Paused while scoring, restored after; reference counting frees memory as usual."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            if gc.get_freeze_count() == 0:
                # Straight to the oldest generation: the first collection after enable() would otherwise
                # walk every object of the run at once (a tenth of the engine's time). Only when the
                # program froze nothing itself, whose objects unfreeze() would release with ours.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def score(eff: EffectiveTable, data: Dataset, *, year: int | None = None, generated_at: str = "",
          tool_version: str = __version__, allow_incomplete: bool = False, strict: bool = False,
          previous: bool = True) -> Results:
    """Score every campus for `year` (default: the latest year in the data).

    Refuses (DataError) when the data lacks what the table needs: a whole subject, a declared unit,
    a column, last year for change rules; `allow_incomplete` goes on and marks the results incomplete.
    `strict` refuses when anything at all was warned about (reading, plausibility, engine).

    With `previous` (the default), when the data holds the year before, that year is scored too with
    the same table and attached as `results.previous` (engine/history.py), so reports can set last
    year's totals, ranks and points beside this year's.
    """
    year = pick_year(eff, data, year)
    eff = for_year(eff, year)  # per-year targets: the ones in force this year
    with _no_cycle_collection():
        lookup = data.lookup()  # read once for both years
        results = score_year(eff, data, year, generated_at=generated_at, tool_version=tool_version,
                             allow_incomplete=allow_incomplete, strict=strict, lookup=lookup)
        if previous:
            from campuseval.engine.history import attach_previous

            attach_previous(eff, data, results, lookup=lookup)
    return results


def score_year(eff: EffectiveTable, data: Dataset, year: int, *, generated_at: str = "",
               tool_version: str = __version__, words: bool = True, allow_incomplete: bool = False,
               strict: bool = False, lookup: dict[tuple[str, int], Row] | None = None) -> Results:
    """Score every campus for one `year` the data holds, with no check of the years the table covers.

    `words=False` leaves out the arithmetic in words (trace.words is null): a third of the engine's
    time, and not needed for an earlier year that reports show only as totals, ranks and points.
    """
    with _no_cycle_collection():
        return _score_year(eff, data, year, generated_at, tool_version, words, allow_incomplete, strict, lookup)


def _score_year(eff: EffectiveTable, data: Dataset, year: int, generated_at: str, tool_version: str, words: bool,
                allow_incomplete: bool, strict: bool, lookup: dict[tuple[str, int], Row] | None) -> Results:
    ctx = _Context(eff, data, year, lookup)
    ctx.words = words
    prev_year = year - 1 if any(y == year - 1 for _, y in ctx.lookup) else None
    campus_list = campuses_of(eff, data)
    infos = [info for info, _ in campus_list]
    names = {info.id: name for info, name in campus_list}
    for c in eff.campuses:  # HQs and districts by the names the targets file gives them
        for ref in (c.hq, c.district):
            if ref is not None:
                names.setdefault(ref.id, Text(zh=ref.name.zh, en=ref.name.en or ref.name.zh))
    gaps = missing_inputs(eff, data, year, infos, names, ctx.lookup)
    typos = header_typos(eff, data, gaps)
    # Reading warnings travel with a refusal too: a hidden sheet may be why a subject is missing.
    reading = _reading_warnings(data, typos)
    if typos:
        raise DataError(reading + typos)
    if gaps and (strict or not allow_incomplete):
        files = [f.path for f in data.files]
        refusal = as_diagnostics(gaps, ", ".join(files) if 0 < len(files) <= 3 else None)
        if strict and allow_incomplete:  # a pipeline asking for strictness never gets incomplete results
            refusal.append(diag(Location(), "strict.incomplete"))
        raise DataError(reading + refusal)
    ctx.not_evaluated = {c for g in gaps if g.subject == "campus" and g.year == year
                         and g.what in ("unit", "subject") for c in g.campuses}
    checks = plausibility.check(eff, data, year, infos, ctx.lookup)
    located = reading + checks
    warnings: list[Text] = [Text(zh=w.render("zh"), en=w.render("en")) for w in located]
    # Column by column (one indicator over every campus of a block), then campus by campus (parts, total).
    # Blocks keep the drafts in memory at once few; what an indicator says (conflicts, refusals) is kept
    # per campus and told in campus order, as always.
    cols = [_Column.of(ctx, ind) for ind in eff.indicators]
    scores = []
    for start in range(0, len(campus_list), _BLOCK):
        block = campus_list[start:start + _BLOCK]
        said = [_Said() for _ in block]
        by_column = [_score_column(ctx, col, block, said) for col in cols]
        for k, (info, name) in enumerate(block):
            ctx.conflicts += said[k].conflicts
            ctx.problems += said[k].problems
            scores.append(_score_campus(ctx, info, name, [column[k] for column in by_column]))
    if ctx.problems:
        raise DataError(reading + ctx.problems)
    warnings += ctx.conflicts
    for cs in scores:  # set apart from the ranking (and from any funding): said, so --strict can stop it
        if cs.status == "insufficient_data":
            low = ", ".join(p.code for p in cs.parts if not p.scored)
            ctx.conflicts.append(Text(
                zh=t("status.insufficient_warning", "zh", unit=cs.name.zh, parts=low,
                     min=f"{eff.table.min_coverage * 100:g}"),
                en=t("status.insufficient_warning", "en", unit=cs.name.en, parts=low,
                     min=f"{eff.table.min_coverage * 100:g}")))
            warnings.append(ctx.conflicts[-1])
    if strict and warnings:
        as_errors = [replace(d, severity="error") for d in located]
        as_errors += [diag(Location(), "warning.text", zh=w.zh, en=w.en) for w in ctx.conflicts]
        raise DataError([*as_errors, diag(Location(), "strict.failed", "strict.failed.hint", n=len(warnings))])
    ranking.rank(scores, eff.table.ranking, eff.table.insufficient, eff.table.rank_on)
    allocation = allocate_results(eff.allocation, scores) if eff.allocation is not None else None
    if allocation is not None and gaps:  # money on incomplete data is never a payment list
        allocation.provisional = True
    results = Results(
        tool_version=tool_version, generated_at=generated_at, year=year, previous_year=prev_year,
        locality=RefOut(id=eff.locality.id, name=text(eff.locality.name)) if eff.locality else None,
        config_files=[SourceOut(path=s.path, sha256=s.sha256, role=s.role) for s in eff.sources],
        data_files=[SourceOut(path=f.path, sha256=f.sha256, role="data") for f in data.files],
        method=build_method(eff), complete=not gaps, missing_inputs=gaps,
        missing_values=sum(1 for c in scores for i in c.indicators if set(i.flags) & MISSING_FLAGS),
        campuses=scores, warnings=warnings, allocation=allocation,
        expert_marks=[ExpertMarkOut(campus=u, indicator=code, reviewer=m.reviewer, score=m.score, remark=m.remark,
                                    cell=m.ref.short() if m.ref else None)
                      for (u, y, code), marks in sorted(data.experts.items()) if y == year for m in marks],
    )
    results.diagnostics.extend(located)
    return results


def _reading_warnings(data: Dataset, typos: list[Diagnostic]) -> list[Diagnostic]:
    """The reading warnings, less the headers that a typo error names (never both "ignored" and "mistyped")."""
    if not typos:
        return list(data.warnings)
    named = {(d.location.file, d.location.sheet, d.location.column) for d in typos}
    rest = [h for h in data.unknown_headers
            if (h.location.file, h.location.sheet, h.location.column) not in named]
    out = [w for w in data.warnings if w.message.key != "data.unknown_columns"]
    return out + ([unknown_columns_warning(rest)] if rest else [])


def _both(key: str, **params: object) -> Text:
    return Text(zh=t(key, "zh", **params), en=t(key, "en", **params))


def _ref(eff: EffectiveTable, data: Dataset, unit_id: str | None, kind: str) -> RefOut | None:
    if unit_id is None:
        return None
    for c in eff.campuses:
        ref = c.hq if kind == "hq" else c.district
        if ref is not None and ref.id == unit_id:
            return RefOut(id=ref.id, name=Text(zh=ref.name.zh, en=ref.name.en or ref.name.zh))
    info = data.units.get(unit_id)
    name = info.name if info else unit_id
    return RefOut(id=unit_id, name=Text(zh=name, en=(info.name_en if info else None) or name))


def _coverage(ctx: _Context, members: list[_Draft]) -> float | None:
    """Share of a part's points (as the table sets them, before re-weighting) whose value could be used."""
    applicable = [d for d in members if "not_applicable" not in d.result["flags"]]
    nominal = sum((ctx.points[d.ind.code] for d in applicable), start=clean(0.0))
    if nominal <= 0:
        return None
    usable = sum((ctx.points[d.ind.code] for d in applicable if not MISSING_FLAGS.intersection(d.result["flags"])),
                 start=clean(0.0))
    return float(usable / nominal)


def _score_campus(ctx: _Context, campus: UnitInfo, name: Text, drafts: list[_Draft]) -> CampusScore:
    """A campus's parts, total and veto from its indicators' drafts (one per indicator, in table order)."""
    eff = ctx.eff
    _reweight(ctx, drafts)
    parts: list[PartScore] = []
    for part in eff.effective_parts():
        members = [d for d in drafts if d.ind.spec.part == part.code and d.ind.scored]
        got = sum((clean(d.result["points"] or 0.0) for d in members), start=clean(0.0))
        # The maximum is mostly the indicator's own (the same float): its decimal is then the one worked out once.
        cap = sum((ctx.points[d.ind.code] if d.result["max_points"] is d.ind.points else clean(d.result["max_points"])
                   for d in members), start=clean(0.0))
        coverage = _coverage(ctx, members)
        floor = part.min_coverage if part.min_coverage is not None else eff.table.min_coverage
        # Too little of the part could be scored: its few survivors must not stand for the whole part.
        enough = coverage is None or coverage >= floor
        parts.append(PartScore(code=part.code, name=Text(zh=part.name.zh, en=part.name.en or part.name.zh),
                               score=float(got) if enough else 0.0, max=float(cap), coverage=coverage,
                               scored=enough))
    bonus = sum((clean(d.result["points"] or 0.0) for d in drafts if d.ind.spec.rule.type == "bonus"),
                start=clean(0.0))
    scored = [p for p in parts if p.scored]  # a part set aside for too little data counts in neither
    if eff.table.aggregation == "geometric":
        _check_parts_have_points(ctx, parts, name)
        # A bonus has no meaning in a geometric index (validate refuses one): nothing to add here.
        unrounded = float(clean(float(aggregate.geometric(scored)))) if scored else 0.0
    else:
        unrounded = float(aggregate.additive(scored) + bonus)
    total = round_half_up(unrounded, eff.table.rounding.total)
    # Every veto event applies: a zeroing veto wins over any cap, and several caps give the lowest.
    vetoes = [d for d in drafts if d.ind.spec.rule.type == "veto" and "veto" in d.result["flags"]]
    for d in vetoes:
        rule = d.ind.spec.rule
        assert rule.type == "veto"
        total = 0.0 if rule.effect == "zero" else min(total, float(rule.cap or 0.0))
        unrounded = 0.0 if rule.effect == "zero" else min(unrounded, float(rule.cap or 0.0))
        d.result["trace"]["arithmetic"] += f"; total -> {num(total, 4)}"
        d.steps.append(("words.veto.zero", {}) if rule.effect == "zero"
                       else ("words.veto.cap", {"cap": float(rule.cap or 0.0), "total": total}))
    veto = ", ".join(d.ind.code for d in vetoes) or None
    if ctx.words:
        for d in drafts:
            d.result["trace"]["words"] = explain.render(d.steps, d.ind.spec.scale, d.ind.spec.subject, ctx.entity,
                                                  ctx.places)
    results = [_build(d.result) for d in drafts]
    if campus.id in ctx.not_evaluated:  # no row (or only blanks) where its own figures are needed
        status: CampusStatus = "not_evaluated"
        # Points from its HQ's or district's figures alone are no evaluation of the campus.
        parts = [p.model_copy(update={"score": 0.0, "scored": False}) for p in parts]
        total = unrounded = 0.0
        scored = []
    else:
        status = "scored" if all(p.scored for p in parts) else "insufficient_data"
    return CampusScore(
        id=campus.id, name=name, hq=_ref(eff, ctx.data, campus.hq, "hq"),
        district=_ref(eff, ctx.data, campus.district, "locality"),
        total=total, total_unrounded=unrounded,
        max_total=float(sum((clean(p.max) for p in scored), start=clean(0.0))), rank=None, status=status,
        bonus=float(bonus), veto=veto, parts=parts, indicators=results,
        deadline=campus.deadline, before_deadline=campus.deadline is not None and ctx.year < campus.deadline,
        flag_count=sum(1 for r in results if set(r.flags) - INFORMATIONAL_FLAGS),
    )


def _check_parts_have_points(ctx: _Context, parts: list[PartScore], campus: Text) -> None:
    """Under geometric aggregation every part must have points left: a dimension with no value leaves the
    index undefined (re-weighting it away would silently change what the index measures)."""
    for p in parts:
        # A part set aside for too little data is flagged 数据不足 instead; with min_coverage 0 a part
        # with nothing scorable would otherwise enter the mean as a silent 0.
        if p.scored and (p.max <= 0 or (p.coverage == 0 and ctx.eff.missing == "reweight")):
            ctx.problems.append(diag(Location(file=", ".join(f.path for f in ctx.data.files)),
                                     "engine.geometric_part_empty", "engine.geometric_part_empty.hint",
                                     campus=campus.zh, campus_en=campus.en, part=p.code, year=ctx.year))


@dataclass
class _Said:
    """What scoring one campus's indicators had to say: warnings (conflicts) and refusals (problems)."""

    conflicts: list[Text] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)


@dataclass
class _Column:
    """An indicator's settings as every campus's scoring reads them: looked up once per column."""

    ind: EffIndicator
    type: str
    subject: str
    policy: str
    comparison: str | None
    goal: Text | None
    min_ratio: float | None = None
    max_diff: float | None = None

    @classmethod
    def of(cls, ctx: _Context, ind: EffIndicator) -> _Column:
        spec = ind.spec
        rule = spec.rule
        goal = Text(zh=rule.goal.zh, en=rule.goal.en or rule.goal.zh) if isinstance(rule, Qualitative) else None
        comparison = "le" if rule.type == "cap_pro_rata" else getattr(rule, "op", None)
        col = cls(ind, rule.type, spec.subject, spec.missing or ctx.eff.missing, comparison, goal)
        if spec.subject == "both":
            h = ctx.eff.homogeneity_for(ind)
            col.min_ratio, col.max_diff = h.min_ratio, h.max_diff
        return col


def _score_column(ctx: _Context, col: _Column, campuses: list[tuple[UnitInfo, Text]],
                  said: list[_Said]) -> list[_Draft]:
    """One indicator scored at every campus: a draft per campus, in the order given."""
    ind = col.ind
    owns = [ctx.resolve(ind, _unit_of(col, info), ctx.year) if ind.applies(info.id) else None
            for info, _ in campuses]
    earned = _column_points(ctx, col, [info for info, _ in campuses], owns)
    return [_score_indicator(ctx, col, info, name, out, own, e)
            for (info, name), out, own, e in zip(campuses, said, owns, earned, strict=True)]


def _unit_of(col: _Column, campus: UnitInfo) -> str | None:
    """The unit whose figures the indicator reads for `campus`: the campus, its HQ or its district."""
    subject = col.subject
    return campus.id if subject in ("campus", "both") else campus.hq if subject == "hq" else campus.district


def _column_points(ctx: _Context, col: _Column, campuses: list[UnitInfo],
                   owns: list[Resolved | None]) -> list[float | None]:
    """The partial points engine/columns.py computes for the whole column where it vouches for them (None:
    score_rule computes them in Decimal). Only the rules with Decimal arithmetic at volume."""
    rule = col.ind.spec.rule
    if col.type not in ("target_pro_rata", "cap_pro_rata", "linear_band") or not campuses:
        return [None] * len(campuses)
    nan = float("nan")
    values = np.array([o.value if o is not None and o.value is not None else nan for o in owns], dtype=float)
    targets = np.array([nan if (t := col.ind.target_for(c.id)) is None or isinstance(t, TargetRange) else t
                        for c in campuses], dtype=float)
    points = col.ind.spec.points
    if isinstance(rule, LinearBand):
        earned, exact = columns.linear_band(values, targets, rule.limit, points, col.ind.spec.direction == "higher",
                                            ctx.places)
    elif col.type == "target_pro_rata":
        earned, exact = columns.target_pro_rata(values, targets, points, ctx.places)
    else:
        earned, exact = columns.cap_pro_rata(values, targets, points, ctx.places)
    return [e if ok else None for e, ok in zip(earned.tolist(), exact.tolist(), strict=True)]


def _score_indicator(ctx: _Context, col: _Column, campus: UnitInfo, campus_name: Text, said: _Said,
                     own: Resolved | None, earned: float | None = None) -> _Draft:
    """One campus's draft for the column's indicator; `own` is its value resolved (None: not applicable),
    `earned` the column pass's partial points, if any."""
    ind = col.ind
    spec = ind.spec
    if own is None:
        # Not this campus's indicator (a TCM centre has no surgery targets): its points go to
        # the rest of its part whatever the missing-value policy says.
        return _Draft(ind, None, True, _result(ctx, col, Resolved(None, "missing"), None, None, None, None,
                                               ["not_applicable"], "not applicable"),
                      [("words.not_applicable", {})])
    subject = col.subject
    rtype = col.type
    unit = _unit_of(col, campus)
    panel = ""
    if rtype == "expert":  # the value is the panel's combined mark, not a data cell
        own, panel = _panel(ctx, ind, unit)
    hq = ctx.resolve(ind, campus.hq, ctx.year, "hq.") if subject == "both" else None
    prev = ctx.resolve(ind, unit, ctx.year - 1, "prev.") if rtype == "change_vs_previous" else None
    target = ind.target_for(campus.id)
    if hq is None and prev is None:
        inputs, cells = own.inputs, own.cells
    else:
        inputs = {**own.inputs, **(hq.inputs if hq else {}), **(prev.inputs if prev else {})}
        cells = {**own.cells, **(hq.cells if hq else {}), **(prev.cells if prev else {})}
    flags: list[Flag] = []
    if own.conflict:
        flags.append("value_conflict")
        said.conflicts.append(_conflict_warning(ctx, ind, campus_name, own))
    if _small_sample(ctx, ind, own, hq):
        flags.append("small_sample")
    hq_value = hq.value if hq else None
    prev_value = prev.value if prev else None
    gap: Gap | None = None
    if subject == "both":
        gap = homogeneity_gap(spec.direction, own.value, hq_value, col.min_ratio, col.max_diff)
        if gap.flagged:
            flags.append("homogeneity_gap")
    raw_points: float | None = None
    exact: Callable[[], Outcome] | None = None
    excluded = False
    arithmetic = ""
    steps: list[explain.Step] = []
    problem: Flag | None = own.problem
    if rtype == "qualitative":
        flags.append("not_scorable")
        problem = None
        if own.value is None:
            arithmetic = "qualitative: not scored from data"
            assert col.goal is not None
            steps.append(("words.qualitative", {"goal": {"zh": col.goal.zh, "en": col.goal.en}}))
    if own.value is not None:
        # Scored at the indicator's own points, then scaled to its effective maximum in _reweight, so
        # absolute amounts (band points, deductions) scale with a drop just as pro-rata ones do.
        outcome = score_rule(spec.rule, spec.direction, own.value, spec.points, target, hq_value, prev_value,
                             earned=earned)
        if earned is not None:
            exact = partial(score_rule, spec.rule, spec.direction, own.value, spec.points, target, hq_value,
                            prev_value)
        arithmetic = f"{panel}; {outcome.arithmetic}" if panel else outcome.arithmetic
        if outcome.words is not None:
            steps.append(outcome.words)
        raw_points = outcome.points
        if outcome.missing is not None:
            problem = outcome.missing  # type: ignore[assignment]
            if outcome.missing == "previous_missing":
                arithmetic = t("engine.previous_missing", "en", year=ctx.year - 1)
        if rtype == "veto" and own.value > 0:
            flags.append("veto")
    if own.domain is not None and own.problem == "not_computable":
        said.conflicts.append(_domain_warning(ctx, ind, campus_name, own, own.domain))
    if problem is not None and own.value is None:
        steps.append((f"words.problem.{problem}", {}))
    if problem is not None and (ind.scored or rtype == "bonus"):
        policy = col.policy
        flags.append(problem)
        if policy == "error" and ind.scored:
            said.problems.append(_missing_problem(ctx, ind, campus_name, unit, problem, own.inputs, own.domain))
        elif policy == "reweight" and ind.scored:
            excluded = True
            flags.append("reweighted")
            arithmetic = arithmetic or _problem_words(problem, own.domain)
            steps.append(("words.policy.reweight", {}))
        else:
            raw_points = 0.0
            arithmetic = (arithmetic + "; " if arithmetic else "") + _problem_words(problem, own.domain) + " -> 0"
            steps.append(("words.policy.zero", {}))
    elif problem is not None:
        flags.append(problem)
        if rtype not in ("monitor", "qualitative"):
            steps.append(("words.policy.unscored", {}))
    result = _result(ctx, col, own, hq_value, prev_value, target, gap, flags, arithmetic,
                     inputs=inputs, cells=cells)
    return _Draft(ind, raw_points, excluded, result, steps, exact)


def _small_sample(ctx: _Context, ind: EffIndicator, own: Resolved, hq: Resolved | None) -> bool:
    """A rate whose numerator counts fewer events than the table's threshold, here or at the HQ: 2 deaths
    in 4,884 cases moves the rate by half with one death more, so a reader must see the counts."""
    threshold = ctx.eff.table.small_sample
    parts = ctx.fractions.get(ind.code)
    if threshold <= 0 or parts is None or own.value is None:  # no rate, nothing to read with care
        return False
    events = [r.inputs.get(prefix + parts[0]) for r, prefix in ((own, ""), (hq, "hq.")) if r is not None]
    return any(e is not None and e < threshold for e in events)


def _panel(ctx: _Context, ind: EffIndicator, unit: str | None) -> tuple[Resolved, str]:
    """An expert-scored indicator's value: its reviewers' marks combined as the rule says, one input each."""
    marks = ctx.data.experts.get((unit or "", ctx.year, ind.code), [])
    rule = ind.spec.rule
    if not marks or rule.type != "expert":
        return Resolved(None, "missing", problem="missing"), ""
    value, text = combine(marks, rule.combine)
    inputs: dict[str, float | None] = {f"expert.{m.reviewer}": m.score for m in marks}
    cells = {f"expert.{m.reviewer}": m.ref.short() for m in marks if m.ref is not None}
    return Resolved(value, "reported", inputs, cells), text


def _result(ctx: _Context, col: _Column, own: Resolved, hq_value: float | None, prev_value: float | None,
            target: float | TargetRange | None, gap: Gap | None, flags: list[Flag], arithmetic: str,
            inputs: dict[str, float | None] | None = None, cells: dict[str, str] | None = None) -> dict[str, Any]:
    """An IndicatorScore's fields as a dict (its trace's too): re-weighting and the veto still write to them."""
    ind = col.ind
    spec = ind.spec
    code = spec.code
    return {
        "code": code, "name": ctx.names[code], "part": spec.part,
        "scale": spec.scale, "unit": ctx.units[code], "direction": spec.direction, "subject": col.subject,
        "rule": col.type, "value": own.value, "hq_value": hq_value, "previous_value": prev_value,
        "target": target_out(target), "comparison": col.comparison, "goal": col.goal,
        "points": None, "max_points": ind.points, "scored": ind.scored, "gap": gap,
        "flags": flags if len(flags) < 2 else list(dict.fromkeys(flags)),
        "trace": {"inputs": inputs if inputs is not None else own.inputs,
                  "cells": cells if cells is not None else own.cells, "formula": spec.formula,
                  "value_source": own.source, "arithmetic": arithmetic, "words": None},
    }


def _build(fields: dict[str, Any]) -> IndicatorScore:
    """The final IndicatorScore from its fields, built once. trusted(): the engine's own values need no
    validation, and this runs per campus and indicator."""
    fields["trace"] = Trace.trusted(**fields["trace"])
    return IndicatorScore.trusted(**fields)


def _conflict_warning(ctx: _Context, ind: EffIndicator, campus: Text, own: Resolved) -> Text:
    """A reported value the raw fields contradict: used as reported, but said out loud with both numbers."""
    parsed = ctx.formulas[ind.code]
    computed = formula_value(parsed, {k: v for k, v in own.inputs.items() if v is not None})
    reported = own.value or 0.0
    cell = own.cells.get(ind.code, "")
    key = "engine.value_conflict_percent" if computed and 90 <= abs(computed / reported if reported else 0) <= 110 \
        and ind.spec.scale == "percent" else "engine.value_conflict"
    params = {"indicator": ind.code, "cell": cell, "reported": num(reported, 6), "computed": num(computed, 6)}
    return Text(zh=t(key, "zh", unit=campus.zh, **params), en=t(key, "en", unit=campus.en, **params))


def _problem_words(problem: str, domain: formula.NotComputable | None) -> str:
    """The trace's words for a value that is missing or not computable: `ln(0) undefined` when a function says."""
    if domain is None:
        return problem
    return f"{problem}: {domain.function}({num(domain.argument or 0.0, 6)}) undefined"


def _domain_warning(ctx: _Context, ind: EffIndicator, campus: Text, own: Resolved,
                    domain: formula.NotComputable) -> Text:
    """ln of 0 and the like: say which function, which value and which cells, in both languages."""
    names = sorted(domain.names)
    cells = ", ".join(f"{n} = {num(own.inputs[n], 6) if own.inputs.get(n) is not None else '?'}"
                      + (f" ({own.cells[n]})" if n in own.cells else "") for n in names) or "-"
    params = {"indicator": f"{ind.code} {ind.spec.name.zh}", "function": domain.function,
              "argument": num(domain.argument or 0.0, 6), "cells": cells,
              "allowed": t(f"engine.domain.{domain.function}", "en")}
    return Text(zh=t("engine.not_computable_domain", "zh", unit=campus.zh,
                     **{**params, "allowed": t(f"engine.domain.{domain.function}", "zh")}),
                en=t("engine.not_computable_domain", "en", unit=campus.en,
                     **{**params, "indicator": f"{ind.code} {ind.spec.name.en or ind.spec.name.zh}"}))


def _missing_problem(ctx: _Context, ind: EffIndicator, campus: Text, unit: str | None, problem: str,
                     inputs: dict[str, float | None], domain: formula.NotComputable | None = None) -> Diagnostic:
    """Point at the empty cell: the indicator's own, else the first raw field its formula lacks; for a
    function outside its domain (ln of 0), the cell its argument was read from."""
    refs = ctx.data.refs
    blank = [name for name, v in inputs.items() if v is None and "." not in name]
    if domain is not None:
        blank = sorted(domain.names) + blank
    ref = refs.get((unit or "", ctx.year, ind.code)) or next(
        (r for r in (refs.get((unit or "", ctx.year, n)) for n in blank) if r is not None), None)
    location = ref.location() if ref else Location(file=", ".join(f.path for f in ctx.data.files))
    raw_names = {r.code: r.name for r in ctx.eff.raw_fields}
    fields_zh = "、".join(raw_names[n].zh for n in blank if n in raw_names)
    fields_en = ", ".join((raw_names[n].en or raw_names[n].zh) for n in blank if n in raw_names)
    if domain is not None:
        call = f"{domain.function}({num(domain.argument or 0.0, 6)})"
        fields_zh, fields_en = f"{call}，{fields_zh}", f"{call}, {fields_en}"
    return diag(location, "engine.missing_required", "engine.missing_required.hint",
                indicator=f"{ind.code} {ind.spec.name.zh}",
                indicator_en=f"{ind.code} {ind.spec.name.en or ind.spec.name.zh}",
                campus=campus.zh, campus_en=campus.en, year=ctx.year,
                problem=t(f"flag.{problem}", "en") + (f": {fields_en}" if fields_en else ""),
                problem_zh=t(f"flag.{problem}", "zh") + (f"：{fields_zh}" if fields_zh else ""))


def _shown_unrounded(earned: float, rounded: float) -> bool:
    """float(clean(earned)) != rounded, with Decimal only where 15 significant digits could decide it."""
    if earned == rounded and abs(rounded) < 1e12:  # a short decimal's float reads back as that decimal
        return False
    if abs(earned - rounded) > 1e-14 * abs(earned):  # further apart than cleaning to 15 digits moves a value
        return True
    return float(clean(earned)) != rounded


def _reweight(ctx: _Context, drafts: list[_Draft]) -> None:
    """Give each indicator its per-campus maximum and round its points (四舍五入, at the indicator places)."""
    eff = ctx.eff
    maxima = {d.ind.code: d.ind.points for d in drafts}
    for part in eff.parts if any(d.excluded for d in drafts) else ():  # nothing excluded: maxima stand
        members = [d for d in drafts if d.ind.spec.part == part.code and d.ind.scored]
        if not any(d.excluded for d in members):
            continue
        kept = [d for d in members if not d.excluded]
        if not kept and eff.reweight == "scale_within_part":
            continue  # nothing left to carry the part: it keeps its maximum and scores 0, never 100%
        if eff.reweight == "scale_within_part" and kept:
            shares = allocate([d.ind.spec.points for d in kept], part.points, ctx.places)
            maxima.update({d.ind.code: s for d, s in zip(kept, shares, strict=True)})
        for d in members:
            if d.excluded:
                maxima[d.ind.code] = 0.0
    for d in drafts:
        res = d.result
        trace = res["trace"]
        if not d.ind.scored and d.ind.spec.rule.type != "bonus":
            res["max_points"] = 0.0
            continue
        new_max = maxima[d.ind.code]
        res["max_points"] = new_max
        if d.excluded:
            res["points"] = 0.0
            continue
        earned = d.raw_points if d.raw_points is not None else 0.0
        own = d.ind.spec.points
        if d.ind.scored and own > 0 and not math.isclose(new_max, own):
            if d.exact is not None:  # rescaled: from the reference's exact points, not the column's float
                earned = d.exact().points or 0.0
            before = earned
            earned = float(clean(earned) * clean(new_max) / clean(own))
            trace["arithmetic"] += f"; × {num(new_max, 4)} ÷ {num(own, 4)} (reweighted) = {num(earned, 4)}"
            if before == own:  # full points: say the adjusted maximum, the arithmetic is trivial
                d.steps.append(("words.reweighted_full", {"new": new_max}))
            elif before != 0:
                d.steps.append(("words.reweighted", {"new": new_max, "own": own, "earned": before,
                                                     "scaled": earned}))
        rounded = round_half_up(earned, ctx.places)
        if _shown_unrounded(earned, rounded):
            trace["arithmetic"] += f"; {num(earned, 6)} -> {rounded:.{ctx.places}f}"
        step = explain.rounded_step(earned, rounded, ctx.places)
        if step is not None and d.raw_points is not None:
            d.steps.append(step)
        res["points"] = rounded
