"""Turns pydantic validation errors into located, translated diagnostics with did-you-mean hints."""

from __future__ import annotations

import difflib
import types
import typing
from typing import Any

from pydantic import BaseModel, ValidationError

from campuseval.config.text import PLAIN_TEXT
from campuseval.config.yamlsource import Path_, YamlDoc
from campuseval.errors import Diagnostic, Msg
from campuseval.safetext import visible

# Pydantic error types we translate; anything else falls back to pydantic's own message.
_KNOWN = {
    "missing", "extra_forbidden", "string_type", "int_type", "int_parsing", "int_from_float",
    "float_type", "float_parsing", "finite_number", "bool_type", "bool_parsing", "list_type",
    "dict_type", "model_type", "model_attributes_type", "string_pattern_mismatch",
    "string_too_short", "string_too_long", "too_short", "too_long", "greater_than",
    "greater_than_equal", "less_than", "less_than_equal", "literal_error",
    "union_tag_invalid", "union_tag_not_found",
}
# Tags of callable-discriminated unions that pydantic puts in error locations, and the
# member names of plain unions such as `float | CampusTargets`.
UNION_TAGS = {"number", "by_campus", "by_year", "range", "float", "int", "str", "bool", "indicator", "catalog_ref"}
# Errors that only say "the value has the other shape": when a union member of the shape
# the user wrote has its own error, these add nothing but a second, contradicting line.
_SHAPE_SCALAR = {"float_type", "int_type", "string_type", "bool_type"}
_SHAPE_MAPPING = {"model_type", "dict_type", "model_attributes_type"}
# Words a user plausibly writes for a field under another name; checked when no field name
# is close, so that `tolerence` still leads to `homogeneity`.
SYNONYMS = {
    "tolerance": "homogeneity", "weight": "points", "score": "points", "max_points": "points",
    "threshold": "target", "goal": "target", "method": "rule", "scoring": "rule",
    "expression": "formula", "description": "definition", "parent": "extends", "base": "extends",
}


def display_path(data: Any, path: Path_) -> str:
    """`indicators.A1.rule.target` rather than `indicators[0].rule.target`: list items by their code."""
    out: list[str] = []
    node = data
    for elem in path:
        if isinstance(elem, int):
            item = node[elem] if isinstance(node, list) and 0 <= elem < len(node) else None
            label = None
            if isinstance(item, dict):
                label = item.get("code", item.get("id"))
            if isinstance(label, str | int) and not isinstance(label, bool):
                out.append(str(label))
            else:
                out.append(f"[{elem}]")
            node = item
        else:
            out.append(str(elem))
            node = node.get(elem) if isinstance(node, dict) else None
    text = ".".join(out)
    return text.replace(".[", "[")


def data_path(data: Any, loc: tuple[int | str, ...]) -> tuple[Path_, bool]:
    """Map a pydantic loc onto the data, dropping union tags; True when the last key is absent."""
    path: list[str | int] = []
    node = data
    for i, elem in enumerate(loc):
        if isinstance(elem, int) and isinstance(node, list):
            path.append(elem)
            node = node[elem] if 0 <= elem < len(node) else None
        elif isinstance(node, dict) and elem in node:
            path.append(elem)
            node = node[elem]
        elif isinstance(node, dict) and node.get("type") == elem:
            continue  # a discriminated union's tag
        elif elem in UNION_TAGS or (isinstance(elem, str) and "[" in elem):
            continue  # a callable discriminator's tag or a validator wrapper
        else:
            path.append(elem)
            return tuple(path), i == len(loc) - 1
    return tuple(path), False


def _unwrap(tp: Any) -> list[Any]:
    """The concrete types inside Annotated / Optional / Union."""
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(tp)[0])
    if origin in (typing.Union, types.UnionType):
        out: list[Any] = []
        for a in typing.get_args(tp):
            out.extend(_unwrap(a))
        return out
    return [tp]


def fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """Field names of the model found by walking `loc` from `model`; [] when the walk fails."""
    from campuseval.config.models import CampusTargets, CatalogRef, Indicator, TargetRange

    tagged = {"indicator": Indicator, "catalog_ref": CatalogRef, "range": TargetRange, "by_campus": CampusTargets}
    candidates: list[Any] = [model]
    for elem in loc:
        if isinstance(elem, str) and elem in tagged:
            members: set[Any] = {c for tp in candidates for c in _unwrap(tp)}
            if elem in ("range", "by_campus") and TargetRange in members and CampusTargets in members:
                # A targets value tells a range from per-campus targets by its keys, so a misspelt
                # `defualt` makes it a range: offer the keys of both, and `default` is found again.
                candidates = [CampusTargets, TargetRange]
            else:
                candidates = [tagged[elem]]  # a callable discriminator's tag names the member it chose
            continue
        nxt: list[Any] = []
        for tp in candidates:
            for c in _unwrap(tp):
                origin = typing.get_origin(c)
                if isinstance(c, type) and issubclass(c, BaseModel):
                    if isinstance(elem, str) and elem in c.model_fields:
                        nxt.append(c.model_fields[elem].annotation)
                    elif isinstance(elem, str) and "type" in c.model_fields:
                        lit = typing.get_args(c.model_fields["type"].annotation)
                        if elem in lit:
                            nxt.append(c)
                elif origin is list and isinstance(elem, int):
                    nxt.append(typing.get_args(c)[0])
                elif origin is dict and isinstance(elem, str):
                    nxt.append(typing.get_args(c)[1])
        candidates = nxt
        if not candidates:
            return []
    names: list[str] = []
    for tp in candidates:
        for c in _unwrap(tp):
            if isinstance(c, type) and issubclass(c, BaseModel):
                names.extend(f.alias or n for n, f in c.model_fields.items())
    return sorted(set(names))


def _short(value: Any) -> str:
    # 50, not 50.0: the number as the user wrote it in the YAML.
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def translate(exc: ValidationError, doc: YamlDoc, model: type[BaseModel]) -> list[Diagnostic]:
    """Every pydantic error of `exc` as a Diagnostic located in `doc`."""
    out: list[Diagnostic] = []
    seen: set[tuple[Any, ...]] = set()
    errors = _prune_union_shapes(exc.errors(include_url=False), doc.data)
    for err in errors:
        etype = err["type"]
        loc = tuple(err["loc"])
        path, absent = data_path(doc.data, loc)
        if etype == "union_tag_invalid":
            # Point at the rule's misspelt type, not at the opening of its mapping.
            rule = _at(doc.data, path)
            if isinstance(rule, dict) and "type" in rule:
                path = (*path, "type")
        ctx = dict(err.get("ctx") or {})
        params: dict[str, Any] = {k: _short(v) for k, v in ctx.items()}
        params["input"] = _short(err.get("input"))
        hint: Msg | None = None
        if etype == "missing":
            field_name = path[-1] if path else ""
            parent = path[:-1]
            location = doc.location(parent, display_path(doc.data, parent) or None, key=True)
            message = Msg("cfg.missing", {"field": field_name})
        elif etype == "extra_forbidden":
            location = doc.location(path, display_path(doc.data, path), key=True)
            allowed = fields_at(model, loc[:-1])
            key = str(path[-1]) if path else ""
            message = Msg("cfg.extra_forbidden", {"key": key})
            close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            if not close and loc[-2:-1] == ("indicator",) and difflib.get_close_matches(key, ["catalog"], cutoff=0.6):
                # Without `catalog` an item is read as a full indicator, none of whose keys is like
                # `catalgo`: it is a catalog reference misspelt, so offer the reference's keys.
                allowed = fields_at(model, (*loc[:-2], "catalog_ref"))
                close = ["catalog"]
            if not close:
                alias = difflib.get_close_matches(key.lower(), list(SYNONYMS), n=1, cutoff=0.8)
                close = [SYNONYMS[alias[0]]] if alias and SYNONYMS[alias[0]] in allowed else []
            if close:
                hint = Msg("cfg.did_you_mean", {"suggestion": close[0], "allowed": ", ".join(allowed)})
            elif allowed:
                hint = Msg("cfg.allowed_keys", {"allowed": ", ".join(allowed)})
        else:
            location = doc.location(path, display_path(doc.data, path), key=absent)
            if etype in ("too_short", "too_long") and isinstance(err.get("input"), str):
                etype = "string_" + etype  # a constrained string behind a validator reports as a list
            if etype == "string_type" and isinstance(err.get("input"), int | float):
                hint = Msg("cfg.quote_number", {"input": params["input"]})  # `version: 2024.1`
            if etype in ("float_parsing", "float_type") and str(err.get("input", "")).strip().endswith("%"):
                hint = Msg("cfg.percent_points", {"number": str(err.get("input")).strip()[:-1].strip()})
            if etype in _KNOWN or etype.startswith("ce_"):
                if etype == "literal_error":
                    params["expected"] = ctx.get("expected", "")
                    params["expected_zh"] = _zh_choices(str(ctx.get("expected", "")))
                    close = difflib.get_close_matches(
                        str(err.get("input")), _literal_options(str(ctx.get("expected", ""))), n=1
                    )
                    if close:
                        hint = Msg("cfg.did_you_mean_value", {"suggestion": close[0]})
                if etype == "union_tag_invalid":
                    params["expected_tags"] = ctx.get("expected_tags", "")  # every choice, never cut short
                    params["expected_tags_zh"] = _zh_choices(str(ctx.get("expected_tags", "")))
                    close = difflib.get_close_matches(
                        str(ctx.get("tag", "")), _literal_options(str(ctx.get("expected_tags", ""))), n=1
                    )
                    if close:
                        hint = Msg("cfg.did_you_mean_value", {"suggestion": close[0]})
                if etype == "string_pattern_mismatch" and ctx.get("pattern") == PLAIN_TEXT:
                    etype = "plain_text"  # a name, not a code: it holds a control or bidi character
                    params["input"] = visible(str(err.get("input", "")))[:60]
                message = Msg(f"pyd.{etype}", params)
            else:
                message = Msg("pyd.other", {"msg": err["msg"]})
        # Several required keys missing from one item point at the same place: keep each of them.
        key_ = (location.line, location.col, message.key, str(message.params.get("field", "")))
        if key_ in seen:
            continue
        seen.add(key_)
        out.append(Diagnostic(location=location, message=message, hint=hint))
    # Pydantic reports in field order; a reader fixes a file top to bottom.
    out.sort(key=lambda d: (d.location.line or 0, d.location.col or 0))
    return out


