"""Cross-field checks that no single field can make: sums, references, formulas, rules against directions."""

from __future__ import annotations

import difflib
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping

from campuseval import formula
from campuseval.config import composite
from campuseval.config.models import Indicator, Part, RawField, Table, TargetRange
from campuseval.config.rules import RULE_CLASSES, RULE_TYPES, Rule
from campuseval.config.yamlsource import Path_, YamlDoc
from campuseval.errors import Diagnostic, Location, diag
from campuseval.i18n import t
from campuseval.i18n.messages import MESSAGES

# Where to point for each role of an indicator's settings: a doc and the path inside it.
At = Callable[..., Location]
SUM_TOLERANCE = 1e-6


def doc_at(doc: YamlDoc, base: Path_) -> At:
    """An `At` resolving sub-paths under `base` in `doc`, displayed with codes."""
    from campuseval.config.diagnose import display_path

    def at(*sub: str | int) -> Location:
        path = (*base, *sub)
        return doc.location(path, display_path(doc.data, path))

    return at


def suggest(word: str, options: Iterable[str]) -> dict[str, str]:
    """Hint parameters: the closest option (if any) and all options."""
    opts = sorted(set(options))
    close = difflib.get_close_matches(word, opts, n=1, cutoff=0.5)
    return {"suggestion": close[0] if close else "", "allowed": ", ".join(opts)}


def ref_hint(word: str, options: Iterable[str]) -> tuple[str, dict[str, str]]:
    """The hint key and parameters for an unknown reference; with nothing to choose from, say so."""
    options = list(options)
    if not options:
        return "cfg.nothing_declared", {}
    params = suggest(word, options)
    return ("cfg.did_you_mean" if params["suggestion"] else "cfg.allowed_keys"), params


def check_target_value(scale: str, value: float | TargetRange, loc: Location) -> list[Diagnostic]:
    """A target must fit the indicator's scale: a percent within 0-100, a fraction within 0-1, counts >= 0."""
    if isinstance(value, TargetRange):
        return [d for end in (value.min, value.max) if end is not None for d in check_target_value(scale, end, loc)]
    if scale == "percent" and not 0 <= value <= 100:
        return [diag(loc, "cfg.target_percent", "cfg.target_percent.hint", value=_num(value))]
    if scale == "fraction" and not 0 <= value <= 1:
        return [diag(loc, "cfg.target_fraction", "cfg.target_fraction.hint", value=_num(value))]
    if value < 0:
        return [diag(loc, "cfg.target_negative", value=_num(value), scale=scale)]
    return []


def check_rule_fit(ind: Indicator, rule: Rule, target: float | TargetRange | Mapping[int, float | TargetRange] | None,
                   rule_at: At,
                   target_at: At, points_at: At) -> list[Diagnostic]:
    """Does the rule fit the indicator's direction, subject, points and target?"""
    out: list[Diagnostic] = []
    if ind.direction not in rule.directions:
        # Suggest only rules that fit both the direction and the subject (relative_to_hq needs both).
        fits = [r for r in RULE_TYPES if ind.direction in RULE_CLASSES[r].directions
                and (r != "relative_to_hq" or ind.subject == "both")]
        out.append(diag(rule_at("type"), "cfg.rule_direction", "cfg.rule_direction.hint",
                        hint_params={"rules": ", ".join(fits)},
                        rule=rule.type, direction=ind.direction,
                        direction_zh=t(f"direction.{ind.direction}", "zh")))
    if rule.type == "relative_to_hq" and ind.subject != "both":
        out.append(diag(rule_at("type"), "cfg.rule_needs_both", subject=ind.subject))
    if rule.uses_target and target is None:
        out.append(diag(rule_at("type"), "cfg.rule_needs_target", "cfg.rule_needs_target.hint",
                        rule=rule.type))
    if not rule.uses_target and target is not None:
        out.append(diag(target_at(), "cfg.rule_no_target", "cfg.rule_no_target.hint", rule=rule.type))
    if target is not None and rule.uses_target:
        out.extend(check_target_fit(ind, rule, target, target_at))
    if rule.type == "meets_target":
        wanted = "higher" if rule.op in ("gt", "ge") else "lower"
        if ind.direction in ("higher", "lower") and ind.direction != wanted:
            out.append(diag(rule_at("op"), "cfg.op_direction", "cfg.op_direction.hint",
                            hint_params={"ops": "gt, ge" if ind.direction == "higher" else "lt, le"},
                            op=rule.op, direction=ind.direction))
    if rule.type == "bonus" and ind.points <= 0:
        out.append(diag(points_at(), "cfg.bonus_points"))
    elif not rule.scored and rule.type != "bonus" and ind.points != 0:
        out.append(diag(points_at(), "cfg.unscored_points", "cfg.unscored_points.hint", rule=rule.type))
    if rule.type == "deduct_per_unit" and rule.floor >= ind.points > 0:
        out.append(diag(rule_at("floor"), "cfg.floor_too_high", floor=_num(rule.floor), points=_num(ind.points)))
    if rule.type == "graded_bands":
        for n, band in enumerate(rule.bands):
            if band.points > ind.points:
                out.append(diag(rule_at("bands", n, "points"), "cfg.band_points",
                                band=_num(band.points), points=_num(ind.points)))
    if rule.type == "linear_band" and isinstance(target, int | float):
        if ind.direction == "higher" and rule.limit >= target:
            out.append(diag(rule_at("limit"), "cfg.band_limit_higher", limit=_num(rule.limit),
                            target=_num(target)))
        if ind.direction == "lower" and rule.limit <= target:
            out.append(diag(rule_at("limit"), "cfg.band_limit_lower", limit=_num(rule.limit),
                            target=_num(target)))
    return out


