"""scores.json: writing and reading results, and the JSON Schema of the file."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from campuseval.config.schema import DRAFT_07, _to_draft07
from campuseval.errors import DataError, Location, diag
from campuseval.inputs import MAX_RESULTS_BYTES, read_input
from campuseval.results import SCHEMA_VERSION, Results


def dumps(results: Results) -> str:
    """The results as JSON text: UTF-8, keys in model order, two-space indent, LF line ends."""
    return results.model_dump_json(indent=2) + "\n"


def write(results: Results, path: Path) -> None:
    """scores.json, the bytes of dumps(), written a campus at a time: a national panel's file is hundreds
    of megabytes, which need not be one string in memory (twice, once encoded)."""
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        _stream(results, f.write, "")
        f.write("\n")


_CAMPUSES = '\n  "campuses": [],\n'
_PREVIOUS = '\n  "previous": null\n}'


def _nested(text: str, pad: str) -> str:
    """JSON text from model_dump_json(indent=2) as it reads nested `pad` deep (no string holds a newline)."""
    return text.replace("\n", "\n" + pad) if pad else text


def _stream(results: Results, write: Callable[[str], Any], pad: str) -> None:
    """`results` as model_dump_json(indent=2) writes it at `pad`, each campus and earlier year on its own."""
    shell = results.model_copy(update={"campuses": [], "previous": None, "series": None})
    text = shell.model_dump_json(indent=2)
    if text.count(_CAMPUSES) != 1 or not text.endswith(_PREVIOUS):  # not the layout below: all at once
        write(_nested(results.model_dump_json(indent=2), pad))
        return
    head, rest = text.split(_CAMPUSES)
    write(_nested(head, pad))
    if results.campuses:
        write(f'\n{pad}  "campuses": [\n')
        inner = pad + "    "
        last = len(results.campuses) - 1
        for k, c in enumerate(results.campuses):
            write(inner + _nested(c.model_dump_json(indent=2), inner) + (",\n" if k < last else "\n"))
        write(f"{pad}  ],\n{pad}")
    else:
        write(_nested(_CAMPUSES, pad))
    write(_nested(rest[:-len(_PREVIOUS)], pad))
    if results.previous is None:
        write(f'\n{pad}  "previous": null')
    else:
        write(f'\n{pad}  "previous": ')
        _stream(results.previous, write, pad + "  ")
    if results.series is not None:
        if results.series:
            write(f',\n{pad}  "series": [\n')
            for k, year in enumerate(results.series):
                write(pad + "    ")
                _stream(year, write, pad + "    ")
                write(",\n" if k < len(results.series) - 1 else "\n")
            write(f"{pad}  ]")
        else:
            write(f',\n{pad}  "series": []')
    write(f"\n{pad}}}")


# A saved scores.json read back is untrusted input (it may have been edited by hand): these bounds
# hold before any value reaches the renderers, so that no number overflows and no nesting recurses.
MAX_DEPTH = 32  # the file nests 6 levels; deeper is not a scores.json
MAX_NUMBER = 1e15  # as for data cells: no score, value or target comes near
MAX_INT_DIGITS = 18


class _BadNumber:
    """A number the bounds refuse, kept as its text so that the walk below can say where it is."""

    def __init__(self, text: str) -> None:
        self.text = text


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    return value if math.isfinite(value) and abs(value) <= MAX_NUMBER else _BadNumber(text)


def _parse_int(text: str) -> int | _BadNumber:
    digits = text.lstrip("-")
    return int(text) if len(digits) <= MAX_INT_DIGITS else _BadNumber(text)


def load(path: Path | str, shown: str | None = None) -> Results:
    """Read a scores.json back; DataError, located by JSON path, when it is not one or breaks a bound."""
    path = Path(path)
    name = shown or str(path)
    loc = Location(file=name)
    raw = read_input(path, name, DataError, MAX_RESULTS_BYTES)
    try:
        data = json.loads(raw.decode("utf-8-sig"), parse_float=_parse_float, parse_int=_parse_int,
                          parse_constant=_BadNumber)
    except json.JSONDecodeError as exc:
        where = Location(file=name, line=exc.lineno, col=exc.colno)
        raise DataError([diag(where, "results.not_json_text", "results.not_json.hint")]) from None
    except UnicodeDecodeError as exc:
        raise DataError([diag(loc, "results.not_json", "results.not_json.hint", reason=str(exc)[:120])]) from None
    except RecursionError:  # [[[[... thousands deep
        raise DataError([diag(loc, "results.too_deep", "results.not_json.hint", limit=MAX_DEPTH)]) from None
    _check_tree(data, name)
    if not isinstance(data, dict) or data.get("schema_version") != SCHEMA_VERSION:
        found = data.get("schema_version") if isinstance(data, dict) else None
        raise DataError([diag(loc, "results.wrong_version", "results.not_json.hint",
                              found=str(found)[:40] if found else "-", expected=SCHEMA_VERSION)])
    try:
        results = Results.model_validate(data, strict=True)  # "nan" or "1e999" as text is not a number
    except ValidationError as exc:
        first = exc.errors()[0]
        raise DataError([diag(Location(file=name, path=_json_path(first["loc"])), "results.invalid",
                              "results.not_json.hint", path=_json_path(first["loc"]),
                              reason=first["msg"])]) from None
    rounding = results.method.rounding
    for key in ("indicator", "total"):
        places = rounding.get(key)
        if not isinstance(places, int) or not 0 <= places <= 6:
            field = f"method.rounding.{key}"
            raise DataError([diag(Location(file=name, path=field), "results.invalid", "results.not_json.hint",
                                  path=field, reason="an integer from 0 to 6")])
    years = [(results, ""), (results.previous, "previous.")]
    years += [(r, f"series[{n}].") for n, r in enumerate(results.series or [])]
    for year_results, prefix in years:
        if year_results is not None:
            _check_consistent(year_results, name, prefix)
    return results


def _check_consistent(results: Results, name: str, prefix: str) -> None:
    """What the schema cannot say: a year in range, campuses present once each, ranks from 1."""
    def bad(field: str, reason: str) -> DataError:
        return DataError([diag(Location(file=name, path=prefix + field), "results.invalid", "results.not_json.hint",
                               path=prefix + field, reason=reason)])

    if not 1900 <= results.year <= 2100:
        raise bad("year", "a year from 1900 to 2100")
    if not results.campuses:
        raise bad("campuses", "at least one campus")
    seen: set[str] = set()
    for n, c in enumerate(results.campuses):
        if c.id in seen:
            raise bad(f"campuses[{n}].id", f"each campus once; {c.id!a} appears twice")
        seen.add(c.id)
        if c.rank is not None and not 1 <= c.rank <= len(results.campuses):
            raise bad(f"campuses[{n}].rank", f"a rank from 1 to {len(results.campuses)}, or null")


def _check_tree(data: Any, name: str) -> None:
    """Every number within bounds and nesting at most MAX_DEPTH deep; the first fault located by JSON path."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        node, at = stack.pop()
        if len(at) > MAX_DEPTH:
            raise DataError([diag(Location(file=name, path=_json_path(at[:MAX_DEPTH])), "results.too_deep",
                                  "results.not_json.hint", limit=MAX_DEPTH)])
        if isinstance(node, _BadNumber):
            text = node.text if len(node.text) <= 24 else node.text[:12] + "..." + f"({len(node.text)} digits)"
            raise DataError([diag(Location(file=name, path=_json_path(at)), "results.number_range",
                                  "results.not_json.hint", path=_json_path(at), value=text, limit=f"{MAX_NUMBER:.0e}")])
        if isinstance(node, dict):
            stack.extend((v, (*at, str(k))) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((v, (*at, n)) for n, v in enumerate(node))


def _json_path(at: Any) -> str:
    return ".".join(str(p) for p in at) or "(root)"


def scores_schema() -> dict[str, Any]:
    body = _to_draft07(Results.model_json_schema(mode="serialization"))
    return {"$schema": DRAFT_07, "title": "campuseval scores.json",
            "description": f"Results of one scoring run, schema version {SCHEMA_VERSION}.",
            **{k: v for k, v in body.items() if k not in ("title", "description")}}
