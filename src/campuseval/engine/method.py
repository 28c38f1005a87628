"""The method section of the results: the effective table in words, so reports need no config to explain it."""

from __future__ import annotations

from campuseval.config.effective import EffectiveTable
from campuseval.config.models import LocalText, TargetRange
from campuseval.config.peryear import concrete
from campuseval.describe import indicator_rule_text
from campuseval.results import ChangeOut, Method, MethodIndicator, PartScore, RangeOut, TargetOut, Text


def text(t: LocalText | None) -> Text | None:
    return None if t is None else Text(zh=t.zh, en=t.en or t.zh)


def target_out(target: float | TargetRange | None) -> TargetOut | None:
    if target is None or type(target) is float:  # the common case, without a model's slow isinstance
        return target
    if isinstance(target, TargetRange):
        return RangeOut(min=target.min, max=target.max)
    return target


def build_method(eff: EffectiveTable) -> Method:
    table = eff.table
    indicators = []
    for ind in eff.indicators:
        s = ind.spec
        tol = None
        if s.subject == "both":
            h = eff.homogeneity_for(ind)
            tol = {"min_ratio": h.min_ratio, "max_diff": h.max_diff}
        indicators.append(MethodIndicator(
            code=s.code, name=Text(zh=s.name.zh, en=s.name.en or s.name.zh), part=s.part, points=s.points,
            effective_points=ind.points, direction=s.direction, subject=s.subject, scale=s.scale,
            rule=s.rule.type,
            rule_text=Text(zh=indicator_rule_text(ind, "zh"), en=indicator_rule_text(ind, "en")),
            target=target_out(concrete(s.target)), campus_targets={k: v for k, v in
                                                           ((c, target_out(concrete(t))) for c, t in
                                                            ind.campus_targets.items())
                                                           if v is not None},
            applies_to=list(s.applies_to) if s.applies_to is not None else None, formula=s.formula,
            national_no=s.national_no, definition=Text(zh=s.definition.zh, en=s.definition.en or s.definition.zh),
            tolerance=tol, origin=ind.origin,
            changes=[ChangeOut(what=c.what, old=c.old, new=c.new, campus=c.campus, file=c.file)
                     for c in ind.changes],
        ))
    parts = [PartScore(code=p.code, name=Text(zh=p.name.zh, en=p.name.en or p.name.zh), score=0.0, max=p.points)
             for p in eff.effective_parts()]
    return Method(
        table_id=table.id, table_name=Text(zh=table.name.zh, en=table.name.en or table.name.zh),
        table_version=table.version,
        provenance=Text(zh=table.provenance.zh, en=table.provenance.en or table.provenance.zh),
        entity=Text(zh=table.entity.zh, en=table.entity.en or table.entity.zh),
        total_points=eff.total_max, aggregation=table.aggregation, rank_on=table.rank_on,
        reweight=eff.reweight, missing=eff.missing,
        rounding={"indicator": table.rounding.indicator, "total": table.rounding.total},
        ranking=table.ranking, min_coverage=table.min_coverage, insufficient=table.insufficient,
        small_sample=table.small_sample,
        parts=parts, indicators=indicators,
        dropped=[{"code": d.code, "name_zh": d.name.zh, "name_en": d.name.en or d.name.zh, "part": d.part,
                  "file": d.file} for d in eff.dropped],
    )
