"""The `allocation` block of a targets file: a funding pool shared out by result (经费补助)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from campuseval.config.text import Text

AllocationMethod = Literal["proportional", "above_floor", "tiers"]
# A pool above a trillion yuan is a typo (an extra 0000), and would strain exact fen arithmetic for nothing.
MAX_POOL = 1e12


class _Model(BaseModel):
    # strict as every config model: `pool: true` or `pool: "1000000"` is an error, not 1.0 or a string.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, strict=True)


Total = Annotated[float, Field(ge=0, le=1e9)]  # a total or a floor on the table's own points scale


class Tier(_Model):
    """One tier: campuses in it get `weight` shares of the pool each (by band: total at least
    `min_total`; by rank: rank at most `max_rank`)."""

    name: Text | None = None
    min_total: Total | None = Field(None, description="by band: the lowest total in this tier, inclusive")
    max_rank: Annotated[int, Field(ge=1, le=1_000_000)] | None = Field(
        None, description="by rank: the lowest rank in this tier")
    weight: Annotated[float, Field(gt=0, le=1e9, description="shares of the pool each campus in the tier gets")]


class Allocation(_Model):
    """A funding pool divided among the campuses by their result, to the fen, summing exactly to the pool."""

    pool: Annotated[float, Field(gt=0, le=MAX_POOL, description="the amount to share out, in yuan (元)")]
    method: AllocationMethod = Field(
        description="proportional: by total; above_floor: by the points above `floor`; tiers: by `tiers`")
    floor: Total | None = Field(None, description="above_floor: only points above this total count")
    min_total: Total | None = Field(None, description="a campus with a lower total gets nothing")
    by: Literal["band", "rank"] | None = Field(None, description="tiers: by score band (min_total) or by rank")
    tiers: list[Tier] = Field(default_factory=list, description="tiers: highest tier first or in any order")
    unit: Text | None = Field(None, description="how the amount is shown, default 元")

    @field_validator("pool")
    @classmethod
    def _to_the_fen(cls, v: float) -> float:
        if Decimal(str(v)).as_tuple().exponent < -2:  # type: ignore[operator]
            raise PydanticCustomError("ce_pool_fen", "the pool {pool} has more than two decimals (fen)",
                                      {"pool": v})
        return v

    @model_validator(mode="after")
    def _method_fits(self) -> Allocation:
        if self.method == "above_floor" and self.floor is None:
            raise PydanticCustomError("ce_alloc_floor", "method above_floor needs a floor", {})
        if self.method == "tiers":
            if self.by is None or not self.tiers:
                raise PydanticCustomError("ce_alloc_tiers", "method tiers needs `by` (band or rank) and `tiers`", {})
            key = "min_total" if self.by == "band" else "max_rank"
            bounds = [getattr(tier, key) for tier in self.tiers]
            twice = sorted({b for b in bounds if b is not None and bounds.count(b) > 1})
            if twice:  # two tiers with one bound: which weight applies would depend on their order
                raise PydanticCustomError("ce_alloc_tier_twice", "two tiers give {key} {value}",
                                          {"key": key, "value": twice[0]})
            for n, tier in enumerate(self.tiers, start=1):
                if getattr(tier, key) is None or getattr(tier, "max_rank" if key == "min_total" else "min_total") \
                        is not None:
                    raise PydanticCustomError("ce_alloc_tier_key", "tier {n}: by {by} each tier gives {key} only",
                                              {"n": n, "by": self.by, "key": key})
        elif self.tiers or self.by is not None:
            raise PydanticCustomError("ce_alloc_tiers_unused", "tiers and by are for method tiers, not {method}",
                                      {"method": self.method})
        return self
