"""JSON Schema (draft-07) of the config files, for editors (yaml-language-server) and CI."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from campuseval.config.models import Table, TargetsFile

DRAFT_07 = "http://json-schema.org/draft-07/schema#"


# What the callable discriminators of models.py test, as draft-07 `if` clauses, most specific
# first: `catalog` makes an item a catalog reference, `default` or `campuses` per-campus targets,
# any other mapping a range. Without them a union is a bare oneOf, and a value that fits no member
# fails as a whole: an editor underlines the whole indicator instead of its misspelt key.
_CHOSEN_BY: dict[str, dict[str, Any]] = {
    "#/definitions/CatalogRef": {"type": "object", "required": ["catalog"]},
    "#/definitions/CampusTargets": {"type": "object", "anyOf": [{"required": ["default"]},
                                                                 {"required": ["campuses"]}]},
    "#/definitions/TargetRange": {"type": "object"},
}


# A target per year ({2023: 28}): a non-empty mapping whose keys are all years, tested before a range.
_BY_YEAR = "by_year"
_CHOSEN_BY[_BY_YEAR] = {"type": "object", "minProperties": 1, "propertyNames": {"pattern": "^[0-9]{4}$"}}
_ORDER = ["#/definitions/CatalogRef", "#/definitions/CampusTargets", _BY_YEAR, "#/definitions/TargetRange"]


def _chosen_key(m: Any) -> str | None:
    if not isinstance(m, dict):
        return None
    if m.get("propertyNames") == _CHOSEN_BY[_BY_YEAR]["propertyNames"]:
        return _BY_YEAR
    ref = m.get("$ref")
    return ref if ref in _CHOSEN_BY else None


def _if_then_else(members: list[Any]) -> dict[str, Any] | None:
    """A oneOf of a callable-discriminated union as if/then/else, so errors are the chosen member's."""
    tested = [m for m in members if _chosen_key(m) is not None]
    rest = [m for m in members if m not in tested]
    if not tested or len(rest) != 1:
        return None  # a union tagged by `type` (the rules): const already picks the member
    node: dict[str, Any] = rest[0]
    for m in sorted(tested, key=lambda m: _ORDER.index(_chosen_key(m) or ""), reverse=True):
        node = {"if": _CHOSEN_BY[_chosen_key(m) or ""], "then": m, "else": node}
    return node


def _to_draft07(node: Any) -> Any:
    """Rewrite pydantic's `$defs` references as draft-07 `definitions`, and its unions as draft-07 knows them."""
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out[k] = v.replace("#/$defs/", "#/definitions/")
            elif k == "$defs":
                out["definitions"] = _to_draft07(v)
            elif k == "discriminator":
                continue  # an OpenAPI keyword draft-07 does not know; oneOf + const does the work
            else:
                out[k] = _to_draft07(v)
        if isinstance(out.get("oneOf"), list) and (chosen := _if_then_else(out["oneOf"])) is not None:
            del out["oneOf"]
            out.update(chosen)
        return out
    if isinstance(node, list):
        return [_to_draft07(v) for v in node]
    return node


def model_schema(model: type[BaseModel], title: str, description: str) -> dict[str, Any]:
    """The draft-07 schema of one model."""
    body = _to_draft07(model.model_json_schema(mode="validation"))
    return {"$schema": DRAFT_07, "title": title, "description": description,
            **{k: v for k, v in body.items() if k not in ("title", "description")}}


def table_schema() -> dict[str, Any]:
    return model_schema(Table, "campuseval indicator table",
                        "An indicator table: parts, raw fields and indicators with their scoring rules.")


def targets_schema() -> dict[str, Any]:
    return model_schema(TargetsFile, "campuseval targets file",
                        "A locality's changes to an indicator table: campuses, targets, indicators "
                        "added or dropped, rules and points changed.")


def config_schema() -> dict[str, Any]:
    """Either file kind: a targets file has `extends`, a table has `parts`."""
    table, targets = table_schema(), targets_schema()
    defs = {**table.pop("definitions", {}), **targets.pop("definitions", {})}
    for s in (table, targets):
        s.pop("$schema", None)
    return {"$schema": DRAFT_07, "title": "campuseval config",
            "description": "An indicator table or a targets file.",
            "definitions": {**defs, "Table": table, "TargetsFile": targets},
            "oneOf": [{"$ref": "#/definitions/Table"}, {"$ref": "#/definitions/TargetsFile"}]}


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
