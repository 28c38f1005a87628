"""Targets given per year ({2023: 28, 2024: 30}): the table as in force in one year, and the load-time checks."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from types import MappingProxyType
from typing import Any

from campuseval.config.effective import EffectiveTable, EffIndicator
from campuseval.config.models import CampusTargets, Indicator, TargetRange, TargetsFile
from campuseval.errors import Diagnostic, Location, UsageError, diag

Concrete = float | TargetRange
AnyTarget = float | TargetRange | Mapping[int, float | TargetRange]


def is_per_year(target: object) -> bool:
    return isinstance(target, Mapping)


def years_of(target: object) -> list[int]:
    """The years a per-year target names, in order; [] for a number or a range."""
    return sorted(target) if isinstance(target, Mapping) else []


def concrete(target: AnyTarget | None) -> Concrete | None:
    """A target known to hold no per-year mapping (the engine's view after `for_year`)."""
    if isinstance(target, Mapping):  # a bug: the engine scores a table resolved to one year
        raise TypeError("per-year target reached the engine unresolved; call config.peryear.for_year first")
    return target


def for_year(eff: EffectiveTable, year: int) -> EffectiveTable:
    """The table as in force in `year`: each per-year target replaced by that year's value.

    A per-year target that does not name `year` refuses the year (UsageError naming the indicator,
    the campus when the target is a campus's own, and the years it gives) rather than guess one.
    """
    if not any(_has_per_year(i) for i in eff.indicators):
        return eff
    problems: list[Diagnostic] = []
    where = Location(file=eff.sources[-1].path if eff.sources else None)
    out: list[EffIndicator] = []
    for ind in eff.indicators:
        if not _has_per_year(ind):
            out.append(ind)
            continue
        spec_target = _pick(ind.spec.target, year, ind.code, None, where, problems)
        campus = {cid: t for cid, v in ind.campus_targets.items()
                  if (t := _pick(v, year, ind.code, cid, where, problems)) is not None}
        out.append(replace(ind, spec=ind.spec.model_copy(update={"target": spec_target}),
                           campus_targets=MappingProxyType(campus)))
    if problems:
        raise UsageError(problems)
    return replace(eff, indicators=tuple(out))


def _has_per_year(ind: EffIndicator) -> bool:
    return is_per_year(ind.spec.target) or any(is_per_year(v) for v in ind.campus_targets.values())


def _pick(target: Any, year: int, code: str, campus: str | None, where: Location,
          problems: list[Diagnostic]) -> Concrete | None:
    if not isinstance(target, Mapping):
        return target
    if year in target:
        return target[year]
    key = "targets.year_missing_campus" if campus else "targets.year_missing"
    problems.append(diag(where, key, "targets.year_missing.hint", hint_params={"year": year},
                         indicator=code, campus=campus or "",
                         year=year, years=", ".join(map(str, sorted(target)))))
    return None


def check_file_years(tf: TargetsFile, adds: list[Indicator], at: Callable[..., Location]) -> list[Diagnostic]:
    """Per-year targets of a targets file with `years:` name only those years (a 2025 target in a file for
    2023-2024 is a slip: it would never be used, or the file's years are wrong)."""
    if tf.years is None:
        return []
    allowed = set(tf.years)
    shown = ", ".join(map(str, tf.years))
    out: list[Diagnostic] = []

    def check(target: object, *path: str | int) -> None:
        for y in years_of(target):
            if y not in allowed:
                # Marks are keyed by the text of a key: `2023:` is found as "2023".
                out.append(diag(at(*path, str(y)), "targets.year_outside", "targets.year_outside.hint",
                                year=y, years=shown))

    for code, value in tf.targets.items():
        if isinstance(value, CampusTargets):
            check(value.default, "targets", code, "default")
            for cid, v in value.campuses.items():
                check(v, "targets", code, "campuses", cid)
        else:
            check(value, "targets", code)
    for n, ind in enumerate(adds):
        check(ind.target, "add", n, "target")
    return out
