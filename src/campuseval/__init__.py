"""campuseval: score hospital campuses against a YAML indicator table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from campuseval.config.load import load_config
    from campuseval.data.read import read_data
    from campuseval.engine.score import score

__all__ = ["__version__", "load_config", "read_data", "score"]


def __getattr__(name: str) -> Any:
    # Imported on first use so that `campuseval --version` and `validate` do not pay for pandas.
    if name == "load_config":
        from campuseval.config.load import load_config

        return load_config
    if name == "read_data":
        from campuseval.data.read import read_data

        return read_data
    if name == "score":
        from campuseval.engine.score import score

        return score
    raise AttributeError(name)
