"""Excel as Excel shows it: a number cell is read as the text its number format displays, in fields of every scale.

A `%` in the format (0%, 0.0%) shows the stored value x100 with a percent sign; a percent sign that the
format only prints (0.00"%", 0.00\\%) shows the stored value as it is. Either way the cell then reads as
that text typed into a CSV would: in percent and ratio fields the number shown (percentage points), in
a fraction field the number shown / 100, and in count, money, days and level fields a percent sign is an
error. Display rounding (#,##0 shows 1234.4 as 1,234) is not applied: Excel calculates with the stored
value, and so does campuseval.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from campuseval.config.load import load_config
from campuseval.data.cells import percent_display
from campuseval.data.read import read_data
from campuseval.errors import DataError

SCALES = ["percent", "fraction", "ratio", "count", "money", "days", "level"]
ERR_SIGN = "data.percent_sign"
ERR_PCT = "data.percent_range"
ERR_FRAC = "data.fraction_range"
ERR_NEG = "data.negative"

# (stored value, number format, what Excel displays) -> the value read per scale, or the error key.
CASES: list[tuple[float, str, str, dict[str, Any]]] = [
    # 0.45 formatted 0% shows 45%: 45 points; as a fraction 45 / 100 = 0.45.
    (0.45, "0%", "45%", {"percent": 45, "ratio": 45, "fraction": 0.45, "count": ERR_SIGN, "money": ERR_SIGN,
                         "days": ERR_SIGN, "level": ERR_SIGN}),
    # 0.064 formatted 0.0% shows 6.4%: 0.064 x 100 = 6.4 points (a growth rate of 6.4 points).
    (0.064, "0.0%", "6.4%", {"percent": 6.4, "ratio": 6.4, "fraction": 0.064, "count": ERR_SIGN,
                             "money": ERR_SIGN, "days": ERR_SIGN, "level": ERR_SIGN}),
    # 45 formatted 0.00"%" shows 45.00%: the sign is printed text, the number is not scaled: 45 points.
    (45, '0.00"%"', "45.00%", {"percent": 45, "ratio": 45, "fraction": 0.45, "count": ERR_SIGN,
                               "money": ERR_SIGN, "days": ERR_SIGN, "level": ERR_SIGN}),
    # 45 formatted 0.00\% shows 45.00%: the same, the sign escaped by a backslash.
    (45, "0.00\\%", "45.00%", {"percent": 45, "ratio": 45, "fraction": 0.45, "count": ERR_SIGN,
                               "money": ERR_SIGN, "days": ERR_SIGN, "level": ERR_SIGN}),
    # 1234 formatted #,##0 shows 1,234: no percent, the stored number; above 100 for a percent, above 1 for
    # a fraction.
    (1234, "#,##0", "1,234", {"percent": ERR_PCT, "ratio": 1234, "fraction": ERR_FRAC, "count": 1234,
                              "money": 1234, "days": 1234, "level": 1234}),
    # -0.032 formatted 0.0% shows -3.2%: -3.2 points for a growth rate (ratio); a percent field holds 0-100,
    # a fraction -0.032 is below 0, and a count cannot carry a percent sign.
    (-0.032, "0.0%", "-3.2%", {"percent": ERR_PCT, "ratio": -3.2, "fraction": ERR_FRAC, "count": ERR_SIGN,
                               "money": ERR_SIGN, "days": ERR_SIGN, "level": ERR_SIGN}),
    # The same with a red negative section: -0.032 uses the second section, which also scales.
    (-0.032, "0.0%;[Red]-0.0%", "-3.2%", {"percent": ERR_PCT, "ratio": -3.2, "fraction": ERR_FRAC,
                                          "count": ERR_SIGN, "money": ERR_SIGN, "days": ERR_SIGN,
                                          "level": ERR_SIGN}),
    # General: the number as stored. 0.45 in a percent field is 0.45 points (0.45%).
    (0.45, "General", "0.45", {"percent": 0.45, "ratio": 0.45, "fraction": 0.45, "count": 0.45, "money": 0.45,
                               "days": 0.45, "level": 0.45}),
    # A negative plain number: allowed in ratio and money, refused in counts, days and levels.
    (-2.5, "0.0", "-2.5", {"percent": ERR_PCT, "ratio": -2.5, "fraction": ERR_FRAC, "count": ERR_NEG,
                           "money": -2.5, "days": ERR_NEG, "level": ERR_NEG}),
]

TABLE = """\
id: formats
version: 1
name: 格式测试表
provenance: 测试用，非官方
total_points: 1
parts:
  - {code: P, name: 第一部分, points: 1}
