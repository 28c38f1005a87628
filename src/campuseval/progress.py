"""A progress bar on stderr for long runs: reading, scoring, each output file.

Shown only when stderr is a terminal (never in a pipe, a log, CI or the tests' captured output), and
only once a stage has taken a couple of seconds: a quick run prints nothing more than it always did.
The bar is transient: when the work is done it is wiped, leaving the terminal as it would be without it.
"""

from __future__ import annotations

import os
import sys
import threading
from types import TracebackType
from typing import Any, TextIO

from campuseval.i18n import Lang, t

DELAY = 2.0  # seconds of work before the bar appears


def wanted(stream: TextIO | None) -> bool:
    """A bar only on an interactive terminal, and not under CI or with TERM=dumb."""
    if stream is None or os.environ.get("CI") or os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError, OSError):  # closed or replaced streams
        return False


class RunProgress:
    """`with RunProgress(lang) as bar: bar.stage("progress.read"); ...`; write_outputs(..., progress=bar.file).

    Off a terminal every call is a no-op."""

    def __init__(self, lang: Lang, *, stream: TextIO | None = None, delay: float = DELAY) -> None:
        self.lang = lang
        self.stream = sys.stderr if stream is None else stream
        self.enabled = wanted(self.stream)
        self.delay = delay
        self._progress: Any = None
        self._task: Any = None
        self._timer: threading.Timer | None = None
        self._done = 0

    def __enter__(self) -> RunProgress:
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
        self._task = self._progress.add_task("", total=None)
        self._timer = threading.Timer(self.delay, self._progress.start)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._progress is not None:
            self._progress.stop()

    def stage(self, key: str, **params: Any) -> None:
        """A stage without a count (reading, scoring): its name beside a pulsing bar."""
        if self._progress is not None:
            self._progress.update(self._task, description=t(key, self.lang, **params))

    def file(self, name: str, total: int) -> None:
        """About to write `name`, one of `total` files (write_outputs' progress callback)."""
        if self._progress is not None:
            self._progress.update(self._task, description=t("progress.write", self.lang, name=name),
                                  completed=self._done, total=total)
            self._done += 1
