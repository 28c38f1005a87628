"""Scoring-rule parameters: for every rule in RULE_CLASSES, parameters that validate and parameters that
do not (through pydantic, with the exact error type and place), and the checks that need the indicator
(direction, subject, target, points) through check_rule_fit."""

from __future__ import annotations

import typing
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from campuseval.config.checks import check_rule_fit
from campuseval.config.models import Indicator
from campuseval.config.rules import RULE_CLASSES, RULE_TYPES, DeductPerUnit, Rule
from campuseval.config.text import LocalText as Goal
from campuseval.errors import Location

RULE = TypeAdapter(Rule)

# rule type -> parameters that must validate, and the values they give (defaults included)
VALID: dict[str, list[tuple[dict[str, Any], dict[str, Any]]]] = {
    "target_pro_rata": [({}, {})],
    "cap_pro_rata": [({}, {})],
    "deduct_per_unit": [
        ({"deduct": 0.5}, {"step": 1.0, "deduct": 0.5, "floor": 0.0, "steps": "exact"}),
        ({"deduct": 1, "step": 0.1, "floor": 2, "steps": "started"},
         {"step": 0.1, "deduct": 1.0, "floor": 2.0, "steps": "started"}),
        ({"deduct": 1, "steps": "completed"}, {"steps": "completed"}),
    ],
    "linear_band": [({"limit": 60}, {"limit": 60.0}), ({"limit": -5.5}, {"limit": -5.5})],
    "graded_bands": [
        # adjacent bands share a bound: [0, 10) and [10, 20) do not overlap
        ({"bands": [{"max": 10, "points": 1}, {"min": 10, "max": 20, "points": 2}, {"min": 20, "points": 3}]},
         {}),
        ({"bands": [{"min": 5, "points": 0}]}, {}),
        # listed out of order: overlap is judged on the sorted bands
        ({"bands": [{"min": 20, "points": 3}, {"min": 0, "max": 20, "points": 1}]}, {}),
    ],
    "yes_no": [({}, {"expect": True}), ({"expect": False}, {"expect": False})],
    "relative_to_hq": [
        ({}, {"full_ratio": 1.0, "zero_ratio": 0.0}),
        ({"full_ratio": 0.9, "zero_ratio": 0.5}, {"full_ratio": 0.9, "zero_ratio": 0.5}),
        ({"full_ratio": 10}, {"full_ratio": 10.0}),
    ],
    "change_vs_previous": [
        ({}, {"min_change": 0.0, "relative": False, "allow_equal": False}),
        ({"min_change": 0.05, "relative": True}, {"min_change": 0.05, "relative": True, "allow_equal": False}),
        ({"allow_equal": True}, {"min_change": 0.0, "allow_equal": True}),
    ],
    "monitor": [({}, {})],
    "bonus": [({"per_unit": 0.5}, {"per_unit": 0.5, "base": 0.0}), ({"per_unit": 1, "base": -3}, {"base": -3.0})],
    "veto": [({}, {"effect": "zero", "cap": None}), ({"effect": "cap", "cap": 60}, {"effect": "cap", "cap": 60.0}),
             ({"effect": "cap", "cap": 0}, {"cap": 0.0})],
    "meets_target": [
        ({"op": "gt"}, {"op": "gt", "partial": False}),
        ({"op": "ge"}, {"op": "ge"}),
        ({"op": "lt"}, {"op": "lt", "partial": False}),
        ({"op": "le", "partial": False}, {"op": "le", "partial": False}),
        ({"op": "ge", "partial": True}, {"op": "ge", "partial": True}),
        ({"op": "le", "partial": True}, {"op": "le", "partial": True}),
    ],
    "within_range": [({}, {"outside": "zero"}), ({"outside": "pro_rata"}, {"outside": "pro_rata"})],
    "qualitative": [
        # a plain string is the Chinese text, stripped like every other text
        ({"goal": " 绩效考核进入全国百强 "}, {"goal": Goal(zh="绩效考核进入全国百强")}),
        ({"goal": {"zh": "进入百强", "en": "top 100"}}, {"goal": Goal(zh="进入百强", en="top 100")}),
    ],
    "expert": [
        ({}, {"combine": "mean", "goal": None}),
        ({"combine": "trimmed_mean", "goal": "党建引领"}, {"combine": "trimmed_mean", "goal": Goal(zh="党建引领")}),
    ],
}

