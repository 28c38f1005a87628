"""Pydantic models of the two config files: the indicator table and a locality's targets file."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    StringConstraints,
    Tag,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from campuseval.config.allocation import Allocation
from campuseval.config.rules import Rule
from campuseval.config.text import LocalText, Text
from campuseval.years import YEAR_MAX, YEAR_MIN

Scale = Literal["percent", "fraction", "count", "money", "days", "level", "ratio"]
Direction = Literal["higher", "lower", "monitor"]
Subject = Literal["campus", "hq", "both", "locality"]
MissingPolicy = Literal["zero", "reweight", "error"]
Reweight = Literal["scale_within_part", "shrink_total"]
RankBy = Literal["total", "rate"]
Insufficient = Literal["unranked", "last"]
Aggregation = Literal["additive", "geometric"]
RankOn = Literal["rounded", "unrounded"]

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"


def _int_to_str(v: Any) -> Any:
    # `code: 10` is an int in YAML; a code is a name, so take its digits as written.
    return str(v) if isinstance(v, int) and not isinstance(v, bool) else v


def _str_or_int_schema(pattern: str | None = None) -> WithJsonSchema:
    text: dict[str, Any] = {"type": "string", "minLength": 1}
    if pattern:
        text["pattern"] = pattern
    return WithJsonSchema({"anyOf": [text, {"type": "integer", "minimum": 0}]})


Code = Annotated[
    str,
    BeforeValidator(_int_to_str),
    StringConstraints(pattern=CODE_PATTERN, min_length=1, max_length=40),
    _str_or_int_schema(CODE_PATTERN),
]
IntOrStr = Annotated[str, BeforeValidator(_int_to_str), StringConstraints(min_length=1), _str_or_int_schema()]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


class Part(_Model):
    """A section of the table (e.g. 公立医院高质量发展指标) and the points it carries."""

    code: Code
    name: Text
    points: Annotated[float, Field(gt=0)]
    min_coverage: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="overrides the table's min_coverage for this part")


class RawField(_Model):
    """A raw figure reported in the data (a numerator or denominator) that formulas may use."""

    code: Code
    name: Text
    scale: Scale = "count"
    unit: Text | None = Field(None, description="display unit, e.g. 人次 or 万元")
    definition: Text | None = None


class Homogeneity(_Model):
    """How far a campus may fall short of its HQ before the gap is flagged; give one bound or both."""

    min_ratio: Annotated[float, Field(gt=0, le=1)] | None = Field(
        None, description="flag when campus/HQ (HQ/campus for lower-is-better) falls below this"
    )
    max_diff: Annotated[float, Field(ge=0)] | None = Field(
        None, description="flag when the shortfall, in the indicator's unit, exceeds this"
    )

    @model_validator(mode="after")
    def _one_bound(self) -> Homogeneity:
        if self.min_ratio is None and self.max_diff is None:
            raise PydanticCustomError("ce_homogeneity_empty", "give min_ratio, max_diff or both", {})
        return self


class Rounding(_Model):
    """Decimal places at which scores are rounded half-up (四舍五入); nowhere else."""

    indicator: Annotated[int, Field(ge=0, le=6, description="places for each indicator's points, 0-6")] = 2
    total: Annotated[int, Field(ge=0, le=6, description="places for the total, 0-6")] = 2


class TargetRange(_Model):
    """A target range (150万-200万): give min, max or both; both ends count as inside."""

    # An editor should refuse `target: {}` as the loader does.
    model_config = ConfigDict(json_schema_extra={"minProperties": 1})
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _ordered(self) -> TargetRange:
        if self.min is None and self.max is None:
            raise PydanticCustomError("ce_range_empty", "give min, max or both", {})
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError("ce_range_order", "min {min} is above max {max}",
                                      {"min": self.min, "max": self.max})
        return self


def _number_or_range(v: Any) -> str:
    return "range" if isinstance(v, dict | TargetRange) else "number"


# A number, or a mapping {min, max}; told apart by shape so an error names only the one meant.
YearTarget = Annotated[
    Annotated[float, Tag("number")] | Annotated[TargetRange, Tag("range")],
    Discriminator(_number_or_range),
]
def _year_key(v: Any) -> Any:
    # A mapping key is text to the YAML reader and to JSON: `2023:` arrives as "2023" (models are strict).
    return int(v) if isinstance(v, str) and v.isascii() and v.isdigit() and len(v) <= 4 else v


Year = Annotated[int, BeforeValidator(_year_key), Field(ge=YEAR_MIN, le=YEAR_MAX)]


def _target_kind(v: Any) -> str:
    # `{2023: 28, 2024: 30}`: every key a year (an int, or digits) makes a target per year.
    if isinstance(v, dict) and v and all((isinstance(k, int) and not isinstance(k, bool))
                                         or (isinstance(k, str) and k.isdigit()) for k in v):
        return "by_year"
    return _number_or_range(v)


# Keys are years: an editor then tells `{2023: 28}` from a range `{min: 150}` (else both are objects).
_BY_YEAR_SCHEMA = Field(json_schema_extra={"propertyNames": {"pattern": "^[0-9]{4}$"}})
# Also a target per year, {2023: 28, 2024: 30}: each year of a run is scored with its own (config/peryear.py).
Target = Annotated[
    Annotated[float, Tag("number")] | Annotated[TargetRange, Tag("range")]
    | Annotated[dict[Year, YearTarget], Tag("by_year"), Field(min_length=1), _BY_YEAR_SCHEMA],
    Discriminator(_target_kind),
]


class Indicator(_Model):
    """One indicator: what it measures, whose value it is, and how it scores."""

    code: Code
    name: Text
    part: Code
    points: Annotated[float, Field(ge=0)]
    scale: Scale
    unit: Text | None = Field(None, description="display unit, e.g. 人次; percent and days need none")
    direction: Direction
    subject: Subject
    definition: Text
    formula: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = Field(
        None, description="arithmetic over raw field codes, e.g. `a_lvl4_ops / a_ops * 100`"
    )
    national_no: IntOrStr | None = Field(
        None, description="number in the national tertiary hospital assessment (国考)"
    )
    rule: Rule
    target: Target | None = Field(None, description="default target in the indicator's unit: a number, or "
                                                     "{min, max} for within_range")
    applies_to: list[Code] | None = Field(None, description="only these campuses are scored on it; for others "
                                                          "its points go to the rest of its part")
    homogeneity: Homogeneity | None = None
    missing: MissingPolicy | None = Field(None, description="overrides the table's missing-value policy")
    source: Text | None = Field(None, description="who reports the figure")


class CatalogRef(_Model):
    """An indicator taken from the national catalog by number, with this table's points, rule and target."""

    catalog: IntOrStr = Field(description="the national number, e.g. 3")
    code: Code | None = Field(None, description="the code in this table; default N<number>, e.g. N3")
    name: Text | None = Field(None, description="overrides the catalog's name")
    part: Code
    points: Annotated[float, Field(ge=0)]
    subject: Subject = "campus"
    direction: Direction | None = Field(None, description="overrides the catalog's direction (e.g. scoring a "
                                                          "monitored indicator)")
    rule: Rule
    target: Target | None = None
    applies_to: list[Code] | None = None
    homogeneity: Homogeneity | None = None
    missing: MissingPolicy | None = None
    source: Text | None = None

    def default_code(self) -> str:
        return self.code or (f"N{self.catalog}" if self.catalog.isdigit() else "")


