"""Scoring-rule models: one pydantic model per rule, joined in a union tagged by `type`."""

from __future__ import annotations

import itertools
import math
from typing import Annotated, ClassVar, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from campuseval.config.text import Text


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)

    # Which directions a rule makes sense for, whether it reads the indicator's target,
    # and whether its points count towards the parts; checked against its indicator.
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower"})
    uses_target: ClassVar[bool] = False
    range_target: ClassVar[bool] = False  # True when the target must be a range {min, max}
    scored: ClassVar[bool] = True


class TargetProRata(_Rule):
    """At or above target: full points; below: points x actual / target."""

    type: Literal["target_pro_rata"]
    directions: ClassVar[frozenset[str]] = frozenset({"higher"})
    uses_target: ClassVar[bool] = True


class CapProRata(_Rule):
    """At or below the cap (the target): full points; above: points x cap / actual."""

    type: Literal["cap_pro_rata"]
    directions: ClassVar[frozenset[str]] = frozenset({"lower"})
    uses_target: ClassVar[bool] = True


class DeductPerUnit(_Rule):
    """Full at target; every `step` units short deducts `deduct` points, never below `floor`."""

    type: Literal["deduct_per_unit"]
    step: Annotated[float, Field(gt=0, description="size of one unit of shortfall, in the indicator's unit")] = 1.0
    deduct: Annotated[float, Field(gt=0, description="points deducted per step short")]
    floor: Annotated[float, Field(ge=0, description="lowest score the rule can give")] = 0.0
    steps: Literal["exact", "started", "completed"] = Field(
        "exact",
        description="exact: fractions of a step deduct pro rata; started: any part of a step counts as "
        "a whole step; completed: only whole steps count",
    )
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower"})
    uses_target: ClassVar[bool] = True



class LinearBand(_Rule):
    """Full points at the target, zero at `limit`, linear in between."""

    type: Literal["linear_band"]
    limit: Annotated[float, Field(description="value at which the score reaches zero")]
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower"})
    uses_target: ClassVar[bool] = True



class Band(BaseModel):
    """One grade: values from `min` (inclusive) up to `max` (exclusive) earn `points`."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)
    min: float | None = Field(None, description="lowest value of the band, inclusive; omit for no lower bound")
    max: float | None = Field(None, description="upper bound of the band, exclusive; omit for no upper bound")
    points: Annotated[float, Field(ge=0)]


    @model_validator(mode="after")
    def _ordered(self) -> Band:
        if self.min is not None and self.max is not None and self.min >= self.max:
            raise PydanticCustomError(
                "ce_band_order", "band min {min} must be below its max {max}",
                {"min": self.min, "max": self.max},
            )
        return self


def _end(x: float | None) -> str:
    """A band end as written in a message: 15, not 15.0; an open end as ∞."""
    return "∞" if x is None else f"{x:g}"


class GradedBands(_Rule):
    """Value ranges (分档) map to fixed points; a value in no band scores zero."""

    type: Literal["graded_bands"]
    bands: Annotated[list[Band], Field(min_length=1)]
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower"})

    @field_validator("bands")
    @classmethod
    def _no_overlap(cls, bands: list[Band]) -> list[Band]:
        ordered = sorted(bands, key=lambda b: -math.inf if b.min is None else b.min)
        for a, b in itertools.pairwise(ordered):
            a_max = math.inf if a.max is None else a.max
            b_min = -math.inf if b.min is None else b.min
            if b_min < a_max:
                raise PydanticCustomError(
                    "ce_band_overlap", "bands overlap: [{a_min}, {a_max}) and [{b_min}, {b_max})",
                    {"a_min": _end(a.min), "a_max": _end(a.max), "b_min": _end(b.min), "b_max": _end(b.max)},
                )
        return bands


class YesNo(_Rule):
    """Full points when the value is yes (是, 1, true) and `expect` is yes, or the reverse."""

    type: Literal["yes_no"]
    expect: bool = Field(True, description="the answer that earns the points")
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower", "monitor"})


class RelativeToHq(_Rule):
    """The campus against its HQ as a ratio (HQ / campus for lower-is-better): full at `full_ratio`."""

    type: Literal["relative_to_hq"]
    full_ratio: Annotated[float, Field(gt=0, le=10, description="ratio at or above which full points are earned")] = 1.0
    zero_ratio: Annotated[float, Field(ge=0, description="ratio at or below which the score is zero")] = 0.0


    @model_validator(mode="after")
    def _ordered(self) -> RelativeToHq:
        if self.zero_ratio >= self.full_ratio:
            raise PydanticCustomError(
                "ce_ratio_order", "zero_ratio {zero} must be below full_ratio {full}",
                {"zero": self.zero_ratio, "full": self.full_ratio},
            )
        return self


class ChangeVsPrevious(_Rule):
    """Full points when the value moved in the indicator's direction against last year, by at least `min_change`."""

    type: Literal["change_vs_previous"]
    min_change: Annotated[float, Field(
        ge=0, description="smallest change that counts, in the indicator's unit (or a fraction when relative)"
    )] = 0.0
    relative: bool = Field(False, description="min_change is a fraction of last year's value")
    allow_equal: bool = Field(False, description="an unchanged value also earns the points (only with min_change 0)")

    @model_validator(mode="after")
    def _equal_needs_no_change(self) -> ChangeVsPrevious:
        if self.allow_equal and self.min_change > 0:
            raise PydanticCustomError(
                "ce_equal_with_min_change", "allow_equal cannot be combined with a min_change above 0", {}
            )
        return self