def check_target_fit(ind: Indicator, rule: Rule, target: float | TargetRange | Mapping[int, float | TargetRange],
                     target_at: At) -> list[Diagnostic]:
    """A target of a rule that uses one: number or range as the rule wants, within the scale, above 0 for ratios."""
    if isinstance(target, Mapping):  # per year: each year's value must fit as a plain target would
        return [d for v in target.values() for d in check_target_fit(ind, rule, v, target_at)]
    out: list[Diagnostic] = []
    is_range = isinstance(target, TargetRange)
    if rule.range_target and not is_range:
        out.append(diag(target_at(), "cfg.rule_needs_range", "cfg.rule_needs_range.hint", rule=rule.type))
    elif is_range and not rule.range_target:
        out.append(diag(target_at(), "cfg.rule_no_range", "cfg.rule_no_range.hint", rule=rule.type))
    out.extend(check_target_value(ind.scale, target, target_at()))
    if rule.type in ("target_pro_rata", "meets_target") and isinstance(target, int | float) and target <= 0:
        out.append(diag(target_at(), "cfg.target_positive", rule=rule.type))
    return out


def check_formula(ind: Indicator, raw_codes: set[str], at: At) -> list[Diagnostic]:
    """The formula parses under the safe whitelist and names only declared raw fields."""
    if ind.formula is None:
        return []
    try:
        parsed = formula.parse(ind.formula)
    except formula.FormulaError as exc:
        return [formula_diag(exc, at("formula"))]
    out = []
    for name in sorted(parsed.names - raw_codes):
        hint, params = ref_hint(name, raw_codes)
        out.append(diag(at("formula"), "cfg.formula_unknown_name", hint, hint_params=params, name=name))
    return out


# Python syntax names the formula parser reports, in words a user can act on.
_FORMULA_NODES = {"Attribute", "Subscript", "Compare", "BoolOp", "IfExp", "Lambda"}
_FORMULA_OPERATORS = {"Pow": "**", "Mod": "%", "FloorDiv": "//", "MatMult": "@", "BitAnd": "&",
                      "BitOr": "|", "BitXor": "^", "LShift": "<<", "RShift": ">>"}


def formula_diag(exc: formula.FormulaError, loc: Location) -> Diagnostic:
    """A diagnostic for a formula the parser refused, naming what is wrong in the user's terms.

    The parser's reason is a key such as `formula.bad_call`; each has a sentence in the
    catalog (`cfg.formula.bad_call`), and refused syntax such as attribute access its own.
    """
    detail = exc.detail
    key = "cfg." + exc.reason
    if exc.reason == "formula.not_allowed" and detail in _FORMULA_NODES:
        key += "." + detail
    elif exc.reason == "formula.bad_operator":
        detail = _FORMULA_OPERATORS.get(detail, detail)
    if key not in MESSAGES:  # a reason the catalog does not know yet: still say something useful
        return diag(loc, "cfg.formula_invalid", "cfg.formula_invalid.hint", reason_key=exc.reason, detail=detail)
    return diag(loc, key, "cfg.formula_invalid.hint", detail=detail)


def check_homogeneity_subject(ind: Indicator, at: At) -> list[Diagnostic]:
    if ind.homogeneity is not None and ind.subject != "both":
        return [diag(at("homogeneity"), "cfg.homogeneity_subject", subject=ind.subject)]
    return []


def duplicates(items: list[str]) -> set[str]:
    return {c for c, n in Counter(items).items() if n > 1}