def _indicator_kind(v: Any) -> str:
    return "catalog_ref" if isinstance(v, CatalogRef) or (isinstance(v, dict) and "catalog" in v) else "indicator"


# An item of `indicators:` or `add:`: a full definition, or {catalog: N, ...}.
IndicatorItem = Annotated[
    Annotated[Indicator, Tag("indicator")] | Annotated[CatalogRef, Tag("catalog_ref")],
    Discriminator(_indicator_kind),
]


class Plausibility(_Model):
    """Thresholds of the checks that warn about values that look mistyped (--strict makes them errors)."""

    year_change_factor: Annotated[float, Field(gt=1, le=1_000_000)] = Field(
        10, description="warn when a value is more than this many times (or less than 1/this of) last year's")


class Table(_Model):
    """An indicator table: parts, raw fields and indicators, and how scores are combined."""

    id: Code
    name: Text
    version: IntOrStr
    provenance: Text = Field(description="where the table comes from and how official it is")
    entity: Text = Field(
        default_factory=lambda: LocalText(zh="院区", en="campus"),
        description="what the evaluated units are called",
    )
    total_points: Annotated[float, Field(gt=0)] = 100
    aggregation: Aggregation = Field("additive", description="how part scores make the total: additive (their "
                                     "sum) or geometric (total_points x the weighted geometric mean of part "
                                     "score / part points, weights part points / total_points)")
    rounding: Rounding = Field(default_factory=Rounding)
    rank_on: RankOn = Field("rounded", description="rank on the total as rounded at rounding.total, or on the "
                                                   "total before that rounding")
    missing: MissingPolicy = Field("zero", description="what a missing value does: zero, reweight or error")
    reweight: Reweight = "scale_within_part"
    small_sample: Annotated[int, Field(ge=0)] = Field(
        5, description="a rate built on fewer events than this in its numerator, at the campus or its HQ, "
                       "carries a small-sample note (小样本); 0 turns the note off")
    homogeneity: Homogeneity = Field(
        default_factory=lambda: Homogeneity(min_ratio=0.9),
        description="default tolerance for indicators reported for both campus and HQ",
    )
    ranking: RankBy = Field(
        "rate", description="rank by the total, or by the rate total / the unit's effective maximum (the same "
                            "order whenever every unit has the same maximum)")
    min_coverage: Annotated[float, Field(ge=0, le=1)] = Field(
        0.5, description="share of a part's points that must be scorable (not missing); below it the part is not "
                         "scored and the unit is flagged 数据不足 (insufficient data)")
    insufficient: Insufficient = Field(
        "unranked", description="how units with insufficient data are ranked: unranked (no rank) or last (after "
                                "every unit with enough data)")
    plausibility: Plausibility = Field(default_factory=Plausibility)
    parts: Annotated[list[Part], Field(min_length=1)]
    raw_fields: list[RawField] = Field(default_factory=list)
    indicators: Annotated[list[IndicatorItem], Field(min_length=1)]


