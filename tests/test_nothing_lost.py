"""Nothing lost: inputs are never changed, outputs appear whole or not at all, earlier results survive
a refused, failed or interrupted run.

Interrupted runs are real processes (`python -m campuseval score ...`) stopped with SIGINT, SIGTERM or
SIGHUP while they write. To stop them at a known moment, a sitecustomize module (put on PYTHONPATH by
the test only, nothing in src/) pauses the writer and says so through a marker file.
"""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.export import tables, write

REPO = Path(__file__).resolve().parents[1]
GOOD = REPO / "tests" / "bad_inputs" / "_good"
BAD = REPO / "tests" / "bad_inputs" / "text_in_number" / "院区.csv"
EXAMPLE_TARGETS = REPO / "examples" / "shaoxing" / "targets.yaml"
SHIPPED = REPO / "configs"
FORMATS = "json,csv,xlsx"
RESULT_FILES = ["scores.json", "summary.csv", "scores.csv", "scores.xlsx"]
OLD = {name: f"earlier {name}\n".encode() for name in RESULT_FILES}


def sha256_tree(*roots: Path) -> dict[str, str]:
    out = {}
    for root in roots:
        for p in sorted(root.rglob("*") if root.is_dir() else [root]):
            if p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def listing(folder: Path) -> dict[str, bytes]:
    """Every file and folder under `folder`, hidden ones included, with file contents."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"<dir>")
            for p in sorted(folder.rglob("*"))} if folder.exists() else {}


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding copies of the data and the targets file; the run happens there."""
    work = tmp_path / "work"
    (work / "data").mkdir(parents=True)
    for p in GOOD.iterdir():
        (work / "data" / p.name).write_bytes(p.read_bytes())
    (work / "data" / "坏.csv").write_bytes(BAD.read_bytes())
    (work / "targets.yaml").write_bytes(EXAMPLE_TARGETS.read_bytes())
    monkeypatch.chdir(work)
    monkeypatch.delenv("CAMPUSEVAL_LANG", raising=False)
    return work


def good_data() -> list[str]:
    return ["data/院区.csv", "data/总院.csv", "data/属地.csv", "data/专家评分.csv"]


def cli(*args: str) -> Any:
    return CliRunner().invoke(app, [*args, "--lang", "en"])


def with_results(folder: Path) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in OLD.items():
        (folder / name).write_bytes(data)
    return listing(folder)


# ---------------------------------------------------------------- inputs are never modified


