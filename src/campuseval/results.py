"""Scoring results: the models behind scores.json (schema campuseval.scores/1) and their DataFrame views."""

from __future__ import annotations

from typing import Any, Literal, Self

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_VERSION = "campuseval.scores/1"
# Flags that describe the table, not a problem in the data; they do not count towards flag_count.
INFORMATIONAL_FLAGS = frozenset({"not_applicable", "not_scorable", "small_sample"})

CampusStatus = Literal["scored", "insufficient_data", "not_evaluated"]
MISSING_FLAGS = frozenset({"missing", "not_computable", "hq_missing", "previous_missing"})

Flag = Literal[
    "missing",  # no value (blank, -, 无, or no column/row)
    "not_computable",  # the formula has no finite answer (division by zero)
    "hq_missing",  # the HQ value the rule or the gap needs is missing
    "previous_missing",  # last year's value a change rule needs is missing
    "reweighted",  # missing, and its points went to the other indicators of its part
    "homogeneity_gap",  # the campus falls short of HQ beyond the tolerance
    "veto",  # a veto event occurred
    "value_conflict",  # a reported value differs from the one computed from raw fields
    "not_applicable",  # the indicator does not apply to this campus (applies_to); its points went to the others
    "not_scorable",  # a qualitative goal data cannot score; reported for people to judge
    "small_sample",  # a rate built on few events (numerator below method.small_sample at the campus or HQ)
]


_FIELD_NAMES: dict[type, frozenset[str]] = {}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """An instance from values the engine computed itself, every field given, without validation.

        What model_construct does, minus its per-field defaults and bookkeeping: three of these are
        built per campus and indicator, and model_construct was a quarter of the engine's time.
        A test checks the result equals model_construct's.
        """
        names = _FIELD_NAMES.get(cls)
        if names is None:  # model_fields is a computed property on the class: read it once per model
            names = _FIELD_NAMES[cls] = frozenset(cls.model_fields)
        if values.keys() != names and (missing := names - values.keys()):  # a bug in the engine, not a user error
            raise TypeError(f"{cls.__name__}.trusted needs every field; missing {sorted(missing)}")
        obj = cls.__new__(cls)
        object.__setattr__(obj, "__dict__", values)
        object.__setattr__(obj, "__pydantic_fields_set__", set(values))
        object.__setattr__(obj, "__pydantic_extra__", None)
        object.__setattr__(obj, "__pydantic_private__", None)
        return obj


class Text(_Out):
    zh: str
    en: str


class RangeOut(_Out):
    """A target range; either end may be open (null)."""

    min: float | None
    max: float | None


TargetOut = float | RangeOut


class Gap(_Out):
    """Campus against HQ for one indicator: ratio and difference, direction-aware, and the flag."""

    ratio: float | None = Field(description="campus/HQ (HQ/campus for lower-is-better); 1 = equal; "
                                            "null when undefined (HQ 0 on a higher-is-better indicator)")
    diff: float | None = Field(description="shortfall in the indicator's unit: HQ - campus "
                                           "(campus - HQ for lower-is-better); negative = campus better")
    min_ratio: float | None
    max_diff: float | None
    flagged: bool
    note: str = Field(description="equal, campus_better, campus_worse, hq_zero, campus_zero, both_zero, "
                                  "not_assessable, monitor")


class Trace(_Out):
    """How the score came about: inputs, the value, and the arithmetic in one line."""

    inputs: dict[str, float | None] = Field(default_factory=dict,
                                            description="raw inputs by field code; hq. and prev. prefixes")
    cells: dict[str, str] = Field(default_factory=dict, description="where each input was read (file:sheet!A1)")
    formula: str | None = None
    value_source: Literal["reported", "computed", "missing"] = "missing"
    arithmetic: str = Field("", description="the arithmetic in a machine form (English shorthand)")
    words: Text | None = Field(None, description="the same arithmetic in words, in both languages")


class IndicatorScore(_Out):
    code: str
    name: Text
    part: str
    scale: str
    unit: Text | None
    direction: str
    subject: str
    rule: str
    value: float | None
    hq_value: float | None
    previous_value: float | None
    target: TargetOut | None
    comparison: Literal["gt", "ge", "lt", "le"] | None = Field(
        None, description="how the value is compared with the target, for meets_target rules")
    goal: Text | None = Field(None, description="the goal of a qualitative indicator, in words")
    points: float | None = Field(description="points earned, rounded half-up; null for unscored rules")
    max_points: float = Field(description="effective maximum after re-weighting")
    scored: bool
    gap: Gap | None
    flags: list[Flag]
    trace: Trace


class PartScore(_Out):
    code: str
    name: Text
    score: float
    max: float
    coverage: float | None = Field(None, description="share of the part's points that could be scored (not "
                                                     "missing); null when the part has no indicator for the unit")
    scored: bool = Field(True, description="false when coverage fell below the table's min_coverage: the part "
                                           "counts in neither the total nor the maximum")