indicators:
  - {code: X, name: 计分指标, part: P, points: 1, scale: count, direction: higher, subject: campus, definition: 测试,
     rule: {type: target_pro_rata}, target: 1}
"""
for _scale in SCALES:
    TABLE += (f"  - {{code: {_scale}, name: {_scale}字段, part: P, points: 0, scale: {_scale}, direction: monitor, "
              f"subject: campus, definition: 测试, rule: {{type: monitor}}}}\n")


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> Any:
    path = tmp_path_factory.mktemp("formats") / "table.yaml"
    path.write_text(TABLE, encoding="utf-8")
    return load_config(path)


def _workbook(path: Path, value: float, fmt: str, scales: list[str]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "院区"
    ws.append(["单位", "类型", "年份", *scales])
    ws.append(["甲院区", "院区", 2024, *([value] * len(scales))])
    for col in range(4, 4 + len(scales)):
        ws.cell(row=2, column=col).number_format = fmt
    wb.save(path)


@pytest.mark.parametrize(("value", "fmt", "shown", "expected"), CASES, ids=[f"{c[1]}:{c[2]}" for c in CASES])
def test_cell_read_as_excel_shows_it(value: float, fmt: str, shown: str, expected: dict[str, Any], table: Any,
                                     tmp_path: Path) -> None:
    good = [s for s in SCALES if not isinstance(expected[s], str)]
    bad = [s for s in SCALES if isinstance(expected[s], str)]
    if good:
        _workbook(tmp_path / "good.xlsx", value, fmt, good)
        data = read_data([tmp_path / "good.xlsx"], table)
        got = {f: v for f, v in zip(data.values["field"], data.values["value"], strict=True)}
        assert got == {s: pytest.approx(expected[s], rel=1e-12) for s in good}, shown
    if bad:
        _workbook(tmp_path / "bad.xlsx", value, fmt, bad)
        with pytest.raises(DataError) as info:
            read_data([tmp_path / "bad.xlsx"], table)
        keys = {d.location.column: d.message.key for d in info.value.diagnostics}
        # Columns D, E, ... hold the scales in order; every one is refused with its own reason.
        assert keys == {chr(ord("D") + n): expected[s] for n, s in enumerate(bad)}, shown
        for d in info.value.diagnostics:
            assert d.location.file and d.location.sheet == "院区" and d.location.row == 2
            assert d.render("zh") and d.render("en")


@pytest.mark.parametrize(("fmt", "value", "kind"), [
    ("0%", 0.5, "scaled"), ("0.00%", 0.5, "scaled"), ('0.00"%"', 50, "literal"), ("0.00\\%", 50, "literal"),
    ("#,##0", 5, None), ("General", 5, None), ('"增长"0.0%', 0.5, "scaled"), ('0.0"%";-0.0%', -0.5, "scaled"),
    ('0.0%;-0.0"%"', -0.5, "literal"), ("[Red]0%", 0.5, "scaled"), ('0.0;-0.0;0.0"%"', 0, "literal"),
    ("0.0_%", 0.5, None), ("0.0*%", 0.5, None), ('0.0";%"', 0.5, "literal"),
])
def test_percent_display(fmt: str, value: float, kind: str | None) -> None:
    """Which section applies (positive;negative;zero) and whether its % scales or is printed text."""
    assert percent_display(fmt, value) == kind


@pytest.mark.parametrize(("value", "ok"), [(1e15, True), (-1e15, True), (1e-9, True), (0, True), (1.0000001e15, False),
                                           (1e26, False), pytest.param(10**5000, False, id="5000-digit-int"), (1e-10, False), (-1e-300, False)])
def test_data_magnitudes_bounded_where_read(value: float, ok: bool) -> None:
    """No value reaches the arithmetic that could overflow decimal rounding or a ratio: 0, or 1e-9..1e15."""
    from campuseval.data.cells import CellProblem, RawCell, parse_cell

    if ok:
        assert parse_cell(RawCell(value), "money", False) == value
    else:
        with pytest.raises(CellProblem) as info:
            parse_cell(RawCell(value), "money", False)
        assert info.value.key == "data.too_large"
