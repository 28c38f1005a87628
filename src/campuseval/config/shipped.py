"""Where the configs shipped with the package live, and how their paths are shown (builtin:NAME)."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

BUILTIN = "builtin:"
DEFAULT_TABLE = "indicators_shaoxing.yaml"


def shipped_dir() -> Path:
    """The folder of configs shipped with the package (configs/ in the repository)."""
    # configs/ is a regular package (it has an __init__.py) so that importlib gives a real
    # folder both in a wheel install and in setuptools' editable install.
    return Path(str(resources.files("campuseval.configs")))


def builtin_names(extendable: bool = False) -> list[str]:
    """Every shipped config as `builtin:` names, e.g. builtin:targets/keqiao.yaml (catalogs left out when
    the names are for `extends`, which cannot extend a catalog)."""
    root = shipped_dir()
    names = (q.relative_to(root).as_posix() for q in root.rglob("*.yaml"))
    return sorted(BUILTIN + n for n in names if not (extendable and n.startswith("catalog/")))


def default_table_path() -> Path:
    return shipped_dir() / DEFAULT_TABLE


def shown_path(path: Path) -> str:
    """A path as messages show it: builtin:NAME for a shipped config (the same wherever campuseval is
    installed and run from), else relative to the working directory when that is shorter."""
    resolved = path.resolve()
    root = shipped_dir().resolve()
    if resolved.is_relative_to(root):
        return BUILTIN + resolved.relative_to(root).as_posix()
    try:
        rel = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return rel if not rel.startswith(".." + os.sep + "..") else str(path)
