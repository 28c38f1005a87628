"""Bad input as the user meets it: every case of tests/bad_inputs/ run through `campuseval score`.

A case is one faulty (or unusual but valid) data file or command line, written by
tests/bad_inputs/make_corpus.py and described in tests/bad_inputs/cases.json. For each case and each
language this checks the exit code, that no traceback is shown, that the message names the place
(file, sheet, row, column as Excel shows them), and that a refused run writes nothing: the output
folder stays absent, or exactly as it was. Cases that must work are read back value by value.
"""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.config.load import load_config
from campuseval.data.read import read_data

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "tests" / "bad_inputs"
CASES: list[dict[str, Any]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))
OUTPUTS = {"json": ["scores.json"], "csv": ["summary.csv", "scores.csv"], "xlsx": ["scores.xlsx"]}
MAX_SECONDS = 20.0
MAX_PEAK_BYTES = 300_000_000
UNSAFE_OUTPUT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
OLD_RESULTS = {"scores.json": b'{"old": true}\n', "notes.txt": b"the user's own notes\n"}


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def _prepare_out(case: dict[str, Any], tmp_path: Path) -> Path:
    out = tmp_path / "out"
    if case["out"] == "file":
        out.write_bytes(b"not a folder\n")
    elif case["out"] == "results":
        out.mkdir()
        for name, data in OLD_RESULTS.items():
            (out / name).write_bytes(data)
    return out


def _run(case: dict[str, Any], lang: str, out: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    folder = CORPUS / case["id"]
    monkeypatch.chdir(folder if folder.is_dir() else CORPUS)
    monkeypatch.delenv("CAMPUSEVAL_LANG", raising=False)
    targets = case["targets"] if (folder / case["targets"]).is_file() else str(REPO / case["targets"])
    args = ["score", *case["args"], "--targets", targets, "--out", str(out), "--lang", lang]
    if case["formats"]:
        args += ["--format", case["formats"]]
    return CliRunner().invoke(app, args)


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 70
    assert len({c["id"] for c in CASES}) == len(CASES)


def test_corpus_matches_its_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    """The committed files are what make_corpus.py writes: edit the script, not the files."""
    spec = importlib.util.spec_from_file_location("make_corpus", CORPUS / "make_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "make_corpus", module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    assert module.stale_files(CORPUS) == [], "run: python tests/bad_inputs/make_corpus.py"


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case: dict[str, Any], lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = _prepare_out(case, tmp_path)
    before = _snapshot(out) if out.is_dir() else (out.read_bytes() if out.exists() else None)
    inputs = _snapshot(CORPUS)

    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = _run(case, lang, out, monkeypatch)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    text = result.output

    assert result.exit_code == case["exit"], text
    assert "Traceback" not in text
    # Bounded work: every case, hostile ones included, ends within seconds and a modest amount of
    # memory (Python allocations, traced), well before the limits a user would notice.
    assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"
    assert peak < MAX_PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"
    # Nothing from a file reaches the terminal raw: no escape sequence, no bidi override.
    assert not UNSAFE_OUTPUT.search(text), repr(UNSAFE_OUTPUT.search(text))
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    for expected in case[lang]:
        assert expected in text, f"missing {expected!r} in:\n{text}"
    assert _snapshot(CORPUS) == inputs, "an input file was changed"

    if case["exit"] != 0:
        if case["out"] == "new":
            assert not out.exists(), f"refused run left {sorted(_snapshot(out))}"
        elif case["out"] == "file":
            assert out.read_bytes() == before
        else:
            assert _snapshot(out) == before, "earlier results were touched"
        return

    written = [name for fmt in case["formats"].split(",") for name in OUTPUTS[fmt]]
    assert sorted(p.name for p in out.iterdir()) == sorted({*written, *(OLD_RESULTS if case["out"] == "results" else ())})
    if case["out"] == "results":
        assert (out / "scores.json").read_bytes() != OLD_RESULTS["scores.json"]
        assert (out / "notes.txt").read_bytes() == OLD_RESULTS["notes.txt"]
    if case["flags"]:
        scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
        flags = {(c["id"], i["code"]): i["flags"] for c in scores["campuses"] for i in c["indicators"]}
        for campus, code, flag in case["flags"]:
            assert flag in flags[(campus, code)], (campus, code, flags[(campus, code)])


_EFFECTIVE: dict[str, Any] = {}


def _example_table() -> Any:
    if "eff" not in _EFFECTIVE:
        _EFFECTIVE["eff"] = load_config(REPO / "examples" / "shaoxing" / "targets.yaml")
    return _EFFECTIVE["eff"]


WORKING = [c for c in CASES if c["values"]]


@pytest.mark.parametrize("case", WORKING, ids=[c["id"] for c in WORKING])
def test_values_read_back(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    """What the user typed (45%, ４５, 1,234, -, a merged unit name) is the number the library reads."""
    monkeypatch.chdir(CORPUS / case["id"])
    files = []
    for arg in case["args"]:
        if arg.startswith("--"):
            break
        files.append(arg)
    data = read_data(files, _example_table())
    got = {(u, int(y), f): v for u, y, f, v in data.values[["unit", "year", "field", "value"]].itertuples(index=False)}
    for unit, year, fld, expected in case["values"]:
        if expected == "absent":  # not read at all (a hidden sheet's data, say)
            assert (unit, year, fld) not in got, (unit, year, fld)
            continue
        value = got[(unit, year, fld)]
        if expected is None:
            assert math.isnan(value), (unit, year, fld, value)
        else:
            assert value == pytest.approx(expected, rel=1e-12), (unit, year, fld, value)


def test_every_data_and_output_message_is_documented() -> None:
    """docs/errors.md names every message about data, outputs and saved results by its id."""
    from campuseval.i18n.messages import MESSAGES

    doc = (REPO / "docs" / "errors.md").read_text(encoding="utf-8")
    families = ("data.", "out.", "results.", "file.", "complete.", "plaus.", "strict.")
    skip = {"out.written", "out.written_units", "complete.banner", "complete.banner_unit"}  # success lines, banners
    keys = [k for k in MESSAGES if k.startswith(families) and not k.endswith(".hint") and k not in skip]
    missing = [k for k in keys if f"`{k}`" not in doc]
    assert missing == [], f"add to docs/errors.md: {missing}"
    flags = [k.removeprefix("flag.") for k in MESSAGES if k.startswith("flag.")]
    assert [f for f in flags if f"`{f}`" not in doc] == []