# rule type -> parameters that must fail, with pydantic's error type and location after the rule's tag
INVALID: dict[str, list[tuple[dict[str, Any], str, tuple[str | int, ...]]]] = {
    "target_pro_rata": [({"target": 50}, "extra_forbidden", ("target",))],
    "cap_pro_rata": [({"limit": 3}, "extra_forbidden", ("limit",))],
    "deduct_per_unit": [
        ({}, "missing", ("deduct",)),
        ({"deduct": 0}, "greater_than", ("deduct",)),
        ({"deduct": -1}, "greater_than", ("deduct",)),
        ({"deduct": 1, "step": 0}, "greater_than", ("step",)),
        ({"deduct": 1, "floor": -1}, "greater_than_equal", ("floor",)),
        ({"deduct": 1, "steps": "partial"}, "literal_error", ("steps",)),
        ({"deduct": "十"}, "float_type", ("deduct",)),
    ],
    "linear_band": [
        ({}, "missing", ("limit",)),
        ({"limit": "六十"}, "float_type", ("limit",)),
        ({"limit": float("inf")}, "finite_number", ("limit",)),
        ({"limit": float("nan")}, "finite_number", ("limit",)),
    ],
    "graded_bands": [
        ({}, "missing", ("bands",)),
        ({"bands": []}, "too_short", ("bands",)),
        ({"bands": [{"min": 0, "max": 40, "points": 1}, {"min": 30, "points": 2}]}, "ce_band_overlap", ("bands",)),
        # two open-ended bands overlap everywhere
        ({"bands": [{"points": 1}, {"points": 2}]}, "ce_band_overlap", ("bands",)),
        ({"bands": [{"max": 10, "points": 1}, {"max": 20, "points": 2}]}, "ce_band_overlap", ("bands",)),
        ({"bands": [{"min": 50, "max": 40, "points": 1}]}, "ce_band_order", ("bands", 0)),
        ({"bands": [{"min": 40, "max": 40, "points": 1}]}, "ce_band_order", ("bands", 0)),
        ({"bands": [{"min": 0, "points": -1}]}, "greater_than_equal", ("bands", 0, "points")),
        ({"bands": [{"min": 0}]}, "missing", ("bands", 0, "points")),
        ({"bands": [{"from": 0, "points": 1}]}, "extra_forbidden", ("bands", 0, "from")),
    ],
    "yes_no": [({"expect": "maybe"}, "bool_type", ("expect",)), ({"target": 1}, "extra_forbidden", ("target",))],
    "relative_to_hq": [
        ({"full_ratio": 0}, "greater_than", ("full_ratio",)),
        ({"full_ratio": 11}, "less_than_equal", ("full_ratio",)),
        ({"zero_ratio": -0.1}, "greater_than_equal", ("zero_ratio",)),
        ({"full_ratio": 0.8, "zero_ratio": 0.9}, "ce_ratio_order", ()),
        ({"full_ratio": 0.8, "zero_ratio": 0.8}, "ce_ratio_order", ()),
        ({"zero_ratio": 1}, "ce_ratio_order", ()),  # against the default full_ratio 1
    ],
    "change_vs_previous": [
        ({"min_change": -1}, "greater_than_equal", ("min_change",)),
        ({"relative": "maybe"}, "bool_type", ("relative",)),
        ({"direction": "lower"}, "extra_forbidden", ("direction",)),
        # An unchanged value cannot have changed by 0.05: the combination can never pay.
        ({"min_change": 0.05, "allow_equal": True}, "ce_equal_with_min_change", ()),
    ],
    "monitor": [({"points": 0}, "extra_forbidden", ("points",))],
    "bonus": [
        ({}, "missing", ("per_unit",)),
        ({"per_unit": 0}, "greater_than", ("per_unit",)),
        ({"per_unit": 1, "base": "零"}, "float_type", ("base",)),
    ],
    "veto": [
        ({"effect": "cap"}, "ce_veto_cap", ()),
        ({"cap": 60}, "ce_veto_zero_cap", ()),
        ({"effect": "cap", "cap": -1}, "greater_than_equal", ("cap",)),
        ({"effect": "halve"}, "literal_error", ("effect",)),
    ],
    "meets_target": [
        ({}, "missing", ("op",)),  # no default: whether the target itself passes must be said
        ({"op": "gte"}, "literal_error", ("op",)),
        ({"op": ">"}, "literal_error", ("op",)),
        ({"op": "gt", "partial": "maybe"}, "bool_type", ("partial",)),
        ({"op": "gt", "target": 35}, "extra_forbidden", ("target",)),  # the target is the indicator's
        # pro-rata credit at the target is already full points: partial only with an inclusive comparison
        ({"op": "gt", "partial": True}, "ce_partial_strict", ()),
        ({"op": "lt", "partial": True}, "ce_partial_strict", ()),
    ],
    "within_range": [
        ({"outside": "linear"}, "literal_error", ("outside",)),
        ({"min": 150}, "extra_forbidden", ("min",)),  # the range is the indicator's target
        ({"outside": None}, "literal_error", ("outside",)),
    ],
    "qualitative": [
        ({}, "missing", ("goal",)),
        ({"goal": ""}, "string_too_short", ("goal", "zh")),
        ({"goal": "   "}, "string_too_short", ("goal", "zh")),
        ({"goal": {"en": "top 100"}}, "missing", ("goal", "zh")),
        ({"goal": {"zh": "进入百强", "english": "top 100"}}, "extra_forbidden", ("goal", "english")),
        ({"goal": 100}, "model_type", ("goal",)),
        ({"goal": "进入百强", "points": 0}, "extra_forbidden", ("points",)),
    ],
    "expert": [
        ({"combine": "median"}, "literal_error", ("combine",)),
        ({"reviewers": 3}, "extra_forbidden", ("reviewers",)),
        ({"goal": ""}, "string_too_short", ("goal", "zh")),
    ],
}