class Ref(_Model):
    """A named unit referred to from a campus: its HQ or its district."""

    id: Code
    name: Text


class Campus(_Model):
    """An evaluated unit (usually a campus), with its HQ and district when it has them."""

    id: Code
    name: Text
    hq: Ref | None = None
    district: Ref | None = None
    deadline: Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)] | None = Field(
        None, description="the year by which this unit is to meet its targets (a construction deadline)"
    )


class CampusTargets(_Model):
    """A target that differs by campus: `default` for all, `campuses` for exceptions."""

    default: Target | None = None
    campuses: dict[Annotated[str, StringConstraints(pattern=CODE_PATTERN)], Target] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _something(self) -> CampusTargets:
        if self.default is None and not self.campuses:
            raise PydanticCustomError("ce_empty_target", "give a default or per-campus targets", {})
        return self


def _override_kind(v: Any) -> str:
    if isinstance(v, CampusTargets) or (isinstance(v, dict) and ("default" in v or "campuses" in v)):
        return "by_campus"
    return _target_kind(v)


TargetOverride = Annotated[
    Annotated[float, Tag("number")] | Annotated[TargetRange, Tag("range")]
    | Annotated[dict[Year, YearTarget], Tag("by_year"), Field(min_length=1), _BY_YEAR_SCHEMA]
    | Annotated[CampusTargets, Tag("by_campus")],
    Discriminator(_override_kind),
]
CodeKey = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]


class TargetsFile(_Model):
    """A locality's changes to a table: its campuses, targets, and indicators added or dropped."""

    extends: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="the table or targets file this file changes, relative to this file"
    )
    locality: Ref
    years: Annotated[list[Annotated[int, Field(ge=YEAR_MIN, le=YEAR_MAX)]], Field(min_length=1)] | None = None
    campuses: list[Campus] | None = Field(None, description="replaces the campuses of the file extended")
    reweight: Reweight | None = None
    missing: MissingPolicy | None = None
    ranking: RankBy | None = Field(None, description="overrides the table's ranking (total or rate)")
    min_coverage: Annotated[float, Field(ge=0, le=1)] | None = Field(
        None, description="overrides the table's min_coverage")
    insufficient: Insufficient | None = Field(None, description="overrides how units with insufficient data rank")
    drop: list[CodeKey] = Field(default_factory=list, description="indicators this locality does not use")
    add: list[IndicatorItem] = Field(default_factory=list, description="indicators this locality adds, "
                                                                      "in full or by catalog number")
    add_raw_fields: list[RawField] = Field(default_factory=list)
    points: dict[CodeKey, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)
    targets: dict[CodeKey, TargetOverride] = Field(default_factory=dict)
    rules: dict[CodeKey, Rule] = Field(default_factory=dict)
    homogeneity: dict[CodeKey, Homogeneity] = Field(default_factory=dict)
    applies_to: dict[CodeKey, list[Code]] = Field(default_factory=dict,
                                                   description="limit indicators to some campuses")
    notes: Text | None = None
    allocation: Allocation | None = Field(None, description="a funding pool shared out by result (经费补助)")
