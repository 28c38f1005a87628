"""The arithmetic in words: the steps an indicator's score went through, as sentences in zh and en."""

from __future__ import annotations

from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.results import Text

Step = tuple[str, dict[str, object]]

# Parameters that are values in the indicator's scale (shown with % for percents); each also comes
# bare as <name>n for the arithmetic (24.55 × ...), where a % sign would read as a second operation.
_SCALED = ("v", "tgt", "hq", "prev", "lo", "hi", "limit", "base", "a", "b", "short", "step", "need")


def value_text(x: float, scale: str) -> str:
    """A value as the words show it: enough places to tell small rates apart (0.0096%, not 0.01%)."""
    ax = abs(x)
    places = 2 if ax >= 1 or ax == 0 else (3 if ax >= 0.1 else 4)
    text = num(x, places)
    return text + "%" if scale == "percent" else text


def who_key(subject: str, is_campus: bool) -> str:
    if subject in ("campus", "both"):
        return "words.who.campus" if is_campus else "words.who.unit"
    return f"words.who.{subject}"


def _params(params: dict[str, object], scale: str, lang: Lang, who: str, entity: Text, places: int) -> dict[str, str]:
    out: dict[str, str] = {}
    ent = entity.zh if lang == "zh" else entity.en
    whos = {"@own": t(who, lang, entity=ent), "@hq": t("words.who.hq", lang)}
    for name, value in params.items():
        if value is None:
            out[name] = out[name + "n"] = ""
        elif isinstance(value, dict):  # a {zh, en} text
            out[name] = str(value.get(lang) or value.get("zh") or "")
        elif isinstance(value, str):  # a catalog key, a unit to name, or text already formatted
            out[name] = whos.get(value) or (t(value, lang) if value.startswith("words.") else value)
        elif name in _SCALED:
            x = float(value)  # type: ignore[arg-type]
            out[name] = value_text(x, scale)
            out[name + "n"] = value_text(x, "")
        elif name == "ratio":
            out[name] = num(float(value), 4)  # type: ignore[arg-type]
        elif name == "e":
            out[name] = num(float(value), max(places, 4))  # type: ignore[arg-type]
        else:
            out[name] = num(float(value), 4)  # type: ignore[arg-type]
    if "lo" in params or "hi" in params:
        lo, hi = out.get("lo", ""), out.get("hi", "")
        out["range"] = f"{lo} ~ {hi}" if lo and hi else (f"≥ {lo}" if lo else f"≤ {hi}")
    out["who"] = t(who, lang, entity=ent)
    out["entity"] = ent
    return out


def render(steps: list[Step], scale: str, subject: str, entity: Text, places: int = 2) -> Text:
    """The steps as one sentence per language: clauses joined by ；/ ; and ended with 。/ ."""
    is_campus = entity.zh == "院区"
    who = who_key(subject, is_campus)
    texts = {}
    for lang in ("zh", "en"):
        clauses = [t(key, lang, **_params(params, scale, lang, who, entity, places)) for key, params in steps]
        clauses = [c for c in clauses if c]
        if not clauses:
            texts[lang] = ""
            continue
        if lang == "zh":
            texts[lang] = "；".join(clauses) + "。"
        else:
            joined = "; ".join(clauses)
            texts[lang] = joined[:1].upper() + joined[1:] + "."
    return Text.trusted(zh=texts["zh"], en=texts["en"])


def rounded_step(earned: float, points: float, places: int) -> Step | None:
    """'rounded to 8.18' when the unrounded result as shown differs from the points recorded."""
    if num(earned, max(places, 4)) == num(points, places):
        return None
    return ("words.rounded", {"points": fixed(points, places)})