def test_every_rule_type_is_covered() -> None:
    assert set(VALID) == set(RULE_CLASSES) == set(INVALID)
    assert tuple(RULE_CLASSES) == RULE_TYPES
    for name, cls in RULE_CLASSES.items():
        assert typing.get_args(cls.model_fields["type"].annotation) == (name,)


@pytest.mark.parametrize(("rule_type", "params", "expected"),
                         [(t, p, e) for t, cases in VALID.items() for p, e in cases])
def test_valid_parameters(rule_type: str, params: dict[str, Any], expected: dict[str, Any]) -> None:
    direct = RULE_CLASSES[rule_type].model_validate({"type": rule_type, **params})
    through_union = RULE.validate_python({"type": rule_type, **params})
    assert type(through_union) is RULE_CLASSES[rule_type]
    assert through_union == direct
    for key, value in expected.items():
        assert getattr(direct, key) == value


@pytest.mark.parametrize(("rule_type", "params", "etype", "loc"),
                         [(t, p, e, loc) for t, cases in INVALID.items() for p, e, loc in cases])
def test_invalid_parameters(rule_type: str, params: dict[str, Any], etype: str, loc: tuple[str | int, ...]) -> None:
    with pytest.raises(ValidationError) as direct:
        RULE_CLASSES[rule_type].model_validate({"type": rule_type, **params})
    assert [(e["type"], e["loc"]) for e in direct.value.errors()] == [(etype, loc)]
    # Through the union the location starts with the rule's tag.
    with pytest.raises(ValidationError) as union:
        RULE.validate_python({"type": rule_type, **params})
    assert [(e["type"], e["loc"]) for e in union.value.errors()] == [(etype, (rule_type, *loc))]


def test_rule_messages_carry_the_values() -> None:
    with pytest.raises(ValidationError) as exc:
        RULE.validate_python({"type": "relative_to_hq", "full_ratio": 0.8, "zero_ratio": 0.9})
    assert exc.value.errors()[0]["msg"] == "zero_ratio 0.9 must be below full_ratio 0.8"
    with pytest.raises(ValidationError) as exc:
        RULE.validate_python({"type": "graded_bands", "bands": [{"min": 0, "max": 40, "points": 1},
                                                                {"min": 30, "max": 60, "points": 2}]})
    assert exc.value.errors()[0]["msg"] == "bands overlap: [0, 40) and [30, 60)"


def test_unknown_and_missing_rule_type() -> None:
    with pytest.raises(ValidationError) as exc:
        RULE.validate_python({"type": "target_prorata"})
    [err] = exc.value.errors()
    assert err["type"] == "union_tag_invalid" and err["ctx"]["tag"] == "target_prorata"
    assert err["ctx"]["expected_tags"] == ", ".join(f"'{t}'" for t in RULE_TYPES)
    with pytest.raises(ValidationError) as exc:
        RULE.validate_python({"typ": "target_pro_rata"})
    assert [e["type"] for e in exc.value.errors()] == ["union_tag_not_found"]


