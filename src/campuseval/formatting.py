"""Numbers as people read them: trailing zeros trimmed, percents with %, half-up at the shown places."""

from __future__ import annotations

from collections.abc import Mapping

from campuseval.rounding import round_half_up


def num(x: float | None, places: int = 4) -> str:
    """`x` rounded half-up to at most `places` decimals, without trailing zeros; '-' for None."""
    if x is None or x != x:
        return "-"
    r = round_half_up(x, places)
    text = f"{r:.{places}f}".rstrip("0").rstrip(".") if places > 0 else f"{r:.0f}"
    return "0" if text in ("-0", "") else text


def fixed(x: float | None, places: int) -> str:
    """`x` with exactly `places` decimals (scores: 9.50, not 9.5); '-' for None."""
    if x is None or x != x:
        return "-"
    text = f"{round_half_up(x, places):.{places}f}"
    return text[1:] if text.startswith("-") and float(text) == 0 else text


def value(x: float | None, scale: str, places: int | None = None) -> str:
    """An indicator value in its scale: 45 -> '45%' for percent, else the number."""
    shown = num(x, 2 if places is None else places)
    if shown == "-":
        return shown
    return shown + "%" if scale == "percent" else shown


COMPARISON = {"gt": ">", "ge": "≥", "lt": "<", "le": "≤"}


def target(t: object, scale: str, comparison: str | None = None, places: int = 4) -> str:
    """A target as set: 20%, > 35%, ≤ 8, 150 ~ 200, ≥ 150, ≤ 200; '-' for none.

    Accepts a number or anything with `min` and `max` (the config's and the results' ranges).
    The one place targets are written as text, for the terminal, tables and reports alike.
    """
    if t is None:
        return "-"
    if isinstance(t, Mapping):  # per year: 2023: 28; 2024: 30
        return "; ".join(f"{y}: {target(v, scale, comparison, places)}" for y, v in sorted(t.items()))
    if isinstance(t, int | float):
        text = value(float(t), scale, places)
        return f"{COMPARISON[comparison]} {text}" if comparison in COMPARISON else text
    lo, hi = getattr(t, "min", None), getattr(t, "max", None)
    if lo is not None and hi is not None:
        return f"{value(lo, scale, places)} ~ {value(hi, scale, places)}"
    if lo is not None:
        return f"≥ {value(lo, scale, places)}"
    if hi is not None:
        return f"≤ {value(hi, scale, places)}"
    return "-"
