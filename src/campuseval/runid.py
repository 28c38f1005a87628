"""The run id: a short hash of a run's inputs and config, stamped on every output so a number can be traced."""

from __future__ import annotations

import hashlib

from campuseval.results import Results


def run_id(results: Results) -> str:
    """12 hex digits over the contents (not the paths) of every config and data file, the year and the tool
    version: the same inputs give the same id wherever they were run from, and any changed byte a new one."""
    h = hashlib.sha256()
    h.update(f"campuseval {results.tool_version}\nyear {results.year}\n".encode())
    if results.series:  # a multi-year run is another run than its latest year alone (a one-year id is unchanged)
        h.update(f"earlier years {' '.join(str(r.year) for r in results.series)}\n".encode())
    for s in [*results.config_files, *results.data_files]:
        h.update(f"{s.role} {s.sha256}\n".encode())
    return h.hexdigest()[:12]
