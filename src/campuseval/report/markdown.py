"""Escaping for the Markdown report: any text becomes literal text, safe in a paragraph or a table cell."""

from __future__ import annotations

import re
from typing import Any

# Every character CommonMark/GFM could read as markup. A backslash before ASCII punctuation
# always means "this character, literally", so escaping more than needed is harmless;
# `|` must be escaped or it splits a table cell.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~&!])")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def md_escape(value: Any) -> str:
    """`value` as literal Markdown text on one line (newlines become spaces)."""
    if value is None:
        return ""
    text = _NEWLINES.sub(" ", str(value))
    return _SPECIAL.sub(r"\\\1", text)
