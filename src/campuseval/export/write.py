"""Writes a run's result files together: all into a temporary folder first, then moved into place."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import unicodedata
from collections.abc import Callable
from pathlib import Path

from campuseval.errors import DataError, Location, UsageError, diag
from campuseval.export import results_json, tables
from campuseval.export.atomic import interrupts_unwind
from campuseval.i18n import Lang
from campuseval.results import Results

FORMATS = ("json", "csv", "xlsx", "md", "html", "docx")
FILES = {
    "json": ["scores.json"],
    "csv": ["summary.csv", "scores.csv"],
    "xlsx": ["scores.xlsx"],
    "md": ["report.md"],
    "html": ["report.html"],
    "docx": ["report.docx"],
}
UNITS_DIR = "units"  # the per-campus feedback sheets (一院区一单): units/<campus id>.html and .xlsx
MAX_STEM_BYTES = 200  # a file name is at most 255 bytes on ext4, NTFS and APFS
_DEVICE_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{k}" for k in range(1, 10)), *(f"LPT{k}" for k in range(1, 10))}


def parse_formats(text: str) -> list[str]:
    """`json,csv` -> ['json', 'csv']; UsageError for an unknown one."""
    formats = [f.strip().lower() for f in text.split(",") if f.strip()]
    for f in formats:
        if f not in FORMATS:
            raise UsageError([diag(Location(file="--format"), "out.bad_format", "out.bad_format.hint",
                                   hint_params={"choices": ", ".join(FORMATS)}, fmt=f)])
    if not formats:  # `--format ","`: nothing would be written, yet the run would say it succeeded
        raise UsageError([diag(Location(file="--format"), "out.bad_format", "out.bad_format.hint",
                               hint_params={"choices": ", ".join(FORMATS)}, fmt=text)])
    return list(dict.fromkeys(formats))


def _writers(results: Results, lang: Lang, per_unit: bool = False) -> dict[str, Callable[[Path], None]]:
    # A large run's reports are summaries, each unit's section in units/<id>.html (report/render.py).
    detail = ({cid: name for name, (cid, fmt) in unit_files(results).items()
               if fmt == "html"} if summary_only(results) else None)

    def report(fmt: str) -> Callable[[Path], None]:
        def write(p: Path) -> None:
            from campuseval.report import render

            p.write_bytes(render(results, fmt, lang, detail=detail).encode("utf-8"))

        return write

    def docx(p: Path) -> None:
        from campuseval.report.docx import render_docx

        p.write_bytes(render_docx(results, lang, detail=detail))

    def summary_csv(p: Path) -> None:
        _, headers, rows = tables.summary(results, lang)
        tables.write_csv(p, headers, rows)

    def detail_csv(p: Path) -> None:  # a row at a time, from the results to the file
        headers = tables.headers_for(tables.DETAIL_COLUMNS, results, lang)
        tables.write_csv(p, headers, (row for row, _ in tables.detail_rows(results, lang)))

    # Each file is made when it is written, and only when it was asked for.
    writers: dict[str, Callable[[Path], None]] = {
        "scores.json": lambda p: results_json.write(results, p),
        "summary.csv": summary_csv,
        "scores.csv": detail_csv,
        "scores.xlsx": lambda p: tables.write_xlsx(p, results, lang),
        "report.md": report("md"),
        "report.html": report("html"),
        "report.docx": docx,
    }
    sheets = _unit_sheets(results, lang)
    for name, (cid, fmt) in unit_files(results).items():
        writers[name] = _unit_writer(results, cid, fmt, lang, sheets)
    return writers


def summary_only(results: Results) -> bool:
    from campuseval.report.render import summary_only

    return summary_only(results)


def detail_files(formats: list[str], results: Results) -> bool:
    """Whether the run writes units/<id>.html because its reports are summaries (a large run)."""
    return bool({"md", "html", "docx"} & set(formats)) and summary_only(results)


def _unit_sheets(results: Results, lang: Lang) -> Callable[[str], str]:
    """unit id -> its HTML sheet; the run is worked out once, on the first sheet, for all of them."""
    made: list[Callable[[str], str]] = []

    def sheet(cid: str) -> str:
        if not made:
            from campuseval.report.render import unit_renderer

            made.append(unit_renderer(results, lang))
        return made[0](cid)

    return sheet


def unit_files(results: Results) -> dict[str, tuple[str, str]]:
    """units/<campus id>.html and .xlsx for every campus: file name -> (campus id, format)."""
    out: dict[str, tuple[str, str]] = {}
    used: set[str] = set()
    for c in results.campuses:
        stem = safe_stem(c.id, used)
        for fmt in ("html", "xlsx"):
            out[f"{UNITS_DIR}/{stem}.{fmt}"] = (c.id, fmt)
    return out


def safe_stem(unit_id: str, used: set[str]) -> str:
    """A file name from a campus id: letters of any script (院区甲 stays readable), digits, - _ . kept, the rest
    _; at most 200 bytes of UTF-8 (file systems count bytes); never a Windows device name (CON, NUL, COM1...);
    unique within the run as the case-insensitive file systems of Windows and macOS compare names (casefold)."""
    text = unicodedata.normalize("NFC", unit_id)  # one spelling of 院区 on every file system
    stem = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in text).strip(".") or "unit"
    base = stem.encode("utf-8")[:MAX_STEM_BYTES].decode("utf-8", "ignore")  # room left for -N and .xlsx
    if base.split(".")[0].upper() in _DEVICE_NAMES:  # CON.txt is the device too: the name before the dot counts
        base = "_" + base
    stem, n = base, 2
    while stem.casefold() in used:
        stem, n = f"{base}-{n}", n + 1
    used.add(stem.casefold())
    return stem


def stale_unit_files(written: list[Path]) -> list[Path]:
    """Feedback sheets in the units/ folder beside `written` that this run did not write (an earlier run's, for a
    campus since renamed or dropped, or of a larger run): left alone, since they may not be ours, but never to be
    sent out unseen."""
    if not written:
        return []
    mine = {p for p in written if p.parent.name == UNITS_DIR}
    folder = next(iter(mine)).parent if mine else written[0].parent / UNITS_DIR
    try:
        present = sorted(folder.iterdir()) if folder.is_dir() else []
    except OSError:
        return []
    return [p for p in present if p.suffix.lower() in (".html", ".xlsx") and p not in mine]


def unit_results(results: Results, campus_id: str) -> Results:
    """`results` holding only `campus_id` (and its last year): what its feedback workbook shows."""
    return results.for_unit(campus_id)


def _unit_writer(results: Results, campus_id: str, fmt: str, lang: Lang,
                 sheets: Callable[[str], str]) -> Callable[[Path], None]:
    def write(p: Path) -> None:
        if fmt == "html":
            p.write_bytes(sheets(campus_id).encode("utf-8"))
        else:
            tables.write_xlsx(p, unit_results(results, campus_id), lang, cells=True)

    return write


def planned_files(formats: list[str], results: Results | None = None, per_unit: bool = False) -> list[str]:
    """The files a run writes: each format's, units/<id>.html and .xlsx with `per_unit`, and units/<id>.html
    alone when the reports of a large run are summaries that link to them."""
    names = [name for f in formats for name in FILES[f]]
    if results is not None and (per_unit or detail_files(formats, results)):
        names += [name for name, (_, fmt) in unit_files(results).items() if per_unit or fmt == "html"]
    return names


def check_target(out_dir: Path, formats: list[str], force: bool, results: Results | None = None,
                 per_unit: bool = False) -> None:
    """Refuse to overwrite earlier results unless forced; say which files are in the way."""
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError([diag(Location(file=str(out_dir)), "out.not_dir", "out.not_dir.hint")])
    if force or not out_dir.exists():
        return
    clash = [n for n in planned_files(formats, results, per_unit) if (out_dir / n).exists()]
    if clash:
        raise UsageError([diag(Location(file=str(out_dir)), "out.exists", "out.exists.hint",
                               files=", ".join(clash))])


def write_outputs(results: Results, out_dir: Path, formats: list[str], lang: Lang, *,
                  force: bool = False, per_unit: bool = False, inputs: tuple[Path, ...] = (),
                  progress: Callable[[str, int], None] | None = None) -> list[Path]:
    """Write the chosen formats into `out_dir`; on any failure or interrupt nothing is left half-written.

    `per_unit` adds one HTML and one xlsx per campus under units/, each holding that campus alone.
    `inputs` are files read to make `results` beyond those it records (the scores.json `report` reads):
    like the data and config files, none of them is ever written over, --force or not.
    `progress(name, total)` is called before each file is written (the CLI's progress bar).
    """
    check_target(out_dir, formats, force, results, per_unit)
    names = planned_files(formats, results, per_unit)
    _refuse_inputs(results, out_dir, names, inputs)
    writers = _writers(results, lang, per_unit)
    with interrupts_unwind():
        return _write_all(writers, out_dir, names, progress)


def _refuse_inputs(results: Results, out_dir: Path, names: list[str], inputs: tuple[Path, ...] = ()) -> None:
    """Never write over a file the results were read from, even with --force (`--out data/`)."""
    sources = [str(p) for p in inputs] + [s.path for s in [*results.data_files, *results.config_files]]
    refuse_inputs([out_dir / name for name in names], sources)


def refuse_inputs(targets: list[Path], sources: list[str]) -> None:
    """UsageError when a file about to be written is one that was read (by any path, hard link included).

    Every command that writes goes through here: an input is never written over, --force or not.
    """
    for target in targets:
        for source in sources:
            with contextlib.suppress(OSError, ValueError):
                if target.exists() and os.path.samefile(target, source):
                    raise UsageError([diag(Location(file=str(target)), "out.is_input", "out.is_input.hint",
                                           source=source)])


def _write_all(writers: dict[str, Callable[[Path], None]], out_dir: Path, names: list[str],
               progress: Callable[[str, int], None] | None = None) -> list[Path]:
    created = not out_dir.exists()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        clean_stale_staging(out_dir)
        staging = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=out_dir))
    except OSError as exc:
        raise _cannot_write(out_dir, exc) from None
    ok = False
    try:
        for name in names:
            if progress is not None:
                progress(name, len(names))
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            writers[name](staging / name)
        _move_into_place(staging, out_dir, names)
        ok = True
        return [out_dir / name for name in names]
    except OSError as exc:
        raise _cannot_write(out_dir, exc) from None
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
        if created and not ok:
            with contextlib.suppress(OSError):
                out_dir.rmdir()  # only if empty: a folder we made for nothing is not left behind


STAGING_PREFIX = ".campuseval-"
STALE_AFTER = 3600  # seconds; a staging folder whose run cannot be identified is left alone this long


def clean_stale_staging(out_dir: Path) -> list[Path]:
    """Remove staging folders that a killed run (SIGKILL, power cut) left in `out_dir`; the removed ones.

    A folder is stale when the process that made it (its id is in the name) no longer runs, or, for a
    name without one, when it is over an hour old. Earlier results that the killed run had set aside
    in `.previous` go back into place first: a kill between two moves must not lose them.
    """
    import time

    removed: list[Path] = []
    for entry in out_dir.iterdir():
        if not entry.name.startswith(STAGING_PREFIX) or entry.is_symlink() or not entry.is_dir():
            continue
        pid_text = entry.name[len(STAGING_PREFIX):].split("-", 1)[0]
        if pid_text.isdigit() and os.name != "nt":  # on Windows os.kill(pid, 0) would end the process
            if int(pid_text) == os.getpid() or _running(int(pid_text)):
                continue
        elif time.time() - entry.stat().st_mtime < STALE_AFTER:
            continue
        previous = entry / ".previous"
        if previous.is_dir():
            for old in sorted(p for p in previous.rglob("*") if not p.is_dir()):  # units/<id>.html too
                back = out_dir / old.relative_to(previous)
                with contextlib.suppress(OSError):
                    back.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(old, back)
        with contextlib.suppress(OSError):
            shutil.rmtree(entry)
            removed.append(entry)
    return removed


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True  # someone else's process, or an id the OS cannot take: leave its folder alone
    return True


def _move_into_place(staging: Path, out_dir: Path, names: list[str]) -> None:
    """Move the new files in as a set: if one move fails or is interrupted, the earlier results come back."""
    previous = staging / ".previous"  # old results wait here until every new file is in place
    previous.mkdir()
    moved: list[str] = []
    made: list[Path] = []  # folders (units/) made for the new files, removed again if the set fails
    try:
        for name in names:
            target = out_dir / name
            for folder in (previous / name).parent, target.parent:
                if not folder.exists():
                    folder.mkdir(parents=True)
                    if folder == target.parent:
                        made.append(folder)
            if target.is_dir() and not target.is_symlink():
                # --force replaces result files, never a folder the user made under that name.
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(target))
            moved.append(name)  # before the first move, so an interrupt right after it is undone too
            if target.exists() or target.is_symlink():
                os.replace(target, previous / name)
            os.replace(staging / name, target)
    except BaseException:
        for name in reversed(moved):
            with contextlib.suppress(OSError):
                if (previous / name).exists() or (previous / name).is_symlink():
                    os.replace(previous / name, out_dir / name)
                elif not (staging / name).exists():
                    (out_dir / name).unlink()  # a new file where there was none before
        for folder in reversed(made):
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _cannot_write(out_dir: Path, exc: OSError) -> DataError:
    reason = exc.strerror or str(exc)
    if exc.filename:
        reason = f"{Path(str(exc.filename)).name}: {reason}"
    return DataError([diag(Location(file=str(out_dir)), "out.cannot_write", "out.cannot_write.hint", reason=reason)])
