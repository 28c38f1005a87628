"""The messages: every entry in both languages, formattable, and every key the code uses exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from campuseval.i18n import t
from campuseval.i18n.messages import MESSAGES

SRC = Path(__file__).resolve().parents[1] / "src" / "campuseval"


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_entry_formats_in_both_languages(key: str) -> None:
    zh, en = MESSAGES[key]
    assert zh.strip() and en.strip(), key
    params = {name: "X" for name in fields(zh) | fields(en)}
    assert t(key, "zh", **params)
    assert t(key, "en", **params)


def test_every_key_used_in_the_code_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(r"""["']((?:yaml|cfg|pyd|data|engine|out|cli|tpl|results|rule|flag|loc|file|hint|xlsx|col|"""
                         r"""scale|change|rulename|direction|subject|severity|unit|list|report|words|loss|docx|alloc|"""
                         r"""compare|sens|diff)\.[a-z0-9_.]+)["']""")
    for path in SRC.rglob("*.py"):
        if path.parent.name == "i18n" and path.name not in ("__init__.py", "messages.py"):
            continue  # the message modules define the keys; they do not use them
        used.update(pattern.findall(path.read_text(encoding="utf-8")))
    # File names (report.html) and prefixes completed at run time (rule.meets_target.partial_) are not keys.
    missing = sorted(k for k in used if k not in MESSAGES and not k.endswith((".", "_", ".html", ".md", ".json", ".docx")))
    assert missing == []
