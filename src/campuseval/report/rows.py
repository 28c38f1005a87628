"""Report rows that explain points: values under their owner, counts beside rates, last year, lost points."""

from __future__ import annotations

from dataclasses import dataclass

from campuseval.engine.history import CampusChange
from campuseval.formatting import fixed, num
from campuseval.formula import fraction
from campuseval.i18n import Lang, t
from campuseval.losses import Loss
from campuseval.results import CampusScore, IndicatorScore, Text

_MISSING = ("missing", "not_computable", "hq_missing", "previous_missing")


@dataclass
class Owned:
    """An indicator's value placed in the column of whoever reports it, with its counts."""

    campus: str = ""
    hq: str = ""
    locality: str = ""
    campus_counts: str = ""
    hq_counts: str = ""
    locality_counts: str = ""


def count_text(x: float | None) -> str:
    """A count or an amount as people write it: 4,884 and 1,234.5, never 4884.00."""
    if x is None or x != x:
        return "-"
    if float(x).is_integer():
        return f"{x:,.0f}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def counts(ind: IndicatorScore, prefix: str = "") -> str:
    """'2 / 4,884' for a rate built from a numerator and a denominator, '' otherwise."""
    parts = fraction(ind.trace.formula)
    if parts is None:
        return ""
    top, bottom = (ind.trace.inputs.get(prefix + p) for p in parts)
    if top is None and bottom is None:
        return ""
    return f"{count_text(top)} / {count_text(bottom)}"


def owned(ind: IndicatorScore, shown: str, hq_shown: str) -> Owned:
    """`shown` (the value as text) under the column of the indicator's subject."""
    own_counts = counts(ind)
    if ind.subject == "hq":
        return Owned(hq=shown, hq_counts=own_counts)
    if ind.subject == "locality":
        return Owned(locality=shown, locality_counts=own_counts)
    if ind.subject == "both":
        return Owned(campus=shown, hq=hq_shown, campus_counts=own_counts, hq_counts=counts(ind, "hq."))
    return Owned(campus=shown, campus_counts=own_counts)


def name(text: Text | None, lang: Lang) -> str:
    if text is None:
        return ""
    return text.zh if lang == "zh" else (text.en or text.zh)


def loss_reason(loss: Loss, lang: Lang) -> str:
    return t(f"loss.reason.{loss.reason}", lang)


def loss_name(loss: Loss, c: CampusScore, lang: Lang) -> str:
    if loss.name is not None:
        return name(loss.name, lang)
    if loss.reason == "rounding":
        return t("loss.rounding", lang)
    if loss.reason == "bonus":
        return t("loss.bonus", lang)
    names = [name(i.name, lang) for i in c.indicators if i.code in loss.code.split(", ")]
    return t("report.sep", lang).join(names)


def loss_words(loss: Loss, c: CampusScore, lang: Lang) -> str:
    if loss.words is not None:
        return name(loss.words, lang)
    if loss.reason == "veto":
        words = [name(i.trace.words, lang) for i in c.indicators if i.code in loss.code.split(", ")]
        return " ".join(w for w in words if w)
    return ""


def lost_points_text(x: float, places: int) -> str:
    return fixed(x, places)


def change_text(x: float | None, places: int, minus: str = "−") -> str:
    """+2.39 / −1.20 / 0.00: a change with its sign, at the total's places. The terminal passes an ASCII
    minus: a Chinese-Windows console (GBK) cannot encode U+2212."""
    if x is None:
        return "-"
    text = fixed(abs(x), places)
    if float(text) == 0:
        return text
    return ("+" if x > 0 else minus) + text


def previous_sentence(ch: CampusChange, prev_year: int, places: int, lang: Lang) -> str:
    """Last year's total and rank and the move, like for like when an indicator lacked a value in one year."""
    if ch.previous_rank is None:  # last year the campus had too little data to be ranked
        text = t("report.prev.summary_unranked", lang, year=prev_year, total=fixed(ch.previous_total, places),
                 change=change_text(ch.change, places))
    else:
        text = t("report.prev.summary", lang, year=prev_year, total=fixed(ch.previous_total, places),
                 rank=ch.previous_rank, change=change_text(ch.change, places))
    if ch.not_comparable:
        text += t("report.prev.not_comparable", lang, codes=t("report.sep", lang).join(ch.not_comparable),
                  like=change_text(ch.like_for_like, places))
    return text


def missing_in(ind: IndicatorScore) -> bool:
    return bool(set(ind.flags) & set(_MISSING))


def points_text(ind: IndicatorScore | None, places: int) -> str:
    if ind is None or ind.points is None or not ind.scored or "not_applicable" in ind.flags:
        return ""
    return fixed(ind.points, places)


def num4(x: float) -> str:
    return num(x, 4)
