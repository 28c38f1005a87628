"""Reading a whole column of cells at once: the plain numbers in one go, every other cell through parse_cell.

`parse_column(values, formats, scale, yes_no)` gives exactly what `parse_cell` gives cell by cell
(the same numbers, None as NaN, and the same CellProblem for the same cell), but a column of
plain ASCII decimals (1234, -5.5) is checked with one regular expression over the joined
column and converted by numpy; only the cells that are not plain (percents, full-width digits,
thousands separators, "-", "无", out of range, ...) go through the per-cell rules.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from campuseval.data.cells import _PLAIN, MAX_MAGNITUDE, MIN_MAGNITUDE, CellProblem, RawCell, parse_cell

# The joined column holds only ASCII digits, ".", "-" and the line breaks that join it.
_DIGIT_TEXT = re.compile(r"[0-9.\n-]*\Z")
_NUMBER_TYPES = (int, float)
_INT_BOUND = 10**15  # beyond it the range rule refuses the number; float() of 10**400 would raise


def parse_column(values: Sequence[Any], formats: Sequence[str] | None, scale: str,
                 yes_no: bool) -> tuple[np.ndarray, dict[int, CellProblem]]:
    """The column's values as float64 (NaN for "missing") and the problems by position in the column.

    `values` are cell values (None for a blank), `formats` their number formats (None: all General,
    as in a CSV). A position with a problem holds NaN.
    """
    n = len(values)
    out = np.full(n, np.nan)
    problems: dict[int, CellProblem] = {}
    if n == 0:
        return out, problems
    fast = _fast_positions(values, formats)
    if isinstance(fast, np.ndarray):  # every cell is blank or a plain number
        out = fast
        check = np.arange(n)
    else:
        idx_fast, idx_slow = fast
        if len(idx_fast):
            out[idx_fast] = _floats([values[i] for i in idx_fast])
        for i in idx_slow:
            cell = RawCell(values[i]) if formats is None else RawCell(values[i], formats[i])
            try:
                v = parse_cell(cell, scale, yes_no)
            except CellProblem as exc:
                problems[i] = exc
                continue
            out[i] = math.nan if v is None else v
        check = np.asarray(idx_fast, dtype=np.intp)
    # The range rules of _check_range, on the plain numbers at once; a cell that breaks one is read
    # again by parse_cell, which names the rule.
    if len(check):
        x = out[check]
        bad = _out_of_range(x, scale)
        for i in check[bad].tolist():
            cell = RawCell(values[i]) if formats is None else RawCell(values[i], formats[i])
            try:
                v = parse_cell(cell, scale, yes_no)
            except CellProblem as exc:
                problems[i] = exc
                out[i] = math.nan
                continue
            out[i] = math.nan if v is None else v  # pragma: no cover - the rules agree
    return out, problems


def _out_of_range(x: np.ndarray, scale: str) -> np.ndarray:
    ok = np.isnan(x)  # blank
    a = np.abs(x)
    with np.errstate(invalid="ignore"):
        good = (a <= MAX_MAGNITUDE) & ~((a > 0) & (a < MIN_MAGNITUDE))
        if scale == "percent":
            good &= (x >= 0) & (x <= 100)
        elif scale == "fraction":
            good &= (x >= 0) & (x <= 1)
        elif scale in ("count", "days", "level"):
            good &= x >= 0
    result: np.ndarray = ~(ok | good)
    return result


def _floats(values: Sequence[Any]) -> np.ndarray:
    """Blank or plain cells (str or, from an xlsx, int/float) as float64, blank as NaN (float() is
    several times faster than numpy's own conversion of strings)."""
    if all(values):  # no blank (and no 0, which float() reads as it is)
        return np.fromiter(map(float, values), dtype=np.float64, count=len(values))
    return np.array([float(v) if v is not None and v != "" else math.nan for v in values], dtype=np.float64)


def _fits(v: float) -> bool:
    """A number float() takes as it is: finite, and an int no larger than the largest value allowed."""
    if type(v) is int:
        return -_INT_BOUND <= v <= _INT_BOUND
    return math.isfinite(v)


def _fast_positions(values: Sequence[Any], formats: Sequence[str] | None) -> np.ndarray | tuple[list[int], list[int]]:
    """The column as numbers when every cell is blank or plain; else the positions of the plain ones and the others.

    Text of ASCII digits, "." and "-" only that float() reads is read by parse_cell as float() reads it
    (_PLAIN, or _NUMBER after no normalising changes it), so one check of the joined column does.
    """
    types = set(map(type, values))
    if types <= {str, type(None)}:
        texts = ["" if v is None else v for v in values] if type(None) in types else values
        joined = "\n".join(texts)
        # A cell holding a line break would add a line: the count shows it.
        if _DIGIT_TEXT.match(joined) and joined.count("\n") == len(texts) - 1:
            try:
                return _floats(texts)
            except ValueError:  # "-", "1-2", "1.2.3": each cell on its own below
                pass
    elif (types <= {int, float, type(None)} and (formats is None or not any("%" in f for f in set(formats)))
          and all(v is None or _fits(v) for v in values)):
        return _floats(values)
    fast: list[int] = []
    slow: list[int] = []
    for i, v in enumerate(values):
        if v is None:
            fast.append(i)
        elif type(v) is str:
            (fast if v and _PLAIN.match(v) else slow).append(i)
        elif type(v) in _NUMBER_TYPES and (formats is None or "%" not in formats[i]) and _fits(v):
            fast.append(i)
        else:
            slow.append(i)
    return fast, slow
