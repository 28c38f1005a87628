"""scores.json: writing and reading results, and the JSON Schema of the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from campuseval.config.schema import DRAFT_07, _to_draft07
from campuseval.errors import DataError, Location, diag
from campuseval.results import SCHEMA_VERSION, Results


def dumps(results: Results) -> str:
    """The results as JSON text: UTF-8, keys in model order, two-space indent, LF line ends."""
    return results.model_dump_json(indent=2) + "\n"


def load(path: Path | str, shown: str | None = None) -> Results:
    """Read a scores.json back; DataError when it is not one or is of another schema version."""
    path = Path(path)
    loc = Location(file=shown or str(path))
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise DataError([diag(loc, "file.not_found", "file.not_found.hint")]) from None
    except json.JSONDecodeError as exc:
        where = Location(file=shown or str(path), line=exc.lineno, col=exc.colno)
        raise DataError([diag(where, "results.not_json_text", "results.not_json.hint")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError([diag(loc, "results.not_json", "results.not_json.hint", reason=str(exc)[:120])]) from None
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        found = data.get("schema_version") if isinstance(data, dict) else None
        raise DataError([diag(loc, "results.wrong_version", "results.not_json.hint",
                              found=found or "-", expected=SCHEMA_VERSION)])
    try:
        return Results.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataError([diag(loc, "results.invalid", "results.not_json.hint",
                              path=".".join(str(p) for p in first["loc"]), reason=first["msg"])]) from None


def scores_schema() -> dict[str, Any]:
    body = _to_draft07(Results.model_json_schema(mode="serialization"))
    return {"$schema": DRAFT_07, "title": "campuseval scores.json",
            "description": f"Results of one scoring run, schema version {SCHEMA_VERSION}.",
            **{k: v for k, v in body.items() if k not in ("title", "description")}}