def test_rules_are_frozen() -> None:
    rule = DeductPerUnit.model_validate({"type": "deduct_per_unit", "deduct": 1})
    with pytest.raises(ValidationError):
        rule.deduct = 2  # type: ignore[misc]


def test_rule_class_attributes() -> None:
    """What check_rule_fit relies on: directions, whether a target is read, whether points count."""
    uses_target = {t for t, c in RULE_CLASSES.items() if c.uses_target}
    assert uses_target == {"target_pro_rata", "cap_pro_rata", "deduct_per_unit", "linear_band", "meets_target",
                           "within_range"}
    range_target = {t for t, c in RULE_CLASSES.items() if c.range_target}
    assert range_target == {"within_range"}
    unscored = {t for t, c in RULE_CLASSES.items() if not c.scored}
    assert unscored == {"monitor", "bonus", "veto", "qualitative"}
    assert RULE_CLASSES["target_pro_rata"].directions == {"higher"}
    assert RULE_CLASSES["cap_pro_rata"].directions == {"lower"}
    assert RULE_CLASSES["bonus"].directions == {"higher"}
    assert RULE_CLASSES["veto"].directions == {"lower", "monitor"}
    assert RULE_CLASSES["monitor"].directions == {"higher", "lower", "monitor"}
    assert RULE_CLASSES["yes_no"].directions == {"higher", "lower", "monitor"}
    assert RULE_CLASSES["relative_to_hq"].directions == {"higher", "lower"}
    assert RULE_CLASSES["meets_target"].directions == {"higher", "lower"}
    # a range has no better side: a monitored figure can be held within one
    assert RULE_CLASSES["within_range"].directions == {"higher", "lower", "monitor"}
    assert RULE_CLASSES["qualitative"].directions == {"higher", "lower", "monitor"}
    assert RULE_CLASSES["expert"].directions == {"higher"} and RULE_CLASSES["expert"].scored


# ---------------------------------------------------------------- check_rule_fit: the rule against its indicator


def indicator(rule: dict[str, Any], **over: Any) -> Indicator:
    spec: dict[str, Any] = {
        "code": "X1", "name": "测试指标", "part": "P", "points": 10, "scale": "percent",
        "direction": "higher", "subject": "campus", "definition": "说明", "rule": rule,
    }
    spec.update(over)
    return Indicator.model_validate(spec)


def fit(rule: dict[str, Any], **over: Any) -> list[tuple[str, str, dict[str, Any]]]:
    """(message key, the setting pointed at, message parameters) of every problem found."""
    ind = indicator(rule, **over)
    found = check_rule_fit(
        ind, ind.rule, ind.target,
        lambda *sub: Location(path=".".join(["rule", *map(str, sub)])),
        lambda: Location(path="target"),
        lambda: Location(path="points"),
    )
    # The *_zh parameters are the same words in Chinese (越高越好 for higher); the English ones identify the fault.
    return [(d.message.key, d.location.path or "", {k: v for k, v in d.message.params.items() if not k.endswith("_zh")})
            for d in found]


