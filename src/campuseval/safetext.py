"""Names from data and configs made safe for each sink: terminals and xlsx cells (HTML, Markdown escape their own)."""

from __future__ import annotations

import re
from typing import Any

# ESC and CSI start escape sequences that move the cursor, repaint or retitle a terminal; the bidi
# controls reorder what follows (a name can make "error" read as "ok"); other C0/C1 controls beep,
# erase or clear; lone surrogates (a file name in a foreign encoding) cannot be printed at all.
_UNSAFE_TERMINAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
                              "\ud800-\udfff]")
# What the xlsx format cannot hold (openpyxl raises IllegalCharacterError on them); tab, LF, CR are fine.
_UNSAFE_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def visible(text: str) -> str:
    """Text safe to print on a terminal: control, escape and bidi characters shown as \\x1b, \\u202e."""
    return _UNSAFE_TERMINAL.sub(_escape, text)


def xlsx_safe(value: Any) -> Any:
    """A cell value the xlsx format can hold: control characters shown as \\x1b; other values unchanged."""
    if isinstance(value, str) and _UNSAFE_XLSX.search(value):
        return _UNSAFE_XLSX.sub(_escape, value)
    return value


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
