"""The effective table: an indicator table after a locality's changes, with effective points; built without I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from campuseval.config.allocation import Allocation
from campuseval.config.models import (
    Campus,
    Homogeneity,
    Indicator,
    LocalText,
    MissingPolicy,
    Part,
    RawField,
    Ref,
    Reweight,
    Table,
    TargetRange,
)
from campuseval.config.rules import Rule
from campuseval.weights import allocate


@dataclass(frozen=True)
class SourceFile:
    """A config file that went into the effective table, with its hash for the report."""

    path: str
    sha256: str
    role: str  # "table" or "targets"


@dataclass(frozen=True)
class Change:
    """One change a targets file made to an indicator, kept for the method appendix."""

    file: str
    what: str  # "added", "points", "target", "rule", "homogeneity", "applies_to"
    old: str
    new: str
    campus: str | None = None  # for a per-campus target


@dataclass(frozen=True)
class EffIndicator:
    """An indicator as scored: its definition, effective points and per-campus targets."""

    spec: Indicator
    points: float  # effective maximum after re-weighting, allocated at the rounding places
    # A value may be per year ({2023: 28}) until config/peryear.for_year resolves the table to one year.
    campus_targets: Mapping[str, float | TargetRange | Mapping[int, float | TargetRange]] = field(
        default_factory=lambda: MappingProxyType({}))
    origin: str = ""
    changes: tuple[Change, ...] = ()

    @property
    def code(self) -> str:
        return self.spec.code

    @property
    def rule(self) -> Rule:
        return self.spec.rule

    @property
    def scored(self) -> bool:
        return self.spec.rule.scored

    def target_for(self, campus_id: str) -> float | TargetRange | None:
        """The campus's target; the table must be resolved to one year first (config/peryear.for_year)."""
        t = self.campus_targets.get(campus_id, self.spec.target)
        if isinstance(t, Mapping):  # a bug in the caller, not a user error
            raise TypeError(f"{self.code}: per-year target not resolved to a year")
        return t

    def applies(self, campus_id: str) -> bool:
        return self.spec.applies_to is None or campus_id in self.spec.applies_to


@dataclass(frozen=True)
class Dropped:
    code: str
    name: LocalText
    part: str
    file: str


@dataclass(frozen=True)
class EffectiveTable:
    """Everything the engine needs: trusted, validated, with effective points computed."""

    table: Table
    parts: tuple[Part, ...]
    indicators: tuple[EffIndicator, ...]
    raw_fields: tuple[RawField, ...]
    campuses: tuple[Campus, ...] = ()
    locality: Ref | None = None
    years: tuple[int, ...] | None = None
    reweight: Reweight = "scale_within_part"
    missing: MissingPolicy = "zero"
    dropped: tuple[Dropped, ...] = ()
    sources: tuple[SourceFile, ...] = ()
    allocation: Allocation | None = None

    @property
    def total_max(self) -> float:
        return sum(p.points for p in self.effective_parts())

    def effective_parts(self) -> tuple[Part, ...]:
        """Parts with their points after re-weighting (under shrink_total a part loses dropped points)."""
        if self.reweight == "scale_within_part":
            return self.parts
        return tuple(
            p.model_copy(update={"points": sum(i.points for i in self.indicators
                                               if i.spec.part == p.code and i.scored)})
            for p in self.parts
        )

    def indicator(self, code: str) -> EffIndicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def homogeneity_for(self, ind: EffIndicator) -> Homogeneity:
        return ind.spec.homogeneity or self.table.homogeneity


def effective_points(
    indicators: list[Indicator], parts: tuple[Part, ...], reweight: Reweight, places: int
) -> dict[str, float]:
    """Effective maximum per indicator code under the re-weighting policy.

    scale_within_part: each part keeps its points and its scored indicators share them in
    proportion to their raw points. shrink_total: raw points stand; a part loses what was
    dropped. Unscored rules (monitor, veto) get 0; a bonus keeps its raw points as its cap.
    """
    out: dict[str, float] = {}
    for part in parts:
        members = [i for i in indicators if i.part == part.code]
        scored = [i for i in members if i.rule.scored]
        if reweight == "scale_within_part":
            shares = allocate([i.points for i in scored], part.points, places)
        else:
            shares = [i.points for i in scored]
        out.update({i.code: s for i, s in zip(scored, shares, strict=True)})
        for i in members:
            if not i.rule.scored:
                out[i.code] = i.points if i.rule.type == "bonus" else 0.0
    return out


def build(
    table: Table,
    indicators: list[Indicator],
    raw_fields: list[RawField],
    *,
    reweight: Reweight,
    missing: MissingPolicy,
    campus_targets: dict[str, dict[str, Any]] | None = None,
    origins: dict[str, str] | None = None,
    changes: dict[str, list[Change]] | None = None,
    **extra: object,
) -> EffectiveTable:
    """Assemble an EffectiveTable, computing effective points."""
    pts = effective_points(indicators, tuple(table.parts), reweight, table.rounding.indicator)
    effs = tuple(
        EffIndicator(
            spec=i,
            points=pts[i.code],
            campus_targets=MappingProxyType(dict((campus_targets or {}).get(i.code, {}))),
            origin=(origins or {}).get(i.code, ""),
            # A city file restating the table's value changes nothing; the appendix should not say it does.
            changes=tuple(c for c in (changes or {}).get(i.code, []) if c.what == "added" or c.old != c.new),
        )
        for i in indicators
    )
    eff = EffectiveTable(
        table=table,
        parts=tuple(table.parts),
        indicators=effs,
        raw_fields=tuple(raw_fields),
        reweight=reweight,
        missing=missing,
    )
    return replace(eff, **extra)  # type: ignore[arg-type]
