"""Writes outputs atomically: to a temporary file beside the target, then renamed over it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """Yield a temporary path in the target's folder; rename it to `target` only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.replace(tmp_path, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp_path.unlink()
        raise


def write_text(target: Path, text: str, encoding: str = "utf-8") -> None:
    """Write text atomically (LF line endings on every platform, for byte-identical outputs)."""
    with atomic_path(target) as tmp:
        tmp.write_bytes(text.encode(encoding))


def write_with(target: Path, writer: Callable[[Path], None]) -> None:
    """Let `writer` fill a temporary path, then move it into place."""
    with atomic_path(target) as tmp:
        writer(tmp)