FITS: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"type": "target_pro_rata"}, {"target": 20}),
    ({"type": "target_pro_rata"}, {"target": 100}),
    ({"type": "target_pro_rata"}, {"target": 0.45, "scale": "fraction"}),
    ({"type": "target_pro_rata"}, {"target": 1, "scale": "fraction"}),
    ({"type": "target_pro_rata"}, {"target": 3000, "scale": "count"}),
    ({"type": "cap_pro_rata"}, {"target": 20, "direction": "lower"}),
    ({"type": "cap_pro_rata"}, {"target": 0, "direction": "lower"}),
    ({"type": "deduct_per_unit", "deduct": 0.5}, {"target": 45}),
    ({"type": "deduct_per_unit", "deduct": 0.5, "floor": 9}, {"target": 45, "direction": "lower"}),
    ({"type": "linear_band", "limit": 30}, {"target": 45}),
    ({"type": "linear_band", "limit": 60}, {"target": 45, "direction": "lower"}),
    ({"type": "graded_bands", "bands": [{"max": 10, "points": 2}, {"min": 10, "points": 10}]}, {}),
    ({"type": "yes_no"}, {}),
    ({"type": "yes_no", "expect": False}, {"direction": "monitor"}),
    ({"type": "relative_to_hq", "full_ratio": 0.9}, {"subject": "both"}),
    ({"type": "relative_to_hq"}, {"subject": "both", "direction": "lower"}),
    ({"type": "change_vs_previous"}, {"direction": "lower", "subject": "hq"}),
    ({"type": "monitor"}, {"points": 0, "direction": "monitor"}),
    ({"type": "bonus", "per_unit": 0.5}, {"points": 2}),
    ({"type": "veto"}, {"points": 0, "direction": "lower"}),
    ({"type": "veto", "effect": "cap", "cap": 60}, {"points": 0, "direction": "monitor"}),
    ({"type": "meets_target", "op": "gt"}, {"target": 35}),
    ({"type": "meets_target", "op": "ge"}, {"target": 5, "scale": "level"}),
    ({"type": "meets_target", "op": "lt"}, {"target": 8, "scale": "days", "direction": "lower"}),
    ({"type": "meets_target", "op": "le", "partial": True}, {"target": 0.3, "scale": "fraction", "direction": "lower"}),
    ({"type": "within_range"}, {"target": {"min": 150, "max": 200}, "scale": "money", "direction": "monitor"}),
    ({"type": "within_range", "outside": "pro_rata"}, {"target": {"min": 40}}),
    ({"type": "within_range"}, {"target": {"max": 8}, "scale": "days", "direction": "lower"}),
    ({"type": "within_range"}, {"target": {"min": 30, "max": 30}}),  # both ends count as inside
    ({"type": "within_range"}, {"target": {"min": 0, "max": 100}}),
    ({"type": "qualitative", "goal": "绩效考核进入全国百强"}, {"points": 0}),
    ({"type": "qualitative", "goal": {"zh": "建成区域医疗中心"}}, {"points": 0, "direction": "monitor",
                                                              "subject": "locality"}),
    ({"type": "expert", "combine": "trimmed_mean"}, {"points": 4, "scale": "count"}),
]


@pytest.mark.parametrize(("rule", "over"), FITS)
def test_rule_fits_its_indicator(rule: dict[str, Any], over: dict[str, Any]) -> None:
    assert fit(rule, **over) == []


def test_every_rule_type_has_a_fitting_indicator() -> None:
    assert {rule["type"] for rule, _ in FITS} == set(RULE_CLASSES)


HIGHER_RULES = ("target_pro_rata, deduct_per_unit, linear_band, graded_bands, yes_no, relative_to_hq, "
                "change_vs_previous, monitor, bonus, meets_target, within_range, qualitative, expert")
LOWER_RULES = ("cap_pro_rata, deduct_per_unit, linear_band, graded_bands, yes_no, relative_to_hq, "
               "change_vs_previous, monitor, veto, meets_target, within_range, qualitative")
MONITOR_RULES = "yes_no, monitor, veto, within_range, qualitative"

