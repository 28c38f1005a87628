"""The layers stay honest: the engine and config code import no CLI, renderer or file writer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "campuseval"
FORBIDDEN = ("campuseval.cli", "campuseval.report", "campuseval.export", "typer", "rich", "openpyxl")


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted((SRC / "engine").glob("*.py")) + sorted((SRC / "config").glob("*.py")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_pure_layers_import_no_io_or_presentation(path: Path) -> None:
    bad = sorted(m for m in imports(path) if m.startswith(FORBIDDEN))
    assert bad == []


def test_engine_does_no_file_io() -> None:
    for path in (SRC / "engine").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in ("open(", ".read_text(", ".write_text(", ".read_bytes(", ".write_bytes("):
            assert call not in text, f"{path.name} calls {call}"


def test_trusted_construction_equals_model_construct() -> None:
    """The engine's fast constructor builds the same objects pydantic's model_construct does."""
    from campuseval.results import Gap, Trace

    gap = dict(ratio=0.9, diff=1.5, min_ratio=0.9, max_diff=None, flagged=False, note="campus_worse")
    trace = dict(inputs={"ops": 10.0}, cells={"ops": "a.csv:B2"}, formula="ops", value_source="reported",
                 arithmetic="1 -> 1", words=None)
    for cls, values in ((Gap, gap), (Trace, trace)):
        fast, slow = cls.trusted(**values), cls.model_construct(**values)
        assert fast == slow
        assert fast.model_dump_json() == slow.model_dump_json()
        assert fast.model_fields_set == slow.model_fields_set
    with pytest.raises(TypeError, match="missing"):
        Gap.trusted(ratio=1.0)
