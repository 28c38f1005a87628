"""The arithmetic in words: the steps an indicator's score went through, as sentences in zh and en."""

from __future__ import annotations

import math
from functools import lru_cache

from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.i18n.messages import MESSAGES
from campuseval.results import Text

Step = tuple[str, dict[str, object]]

# Parameters that are values in the indicator's scale (shown with % for percents); each also comes
# bare as <name>n for the arithmetic (24.55 × ...), where a % sign would read as a second operation.
_SCALED = ("v", "tgt", "hq", "prev", "lo", "hi", "limit", "base", "a", "b", "short", "step", "need")


def _num(x: float, places: int) -> str:
    """num() (half-up, trailing zeros trimmed) without Decimal where the float cannot be a tie: the words
    format hundreds of thousands of numbers, and only a value at a half of the last place needs Decimal."""
    if x != x or abs(x) >= 1e15:
        return num(x, places)
    r = abs(x) * 10**places
    # Near a tie (within what stripping float noise to 15 digits can move) Decimal decides, as in num().
    if abs(r - math.floor(r) - 0.5) <= max(1e-9, r * 1e-13):
        return num(x, places)
    text = f"{x:.{places}f}".rstrip("0").rstrip(".") if places > 0 else f"{x:.0f}"
    return "0" if text in ("-0", "") else text


def value_text(x: float, scale: str) -> str:
    """A value as the words show it: enough places to tell small rates apart (0.0096%, not 0.01%)."""
    ax = abs(x)
    places = 2 if ax >= 1 or ax == 0 else (3 if ax >= 0.1 else 4)
    text = _num(x, places)
    return text + "%" if scale == "percent" else text


def who_key(subject: str, is_campus: bool) -> str:
    if subject in ("campus", "both"):
        return "words.who.campus" if is_campus else "words.who.unit"
    return f"words.who.{subject}"


def _numbers(params: dict[str, object], scale: str, places: int) -> dict[str, str]:
    """The numeric parameters as text, once for both languages (numbers read the same in each)."""
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            out[name] = out[name + "n"] = ""
        elif type(value) is float or (isinstance(value, int | float) and not isinstance(value, bool)):
            x = float(value)
            if name in _SCALED:
                out[name + "n"] = value_text(x, "")
                out[name] = out[name + "n"] + "%" if scale == "percent" else out[name + "n"]
            else:
                out[name] = _num(x, max(places, 4) if name == "e" else 4)
    if "lo" in params or "hi" in params:
        lo, hi = out.get("lo", ""), out.get("hi", "")
        out["range"] = f"{lo} ~ {hi}" if lo and hi else (f"≥ {lo}" if lo else f"≤ {hi}")
    return out


@lru_cache(maxsize=4096)
def _said(key: str, lang: Lang, entity: str | None = None) -> str:
    """A catalog text with no parameters but the entity: the same for every campus, looked up once."""
    return t(key, lang) if entity is None else t(key, lang, entity=entity)


def _words(params: dict[str, object], numbers: dict[str, str], lang: Lang, who: str, ent: str) -> dict[str, str]:
    """The parameters in words for `lang`: whose value, catalog words, {zh, en} texts."""
    out = dict(numbers)
    own = _said(who, lang, ent)
    for name, value in params.items():
        if isinstance(value, str):  # whose value, a catalog key, or text already formatted
            out[name] = (own if value == "@own" else _said("words.who.hq", lang) if value == "@hq"
                         else _said(value, lang) if value.startswith("words.") else value)
        elif isinstance(value, dict):  # a {zh, en} text
            out[name] = str(value.get(lang) or value.get("zh") or "")
    out["who"] = own
    out["entity"] = ent
    return out


def _clause(key: str, lang: Lang, words: dict[str, str]) -> str:
    """t(key, lang, **words), reading the catalog directly: one call per step, language and campus."""
    entry = MESSAGES.get(key)
    if entry is None:
        return t(key, lang, **words)
    return (entry[0] if lang == "zh" else entry[1]).format_map(words)


def render(steps: list[Step], scale: str, subject: str, entity: Text, places: int = 2) -> Text:
    """The steps as one sentence per language: clauses joined by ；/ ; and ended with 。/ ."""
    who = who_key(subject, entity.zh == "院区")
    numbers = [_numbers(params, scale, places) for _, params in steps]
    texts = {}
    for lang in ("zh", "en"):
        ent = entity.zh if lang == "zh" else entity.en
        clauses = [_clause(key, lang, _words(params, nums, lang, who, ent))
                   for (key, params), nums in zip(steps, numbers, strict=True)]
        clauses = [c for c in clauses if c]
        if not clauses:
            texts[lang] = ""
        elif lang == "zh":
            texts[lang] = "；".join(clauses) + "。"
        else:
            joined = "; ".join(clauses)
            texts[lang] = joined[:1].upper() + joined[1:] + "."
    return Text.trusted(zh=texts["zh"], en=texts["en"])


def rounded_step(earned: float, points: float, places: int) -> Step | None:
    """'rounded to 8.18' when the unrounded result as shown differs from the points recorded (`points`:
    `earned` rounded half-up at `places`)."""
    # Points that needed no rounding read the same at any places from these up (trailing zeros trimmed).
    if earned == points or num(earned, max(places, 4)) == num(points, places):
        return None
    return ("words.rounded", {"points": fixed(points, places)})
