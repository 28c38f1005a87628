"""Writes outputs atomically: to a temporary file beside the target, then renamed over it."""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any


def _unwind(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextlib.contextmanager
def interrupts_unwind() -> Iterator[None]:
    """While files are written, SIGTERM and SIGHUP unwind like Ctrl+C, so temporary files are removed.

    By default they end the process on the spot, leaving a half-written `.part` file or staging
    folder behind (a closed terminal, `kill`, a CI timeout). A handler the program set itself is kept.
    """
    saved: dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():  # signal handlers live in the main thread
        for name in ("SIGTERM", "SIGHUP"):
            sig = getattr(signal, name, None)
            if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
                saved[sig] = signal.signal(sig, _unwind)
    try:
        yield
    finally:
        for sig, old in saved.items():
            signal.signal(sig, old)


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it to `target` only if the block succeeds."""
    with interrupts_unwind():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        os.close(fd)
        tmp_path = Path(tmp)
        try:
            yield tmp_path
            # mkstemp makes the file readable by its owner only; a template or a result is shared
            # like any file the user saves, so it gets the permissions the umask gives a new file.
            os.chmod(tmp_path, 0o666 & ~_umask())
            os.replace(tmp_path, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                tmp_path.unlink()
            raise


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def write_text(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text atomically (LF line endings on every platform, for byte-identical outputs)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(text.encode(encoding))


def write_with(target: Path, writer: Callable[[Path], None]) -> None:
    """Let `writer` fill a temporary path, then move it into place."""
    with atomic_path(target) as tmp:
        writer(tmp)
