"""sensitivity: the drop-one view by hand, zero variation reproducing the plain ranking, a fixed seed
reproducing itself, intervals containing the plain rank (property), and the command's files and errors."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.config.load import load_config
from campuseval.data.read import read_data
from campuseval.engine.score import score
from campuseval.sensitivity import Variation, analyse, drop_one, perturb, simulate

CYCLE = Path(__file__).parent / "cycle"
REPO = Path(__file__).resolve().parents[1]


def cycle(data: Path = CYCLE / "data.csv"):  # type: ignore[no-untyped-def]
    eff = load_config(str(CYCLE / "a.yaml"))
    return eff, read_data([str(data)], eff)


def test_drop_one_by_hand() -> None:
    # tests/cycle: part P (60) = X1 30 (target 50) + X2 30 (target 10); part Q (40) = Y1 (target 20).
    # Data: a X1 50, X2 5, Y1 20; b 40, 10, 16; c 25, 8, 20.
    # Drop X1: X2 carries all 60 of P. a 60*5/10 = 30 + 40 = 70; b 60 + 40*16/20 = 92; c 60*8/10 = 48 + 40 = 88
    #   -> b 1, c 2, a 3.
    # Drop X2: X1 carries 60. a 60 + 40 = 100; b 60*40/50 = 48 + 32 = 80; c 60*25/50 = 30 + 40 = 70 -> a 1, b 2, c 3.
    # Y1 is the only indicator of Q: dropping it alone is impossible (the part would be empty).
    eff, data = cycle()
    views = {d.code: d for d in drop_one(eff, data)}
    assert views["X1"].totals == {"a": 70.0, "b": 92.0, "c": 88.0}
    assert views["X1"].ranks == {"a": 3, "b": 1, "c": 2}
    assert views["X2"].totals == {"a": 100.0, "b": 80.0, "c": 70.0}
    assert views["X2"].ranks == {"a": 1, "b": 2, "c": 3}
    assert not views["Y1"].possible and views["Y1"].ranks == {}


def test_no_variation_reproduces_the_plain_scores_exactly() -> None:
    # The perturbed-table path with every factor 1 gives the very totals of the plain scoring,
    # on the shipped example (17 indicators, per-campus targets, HQ rules) as well as the small table.
    for targets, data in ((CYCLE / "a.yaml", [CYCLE / "data.csv"]),
                          (REPO / "examples/shaoxing/targets.yaml",
                           [REPO / "examples/shaoxing/data/demo_2023-2024.xlsx"])):
        eff = load_config(str(targets))
        ds = read_data([str(p) for p in data], eff)
        plain = score(eff, ds)
        n_parts, n_ind = len(eff.table.parts), len(eff.indicators)
        same = score(perturb(eff, np.ones(n_parts), np.ones(n_ind), np.ones(n_ind)), ds)
        assert [(c.id, c.total, c.rank) for c in same.campuses] == [(c.id, c.total, c.rank) for c in plain.campuses]
        assert [[i.points for i in c.indicators] for c in same.campuses] == \
            [[i.points for i in c.indicators] for c in plain.campuses]
        sim = simulate(eff, ds, runs=25, seed=3, variation=Variation(0, 0, 0))
        for c in sim.campuses:
            assert c.plain_rank is not None
            assert c.chance[c.plain_rank - 1] == 1.0
            assert (c.median, c.p5, c.p95) == (c.plain_rank, c.plain_rank, c.plain_rank)


def test_a_fixed_seed_gives_identical_output() -> None:
    eff, data = cycle()
    one = analyse(eff, data, runs=60, seed=7).dumps()
    assert analyse(eff, data, runs=60, seed=7).dumps() == one
    assert analyse(eff, data, runs=60, seed=8).dumps() != one


def test_variation_moves_ranks_on_a_close_race() -> None:
    # a 85 and b 86 are a point apart: ±20% on the weights must let each take first place sometimes.
    eff, data = cycle()
    sim = {c.id: c for c in simulate(eff, data, runs=200, seed=1).campuses}
    assert 0 < sim["a"].chance[0] < 1 and 0 < sim["b"].chance[0] < 1
    assert abs(sum(sim["a"].chance) - 1) < 1e-12


values = st.tuples(st.integers(0, 60), st.integers(0, 12), st.integers(0, 25))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=st.lists(values, min_size=2, max_size=4), seed=st.integers(0, 2**31),
       var=st.sampled_from([0.0, 0.05, 0.2, 0.5]))
def test_interval_always_contains_the_plain_rank(rows: list[tuple[int, int, int]], seed: int, var: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.csv"
        lines = ["单位,类型,年份,X1,X2,Y1"] + [f"u{n},院区,2024,{x},{y},{z}" for n, (x, y, z) in enumerate(rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        eff, data = cycle(path)
        sim = simulate(eff, data, runs=20, seed=seed, variation=Variation(var, var, var / 2))
    for c in sim.campuses:
        assert c.low is not None and c.high is not None and c.plain_rank is not None
        assert c.low <= c.plain_rank <= c.high
        assert c.low <= (c.p5 or 0) <= (c.median or 0) <= (c.p95 or 0) <= c.high


def test_cli_files_and_seed(tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["sensitivity", str(CYCLE / "data.csv"), "--targets", str(CYCLE / "a.yaml"), "--runs", "40",
            "--seed", "5", "--lang", "en"]
    res = runner.invoke(app, [*args, "--out", str(tmp_path / "one")])
    assert res.exit_code == 0, res.output
    again = runner.invoke(app, [*args, "--out", str(tmp_path / "two")])
    assert again.exit_code == 0
    for name in ("sensitivity.json", "sensitivity.md", "sensitivity.html", "sensitivity.svg"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    payload = json.loads((tmp_path / "one" / "sensitivity.json").read_text(encoding="utf-8"))
    eff, data = cycle()
    assert payload == json.loads(analyse(eff, data, runs=40, seed=5).dumps())
    html = (tmp_path / "one" / "sensitivity.html").read_text(encoding="utf-8")
    assert '<svg id="sensitivity-intervals"' in html and "http" not in html.replace("http://www.w3.org", "")
    assert "](sensitivity.svg)" in (tmp_path / "one" / "sensitivity.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("extra", "needle"), [
    (["--runs", "0"], "the number of runs must be between 1 and 100000, got 0"),
    (["--weights", "1.5"], "--weights: a variation must be between 0 and 0.9"),
    (["--targets-variation", "-0.1"], "--targets-variation: a variation must be between 0 and 0.9"),
    (["--year", "2019"], "2019"),
    (["--format", "pdf", "--out", "x"], "unknown output format 'pdf'"),
    (["--table", "builtin:indicators_fenghua.yaml"], "not --table builtin:indicators_fenghua.yaml"),
])
def test_cli_errors(extra: list[str], needle: str) -> None:
    res = CliRunner().invoke(app, ["sensitivity", str(CYCLE / "data.csv"), "--targets", str(CYCLE / "a.yaml"),
                                   "--runs", "5", *extra, "--lang", "en"])
    assert res.exit_code == 2, res.output
    assert needle in res.output and "Traceback" not in res.output


def test_perturbed_tables_keep_every_score_within_its_maximum() -> None:
    # Weights move the effective maxima, so a rule with absolute amounts never earns more than its maximum,
    # the maxima still sum to the table's total, and the parts to theirs.
    eff = load_config(str(REPO / "examples/shaoxing/targets.yaml"))
    ds = read_data([str(REPO / "examples/shaoxing/data/demo_2023-2024.xlsx")], eff)
    rng = np.random.default_rng(11)
    n_parts, n_ind = len(eff.table.parts), len(eff.indicators)
    for _ in range(10):
        changed = perturb(eff, 1 + 0.5 * rng.uniform(-1, 1, n_parts), 1 + 0.5 * rng.uniform(-1, 1, n_ind),
                          1 + 0.3 * rng.uniform(-1, 1, n_ind))
        assert round(sum(i.points for i in changed.indicators if i.scored), 2) == 100
        res = score(changed, ds)
        for c in res.campuses:
            assert c.total <= 100
            for p in c.parts:
                assert p.score <= p.max + 1e-9
            for i in c.indicators:
                assert i.points is None or 0 <= i.points <= i.max_points + 1e-9


@pytest.mark.parametrize(("targets", "data"), [
    ("examples/shaoxing/targets.yaml", ["examples/shaoxing/data/demo_2023-2024.xlsx"]),
    ("tests/cycle/a.yaml", ["tests/cycle/data.csv"]),
    ("tests/cycle/expert_table.yaml", ["tests/cycle/expert_data.csv", "tests/cycle/expert_marks.csv"]),
])
def test_fast_totals_equal_the_engine_run_by_run(targets: str, data: list[str]) -> None:
    # The fast path is the engine's rule functions on the plain run's values: every total of every run
    # equals the engine's scoring of the same perturbed table, to the last digit, under wide variation.
    # The Shaoxing example has a missing value (zero policy), HQ-relative, change and expert rules.
    from campuseval.sensitivity import TARGET_RULES, _maxima
    from campuseval.sensitivity_fast import competition_ranks, plan, totals

    eff = load_config(str(REPO / targets))
    ds = read_data([str(REPO / d) for d in data], eff)
    plain = score(eff, ds)
    p = plan(eff, plain, TARGET_RULES)
    assert p is not None
    rng = np.random.default_rng(2024)
    n_parts, n_ind = len(eff.table.parts), len(eff.indicators)
    for _ in range(60):
        part_k, ind_k = 1 + 0.5 * rng.uniform(-1, 1, n_parts), 1 + 0.5 * rng.uniform(-1, 1, n_ind)
        target_k = 1 + 0.3 * rng.uniform(-1, 1, n_ind)
        engine = score(perturb(eff, part_k, ind_k, target_k), ds)
        fast = totals(eff, p, _maxima(eff, part_k, ind_k)[1], target_k)
        assert fast == [c.total for c in engine.campuses]
        assert competition_ranks(fast) == [c.rank for c in engine.campuses]


def test_fast_and_engine_only_give_the_same_analysis() -> None:
    eff = load_config(str(REPO / "examples/shaoxing/targets.yaml"))
    ds = read_data([str(REPO / "examples/shaoxing/data/demo_2023-2024.xlsx")], eff)
    v = Variation(0.5, 0.5, 0.3)
    assert simulate(eff, ds, runs=80, seed=9, variation=v).dumps() == \
        simulate(eff, ds, runs=80, seed=9, variation=v, engine_only=True).dumps()


def test_the_engine_scores_what_the_fast_path_does_not_cover(tmp_path: Path) -> None:
    # Missing values re-weighted within their part change a campus's maxima: the plan declines, every run
    # is the engine's. (tests/cycle with missing: reweight and b's X2 blank.)
    from campuseval.sensitivity import TARGET_RULES
    from campuseval.sensitivity_fast import plan

    (tmp_path / "table.yaml").write_text((CYCLE / "table.yaml").read_text(encoding="utf-8") + "missing: reweight\n",
                                         encoding="utf-8")
    (tmp_path / "data.csv").write_text("单位,类型,年份,X1,X2,Y1\na,院区,2024,50,5,20\nb,院区,2024,40,,16\n",
                                       encoding="utf-8")
    eff = load_config(str(tmp_path / "table.yaml"))
    ds = read_data([str(tmp_path / "data.csv")], eff)
    assert plan(eff, score(eff, ds), TARGET_RULES) is None
    sim = simulate(eff, ds, runs=10, seed=1)
    assert [c.plain_rank for c in sim.campuses] == [1, 2]


def test_runs_that_drop_below_minimum_coverage_go_to_the_engine(tmp_path: Path) -> None:
    # min_coverage 0.45 and b without X2: part P's coverage for b is 30 / 60 = 0.5 under the table's own
    # weights, but X2's share of P moves with the indicator weights, and in some runs b's coverage falls below
    # 0.45 and b goes unranked. Those runs are the engine's; the analysis equals the engine-only one.
    (tmp_path / "table.yaml").write_text((CYCLE / "table.yaml").read_text(encoding="utf-8") + "min_coverage: 0.45\n",
                                         encoding="utf-8")
    (tmp_path / "data.csv").write_text("单位,类型,年份,X1,X2,Y1\na,院区,2024,50,5,20\nb,院区,2024,40,,16\n"
                                       "c,院区,2024,25,8,20\n", encoding="utf-8")
    eff = load_config(str(tmp_path / "table.yaml"))
    ds = read_data([str(tmp_path / "data.csv")], eff)
    fast = simulate(eff, ds, runs=120, seed=5)
    assert fast.dumps() == simulate(eff, ds, runs=120, seed=5, engine_only=True).dumps()
    b = next(c for c in fast.campuses if c.id == "b")
    assert 0 < b.unranked < 1  # some runs left b without a rank, not all
