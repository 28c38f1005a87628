"""Console entry point: Ctrl-C while Python still imports the tool ends with one line and exit 130 too."""

from __future__ import annotations

import contextlib
import signal
import sys


def main() -> None:
    try:
        from campuseval.cli import main as run  # typer, rich, pydantic: long enough to be interrupted
    except KeyboardInterrupt:
        from campuseval.i18n import Lang, default_lang, t

        args = sys.argv[1:]
        given = [args[n + 1] if a == "--lang" and n + 1 < len(args) else a.partition("=")[2]
                 for n, a in enumerate(args) if a == "--lang" or a.startswith("--lang=")]
        lang: Lang = "en" if given and given[-1].lower() == "en" else "zh" if given else default_lang()
        sys.stderr.write(t("cli.interrupted", lang) + "\n")
        sys.exit(130)
    try:
        run()
    finally:
        # The run has ended, written or reported: a Ctrl-C landing while Python shuts down must not
        # turn it into a death by signal (exit -2, or a traceback from a finaliser).
        with contextlib.suppress(ValueError, OSError, AttributeError):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