class RefOut(_Out):
    id: str
    name: Text


class CampusScore(_Out):
    id: str
    name: Text
    hq: RefOut | None
    district: RefOut | None
    total: float
    total_unrounded: float | None = Field(None, description="the total before rounding at rounding.total "
                                                            "(indicator points already rounded); what "
                                                            "rank_on: unrounded ranks by")
    max_total: float
    rate: float | None = Field(None, description="total / max_total, unrounded; what ranks when ranking is rate")
    rank: int | None = Field(description="competition rank (1, 1, 3); null when the unit is not ranked")
    status: CampusStatus = Field("scored", description="scored; insufficient_data (a part below min_coverage); "
                                                       "not_evaluated (no data row for the year)")
    bonus: float
    veto: str | None = Field(description="code of the veto indicator that zeroed or capped the total")
    deadline: int | None = Field(None, description="the year by which the unit is to meet its targets")
    before_deadline: bool = Field(False, description="the year scored is before the deadline")
    parts: list[PartScore]
    indicators: list[IndicatorScore]
    flag_count: int = Field(description="indicators with a flag that needs attention (not counting "
                                        "not_applicable and not_scorable)")


class MissingInput(_Out):
    """Something the run needed and the data did not hold: a whole subject, a unit, a column, last year."""

    what: Literal["subject", "unit", "field", "previous_year", "no_hq", "no_district", "expert_marks"]
    subject: Literal["campus", "hq", "locality"]
    unit: str | None = Field(None, description="the unit without rows (for what = unit)")
    field: str | None = Field(None, description="the field code absent for every unit (for what = field)")
    year: int
    indicators: list[str] = Field(description="the indicators that need it")
    campuses: list[str] = Field(description="the campuses whose scores it affects")
    message: Text


class SourceOut(_Out):
    path: str
    sha256: str
    role: str


class ChangeOut(_Out):
    """One change a targets file made to an indicator: what, from, to, and in which file."""

    what: Literal["added", "points", "target", "rule", "homogeneity", "applies_to"]
    old: str
    new: str
    campus: str | None = Field(None, description="the campus a per-campus target applies to")
    file: str


class MethodIndicator(_Out):
    """An indicator as the table defines it after local changes, for the method appendix."""

    code: str
    name: Text
    part: str
    points: float
    effective_points: float
    direction: str
    subject: str
    scale: str
    rule: str
    rule_text: Text
    target: TargetOut | None
    campus_targets: dict[str, TargetOut]
    applies_to: list[str] | None = None
    formula: str | None
    national_no: str | None
    definition: Text
    tolerance: dict[str, float | None] | None
    origin: str
    changes: list[ChangeOut]


class Method(_Out):
    table_id: str
    table_name: Text
    table_version: str
    provenance: Text
    entity: Text
    total_points: float
    aggregation: str = Field("additive", description="additive or geometric: how part scores make the total")
    rank_on: str = Field("rounded", description="ranks by the rounded total or by the total before rounding")
    reweight: str
    missing: str
    rounding: dict[str, int]
    ranking: Literal["total", "rate"] = Field("total", description="what ranks: the rounded total, or the rate "
                                                                    "rounded total / effective maximum")
    min_coverage: float = Field(0.0, description="share of a part's points that must be scorable")
    insufficient: Literal["unranked", "last"] = "unranked"
    small_sample: int = Field(5, description="numerators below this carry the small_sample flag; 0: off")
    parts: list[PartScore]
    indicators: list[MethodIndicator]
    dropped: list[dict[str, str]]


class AllocationRow(_Out):
    """One campus's share of a funding pool."""

    campus: str
    name: Text
    total: float
    rank: int | None
    qualified: bool = Field(description="reached the minimum total (and a tier, for method tiers)")
    tier: Text | None = Field(None, description="the tier, for method tiers")
    weight: float = Field(description="the campus's claim on the pool: its total, points above the floor, "
                                      "or its tier's weight")
    amount: float = Field(description="yuan, to the fen")
    arithmetic: str = ""


class AllocationOut(_Out):
    """A funding pool shared out by result; the amounts sum exactly to the pool (largest remainder)."""

    pool: float
    method: str
    floor: float | None
    min_total: float | None
    by: str | None
    unit: Text
    rows: list[AllocationRow]
    undistributed: float = Field(0.0, description="left over only when no campus qualifies")
    provisional: bool = Field(False, description="true when the run's data was incomplete (--allow-incomplete): "
                                                 "the amounts are for reference, not for payment")


class ExpertMarkOut(_Out):
    """One reviewer's mark for an expert-scored indicator, with the remark and the cell it came from."""

    campus: str
    indicator: str
    reviewer: str
    score: float
    remark: str = ""
    cell: str | None = None