def check_part_sums(parts: Iterable[Part], indicators: Iterable[Indicator], at_part: Callable[[str], Location],
                    severity: str = "error", reweight: str = "scale_within_part") -> list[Diagnostic]:
    """Scored indicator points in each part sum to the part's points.

    As warnings (a targets file's changes), the message says what will happen instead:
    scaled to the part's points, or under shrink_total the part counting the new sum.
    """
    out = []
    inds = list(indicators)
    for part in parts:
        total = sum(i.points for i in inds if i.part == part.code and i.rule.scored)
        if not math.isclose(total, part.points, abs_tol=SUM_TOLERANCE):
            key = "cfg.part_sum" if severity == "error" else (
                "cfg.part_sum_shrunk" if reweight == "shrink_total" else "cfg.part_sum_scaled")
            out.append(diag(at_part(part.code), key, "cfg.part_sum.hint" if severity == "error" else None,
                            severity="error" if severity == "error" else "warning",
                            part=part.code, sum=_num(total), points=_num(part.points)))
    return out


def _num(x: float) -> str:
    """A number as the user wrote it: 50 not 50.0, 1234567 not 1.23457e+06, 29.99 not 29.990000000000002."""
    x = float(f"{x:.12g}")
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    return str(x)


def check_table(table: Table, doc: YamlDoc) -> list[Diagnostic]:
    """Every cross-field check of an indicator table, its catalog references already resolved."""
    out: list[Diagnostic] = []
    root = doc_at(doc, ())
    # load._load resolves catalog references first; one left here would go unchecked.
    indicators = [i for i in table.indicators if isinstance(i, Indicator)]
    if len(indicators) != len(table.indicators):
        raise TypeError("check_table needs the table's catalog references resolved (catalog.resolve_refs)")
    part_codes = [p.code for p in table.parts]
    for dup in sorted(duplicates(part_codes)):
        idx = [n for n, c in enumerate(part_codes) if c == dup][1]
        out.append(diag(root("parts", idx, "code"), "cfg.duplicate_code", code=dup))
    part_sum = sum(p.points for p in table.parts)
    if not math.isclose(part_sum, table.total_points, abs_tol=SUM_TOLERANCE):
        out.append(diag(root("parts"), "cfg.parts_total", "cfg.parts_total.hint",
                        sum=_num(part_sum), total=_num(table.total_points)))
    raw_codes = [r.code for r in table.raw_fields]
    for dup in sorted(duplicates(raw_codes)):
        idx = [n for n, c in enumerate(raw_codes) if c == dup][1]
        out.append(diag(root("raw_fields", idx, "code"), "cfg.duplicate_code", code=dup))
    codes = [i.code for i in indicators]
    for dup in sorted(duplicates(codes)):
        idx = [n for n, c in enumerate(codes) if c == dup][1]
        out.append(diag(root("indicators", idx, "code"), "cfg.duplicate_code", code=dup))
    for n, code in enumerate(codes):
        if code in raw_codes:
            out.append(diag(root("indicators", n, "code"), "cfg.code_clash", code=code))
    out.extend(check_names(indicators, table.raw_fields, lambda n: root("indicators", n, "name"),
                           lambda n: root("raw_fields", n, "name")))
    raw_set = set(raw_codes)
    for n, ind in enumerate(indicators):
        at = doc_at(doc, ("indicators", n))
        if ind.part not in part_codes:
            hint, params = ref_hint(ind.part, part_codes)
            out.append(diag(at("part"), "cfg.unknown_part", hint, hint_params=params, part=ind.part))
        out.extend(check_formula(ind, raw_set, at))
        out.extend(check_homogeneity_subject(ind, at))
        out.extend(check_rule_fit(ind, ind.rule, ind.target, lambda *s, at=at: at("rule", *s),
                                  lambda at=at: at("target"), lambda at=at: at("points")))
        out.extend(composite.check_geometric_rule(table, ind, lambda *s, at=at: at("rule", *s)))
    if not out:
        out.extend(check_part_sums(table.parts, indicators,
                                   lambda code: root("parts", part_codes.index(code), "points")))
    return out


def check_names(indicators: Iterable[Indicator], raw_fields: Iterable[RawField],
                ind_at: Callable[[int], Location], raw_at: Callable[[int], Location]) -> list[Diagnostic]:
    """Chinese names must be unique: data headers are matched by them."""
    seen: dict[str, str] = {}
    out = []
    for n, ind in enumerate(indicators):
        if ind.name.zh in seen:
            out.append(diag(ind_at(n), "cfg.duplicate_name", name=ind.name.zh, other=seen[ind.name.zh]))
        seen.setdefault(ind.name.zh, ind.code)
    for n, raw in enumerate(raw_fields):
        if raw.name.zh in seen:
            out.append(diag(raw_at(n), "cfg.duplicate_name", name=raw.name.zh, other=seen[raw.name.zh]))
        seen.setdefault(raw.name.zh, raw.code)
    return out
