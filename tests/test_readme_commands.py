"""Every example command of the README and the examples' READMEs runs as written and exits 0."""

from __future__ import annotations

import glob
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from campuseval.cli import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "examples").glob("*/README.md"))]
# `$ campuseval …` in console blocks, and the quick start's `… && campuseval …`.
COMMAND = re.compile(r"^(?:\$ |.*&& )(campuseval (?:score|validate|indicators|template|report|schema|compare|diff"
                     r"|sensitivity)\b.*)$")


def commands() -> list[tuple[str, str]]:
    found = []
    for doc in DOCS:
        for line in doc.read_text(encoding="utf-8").splitlines():
            m = COMMAND.match(line.strip())
            if m:
                found.append((doc.relative_to(ROOT).as_posix(), m.group(1)))
    return found


def test_the_docs_have_commands() -> None:
    docs = {d for d, _ in commands()}
    assert "README.md" in docs and "examples/shaoxing/README.md" in docs


@pytest.mark.parametrize("doc,command", commands(), ids=[f"{d}:{c[:60]}" for d, c in commands()])
def test_example_command_exits_0(doc: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("CAMPUSEVAL_LANG", raising=False)
    args: list[str] = []
    for word in shlex.split(command)[1:]:
        args += sorted(glob.glob(word)) if any(ch in word for ch in "*?") else [word]
    if "--out" in args:  # write where the test may, not into the repository
        k = args.index("--out")
        args[k + 1] = str(tmp_path / args[k + 1])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, f"{doc}: {command}\n{result.output}"
    assert "Traceback" not in result.output
