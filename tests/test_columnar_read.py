"""The columnar reading of cells (data/columns.py) gives exactly what parse_cell gives cell by cell."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from campuseval.data.cells import CellProblem, RawCell, parse_cell
from campuseval.data.columns import parse_column
from campuseval.data.dataset import CellRef

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


# ---------------------------------------------------------------- CSV split without the csv module

_csv_cell = st.text(alphabet=st.sampled_from([*"ab1 .-%;\t，", "无", "１"]), max_size=5)
_csv_line = st.lists(_csv_cell, max_size=5)


@settings(max_examples=300, deadline=None)
@given(st.lists(_csv_line, min_size=1, max_size=8), st.sampled_from([",", ";", "\t"]),
       st.sampled_from(["\n", "\r\n", "\r"]), st.booleans())
def test_quote_free_csv_split_equals_csv_module(lines: list[list[str]], sep: str, end: str, last_break: bool) -> None:
    import csv

    from campuseval.data import sources

    text = end.join(sep.join(cells) for cells in lines) + (end if last_break else "")
    if not text.strip():
        return
    dialect = csv.excel()
    dialect.delimiter = sep
    fast = sources._split_plain(text, dialect, "x.csv")
    assert fast is not None
    assert fast == sources._split(text, dialect, "x.csv")


def test_refs_find_every_value_and_nothing_else(tmp_path: Path) -> None:
    """Dataset.refs built on demand: each value's cell, as the cell-by-cell reader kept it, across files."""
    from campuseval.config import load_config
    from campuseval.data.read import read_data

    eff = load_config(Path(__file__).resolve().parent.parent / "examples" / "shaoxing" / "targets.yaml")
    codes = [ind.spec.code for ind in eff.indicators if ind.spec.rule.type != "expert"][:3]
    a = tmp_path / "院区.csv"
    a.write_text("单位,类型,年份," + ",".join(codes) + "\n示例一院东湖院区,院区,2024,1,2,3\n\n示例二院西山院区,院区,2024,4,-,6\n",
                 encoding="utf-8")
    b = tmp_path / "院区2.csv"
    b.write_text("单位,类型,年份," + codes[0] + "\n示例一院东湖院区,院区,2025,7\n", encoding="utf-8")
    ds = read_data([a, b], eff)
    refs = ds.refs
    ids = {u.name: u.id for u in ds.units.values()}
    first, second = ids["示例一院东湖院区"], ids["示例二院西山院区"]
    assert len(refs) == len(ds.values) == 7
    assert refs.get((first, 2024, codes[1])) == CellRef(str(a), None, 2, "E")
    assert refs[(second, 2024, codes[2])] == CellRef(str(a), None, 4, "F")
    assert refs.get((first, 2025, codes[0])) == CellRef(str(b), None, 2, "D")
    assert refs.get((first, 2025, codes[1])) is None and (first, 2025, codes[1]) not in refs
    assert set(refs) == set(zip(ds.values["unit"], ds.values["year"].astype(int), ds.values["field"], strict=True))
