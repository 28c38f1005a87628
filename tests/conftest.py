"""Shared fixtures. Keep each fixture small and named for what it gives."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIG_CASES = REPO_ROOT / "tests" / "configs"  # broken/, valid/ and multi/ config files


@pytest.fixture
def at_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test from the repository root, so config paths in messages are `tests/configs/...`."""
    monkeypatch.chdir(REPO_ROOT)
    monkeypatch.delenv("CAMPUSEVAL_LANG", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return REPO_ROOT
