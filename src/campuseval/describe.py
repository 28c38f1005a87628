"""Scoring rules and directions explained in words, for the terminal, reports and the method appendix."""

from __future__ import annotations

from collections.abc import Mapping

from campuseval.config.effective import EffIndicator
from campuseval.config.models import TargetRange
from campuseval.config.rules import Rule
from campuseval.formatting import num, value
from campuseval.formatting import target as target_text
from campuseval.i18n import Lang, t


def rule_text(rule: Rule, scale: str, direction: str, points: float,
              target: float | TargetRange | Mapping[int, float | TargetRange] | None, lang: Lang) -> str:
    """One sentence saying how `rule` turns a value into points (a per-year target listed year by year)."""
    tgt = target_text(target, scale)
    if rule.type == "meets_target":
        text = t(f"rule.meets_target.{rule.op}", lang, target=tgt)
        if rule.partial:
            text += t("rule.meets_target.partial_" + ("higher" if rule.op in ("gt", "ge") else "lower"), lang)
        return text
    if rule.type == "within_range":
        return t(f"rule.within_range.{rule.outside}", lang, target=tgt)
    if rule.type == "qualitative":
        return t("rule.qualitative", lang, goal=rule.goal.get(lang))
    if rule.type == "expert":
        text = t(f"rule.expert.{rule.combine}", lang, points=num(points))
        return text + (t("rule.expert.goal", lang, goal=rule.goal.get(lang)) if rule.goal else "")
    if rule.type == "target_pro_rata":
        return t("rule.target_pro_rata", lang, target=tgt)
    if rule.type == "cap_pro_rata":
        return t("rule.cap_pro_rata", lang, target=tgt)
    if rule.type == "deduct_per_unit":
        key = "rule.deduct_per_unit.higher" if direction == "higher" else "rule.deduct_per_unit.lower"
        step = num(rule.step) + (" " + t("unit.points", lang) if scale == "percent" else "")
        return t(key, lang, target=tgt, step=step, deduct=num(rule.deduct), floor=num(rule.floor),
                 steps=t(f"rule.steps.{rule.steps}", lang))
    if rule.type == "linear_band":
        return t("rule.linear_band", lang, target=tgt, limit=value(rule.limit, scale, 4))
    if rule.type == "graded_bands":
        bands = t("list.sep", lang).join(
            t("rule.band", lang, range=_band_range(b.min, b.max, scale), points=num(b.points))
            for b in rule.bands
        )
        return t("rule.graded_bands", lang, bands=bands)
    if rule.type == "yes_no":
        return t("rule.yes_no.yes" if rule.expect else "rule.yes_no.no", lang)
    if rule.type == "relative_to_hq":
        key = "rule.relative_to_hq.higher" if direction == "higher" else "rule.relative_to_hq.lower"
        text = t(key, lang, full=num(rule.full_ratio))
        if rule.zero_ratio > 0:
            text += t("rule.relative_to_hq.zero", lang, zero=num(rule.zero_ratio), full=num(rule.full_ratio))
        return text
    if rule.type == "change_vs_previous":
        amount = ""
        if rule.min_change > 0:
            if rule.relative:
                amount = t("rule.change.relative", lang, pct=num(rule.min_change * 100))
            elif scale == "percent":
                amount = t("rule.change.points", lang, amount=num(rule.min_change))
            else:
                amount = t("rule.change.absolute", lang, amount=value(rule.min_change, scale, 4))
        key = "rule.change.higher" if direction == "higher" else "rule.change.lower"
        text = t(key, lang, amount=amount)
        if rule.allow_equal and rule.min_change == 0:
            text += t("rule.change.equal", lang)
        return text
    if rule.type == "monitor":
        return t("rule.monitor", lang)
    if rule.type == "bonus":
        return t("rule.bonus", lang, base=value(rule.base, scale, 4), per_unit=num(rule.per_unit),
                 points=num(points))
    if rule.type == "veto":
        if rule.effect == "zero":
            return t("rule.veto.zero", lang)
        return t("rule.veto.cap", lang, cap=num(rule.cap))
    raise AssertionError(rule)  # every rule type is handled above


def _band_range(lo: float | None, hi: float | None, scale: str) -> str:
    if lo is None and hi is None:
        return "*"
    if lo is None:
        return f"< {value(hi, scale, 4)}"
    if hi is None:
        return f">= {value(lo, scale, 4)}"
    return f"[{value(lo, scale, 4)}, {value(hi, scale, 4)})"


def indicator_rule_text(ind: EffIndicator, lang: Lang) -> str:
    spec = ind.spec
    return rule_text(spec.rule, spec.scale, spec.direction, ind.points, spec.target, lang)


def direction_text(direction: str, lang: Lang) -> str:
    return t(f"direction.{direction}", lang)


def subject_text(subject: str, lang: Lang) -> str:
    return t(f"subject.{subject}", lang)
