"""Console entry point: Ctrl-C while Python still imports the tool ends with one line and exit 130 too."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from campuseval.cli import main as run  # typer, rich, pydantic: long enough to be interrupted
    except KeyboardInterrupt:
        from campuseval.i18n import default_lang, t

        sys.stderr.write(t("cli.interrupted", default_lang()) + "\n")
        sys.exit(130)
    run()
