"""Funding by result: each method computed by hand in fen, the amounts summing exactly to the pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from campuseval.allocation import Claim, allocate_pool, largest_remainder
from campuseval.config import check_config
from campuseval.config.allocation import Allocation
from campuseval.results import Text

REPO = Path(__file__).resolve().parents[1]


def claims(*rows: tuple[float, int | None]) -> list[Claim]:
    return [Claim(f"c{n}", Text(zh=f"院区{n}", en=f"campus {n}"), total, rank)
            for n, (total, rank) in enumerate(rows, start=1)]


def amounts(spec: dict[str, Any], *rows: tuple[float, int | None]) -> list[float]:
    out = allocate_pool(Allocation.model_validate(spec), claims(*rows))
    assert round(sum(r.amount for r in out.rows) + out.undistributed, 2) == spec["pool"]
    return [r.amount for r in out.rows]


def test_proportional_pool_that_does_not_divide_evenly() -> None:
    # 100 yuan = 10000 fen by totals 90 : 80 : 70 (sum 240):
    # 10000*90/240 = 3750, 10000*80/240 = 3333.33.., 10000*70/240 = 2916.66..
    # floors 3750 + 3333 + 2916 = 9999; the 1 fen left goes to the largest remainder (.66, the third).
    assert amounts({"pool": 100, "method": "proportional"}, (90, 1), (80, 2), (70, 3)) == [37.50, 33.33, 29.17]


def test_equal_remainders_go_to_the_better_rank_then_the_first_listed() -> None:
    # 1000 yuan = 100000 fen in three equal parts: 33333.33.. each, floors 99999; 1 fen left,
    # remainders equal: ranks tie too (all 1), so the first listed gets it.
    assert amounts({"pool": 1000, "method": "proportional"}, (80, 1), (80, 1), (80, 1)) == [333.34, 333.33, 333.33]
    # The same with ranks 3, 1, 2 (the totals tie but ranks are given): the rank-1 campus gets the fen.
    assert amounts({"pool": 1000, "method": "proportional"}, (80, 3), (80, 1), (80, 2)) == [333.33, 333.34, 333.33]


def test_minimum_total_to_qualify() -> None:
    # min_total 75: 74.99 gets nothing. 1000 yuan = 100000 fen by 90 : 75 (sum 165):
    # 100000*90/165 = 54545.45.., 100000*75/165 = 45454.54..; floors 99999; the fen goes to .54 (the second).
    assert amounts({"pool": 1000, "method": "proportional", "min_total": 75},
                   (90, 1), (75, 2), (74.99, 3)) == [545.45, 454.55, 0.0]


def test_above_floor() -> None:
    # floor 60: weights 90-60 = 30, 75-60 = 15, 60-60 = 0, 50 -> 0 (never negative); sum 45.
    # 10000 yuan = 1000000 fen: *30/45 = 666666.66.., *15/45 = 333333.33..; floors 999999; fen to .66 (first).
    assert amounts({"pool": 10000, "method": "above_floor", "floor": 60},
                   (90, 1), (75, 2), (60, 3), (50, 4)) == [6666.67, 3333.33, 0.0, 0.0]


def test_tiers_by_band() -> None:
    # 优秀 >= 90 weight 3, 良好 >= 80 weight 2, 合格 >= 60 weight 1; totals 95, 85, 82, 55 -> 3, 2, 2, 0 (sum 7).
    # 10000 yuan = 1000000 fen: *3/7 = 428571.43, *2/7 = 285714.29 twice; floors 999999; fen to .43 (first).
    spec = {"pool": 10000, "method": "tiers", "by": "band", "tiers": [
        {"name": "合格", "min_total": 60, "weight": 1}, {"name": "优秀", "min_total": 90, "weight": 3},
        {"name": "良好", "min_total": 80, "weight": 2}]}
    assert amounts(spec, (95, 1), (85, 2), (82, 3), (55, 4)) == [4285.72, 2857.14, 2857.14, 0.0]
    out = allocate_pool(Allocation.model_validate(spec), claims((95, 1), (85, 2), (82, 3), (55, 4)))
    assert [r.tier.zh if r.tier else None for r in out.rows] == ["优秀", "良好", "良好", None]
    assert [r.qualified for r in out.rows] == [True, True, True, False]


def test_tiers_by_rank() -> None:
    # rank 1 weight 5, ranks 2-3 weight 3, rank 4 nothing: weights 5, 3, 3, 0 (sum 11).
    # 500 yuan = 50000 fen: *5/11 = 22727.27, *3/11 = 13636.36 twice; floors 49999;
    # the fen goes to the larger remainder .36, tied between ranks 2 and 3: rank 2 gets it.
    spec = {"pool": 500, "method": "tiers", "by": "rank",
            "tiers": [{"max_rank": 1, "weight": 5}, {"max_rank": 3, "weight": 3}]}
    assert amounts(spec, (90, 1), (85, 2), (80, 3), (70, 4)) == [227.27, 136.37, 136.36, 0.0]


def test_unranked_campus_gets_nothing_and_no_qualifier_leaves_the_pool_undistributed() -> None:
    # An unranked campus (incomplete data) is not paid on its total: 90 : 80 only.
    # 170 yuan = 17000 fen: *90/170 = 9000, *80/170 = 8000 exactly.
    assert amounts({"pool": 170, "method": "proportional"}, (90, 1), (80, 2), (99, None)) == [90.0, 80.0, 0.0]
    # A campus ranked last for insufficient data (insufficient: last) is not paid either.
    rows = claims((90, 1), (80, 2), (99, 3))
    rows[2] = Claim(rows[2].campus, rows[2].name, 99, 3, "insufficient_data")
    out = allocate_pool(Allocation.model_validate({"pool": 170, "method": "proportional"}), rows)
    assert [r.amount for r in out.rows] == [90.0, 80.0, 0.0] and not out.rows[2].qualified
    out = allocate_pool(Allocation.model_validate({"pool": 50, "method": "proportional", "min_total": 95}),
                        claims((90, 1), (80, 2)))
    assert [r.amount for r in out.rows] == [0.0, 0.0] and out.undistributed == 50.0


@pytest.mark.parametrize("weights", [[1, 1, 1], [7, 3], [1, 2, 3, 4, 5, 6, 7], [10**6, 1, 1]])
@pytest.mark.parametrize("pool_fen", [1, 99, 100, 12345, 10**9 + 7])
def test_largest_remainder_sums_exactly(weights: list[int], pool_fen: int) -> None:
    from fractions import Fraction

    shares = largest_remainder(pool_fen, [Fraction(w) for w in weights], list(range(len(weights))))
    assert sum(shares) == pool_fen
    for s, w in zip(shares, weights, strict=True):  # no share is more than a fen from its exact quota
        assert abs(s - Fraction(pool_fen * w, sum(weights))) < 1


def _targets(tmp_path: Path, block: str) -> str:
    path = tmp_path / "targets.yaml"
    path.write_text(
        "extends: builtin:indicators_shaoxing.yaml\n"
        "locality: {id: t, name: 测试市}\n"
        "allocation:\n" + block, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(("block", "line", "needle"), [
    ("  pool: 0\n  method: proportional\n", 4, "greater than 0"),
    ("  pool: -5\n  method: proportional\n", 4, "greater than 0"),
    ("  pool: 十万\n  method: proportional\n", 4, "number"),
    ("  pool: 100.005\n  method: proportional\n", 4, "two decimals"),
    # A fault of the block as a whole is located at the block.
    ("  pool: 100\n  method: above_floor\n", 3, "floor"),
    ("  pool: 100\n  method: tiers\n  by: rank\n", 3, "tiers"),
    ("  pool: 100\n  method: tiers\n  by: rank\n  tiers: [{min_total: 80, weight: 1}]\n", 3, "max_rank"),
    ("  pool: 100\n  method: lottery\n", 5, "proportional"),
])
def test_bad_allocation_blocks_are_located(tmp_path: Path, block: str, line: int, needle: str) -> None:
    res = check_config(_targets(tmp_path, block))
    assert res.errors, block
    d = res.errors[0]
    assert d.location.line == line, d.render("en")
    assert needle in d.render("en")
    assert d.render("zh") != d.render("en")


def test_shipped_example_allocation_sums_to_the_pool() -> None:
    from campuseval.config.load import load_config
    from campuseval.data.read import read_data
    from campuseval.engine.score import score

    eff = load_config(str(REPO / "examples/shaoxing/targets.yaml"))
    assert eff.allocation is not None
    res = score(eff, read_data([str(REPO / "examples/shaoxing/data/demo_2023-2024.xlsx")], eff))
    assert res.allocation is not None
    assert round(sum(r.amount for r in res.allocation.rows), 2) == eff.allocation.pool


def test_allocation_in_report_json_and_xlsx(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from campuseval.config.load import load_config
    from campuseval.data.read import read_data
    from campuseval.engine.score import score
    from campuseval.export import results_json
    from campuseval.export.write import write_outputs

    eff = load_config(str(REPO / "examples/shaoxing/targets.yaml"))
    res = score(eff, read_data([str(REPO / "examples/shaoxing/data/demo_2023-2024.xlsx")], eff))
    write_outputs(res, tmp_path, ["json", "xlsx", "md"], "zh")
    back = results_json.load(tmp_path / "scores.json", "scores.json")
    assert back.allocation == res.allocation
    assert res.allocation is not None
    first = min(res.allocation.rows, key=lambda r: r.rank or 99)
    md = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "经费分配（资金总额 1,000,000.00 元）" in md and f"{first.amount:,.2f}" in md
    ws = load_workbook(tmp_path / "scores.xlsx")["经费分配"]
    assert [ws.cell(row=n, column=6).value for n in range(2, 6)] == [
        r.amount for r in sorted(res.allocation.rows, key=lambda r: r.rank or 99)]
