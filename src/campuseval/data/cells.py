"""Reading one cell: the spellings of numbers, percents, yes/no and "missing" that analysts type."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from campuseval.rounding import clean
from campuseval.years import YEAR_MAX, YEAR_MIN

MISSING_WORDS = {"", "-", "--", "—", "——", "–", "/", "无", "暂无", "空", "缺", "n/a", "na", "null", "none", "#n/a"}
YES_WORDS = {"是", "有", "yes", "y", "true", "√", "达标", "1"}
NO_WORDS = {"否", "没有", "no", "n", "false", "×", "未达标", "0"}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
# What Excel and WPS show in a cell whose formula failed; #N/A is read as "missing" above.
EXCEL_ERRORS = {"#div/0!", "#value!", "#ref!", "#name?", "#num!", "#null!", "#spill!", "#calc!", "#getting_data",
                "#field!", "#blocked!", "#connect!", "#busy!", "#unknown!", "#python!"}
_UNIT_SUFFIX = re.compile(r"(人次|人·年|人年|人|例|台次|台|项|个|次|天|日|万元|元|级|分)$")
# No yearly figure of a hospital comes near 10^15 (a thousand trillion); beyond it a double no
# longer holds every digit typed, and Decimal arithmetic (rounding, 1e26 and up) can raise.
MAX_MAGNITUDE = 1e15
# Below 10^-9 (other than 0) a value is noise, and dividing by it could overflow a ratio to infinity.
MIN_MAGNITUDE = 1e-9
# Scales in which a percent sign means percentage points (45% is 45): percent, and ratio for the
# growth rates (增幅) that may be negative. In a fraction field 45% is 0.45; elsewhere it is a mistake.
POINT_SCALES = ("percent", "ratio")


class CellProblem(Exception):
    """A cell whose content cannot be a value of its field; `key` is a catalog key."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(key)


@dataclass(frozen=True, slots=True)  # one per cell read: slots halve the memory of a large workbook
class RawCell:
    """A cell as read from CSV or xlsx: its value, and for xlsx its number format."""

    value: Any
    number_format: str = "General"


def denoise(x: float) -> float:
    """Float noise from Excel's binary storage and percent scaling stripped: 0.1234 * 100 is
    12.340000000000002, and 15 significant digits is what the user typed."""
    return float(clean(x))


def norm_text(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII, 　 to space) and trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def show(value: Any) -> str:
    """A cell's content for a message, shortened."""
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def show_date(value: dt.datetime | dt.date | dt.time | dt.timedelta) -> str:
    """A date cell as the user typed it: 2024-03-01, not 2024-03-01 00:00:00."""
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    return str(value)


def parse_cell(cell: RawCell, scale: str, yes_no: bool) -> float | None:
    """The cell as a number in the field's scale, None when it says "missing", or CellProblem.

    Percent fields hold percentage points: 45%, a 45% formatted cell (0.45) and 45 all
    read as 45. Fraction fields hold 0-1: 45% reads as 0.45.
    """
    value = cell.value
    if value is None:
        return None
    if isinstance(value, bool):
        if yes_no:
            return 1.0 if value else 0.0
        raise CellProblem("data.bool_in_number", value="TRUE" if value else "FALSE")  # as Excel shows them
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        raise CellProblem("data.date_in_number", value=show_date(value))
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:  # an xlsx integer of hundreds of digits; str() of it may itself raise
            raise CellProblem("data.too_large", value=f"{'-' if value < 0 else ''}1e308+",
                              limit=f"{MAX_MAGNITUDE:.0e}") from None
        if not math.isfinite(number):
            raise CellProblem("data.not_finite", value=show(value))
        shown = percent_display(cell.number_format, number)
        if shown is None:
            return _check_range(number, scale)
        # Read as the text Excel shows: 0.064 formatted 0.0% shows 6.4%; 45 formatted 0.00"%" shows 45.00%.
        displayed = denoise(number * 100) if shown == "scaled" else number
        return _check_range(_percent_in_scale(displayed, scale, f"{displayed:g}%"), scale)
    # The common case, a plain decimal such as 1234 or 45.6, needs no normalising.
    if isinstance(value, str) and _PLAIN.match(value):
        return _check_range(float(value), scale)
    return _parse_text(str(value), scale, yes_no)


_PLAIN = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,15})?\Z")


def _parse_text(raw: str, scale: str, yes_no: bool) -> float | None:
    text = norm_text(raw)
    low = text.lower()
    if low in MISSING_WORDS:
        return None
    if low in EXCEL_ERRORS:
        raise CellProblem("data.excel_error", value=show(text))
    if yes_no:
        if low in YES_WORDS:
            return 1.0
        if low in NO_WORDS:
            return 0.0
    percent = False
    if text.endswith("%"):
        percent = True
        text = text[:-1].strip()
    elif text.endswith("‰"):
        raise CellProblem("data.permille", value=show(raw))
    text = _UNIT_SUFFIX.sub("", text).strip() if scale in ("count", "money", "days", "level") else text
    compact = re.sub(r"^([+-])\s+", r"\1", text.strip())  # "- 3.2" is -3.2, but "4 5" is not 45
    if _THOUSANDS.match(compact):
        compact = compact.replace(",", "")
    if not _NUMBER.match(compact):
        if low in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity"):
            raise CellProblem("data.not_finite", value=show(raw))
        if yes_no:
            raise CellProblem("data.not_yes_no", value=show(raw))
        raise CellProblem("data.not_a_number", value=show(raw))
    number = float(compact)
    if not math.isfinite(number):
        raise CellProblem("data.not_finite", value=show(raw))
    if percent:
        number = _percent_in_scale(number, scale, show(raw))
    return _check_range(number, scale)


