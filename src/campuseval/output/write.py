"""Writes a run's result files together: all into a temporary folder first, then moved into place."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from campuseval.errors import DataError, Location, UsageError, diag
from campuseval.i18n import Lang
from campuseval.output import results_json, tables
from campuseval.results import Results

FORMATS = ("json", "csv", "xlsx", "md", "html")
FILES = {
    "json": ["scores.json"],
    "csv": ["summary.csv", "scores.csv"],
    "xlsx": ["scores.xlsx"],
    "md": ["report.md"],
    "html": ["report.html"],
}


def parse_formats(text: str) -> list[str]:
    """`json,csv` -> ['json', 'csv']; UsageError for an unknown one."""
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    for f in formats:
        if f not in FORMATS:
            raise UsageError([diag(Location(path="--format"), "out.bad_format", "out.bad_format.hint",
                                   hint_params={"choices": ", ".join(FORMATS)}, fmt=f)])
    return list(dict.fromkeys(formats))


def _writers(results: Results, lang: Lang) -> dict[str, Callable[[Path], None]]:
    def text(s: str) -> Callable[[Path], None]:
        return lambda p: p.write_bytes(s.encode("utf-8"))

    def report(fmt: str) -> Callable[[Path], None]:
        def write(p: Path) -> None:
            from campuseval.report import render

            p.write_bytes(render(results, fmt, lang).encode("utf-8"))

        return write

    _, sh, srows = tables.summary(results, lang)
    _, dh, drows, _ = tables.detail(results, lang)
    return {
        "scores.json": text(results_json.dumps(results)),
        "summary.csv": lambda p: tables.write_csv(p, sh, srows),
        "scores.csv": lambda p: tables.write_csv(p, dh, drows),
        "scores.xlsx": lambda p: tables.write_xlsx(p, results, lang),
        "report.md": report("md"),
        "report.html": report("html"),
    }


def planned_files(formats: list[str]) -> list[str]:
    return [name for f in formats for name in FILES[f]]


def check_target(out_dir: Path, formats: list[str], force: bool) -> None:
    """Refuse to overwrite earlier results unless forced; say which files are in the way."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError([diag(Location(file=str(out_dir)), "out.not_dir", "out.exists.hint")])
    if force or not out_dir.exists():
        return
    clash = [n for n in planned_files(formats) if (out_dir / n).exists()]
    if clash:
        raise UsageError([diag(Location(file=str(out_dir)), "out.exists", "out.exists.hint", files=", ".join(clash))])


def write_outputs(results: Results, out_dir: Path, formats: list[str], lang: Lang, *, force: bool = False) -> list[Path]:
    """Write the chosen formats into `out_dir`; on any failure or interrupt nothing is left half-written."""
    check_target(out_dir, formats, force)
    names = planned_files(formats)
    writers = _writers(results, lang)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".campuseval-", dir=out_dir))
    except OSError as exc:
        raise DataError([diag(Location(file=str(out_dir)), "out.cannot_write", reason=exc.strerror or str(exc))]) from None
    try:
        for name in names:
            writers[name](staging / name)
        written = []
        for name in names:
            os.replace(staging / name, out_dir / name)
            written.append(out_dir / name)
        return written
    except OSError as exc:
        raise DataError([diag(Location(file=str(out_dir)), "out.cannot_write", reason=exc.strerror or str(exc))]) from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
