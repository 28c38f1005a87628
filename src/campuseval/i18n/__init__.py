"""Language selection and message lookup: zh-CN by default, English on request (messages: one module per area)."""

from __future__ import annotations

import os
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


def default_lang() -> Lang:
    """The language from CAMPUSEVAL_LANG, else Chinese."""
    env = os.environ.get("CAMPUSEVAL_LANG", "zh").strip().lower()
    return "en" if env.startswith("en") else "zh"


def t(key: str, lang: Lang, /, **params: Any) -> str:
    """The message text for `key` in `lang`, formatted with `params`."""
    from campuseval.i18n.messages import MESSAGES

    try:
        entry = MESSAGES[key]
    except KeyError:  # a bug, not a user error: show the key so it is found
        return key + (" " + repr(params) if params else "")
    text = entry[0] if lang == "zh" else entry[1]
    return text.format(**params)


def pick(text: dict[str, str] | None, lang: Lang) -> str:
    """Choose the `lang` variant of a {zh, en} pair, falling back to Chinese."""
    if not text:
        return ""
    return text.get(lang) or text.get("zh") or next(iter(text.values()), "")
