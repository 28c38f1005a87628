"""The merged message catalog: every user-facing sentence, in Chinese and English, keyed by a stable id."""

from __future__ import annotations

import importlib
import pkgutil

from campuseval import catalog


def _merge() -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(catalog.__path__), key=lambda m: m.name):
        part: dict[str, tuple[str, str]] = importlib.import_module(f"campuseval.catalog.{info.name}").MESSAGES
        clash = merged.keys() & part.keys()
        if clash:  # a bug in the catalog, caught by the first test run
            raise RuntimeError(f"message keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


MESSAGES: dict[str, tuple[str, str]] = _merge()