class Results(_Out):
    """Everything one scoring run produced; what scores.json holds."""

    schema_version: str = SCHEMA_VERSION
    tool_version: str
    generated_at: str
    year: int
    previous_year: int | None
    locality: RefOut | None
    config_files: list[SourceOut]
    data_files: list[SourceOut]
    method: Method
    complete: bool = Field(True, description="false when the run went on (--allow-incomplete) although inputs "
                                             "it needed were absent; missing_inputs says which")
    missing_inputs: list[MissingInput] = Field(default_factory=list)
    missing_values: int = Field(0, description="campus-indicator values that were missing or not computable "
                                               "(scattered blanks, scored by the table's missing policy)")
    campuses: list[CampusScore]
    warnings: list[Text] = Field(default_factory=list)
    allocation: AllocationOut | None = Field(None, description="funding by result, when the targets file "
                                                               "has an allocation block")
    expert_marks: list[ExpertMarkOut] = Field(default_factory=list, description="the panel's marks for "
                                              "expert-scored indicators, one per reviewer")
    # The located warnings behind `warnings` (reading, plausibility), so the terminal can print them
    # as diagnostics; not saved: scores.json keeps their text in `warnings`.
    _diagnostics: list[Any] = PrivateAttr(default_factory=list)

    @property
    def diagnostics(self) -> list[Any]:
        return self._diagnostics
    previous: Results | None = Field(None, description="the year before, scored with the same table, when the "
                                                       "data holds it (see engine/history.py)")
    # Absent (not null) in a one-year run, so that its scores.json is what it always was.
    series: list[Results] | None = Field(
        None, exclude_if=lambda v: v is None,
        description="a multi-year run (--year Y --year Z, --years A-B): the earlier years, oldest first, each "
                    "scored with the targets in force that year and with its own `complete`; this document's "
                    "own fields are the latest year's. Absent in a one-year run")

    def summary_frame(self) -> pd.DataFrame:
        """One row per campus in rank order: HQ, district, total and each part."""
        rows = []
        for c in self.ranked():
            row: dict[str, object] = {"campus": c.id, "name": c.name.zh, "rank": c.rank, "status": c.status,
                                      "hq": c.hq.name.zh if c.hq else None,
                                      "district": c.district.name.zh if c.district else None,
                                      "total": c.total, "max_total": c.max_total, "rate": c.rate}
            for p in c.parts:
                row[p.code] = p.score
            row["flags"] = c.flag_count
            rows.append(row)
        return pd.DataFrame(rows)

    def to_frame(self) -> pd.DataFrame:
        """One row per campus and indicator, with value, HQ value, target, points and gap."""
        rows = []
        for c in self.campuses:
            for i in c.indicators:
                rows.append({
                    "campus": c.id, "campus_name": c.name.zh, "indicator": i.code, "name": i.name.zh,
                    "part": i.part, "value": i.value, "hq_value": i.hq_value, "previous_value": i.previous_value,
                    "target": i.target, "rule": i.rule, "points": i.points, "max_points": i.max_points,
                    "gap_ratio": i.gap.ratio if i.gap else None, "gap_diff": i.gap.diff if i.gap else None,
                    "gap_flagged": i.gap.flagged if i.gap else False, "flags": ",".join(i.flags),
                    "arithmetic": i.trace.arithmetic,
                })
        return pd.DataFrame(rows)

    def ranked(self) -> list[CampusScore]:
        """Campuses in rank order; the unranked (insufficient data, not evaluated) last, by id."""
        order = {"scored": 0, "insufficient_data": 1, "not_evaluated": 2}
        return sorted(self.campuses, key=lambda c: (c.rank is None, c.rank or 0, order[c.status], -(c.rate or 0), c.id))

    def for_unit(self, campus_id: str) -> Results:
        """These results holding only `campus_id`: its scores, last year, funding, panel marks and gaps.

        What a feedback sheet (一院区一单) may show: nothing that names another campus.
        """
        # Last year may lack the campus (it opened this year, or a hand-edited file): then no last year.
        prev = (self.previous.for_unit(campus_id)
                if self.previous is not None and any(c.id == campus_id for c in self.previous.campuses) else None)
        update: dict[str, Any] = {
            "campuses": [self.campus(campus_id)], "previous": prev, "warnings": [],
            "expert_marks": [m for m in self.expert_marks if m.campus == campus_id],
            "missing_inputs": [g.model_copy(update={"campuses": [campus_id]}) for g in self.missing_inputs
                               if campus_id in g.campuses],
        }
        if self.allocation is not None:
            update["allocation"] = self.allocation.model_copy(
                update={"rows": [r for r in self.allocation.rows if r.campus == campus_id]})
        if self.series is not None:  # the earlier years of a multi-year run: this campus only (its trend)
            update["series"] = [r.for_unit(campus_id) if any(c.id == campus_id for c in r.campuses) else
                                r.model_copy(update={"campuses": [], "previous": None, "warnings": [],
                                                     "expert_marks": [], "missing_inputs": [], "allocation": None})
                                for r in self.series]
        return self.model_copy(update=update)

    def campus(self, campus_id: str) -> CampusScore:
        for c in self.campuses:
            if c.id == campus_id:
                return c
        raise KeyError(campus_id)
