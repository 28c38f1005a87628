"""The columnar reading of cells (data/columns.py) gives exactly what parse_cell gives cell by cell."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from campuseval.data.cells import CellProblem, RawCell, parse_cell
from campuseval.data.columns import parse_column

SCALES = ["count", "money", "days", "level", "percent", "fraction", "ratio", "number"]
FORMATS = ["General", "0.00", "0%", "0.0%", '0.00"%"', "#,##0", "0.00%;-0.00%;0%"]

_digits = st.text(alphabet="0123456789", min_size=1, max_size=20)
_plain = st.builds(lambda s, a, b: f"{s}{a}" + (f".{b}" if b else ""), st.sampled_from(["", "-", "+"]), _digits,
                   st.one_of(st.just(""), _digits))
_odd = st.sampled_from(["-", "--", "无", "暂无", "n/a", "#N/A", "#DIV/0!", "45%", "4.5 %", "12‰", "１２３", "１２.５",
                        "1,234", "1,234.5", "12,34", "nan", "inf", "-inf", "1e400", "1e-12", "0.0000000001",
                        "是", "否", "yes", "1", "0", "abc", "- 3.2", "4 5", "12人", "3万元", "1_000", "٣",
                        "9999999999999999", "1e15", "-0", "0.5", "101", "100", "", " ", "12\n3", "."])
_digitish = st.text(alphabet="0123456789.-", min_size=1, max_size=22)  # "1.", ".5", "1-2", "--", 20 digits
_text = st.one_of(
    _plain, _odd, _digitish, st.text(max_size=8),
    st.builds(lambda p, s, q: f"{p}{s}{q}", st.sampled_from(["", " ", "\u3000", "\t"]), st.one_of(_plain, _odd),
              st.sampled_from(["", " ", "%", "\u3000"])),
)
_number = st.one_of(st.integers(min_value=-(10**18), max_value=10**18), st.integers(min_value=-(10**400),
                    max_value=10**400), st.floats(allow_nan=True, allow_infinity=True), st.booleans())


def _one(cell: RawCell, scale: str, yes_no: bool) -> tuple[str, Any]:
    try:
        v = parse_cell(cell, scale, yes_no)
    except CellProblem as exc:
        return "problem", (exc.key, exc.params)
    return "value", math.nan if v is None else v


def _same(a: tuple[str, Any], b: tuple[str, Any]) -> bool:
    if a[0] != b[0]:
        return False
    if a[0] == "value":
        return (math.isnan(a[1]) and math.isnan(b[1])) or a[1] == b[1]
    return bool(a[1] == b[1])


def _check(values: list[Any], formats: list[str] | None, scale: str, yes_no: bool) -> None:
    got, problems = parse_column(values, formats, scale, yes_no)
    assert len(got) == len(values)
    for i, v in enumerate(values):
        cell = RawCell(v) if formats is None else RawCell(v, formats[i])
        want = _one(cell, scale, yes_no)
        have: tuple[str, Any] = ("problem", (problems[i].key, problems[i].params)) if i in problems \
            else ("value", float(got[i]))
        assert _same(want, have), (v, scale, yes_no, want, have)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(st.none(), _text), max_size=30), st.sampled_from(SCALES), st.booleans())
def test_text_column_equals_parse_cell(values: list[Any], scale: str, yes_no: bool) -> None:
    _check(values, None, scale, yes_no)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), _plain, _digitish), max_size=30), st.sampled_from(SCALES))
def test_plain_column_equals_parse_cell(values: list[Any], scale: str) -> None:
    _check(values, None, scale, False)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.none(), _number, _text), st.sampled_from(FORMATS)), max_size=30),
       st.sampled_from(SCALES), st.booleans())
def test_xlsx_column_equals_parse_cell(cells: list[tuple[Any, str]], scale: str, yes_no: bool) -> None:
    _check([c[0] for c in cells], [c[1] for c in cells], scale, yes_no)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(st.none(), st.integers(min_value=-(10**6), max_value=10**6),
                          st.floats(min_value=-1e6, max_value=1e6)), max_size=30), st.sampled_from(SCALES))
def test_number_column_equals_parse_cell(values: list[Any], scale: str) -> None:
    _check(values, ["General"] * len(values), scale, False)
