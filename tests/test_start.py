"""A light start: `--help`, `--version` and `validate` load none of the heavy libraries or the engine.

Each case runs in a fresh interpreter (the test session itself has imported everything), invokes the
console entry point the way `campuseval ...` does, then lists what the run imported.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]

HEAVY = ("pandas", "numpy", "openpyxl", "jinja2", "docx", "campuseval.engine", "campuseval.data",
         "campuseval.export", "campuseval.report", "campuseval.results")
# Not needed to print help or the version either: rich (tables, colours), pydantic and yaml (configs).
NOT_FOR_HELP = (*HEAVY, "rich", "pydantic", "yaml", "campuseval.config")

_PROBE = """
import json, sys
sys.argv = ["campuseval", *json.loads(sys.argv[1])]
code = 0
try:
    from campuseval._start import main
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write("\\n@@" + json.dumps({"code": code, "modules": sorted(sys.modules)}) + "\\n")
"""


def _run(args: list[str]) -> tuple[int, set[str], str]:
    proc = subprocess.run([sys.executable, "-c", _PROBE, json.dumps(args)], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    report = json.loads(proc.stderr.rpartition("\n@@")[2])
    return report["code"], set(report["modules"]), proc.stdout


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["validate", "--help"], ["score", "--help"]])
def test_help_and_version_stay_light(args: list[str]) -> None:
    code, modules, stdout = _run(args)
    assert code in (0, None)
    assert stdout.strip()
    assert _loaded(modules, NOT_FOR_HELP) == []


def test_version_prints_the_version() -> None:
    from campuseval import __version__

    code, _, stdout = _run(["--version"])
    assert code in (0, None)
    assert stdout == f"campuseval {__version__}\n"


@pytest.mark.parametrize("args", [["validate", "configs/"], ["validate", "--format", "json", "configs/"],
                                  ["validate", "tests/bad_inputs"]])
def test_validate_stays_light(args: list[str]) -> None:
    code, modules, _ = _run(args)
    assert code in (0, 1, None)
    assert _loaded(modules, HEAVY) == []
    assert "campuseval.config.load" in modules  # it did validate


# ---------------------------------------------------------------- templates


def _example_results() -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location("golden_regenerate", ROOT / "tests" / "golden" / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.example_results()


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_compiled_templates_render_the_same_bytes(fmt: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import jinja2

    render_mod = importlib.import_module("campuseval.report.render")

    results = _example_results()
    fresh = render_mod.render(results, fmt, "zh")

    class Cache(render_mod._Bytecode):
        pass

    cache = Cache(str(tmp_path))
    monkeypatch.setattr(render_mod, "_bytecode_cache", lambda: cache)
    try:
        for _ in range(2):  # compiled and stored, then loaded from the cache by a new environment
            render_mod.environment.cache_clear()
            assert render_mod.render(results, fmt, "zh") == fresh
        assert list(tmp_path.glob("*.cache"))
        for f in tmp_path.glob("*.cache"):  # a damaged entry costs a compile, not the report
            f.write_bytes(f.read_bytes()[:40])
        render_mod.environment.cache_clear()
        assert render_mod.render(results, fmt, "zh") == fresh
    finally:
        render_mod.environment.cache_clear()
    assert isinstance(render_mod.environment(fmt), jinja2.Environment)