class Monitor(_Rule):
    """Reported and compared, not scored (监测比较)."""

    type: Literal["monitor"]
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower", "monitor"})
    scored: ClassVar[bool] = False


class Bonus(_Rule):
    """Extra points (加分): `per_unit` points for each unit above `base`, capped at the indicator's points."""

    type: Literal["bonus"]
    per_unit: Annotated[float, Field(gt=0)]
    base: float = 0.0
    directions: ClassVar[frozenset[str]] = frozenset({"higher"})
    scored: ClassVar[bool] = False



class Veto(_Rule):
    """An event (value yes or above zero) that zeroes the total (一票否决) or caps it."""

    type: Literal["veto"]
    effect: Literal["zero", "cap"] = "zero"
    cap: Annotated[float, Field(ge=0)] | None = Field(None, description="the total's ceiling when effect is cap")
    directions: ClassVar[frozenset[str]] = frozenset({"lower", "monitor"})
    scored: ClassVar[bool] = False

    @model_validator(mode="after")
    def _cap_given(self) -> Veto:
        if self.effect == "cap" and self.cap is None:
            raise PydanticCustomError("ce_veto_cap", "effect cap needs a cap value", {})
        if self.effect == "zero" and self.cap is not None:
            raise PydanticCustomError("ce_veto_zero_cap", "effect zero takes no cap", {})
        return self


class MeetsTarget(_Rule):
    """Pass or fail against the target with a strict or non-strict comparison (> 35%, < 8 days, >= level 5)."""

    type: Literal["meets_target"]
    op: Literal["gt", "ge", "lt", "le"] = Field(
        description="gt: above the target; ge: at least; lt: below; le: at most"
    )
    partial: bool = Field(False, description="when not met, earn points pro rata (value/target, or target/value "
                                             "for lt/le) instead of none")
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower"})
    uses_target: ClassVar[bool] = True

    @model_validator(mode="after")
    def _partial_needs_inclusive(self) -> MeetsTarget:
        # Pro-rata credit at the target itself is full points, so a strict comparison would
        # mean nothing: "above 35%" with partial credit is "at least 35%".
        if self.partial and self.op in ("gt", "lt"):
            raise PydanticCustomError("ce_partial_strict", "partial credit needs op ge or le, not {op}",
                                      {"op": self.op})
        return self


class WithinRange(_Rule):
    """Full points inside a target range {min, max} (150万-200万); outside it none, or pro rata."""

    type: Literal["within_range"]
    outside: Literal["zero", "pro_rata"] = Field(
        "zero", description="zero: no points outside the range; pro_rata: value/min below it, max/value above it"
    )
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower", "monitor"})
    uses_target: ClassVar[bool] = True
    range_target: ClassVar[bool] = True


class Qualitative(_Rule):
    """A goal data cannot score (a national ranking, an A grade): reported as such, judged by people."""

    type: Literal["qualitative"]
    goal: Text = Field(description="the goal in words, e.g. 绩效考核进入全国百强")
    directions: ClassVar[frozenset[str]] = frozenset({"higher", "lower", "monitor"})
    scored: ClassVar[bool] = False


class Expert(_Rule):
    """Scored by a panel (党建、清廉医院建设): reviewers' marks from the 专家评分 sheet, combined as the table says."""

    type: Literal["expert"]
    combine: Literal["mean", "trimmed_mean"] = Field(
        "mean", description="mean: the average of every reviewer's mark; trimmed_mean: the average without "
                            "the highest and the lowest mark (needs at least 3 reviewers)")
    goal: Text | None = Field(None, description="what the panel judges, in words")
    directions: ClassVar[frozenset[str]] = frozenset({"higher"})


Rule = Annotated[
    TargetProRata
    | CapProRata
    | DeductPerUnit
    | LinearBand
    | GradedBands
    | YesNo
    | RelativeToHq
    | ChangeVsPrevious
    | Monitor
    | Bonus
    | Veto
    | MeetsTarget
    | WithinRange
    | Qualitative
    | Expert,
    Field(discriminator="type"),
]

RULE_CLASSES: dict[str, type[_Rule]] = {
    "target_pro_rata": TargetProRata,
    "cap_pro_rata": CapProRata,
    "deduct_per_unit": DeductPerUnit,
    "linear_band": LinearBand,
    "graded_bands": GradedBands,
    "yes_no": YesNo,
    "relative_to_hq": RelativeToHq,
    "change_vs_previous": ChangeVsPrevious,
    "monitor": Monitor,
    "bonus": Bonus,
    "veto": Veto,
    "meets_target": MeetsTarget,
    "within_range": WithinRange,
    "qualitative": Qualitative,
    "expert": Expert,
}
RULE_TYPES: tuple[str, ...] = tuple(RULE_CLASSES)