def _percent_in_scale(number: float, scale: str, shown: str) -> float:
    """A number followed by a percent sign, in the field's scale: 45% is 45 points or the fraction 0.45."""
    if scale in POINT_SCALES:
        return number
    if scale == "fraction":
        return denoise(number / 100)
    raise CellProblem("data.percent_sign", value=shown, scale=scale)


def percent_display(number_format: str, value: float) -> str | None:
    """How an Excel number format shows `value` with a percent sign: "scaled" (0%, 0.0%: shown x100),
    "literal" (0.00"%", 0.00\\%: a printed sign, the number as stored) or None (no percent sign).

    The format's section for the value's sign is used (positive;negative;zero;text), as Excel does.
    """
    if "%" not in number_format:  # the common case: General, 0.00, #,##0
        return None
    sections = _sections(number_format)
    if value < 0 and len(sections) > 1:
        section = sections[1]
    elif value == 0 and len(sections) > 2:
        section = sections[2]
    else:
        section = sections[0]
    literal = False
    i = 0
    while i < len(section):
        ch = section[i]
        if ch == '"':  # quoted text is printed as it is
            end = section.find('"', i + 1)
            end = len(section) if end < 0 else end
            literal = literal or "%" in section[i + 1:end]
            i = end + 1
        elif ch == "\\":  # the next character is printed as it is
            literal = literal or section[i + 1:i + 2] == "%"
            i += 2
        elif ch == "[":  # [Red], [>=100], [$-804]: colours, conditions, locales
            end = section.find("]", i + 1)
            i = len(section) if end < 0 else end + 1
        elif ch in "_*":  # _x leaves the width of x, *x repeats x: neither prints a percent
            i += 2
        elif ch == "%":
            return "scaled"
        else:
            i += 1
    return "literal" if literal else None


@functools.lru_cache(maxsize=256)
def _sections(number_format: str) -> tuple[str, ...]:
    """The `;`-separated sections of a format, ignoring semicolons inside quotes or after a backslash."""
    out, cur, quoted, escaped = [], [], False, False
    for ch in number_format:
        if escaped:
            cur.append(ch)
            escaped = False
        elif ch == "\\":
            cur.append(ch)
            escaped = True
        elif ch == '"':
            cur.append(ch)
            quoted = not quoted
        elif ch == ";" and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur))
    return tuple(out)


def _check_range(number: float, scale: str) -> float:
    if not -MAX_MAGNITUDE <= number <= MAX_MAGNITUDE or 0 < abs(number) < MIN_MAGNITUDE:
        raise CellProblem("data.too_large", value=f"{number:.6g}", limit=f"{MAX_MAGNITUDE:.0e}")
    if scale == "percent" and not 0 <= number <= 100:
        raise CellProblem("data.percent_range", value=f"{number:g}")
    if scale == "fraction" and not 0 <= number <= 1:
        raise CellProblem("data.fraction_range", value=f"{number:g}")
    if scale in ("count", "days", "level") and number < 0:
        raise CellProblem("data.negative", value=f"{number:g}", scale=scale)
    return number


def parse_year(value: Any) -> int | None:
    """2024, 2024.0, "2024", "2024年", "２０２４" -> 2024; None when blank; CellProblem otherwise."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellProblem("data.bad_year", value="TRUE" if value else "FALSE")
    if isinstance(value, dt.datetime | dt.date):
        day = value.date() if isinstance(value, dt.datetime) else value
        # 2024 typed into a cell formatted as a date shows as 1905-07-16: day 2024 of Excel's calendar.
        serial = (day - dt.date(1899, 12, 30)).days
        if YEAR_MIN <= serial <= YEAR_MAX:
            return serial
        if YEAR_MIN <= day.year <= YEAR_MAX:
            return day.year
        raise CellProblem("data.bad_year", value=show_date(value))
    if isinstance(value, int | float):
        if YEAR_MIN <= value <= YEAR_MAX and float(value).is_integer():  # range first: float(10**400) overflows
            return int(value)
        raise CellProblem("data.bad_year", value=show(value))
    text = norm_text(str(value)).removesuffix("年度").removesuffix("年").strip()
    if not text:
        return None
    if re.fullmatch(r"\d{4}(\.0+)?", text) and YEAR_MIN <= float(text) <= YEAR_MAX:
        return int(float(text))
    raise CellProblem("data.bad_year", value=show(value))


@functools.lru_cache(maxsize=4096)
def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters
