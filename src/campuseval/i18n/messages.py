"""Every user-facing sentence, in Chinese and English, merged from one module per area, keyed by a stable id."""

from __future__ import annotations

import importlib

# The areas, one module each in this package; listed rather than discovered so that
# looking up one message never walks the package directory.
_AREAS = (
    "cli", "composite", "config", "cycle", "data", "describe", "engine", "limits",
    "output", "report", "series", "template", "trust", "words",
)


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for area in _AREAS:
        part: dict[str, tuple[str, str]] = importlib.import_module(f"campuseval.i18n.{area}").MESSAGES
        clash = merged.keys() & part.keys()
        if clash:  # a bug in the messages, caught by the first test run
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


MESSAGES: dict[str, tuple[str, str]] = _merge()
