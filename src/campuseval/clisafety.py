"""The command line's last line of defence: OS errors, odd argument values, terminals, signals, as user errors."""

from __future__ import annotations

import contextlib
import os
import re
import sys
from collections.abc import Sequence

from campuseval.errors import CampusevalError, Location, UsageError, diag, fail
from campuseval.inputs import check_name, os_error
from campuseval.safetext import visible

# Options whose value names a file, a folder or a list: an empty value is a slip, never a request
# (`--out ""` is the working directory, `--format ""` no output at all).
NONEMPTY_OPTIONS = ("--out", "--format", "--table", "--targets", "--generated-at", "--year", "--layout", "--lang",
                    "--seed", "--runs")
PATH_OPTIONS = ("--out", "--table", "--targets")
_YEAR = re.compile(r"[0-9]{4}")
MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z, the last second a timestamp can print


COUNT_OPTIONS = frozenset({"--seed", "--runs"})
_COUNT = re.compile(r"[0-9]{1,12}")


def check_args(args: Sequence[str]) -> None:
    """Refuse option values that the option parser would take in a surprising way, before anything runs."""
    items = list(args)
    for n, arg in enumerate(items):
        name, eq, value = arg.partition("=")
        if name not in NONEMPTY_OPTIONS:
            continue
        if not eq:
            if n + 1 >= len(items):
                continue  # click says that the value is missing
            value = items[n + 1]
        if not value.strip():
            raise fail(UsageError, Location(path=name), "cli.empty_value", "cli.empty_value.hint", option=name)
        if name == "--year" and not _YEAR.fullmatch(value):
            # int() takes "2_024" and " 2024 "; a year is four digits.
            raise fail(UsageError, Location(path=name), "cli.bad_year_option", "data.bad_year.hint", value=value)
        if name in COUNT_OPTIONS and not _COUNT.fullmatch(value):
            # int() takes "1_000" and "-1": a count or a seed is plain digits, 0 or more.
            raise fail(UsageError, Location(path=name), "cli.bad_count_option", value=value)
        if name in PATH_OPTIONS:
            check_name(UsageError, value, value)


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH as seconds, None when unset; a UsageError when it is set but not a timestamp."""
    text = os.environ.get("SOURCE_DATE_EPOCH")
    if text is None or text == "":
        return None
    if not text.isascii() or not text.isdigit() or len(text) > 12 or int(text) > MAX_EPOCH:
        raise fail(UsageError, Location(path="SOURCE_DATE_EPOCH"), "cli.bad_epoch", "cli.bad_epoch.hint",
                   value=visible(text[:40]))
    return int(text)


def from_exception(exc: BaseException) -> CampusevalError | None:
    """The user error an exception from the OS stands for; None when it is a bug (shown with its traceback)."""
    if isinstance(exc, OSError):
        name = exc.filename if isinstance(exc.filename, str) else (
            os.fsdecode(exc.filename) if isinstance(exc.filename, bytes) else None)
        if name:  # a temporary file (.scores.json.x1y2z3.part) is shown as the file it was to become
            name = re.sub(r"(^|/)\.([^/]+)\.[^./]+\.part$", r"\1\2", name)
        return os_error(UsageError, visible(name) if name else "campuseval", exc)
    text = str(exc)
    if isinstance(exc, ValueError) and "null byte" in text:  # os.stat("a\0b") and friends
        return fail(UsageError, Location(path="campuseval"), "file.nul_in_name", "file.nul_in_name.hint")
    if isinstance(exc, RuntimeError) and text.startswith("Symlink loop"):  # Path.resolve() before Python 3.13
        return fail(UsageError, Location(file=visible(text.split(" from ", 1)[-1])), "file.loop", "file.loop.hint")
    if isinstance(exc, UnicodeEncodeError):  # a name that cannot be written in the file system's encoding
        return fail(UsageError, Location(path="campuseval"), "file.bad_name", "file.bad_name.hint")
    return None


def safe_streams() -> None:
    """Let a terminal or pipe that cannot show Chinese show escapes instead of ending the run with an error."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # A stream already closed, or one that forbids it, keeps its settings.
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


__all__ = ["check_args", "diag", "from_exception", "safe_streams", "source_date_epoch", "visible"]
