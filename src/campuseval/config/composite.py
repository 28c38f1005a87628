"""Checks for composite-index settings: what geometric aggregation cannot mean, refused at load."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from campuseval.config.models import Campus, Indicator, Part, Table
from campuseval.errors import Diagnostic, Location, diag


def check_geometric_rule(table: Table, ind: Indicator, rule_at: Callable[..., Location]) -> list[Diagnostic]:
    """A bonus adds points on top of the total; a geometric total is 0 whenever a part is 0, and points on
    top would break that (and the bound total_points), so the two do not mix."""
    if table.aggregation == "geometric" and ind.rule.type == "bonus":
        return [diag(rule_at("type"), "cfg.geometric_bonus", "cfg.geometric_bonus.hint", code=ind.code)]
    return []


def check_geometric_cover(table: Table, parts: Iterable[Part], indicators: list[Indicator],
                          campuses: Iterable[Campus], campus_at: Callable[[int], Location]) -> list[Diagnostic]:
    """Under geometric aggregation each declared campus needs a scored indicator in every part: applies_to
    must not leave a part empty, as a geometric mean with a dimension left out measures something else."""
    if table.aggregation != "geometric":
        return []
    out = []
    for n, c in enumerate(campuses):
        for part in parts:
            if not any(i.part == part.code and i.rule.scored and (i.applies_to is None or c.id in i.applies_to)
                       for i in indicators):
                out.append(diag(campus_at(n), "cfg.geometric_part_not_applicable",
                                "cfg.geometric_part_not_applicable.hint", part=part.code, campus=c.id))
    return out