def _at(data: Any, path: Path_) -> Any:
    """The value at `path` in the data, or None."""
    node = data
    for elem in path:
        found = (isinstance(node, dict) and elem in node) or (
            isinstance(node, list) and isinstance(elem, int) and 0 <= elem < len(node))
        if not found:
            return None
        node = node[elem]
    return node


def _prune_union_shapes(errors: list[Any], data: Any) -> list[Any]:
    """Drop "wrong shape" errors of a union member when a member of the right shape reported.

    `targets: {A1: 十}` fails both `float` (not a number) and `CampusTargets` (not a
    mapping); only the first helps. `A1: {defualt: 3}` fails `float` too; only the
    mapping member's unknown key helps.
    """
    paths = [data_path(data, tuple(e["loc"]))[0] for e in errors]

    def wrong_shape(e: Any) -> bool:
        given = e.get("input")
        if e["type"] in _SHAPE_SCALAR:
            return isinstance(given, dict | list)
        return e["type"] in _SHAPE_MAPPING and not isinstance(given, dict)

    keep = []
    for n, e in enumerate(errors):
        others = (p for m, p in enumerate(paths) if m != n and not wrong_shape(errors[m]))
        if wrong_shape(e) and any(p[: len(paths[n])] == paths[n] for p in others):
            continue
        keep.append(e)
    return keep


def _zh_choices(expected: str) -> str:
    """pydantic's English "'a', 'b' or 'c'" as Chinese "a、b 或 c"."""
    opts = _literal_options(expected)
    return "、".join(opts[:-1]) + " 或 " + opts[-1] if len(opts) > 1 else "".join(opts)


def _literal_options(expected: str) -> list[str]:
    """Options out of pydantic's "'a', 'b' or 'c'" text."""
    return [p.strip().strip("'") for p in expected.replace(" or ", ",").split(",") if p.strip()]