def test_no_command_changes_an_input(inputs: Path) -> None:
    watched = (inputs, SHIPPED)
    before = sha256_tree(*watched)
    runs = [
        (["score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS], 0),
        (["score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS], 2),  # exists
        (["score", "data/坏.csv", "--targets", "targets.yaml", "--out", "out2"], 2),
        (["score", "data/院区.csv", "--targets", "targets.yaml", "--out", "data", "--format", "csv",
          "--allow-incomplete"], 0),
        (["validate", "targets.yaml"], 0),
        (["validate", "data/院区.csv"], 1),  # not YAML at all
        (["template", "--out", "模板.xlsx", "--targets", "targets.yaml"], 0),
        (["template", "--out", "模板.xlsx", "--targets", "targets.yaml"], 2),  # exists
        (["report", "out/scores.json", "--out", "reports"], 0),
        (["report", "data/院区.csv", "--out", "reports2"], 2),  # not a scores.json
    ]
    for args, code in runs:
        result = cli(*args)
        assert result.exit_code == code, (args, result.output)
        assert "Traceback" not in result.output
        now = sha256_tree(*watched)
        changed = [p for p in before if before[p] != now.get(p)]
        assert changed == [], (args, changed)


def test_outputs_never_overwrite_an_input_even_with_force(inputs: Path) -> None:
    """`--out data --force` next to a data file called scores.csv: refused, the data file kept."""
    (inputs / "data" / "scores.csv").write_bytes((inputs / "data" / "院区.csv").read_bytes())
    before = listing(inputs / "data")
    result = cli("score", "data/scores.csv", "data/总院.csv", "data/属地.csv", "data/专家评分.csv",
                 "--targets", "targets.yaml", "--out", "data", "--format", "csv", "--force")
    assert result.exit_code == 2, result.output
    assert "data/scores.csv: the result would overwrite data/scores.csv, a file that was read in" in result.output
    assert listing(inputs / "data") == before


# ---------------------------------------------------------------- earlier results are kept


def test_existing_results_not_overwritten_without_force(inputs: Path) -> None:
    before = with_results(inputs / "out")
    result = cli("score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS)
    assert result.exit_code == 2
    assert "out: the output folder already holds results: scores.json, summary.csv, scores.csv, scores.xlsx" \
        in result.output
    assert listing(inputs / "out") == before


def test_existing_results_replaced_with_force(inputs: Path) -> None:
    with_results(inputs / "out")
    (inputs / "out" / "mine.txt").write_bytes(b"keep")
    result = cli("score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS, "--force")
    assert result.exit_code == 0, result.output
    after = listing(inputs / "out")
    assert sorted(after) == sorted([*RESULT_FILES, "mine.txt"])
    assert all(after[name] != OLD[name] for name in RESULT_FILES)
    assert after["mine.txt"] == b"keep"


# ---------------------------------------------------------------- a failing writer leaves nothing behind


def _failing_xlsx(exc: BaseException) -> Any:
    def write_xlsx(path: Path, results: Any, lang: str) -> None:
        path.write_bytes(b"PK\x03\x04 half a workbook")  # midway: some bytes are already on disk
        raise exc
    return write_xlsx


@pytest.mark.parametrize("existing", [False, True], ids=["new_folder", "earlier_results"])
def test_disk_error_midway_leaves_nothing(existing: bool, inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = with_results(inputs / "out") if existing else {}
    monkeypatch.setattr(tables, "write_xlsx", _failing_xlsx(OSError(28, "No space left on device")))
    result = cli("score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS,
                 *(["--force"] if existing else []))
    assert result.exit_code == 2, result.output
    assert "out: cannot write to the output folder: No space left on device" in result.output
    assert "earlier results were left as they were" in result.output
    assert "Traceback" not in result.output
    assert listing(inputs / "out") == before  # no new file, no .campuseval-* staging folder


@pytest.mark.parametrize("exc", [RuntimeError("a bug in a writer"), KeyboardInterrupt()], ids=["bug", "ctrl_c"])
def test_crash_or_interrupt_midway_leaves_nothing(exc: BaseException, inputs: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    before = with_results(inputs / "out")
    monkeypatch.setattr(tables, "write_xlsx", _failing_xlsx(exc))
    result = cli("score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS, "--force")
    assert result.exit_code != 0
    assert listing(inputs / "out") == before


@pytest.mark.parametrize("fail_at", [1, 2, 4, 6, 8])
@pytest.mark.parametrize("exc", [OSError(13, "Permission denied"), KeyboardInterrupt()], ids=["oserror", "ctrl_c"])
def test_failure_while_moving_into_place_restores_earlier_results(
        fail_at: int, exc: BaseException, inputs: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The results are replaced as a set: stopped after some files moved, the earlier set comes back."""
    before = with_results(inputs / "out")
    real_replace = os.replace
    calls = {"n": 0}

    def replace(src: Any, dst: Any) -> None:
        calls["n"] += 1
        if calls["n"] == fail_at:
            raise exc
        real_replace(src, dst)

    monkeypatch.setattr(write.os, "replace", replace)
    result = cli("score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS, "--force")
    assert result.exit_code in (2, 130), result.output
    assert calls["n"] >= fail_at
    assert listing(inputs / "out") == before


def test_result_folder_in_the_way_is_not_swallowed(inputs: Path) -> None:
    """--force replaces result files, never a folder the user made under such a name."""
    (inputs / "out" / "scores.xlsx").mkdir(parents=True)
    (inputs / "out" / "scores.xlsx" / "mine.txt").write_bytes(b"keep")
    result = cli("score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", FORMATS, "--force")
    assert result.exit_code == 2, result.output
    assert listing(inputs / "out") == {"scores.xlsx": b"<dir>", "scores.xlsx/mine.txt": b"keep"}


# ---------------------------------------------------------------- real processes, interrupted

HOOK = '''
"""Test hook: pause campuseval at a chosen point and say so through a marker file."""
import os
import time
from pathlib import Path

_marker = os.environ.get("CAMPUSEVAL_TEST_MARKER")
_at = os.environ.get("CAMPUSEVAL_TEST_PAUSE_AT")
if _marker and _at:
    def _pause():
        Path(_marker).write_text("paused")
        time.sleep(120)

    if _at == "xlsx":
        import campuseval.export.tables as _tables
        _real_xlsx = _tables.write_xlsx

        def _slow_xlsx(path, results, lang):
            _real_xlsx(path, results, lang)
            _pause()
        _tables.write_xlsx = _slow_xlsx
    elif _at == "replace":
        import campuseval.export.write as _write
        _real_replace = os.replace
        _count = [0]

        class _OsWithSlowReplace:
            def __getattr__(self, name):
                return getattr(os, name)

            def replace(self, src, dst):
                _real_replace(src, dst)
                _count[0] += 1
                if _count[0] == 3:  # two results in place, one earlier result set aside
                    _pause()
        _write.os = _OsWithSlowReplace()
    elif _at == "read":
        import campuseval.data.read as _read
        _real_open = _read.open_data_file

        def _slow_open(path, shown):
            _pause()
            return _real_open(path, shown)
        _read.open_data_file = _slow_open
'''


def _start(work: Path, pause_at: str, *extra: str) -> tuple[subprocess.Popen[bytes], Path]:
    hook_dir = work.parent / "hook"
    hook_dir.mkdir(exist_ok=True)
    (hook_dir / "sitecustomize.py").write_text(HOOK, encoding="utf-8")
    marker = work.parent / "paused"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hook_dir), os.environ.get("PYTHONPATH", "")]),
           "CAMPUSEVAL_TEST_MARKER": str(marker), "CAMPUSEVAL_TEST_PAUSE_AT": pause_at,
           "CAMPUSEVAL_LANG": "en", "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.Popen([sys.executable, "-m", "campuseval", "score", *good_data(), "--targets", "targets.yaml",
                             "--out", "out", "--format", FORMATS, *extra],
                            cwd=work, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            out, err = proc.communicate()
            pytest.fail(f"the run never paused (exit {proc.returncode}):\n{out.decode()}\n{err.decode()}")
        time.sleep(0.05)
    return proc, marker


# (signal, where the run is stopped, whether earlier results are in the output folder)
INTERRUPTS = [("SIGINT", "read", False), ("SIGINT", "xlsx", False), ("SIGINT", "xlsx", True),
              ("SIGINT", "replace", True), ("SIGTERM", "read", False), ("SIGTERM", "xlsx", True),
              ("SIGTERM", "replace", True), ("SIGHUP", "xlsx", False)]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("name,pause_at,existing", INTERRUPTS, ids=["-".join(map(str, i)) for i in INTERRUPTS])
def test_interrupted_run_leaves_no_partial_files(name: str, pause_at: str, existing: bool, inputs: Path) -> None:
    sig = getattr(signal, name)
    before = with_results(inputs / "out") if existing else {}
    data_before = sha256_tree(inputs / "data", inputs / "targets.yaml")
    proc, _ = _start(inputs, pause_at, *(["--force"] if existing else []))
    if pause_at == "xlsx":
        staged = [p for p in (inputs / "out").iterdir() if p.name.startswith(".campuseval-")]
        assert staged and any(staged[0].iterdir()), "the pause should come with files half-way staged"
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    # Ctrl+C always unwinds; SIGTERM and SIGHUP do once writing has begun (before, nothing is on disk
    # and the default of ending at once is right).
    unwinds = sig == signal.SIGINT or pause_at != "read"
    assert proc.returncode == (130 if unwinds else -sig), (proc.returncode, err.decode())
    if unwinds:
        assert "interrupted; no output was written" in err.decode()
    assert "Traceback" not in err.decode()
    assert listing(inputs / "out") == before  # no .part, no staging folder, no mix of new and old results
    assert sha256_tree(inputs / "data", inputs / "targets.yaml") == data_before


def test_uninterrupted_run_completes(inputs: Path) -> None:
    """Control for the test above: the same command, left alone, writes every result."""
    result = subprocess.run([sys.executable, "-m", "campuseval", "score", *good_data(), "--targets", "targets.yaml",
                             "--out", "out", "--format", FORMATS], cwd=inputs, capture_output=True,
                            env={**os.environ, "CAMPUSEVAL_LANG": "en"}, timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    assert sorted(listing(inputs / "out")) == sorted(RESULT_FILES)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("pause_at", ["xlsx", "replace"])
def test_killed_run_is_cleaned_up_by_the_next_run(pause_at: str, inputs: Path) -> None:
    """kill -9 cannot be caught: its staging folder stays, and the next run into the folder removes it,
    first putting back the earlier results the killed run had set aside (at "replace", one of them is)."""
    before = with_results(inputs / "out")
    proc, _ = _start(inputs, pause_at, "--force")
    proc.kill()  # SIGKILL
    proc.communicate(timeout=60)
    staged = [p.name for p in (inputs / "out").iterdir() if p.name.startswith(".campuseval-")]
    assert staged, "a killed run leaves its staging folder"
    result = cli("score", *good_data(), "--targets", "targets.yaml", "--out", "out", "--format", "md")
    assert result.exit_code == 0, result.output
    after = listing(inputs / "out")
    assert not [n for n in after if n.startswith(".campuseval-")], sorted(after)
    for name, data in before.items():  # every earlier result is back, whole
        assert after[name] == data, name
    assert "report.md" in after
