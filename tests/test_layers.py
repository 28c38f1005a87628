"""The layers stay honest: the engine and config code import no CLI, renderer or file writer."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "campuseval"
FORBIDDEN = ("campuseval.cli", "campuseval.report", "campuseval.output", "typer", "rich", "openpyxl")


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
