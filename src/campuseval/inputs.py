"""Reading input files safely: regular files only, size bounded before reading, every OS error a user error."""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path

from campuseval.errors import CampusevalError, Location, fail

# Limits on what is read at all, checked before the work (docs/errors.md, section 10).
MAX_DATA_BYTES = 100_000_000  # a data file (CSV or xlsx); a yearly panel of 2,000 units is ~20 MB
MAX_CONFIG_BYTES = 2_000_000  # an indicator table or targets file; the shipped table is ~30 KB
MAX_RESULTS_BYTES = 200_000_000  # a scores.json read back by `report`
MAX_NAME_BYTES = 4096  # a path given on the command line or in `extends`
_CONTROL = re.compile("[\x01-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escaped(text: str) -> str:
    from campuseval.safetext import visible

    return visible(text)


def os_error_key(exc: OSError) -> str:
    """The catalog key for an operating-system error, by kind: the user's fix differs for each."""
    code = exc.errno
    if isinstance(exc, FileNotFoundError):
        return "file.not_found"
    if isinstance(exc, IsADirectoryError):
        return "file.is_dir"
    if isinstance(exc, FileExistsError):
        return "out.not_dir"
    if isinstance(exc, NotADirectoryError):
        return "file.not_a_dir_in_path"
    if isinstance(exc, PermissionError):
        return "file.permission"
    if code == errno.ENAMETOOLONG:
        return "file.name_too_long"
    if code == errno.ELOOP:
        return "file.loop"
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return "file.disk_full"
    if code == errno.EROFS:
        return "file.read_only"
    return "file.os_error"


def os_error(cls: type[CampusevalError], shown: str, exc: OSError) -> CampusevalError:
    """A located user error for an OSError met while reading or writing `shown`."""
    key = os_error_key(exc)
    hint = None if key == "file.is_dir" else f"{key}.hint"
    return fail(cls, Location(file=shown), key, hint, reason=exc.strerror or type(exc).__name__)


def check_name(cls: type[CampusevalError], shown: str, name: str | os.PathLike[str]) -> None:
    """Refuse names the OS cannot take, before any call that would raise ValueError on them."""
    text = os.fspath(name)
    if "\x00" in text:
        raise fail(cls, Location(file=shown.replace("\x00", "\\0")), "file.nul_in_name", "file.nul_in_name.hint")
    if _CONTROL.search(text):  # a name that would repaint a terminal or break a Word document
        raise fail(cls, Location(file=_escaped(text)), "file.control_in_name", "file.control_in_name.hint")
    try:
        encoded = os.fsencode(text)
        # Bytes that are no UTF-8 arrive as surrogates: readable here, but no output (scores.json,
        # a report naming its inputs) could write the name down.
        text.encode("utf-8")
    except UnicodeEncodeError:  # a name that is not valid in the file system's encoding
        raise fail(cls, Location(file=ascii(text)), "file.bad_name", "file.bad_name.hint") from None
    if len(encoded) > MAX_NAME_BYTES:
        raise fail(cls, Location(file=shown[:80] + "..."), "file.name_too_long", "file.name_too_long.hint",
                   reason=f"{len(encoded)} > {MAX_NAME_BYTES}")


def read_input(path: Path, shown: str, cls: type[CampusevalError], limit: int) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; a located `cls` error for anything else.

    A FIFO, a device (/dev/zero) or a socket is refused before reading: one would block forever,
    the other never ends. The size is checked on the open file, so a file swapped after a check is
    still measured, and the read stops one byte past the limit should the file grow meanwhile.
    """
    check_name(cls, shown, path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise os_error(cls, shown, exc) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            from campuseval.errors import DataError

            raise fail(cls, Location(file=shown), "file.is_dir", "data.is_dir.hint" if cls is DataError else None)
        if not stat.S_ISREG(info.st_mode):
            raise fail(cls, Location(file=shown), "file.not_regular", "file.not_regular.hint",
                       kind=_kind(info.st_mode))
        if info.st_size > limit:
            raise _too_large(cls, shown, info.st_size, limit)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        chunks: list[bytes] = []
        got = 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise _too_large(cls, shown, got, limit)
        return b"".join(chunks)
    except OSError as exc:
        raise os_error(cls, shown, exc) from None
    finally:
        os.close(fd)


def _too_large(cls: type[CampusevalError], shown: str, size: int, limit: int) -> CampusevalError:
    return fail(cls, Location(file=shown), "file.too_large", "file.too_large.hint",
                size=f"{size / 1e6:.1f}", limit=f"{limit / 1e6:g}")


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "device"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "special"