MISFITS: list[tuple[dict[str, Any], dict[str, Any], list[tuple[str, str, dict[str, Any]]]]] = [
    # direction
    ({"type": "cap_pro_rata"}, {"target": 20},
     [("cfg.rule_direction", "rule.type", {"rule": "cap_pro_rata", "direction": "higher"})]),
    ({"type": "target_pro_rata"}, {"target": 20, "direction": "lower"},
     [("cfg.rule_direction", "rule.type", {"rule": "target_pro_rata", "direction": "lower"})]),
    ({"type": "bonus", "per_unit": 1}, {"points": 2, "direction": "lower"},
     [("cfg.rule_direction", "rule.type", {"rule": "bonus", "direction": "lower"})]),
    ({"type": "veto"}, {"points": 0},
     [("cfg.rule_direction", "rule.type", {"rule": "veto", "direction": "higher"})]),
    ({"type": "change_vs_previous"}, {"direction": "monitor"},
     [("cfg.rule_direction", "rule.type", {"rule": "change_vs_previous", "direction": "monitor"})]),
    ({"type": "graded_bands", "bands": [{"min": 0, "points": 1}]}, {"direction": "monitor"},
     [("cfg.rule_direction", "rule.type", {"rule": "graded_bands", "direction": "monitor"})]),
    # subject
    ({"type": "relative_to_hq"}, {"subject": "campus"}, [("cfg.rule_needs_both", "rule.type", {"subject": "campus"})]),
    ({"type": "relative_to_hq"}, {"subject": "locality"},
     [("cfg.rule_needs_both", "rule.type", {"subject": "locality"})]),
    # target needed, or given where none is read
    ({"type": "target_pro_rata"}, {}, [("cfg.rule_needs_target", "rule.type", {"rule": "target_pro_rata"})]),
    ({"type": "cap_pro_rata"}, {"direction": "lower"},
     [("cfg.rule_needs_target", "rule.type", {"rule": "cap_pro_rata"})]),
    ({"type": "deduct_per_unit", "deduct": 1}, {},
     [("cfg.rule_needs_target", "rule.type", {"rule": "deduct_per_unit"})]),
    ({"type": "linear_band", "limit": 10}, {},
     [("cfg.rule_needs_target", "rule.type", {"rule": "linear_band"})]),
    ({"type": "yes_no"}, {"target": 1}, [("cfg.rule_no_target", "target", {"rule": "yes_no"})]),
    ({"type": "relative_to_hq"}, {"target": 90, "subject": "both"},
     [("cfg.rule_no_target", "target", {"rule": "relative_to_hq"})]),
    ({"type": "graded_bands", "bands": [{"min": 0, "points": 1}]}, {"target": 5},
     [("cfg.rule_no_target", "target", {"rule": "graded_bands"})]),
    ({"type": "change_vs_previous"}, {"target": 5}, [("cfg.rule_no_target", "target", {"rule": "change_vs_previous"})]),
    # target values against the scale
    ({"type": "target_pro_rata"}, {"target": 120}, [("cfg.target_percent", "target", {"value": "120"})]),
    ({"type": "target_pro_rata"}, {"target": 100.5}, [("cfg.target_percent", "target", {"value": "100.5"})]),
    ({"type": "target_pro_rata"}, {"target": 45, "scale": "fraction"},
     [("cfg.target_fraction", "target", {"value": "45"})]),
    ({"type": "target_pro_rata"}, {"target": 1.5, "scale": "fraction"},
     [("cfg.target_fraction", "target", {"value": "1.5"})]),
    ({"type": "cap_pro_rata"}, {"target": -3, "scale": "days", "direction": "lower"},
     [("cfg.target_negative", "target", {"value": "-3", "scale": "days"})]),
    ({"type": "target_pro_rata"}, {"target": 0},
     [("cfg.target_positive", "target", {"rule": "target_pro_rata"})]),
    # points
    ({"type": "monitor"}, {"points": 5}, [("cfg.unscored_points", "points", {"rule": "monitor"})]),
    ({"type": "veto"}, {"points": 5, "direction": "lower"}, [("cfg.unscored_points", "points", {"rule": "veto"})]),
    ({"type": "bonus", "per_unit": 1}, {"points": 0}, [("cfg.bonus_points", "points", {})]),
    ({"type": "deduct_per_unit", "deduct": 1, "floor": 10}, {"target": 45},
     [("cfg.floor_too_high", "rule.floor", {"floor": "10", "points": "10"})]),
    ({"type": "graded_bands", "bands": [{"max": 10, "points": 5}, {"min": 10, "points": 12}]}, {},
     [("cfg.band_points", "rule.bands.1.points", {"band": "12", "points": "10"})]),
    # linear band limit on the wrong side of the target, or on it
    ({"type": "linear_band", "limit": 60}, {"target": 45},
     [("cfg.band_limit_higher", "rule.limit", {"limit": "60", "target": "45"})]),
    ({"type": "linear_band", "limit": 45}, {"target": 45},
     [("cfg.band_limit_higher", "rule.limit", {"limit": "45", "target": "45"})]),
    ({"type": "linear_band", "limit": 30}, {"target": 45, "direction": "lower"},
     [("cfg.band_limit_lower", "rule.limit", {"limit": "30", "target": "45"})]),
    # meets_target: the comparison must point the indicator's way; a target above 0 to divide by
    ({"type": "meets_target", "op": "gt"}, {"target": 20, "direction": "lower"},
     [("cfg.op_direction", "rule.op", {"op": "gt", "direction": "lower"})]),
    ({"type": "meets_target", "op": "ge"}, {"target": 20, "direction": "lower"},
     [("cfg.op_direction", "rule.op", {"op": "ge", "direction": "lower"})]),
    ({"type": "meets_target", "op": "lt"}, {"target": 20},
     [("cfg.op_direction", "rule.op", {"op": "lt", "direction": "higher"})]),
    ({"type": "meets_target", "op": "le"}, {"target": 20},
     [("cfg.op_direction", "rule.op", {"op": "le", "direction": "higher"})]),
    ({"type": "meets_target", "op": "gt"}, {"target": 20, "direction": "monitor"},
     [("cfg.rule_direction", "rule.type", {"rule": "meets_target", "direction": "monitor"})]),
    ({"type": "meets_target", "op": "gt"}, {}, [("cfg.rule_needs_target", "rule.type", {"rule": "meets_target"})]),
    ({"type": "meets_target", "op": "ge", "partial": True}, {"target": 0},
     [("cfg.target_positive", "target", {"rule": "meets_target"})]),
    ({"type": "meets_target", "op": "gt"}, {"target": 120}, [("cfg.target_percent", "target", {"value": "120"})]),
    # range targets: within_range needs one, the other rules refuse one
    ({"type": "within_range"}, {"target": 50}, [("cfg.rule_needs_range", "target", {"rule": "within_range"})]),
    ({"type": "within_range"}, {}, [("cfg.rule_needs_target", "rule.type", {"rule": "within_range"})]),
    ({"type": "target_pro_rata"}, {"target": {"min": 40, "max": 60}},
     [("cfg.rule_no_range", "target", {"rule": "target_pro_rata"})]),
    ({"type": "cap_pro_rata"}, {"target": {"max": 8}, "direction": "lower"},
     [("cfg.rule_no_range", "target", {"rule": "cap_pro_rata"})]),
    ({"type": "meets_target", "op": "ge"}, {"target": {"min": 40}},
     [("cfg.rule_no_range", "target", {"rule": "meets_target"})]),
    ({"type": "yes_no"}, {"target": {"min": 1}}, [("cfg.rule_no_target", "target", {"rule": "yes_no"})]),
    # each end of a range against the scale
    ({"type": "within_range"}, {"target": {"min": 40, "max": 120}},
     [("cfg.target_percent", "target", {"value": "120"})]),
    ({"type": "within_range"}, {"target": {"min": -5, "max": 120}},
     [("cfg.target_percent", "target", {"value": "-5"}), ("cfg.target_percent", "target", {"value": "120"})]),
    ({"type": "within_range"}, {"target": {"min": 0.2, "max": 1.5}, "scale": "fraction"},
     [("cfg.target_fraction", "target", {"value": "1.5"})]),
    ({"type": "within_range"}, {"target": {"min": -3}, "scale": "count"},
     [("cfg.target_negative", "target", {"value": "-3", "scale": "count"})]),
    # qualitative: judged by people, so no points and no target
    ({"type": "qualitative", "goal": "进入百强"}, {"points": 5},
     [("cfg.unscored_points", "points", {"rule": "qualitative"})]),
    ({"type": "qualitative", "goal": "进入百强"}, {"points": 0, "target": 100},
     [("cfg.rule_no_target", "target", {"rule": "qualitative"})]),
    # several at once
    ({"type": "cap_pro_rata"}, {},
     [("cfg.rule_direction", "rule.type", {"rule": "cap_pro_rata", "direction": "higher"}),
      ("cfg.rule_needs_target", "rule.type", {"rule": "cap_pro_rata"})]),
]


@pytest.mark.parametrize(("rule", "over", "expected"), MISFITS)
def test_rule_does_not_fit(rule: dict[str, Any], over: dict[str, Any],
                           expected: list[tuple[str, str, dict[str, Any]]]) -> None:
    assert fit(rule, **over) == expected


@pytest.mark.parametrize(("direction", "rules"), [("higher", HIGHER_RULES), ("lower", LOWER_RULES),
                                                   ("monitor", MONITOR_RULES)])
def test_direction_hint_lists_the_rules_that_fit(direction: str, rules: str) -> None:
    # Subject both, so relative_to_hq (which compares with HQ) is among the rules that fit.
    ind = indicator({"type": "change_vs_previous"} if direction == "monitor" else
                    {"type": "cap_pro_rata" if direction == "higher" else "target_pro_rata"},
                    direction=direction, target=None, subject="both")
    [d, *_] = check_rule_fit(ind, ind.rule, None, lambda *s: Location(), lambda: Location(), lambda: Location())
    assert d.hint is not None
    assert d.hint.render("en") == f"rules for this direction: {rules}"
