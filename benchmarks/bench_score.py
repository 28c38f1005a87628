"""Benchmark: campuseval beside pandas (and beside Python's own start-up), each figure a ratio measured in one run.

    python benchmarks/bench_score.py                  # the ratio table of docs/benchmark.md (a few minutes)
    python benchmarks/bench_score.py --runs 5         # more runs per pair, steadier medians
    python benchmarks/bench_score.py --grid --units 2000 --years 10 --format csv   # in-process stage times

The ratio table runs whole processes, the two commands of a row in turn, --runs times, and reports the
median of each, the median of the per-pair ratios, and each process's peak memory (ru_maxrss). The panel
has N campuses (one HQ per four campuses, one district per ten), 60 indicators in three parts (a mix of
rules, a third of them compared with HQ, a sixth computed from raw fields) and Y years.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

RULES = ["target_pro_rata", "relative_to_hq", "cap_pro_rata", "linear_band", "change_vs_previous", "graded_bands"]


def make_table(n_indicators: int = 60) -> dict:
    parts = [{"code": p, "name": f"部分{p}", "points": pts} for p, pts in (("A", 40), ("B", 30), ("C", 30))]
    per_part = n_indicators // 3
    indicators, raw_fields = [], []
    for k in range(n_indicators):
        part = "ABC"[k // per_part]
        rule_type = RULES[k % len(RULES)]
        ind: dict = {"code": f"I{k:02d}", "name": f"指标{k:02d}", "part": part, "scale": "percent",
                     "definition": f"合成指标 {k}", "subject": "campus", "direction": "higher"}
        if rule_type == "target_pro_rata":
            ind.update(rule={"type": rule_type}, target=60)
        elif rule_type == "relative_to_hq":
            ind.update(rule={"type": rule_type, "full_ratio": 0.9}, subject="both")
        elif rule_type == "cap_pro_rata":
            ind.update(rule={"type": rule_type}, target=40, direction="lower")
        elif rule_type == "linear_band":
            ind.update(rule={"type": rule_type, "limit": 20}, target=70)
        elif rule_type == "change_vs_previous":
            ind.update(rule={"type": rule_type})
        else:
            ind.update(rule={"type": rule_type, "bands": [{"min": 0, "max": 50, "points": 1},
                                                          {"min": 50, "points": 2}]})
        if k % 6 == 0:  # computed from two raw counts
            raw_fields += [{"code": f"n{k:02d}", "name": f"分子{k:02d}"}, {"code": f"d{k:02d}", "name": f"分母{k:02d}"}]
            ind["formula"] = f"n{k:02d} / d{k:02d} * 100"
        indicators.append(ind)
    for part in parts:
        members = [i for i in indicators if i["part"] == part["code"]]
        share = part["points"] / len(members)
        for i in members:
            i["points"] = round(share, 6)
        drift = part["points"] - sum(i["points"] for i in members)
        members[0]["points"] = round(members[0]["points"] + drift, 6)
        for i in members:
            if i["rule"]["type"] == "graded_bands":
                i["rule"]["bands"][1]["points"] = i["points"]
                i["rule"]["bands"][0]["points"] = round(i["points"] / 2, 6)
    return {"id": "bench", "version": "1", "name": "benchmark", "provenance": "synthetic",
            "parts": parts, "raw_fields": raw_fields, "indicators": indicators}


def make_panel(table: dict, n_units: int, n_years: int, path: Path) -> None:
    rng = random.Random(7)
    fields: list[str] = []
    for ind in table["indicators"]:
        if "formula" in ind:
            k = ind["code"][1:]
            fields += [f"n{k}", f"d{k}"]
        else:
            fields.append(ind["code"])
    n_hq = max(1, n_units // 4)
    n_district = max(1, n_units // 10)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["单位", "类型", "总院", "区县", "年份", *fields])
        for year in range(2025 - n_years + 1, 2026):
            for u in range(n_units):
                row = [f"院区{u:04d}", "院区", f"总院{u % n_hq:03d}", f"区{u % n_district:03d}", year]
                w.writerow(row + [_value(rng, fld) for fld in fields])
            for h in range(n_hq):
                w.writerow([f"总院{h:03d}", "总院", "", "", year] + [_value(rng, fld) for fld in fields])


def _value(rng: random.Random, field: str) -> str:
    if field.startswith("n"):
        return str(rng.randint(10, 90))
    if field.startswith("d"):
        return str(rng.randint(100, 120))
    return f"{rng.uniform(10, 95):.2f}"


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def run(n_units: int, n_years: int, fmt: str, repeat: int) -> dict[str, object]:
    import pandas as pd
    import yaml

    from campuseval.config import load_config
    from campuseval.data.read import read_data
    from campuseval.engine.score import score
    from campuseval.export import results_json

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        table = make_table()
        (tmpdir / "table.yaml").write_text(yaml.safe_dump(table, allow_unicode=True), encoding="utf-8")
        data = tmpdir / "panel.csv"
        make_panel(table, n_units, n_years, data)
        if fmt == "xlsx":
            frame = pd.read_csv(data, encoding="utf-8-sig", dtype=str)
            data = tmpdir / "panel.xlsx"
            frame.to_excel(data, index=False, engine="openpyxl")
        eff = load_config(tmpdir / "table.yaml")

        def pandas_read() -> object:
            if fmt == "xlsx":
                return pd.read_excel(data, engine="openpyxl")
            return pd.read_csv(data, encoding="utf-8-sig")

        t_pandas = best(pandas_read, repeat)
        t_read = best(lambda: read_data([data], eff), repeat)
        dataset = read_data([data], eff)
        t_score = best(lambda: score(eff, dataset), repeat)
        results = score(eff, dataset)
        t_json = best(lambda: results_json.dumps(results), repeat)
        rows = len(dataset.rows_present())
        return {"units": n_units, "years": n_years, "format": fmt, "rows": rows,
                "values": len(dataset.values), "pandas_read_s": round(t_pandas, 3), "read_s": round(t_read, 3),
                "score_s": round(t_score, 3), "json_s": round(t_json, 3),
                "total_s": round(t_read + t_score + t_json, 3),
                "x_pandas": round((t_read + t_score + t_json) / t_pandas, 1)}


def grid(args: argparse.Namespace) -> None:
    """The in-process stage times (read, score, scores.json) over a grid of panel sizes."""
    print("| units | years | format | rows | values | pandas read (s) | campuseval read (s) | score (s) | "
          "scores.json (s) | total (s) | total / pandas |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for fmt in args.format:
        for n in args.units:
            for y in args.years:
                if fmt == "xlsx" and n * 1.25 * y * 75 > args.max_xlsx_cells:
                    continue
                r = run(n, y, fmt, args.repeat)
                print(f"| {r['units']} | {r['years']} | {r['format']} | {r['rows']} | {r['values']} | "
                      f"{r['pandas_read_s']} | {r['read_s']} | {r['score_s']} | {r['json_s']} | {r['total_s']} | "
                      f"{r['x_pandas']} |", flush=True)




# --- The ratio table: whole processes, two commands in turn -------------------------------------------

REPO = Path(__file__).resolve().parent.parent


def make_long(wide: Path, folder: Path) -> tuple[list[Path], int]:
    """The wide panel melted to the long layout (unit, type, hq, district, year, indicator, value), one file per
    year as the reader's limits ask of a national panel (docs/errors.md section 13); the files and rows written."""
    import pandas as pd

    frame = pd.read_csv(wide, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    ids = ["单位", "类型", "总院", "区县", "年份"]
    melted = frame.melt(id_vars=ids, var_name="指标", value_name="值")
    files = []
    for year, part in melted.groupby("年份", sort=True):
        path = folder / f"long_{year}.csv"
        part.to_csv(path, index=False, encoding="utf-8-sig")
        files.append(path)
    return files, len(melted)


@dataclass
class Run:
    seconds: float
    peak_mb: float


# Measured processes are started by a small runner process, itself started before this process imports
# pandas: Linux's ru_maxrss of a child includes the memory of whatever it was forked from, so a child of
# this (large) process would report this process's size as its own peak. The commands run with their
# bytecode written (as `pip install` leaves an installed campuseval), whatever PYTHONDONTWRITEBYTECODE says.
RUNNER = """
import json, os, subprocess, sys, time
env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
for line in sys.stdin:
    cmd, cwd = json.loads(line)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps([elapsed, usage.ru_maxrss, code, err[-2000:].decode(errors="replace")]), flush=True)
"""


class Runner:
    """Runs commands one at a time in the small runner process; wall time and peak resident memory of each."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-S", "-c", RUNNER], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def run(self, cmd: Sequence[str], cwd: Path) -> Run:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps([list(cmd), str(cwd)]) + "\n")
        self.proc.stdin.flush()
        elapsed, maxrss_kib, code, err = json.loads(self.proc.stdout.readline())
        if code != 0:
            raise SystemExit(f"{' '.join(cmd)} exited {code}:\n{err}")
        return Run(elapsed, maxrss_kib / 1024)  # ru_maxrss is in KiB on Linux

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait()


@dataclass
class Row:
    what: str
    ours: list[Run]
    base: list[Run]
    goal: float
    note: str = ""

    @property
    def ratio(self) -> float:
        return statistics.median(a.seconds / b.seconds for a, b in zip(self.ours, self.base, strict=True))

    @property
    def memory_ratio(self) -> float:
        return max(a.peak_mb for a in self.ours) / max(b.peak_mb for b in self.base)


def in_turn(runner: Runner, what: str, ours: Sequence[str], base: Sequence[str], cwd: Path, runs: int,
            goal: float, note: str = "") -> Row:
    """Both commands `runs` times, alternating, after one untimed warm-up of each (disk cache, .pyc files)."""
    runner.run(ours, cwd)
    runner.run(base, cwd)
    a: list[Run] = []
    b: list[Run] = []
    for _ in range(runs):
        a.append(runner.run(ours, cwd))
        b.append(runner.run(base, cwd))
    row = Row(what, a, b, goal, note)
    print(f"  {what}: {row.ratio:.2f}x", file=sys.stderr, flush=True)
    return row


def in_process_ratio(what: str, ours: Callable[[], object], base: Callable[[], object], runs: int,
                     goal: float, note: str = "") -> Row:
    """Two functions timed in turn in this process (for a writer alone, without start-up and scoring)."""
    a: list[Run] = []
    b: list[Run] = []
    ours()
    base()
    for _ in range(runs):
        start = time.perf_counter()
        ours()
        a.append(Run(time.perf_counter() - start, 0.0))
        start = time.perf_counter()
        base()
        b.append(Run(time.perf_counter() - start, 0.0))
    row = Row(what, a, b, goal, note)
    print(f"  {what}: {row.ratio:.2f}x", file=sys.stderr, flush=True)
    return row


def campuseval_cmd() -> list[str]:
    """The console script installed beside this Python (what a user runs), else `python -m campuseval`."""
    script = Path(sys.executable).with_name("campuseval")
    return [str(script)] if script.exists() else [sys.executable, "-m", "campuseval"]


def xlsx_writer(results_of: Callable[[], object], out: Path) -> Callable[[], object]:
    from campuseval.export import tables

    results = results_of()

    def write() -> None:
        tables.write_xlsx(out, results, "zh")  # type: ignore[arg-type]

    return write


def scored(table: Path, data: Path) -> Callable[[], object]:
    def make() -> object:
        from campuseval.config import load_config
        from campuseval.data.read import read_data
        from campuseval.engine.score import score

        eff = load_config(table)
        return score(eff, read_data([data], eff))

    return make


def ratios(args: argparse.Namespace, runner: Runner) -> None:
    """Every row of docs/benchmark.md's table, each measured now, in this run."""
    import pandas as pd
    import yaml

    ce = campuseval_cmd()
    py = sys.executable
    n, years, runs = args.units[0], args.years[0], args.runs
    small = max(10, n // 10)
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        table_doc = make_table()
        table = d / "table.yaml"
        table.write_text(yaml.safe_dump(table_doc, allow_unicode=True), encoding="utf-8")
        print(f"making panels in {d} ...", file=sys.stderr, flush=True)
        wide, wide_small = d / "wide.csv", d / "wide_small.csv"
        make_panel(table_doc, n, years, wide)
        make_panel(table_doc, small, years, wide_small)
        long_files, long_rows = make_long(wide, d)
        two = d / "two.csv"
        make_panel(table_doc, n, 2, two)
        xlsx = d / "two.xlsx"
        pd.read_csv(two, encoding="utf-8-sig", dtype=str).to_excel(xlsx, index=False, engine="openpyxl")
        out = d / "out"

        def score_cmd(data: Path | list[Path], formats: str, layout: str = "auto") -> list[str]:
            files = [str(f) for f in data] if isinstance(data, list) else [str(data)]
            return [*ce, "score", *files, "--table", str(table), "--format", formats, "--out", str(out),
                    "--force", "--layout", layout, "--generated-at", "2026-01-01T00:00:00+08:00"]

        def read_csv_cmd(data: Path | list[Path]) -> list[str]:
            files = [str(f) for f in data] if isinstance(data, list) else [str(data)]
            return [py, "-c", f"import pandas; [pandas.read_csv(f) for f in {files!r}]"]

        units_text = f"{n:,} campuses + {n // 4:,} HQs x 60 indicators x {years} years"
        wide_rows = rows_in(wide)
        rows.append(in_turn(runner, f"`score` (json+csv), {units_text}, wide CSV ({wide_rows:,} rows), vs `read_csv`",
                            score_cmd(wide, "json,csv"), read_csv_cmd(wide), d, runs, 3.0))
        rows.append(Row("peak memory of that `score` vs the `read_csv` process", rows[-1].ours, rows[-1].base,
                        2.0, note="memory"))
        rows.append(in_turn(runner, f"same, long layout ({long_rows:,} rows in {len(long_files)} files, one a year), "
                            "vs `read_csv` of those files", score_cmd(long_files, "json,csv", "long"),
                            read_csv_cmd(long_files), d, runs, 3.0))
        rows.append(in_turn(runner, f"all formats (json, csv, xlsx, md, html), {units_text}, vs `read_csv`",
                            score_cmd(wide, "json,csv,xlsx,md,html"), read_csv_cmd(wide), d, max(1, runs - 1), 5.0))
        rows.append(in_turn(runner, f"{n:,} vs {small:,} campuses, same years (json+csv)",
                            score_cmd(wide, "json,csv"), score_cmd(wide_small, "json,csv"), d, runs, 11.0))
        rows.append(in_turn(runner, f"a {n:,} x 60 x 2 xlsx, `score` (json+csv) vs `pandas.read_excel` (openpyxl)",
                            score_cmd(xlsx, "json,csv"),
                            [py, "-c", f"import pandas; pandas.read_excel({str(xlsx)!r}, engine='openpyxl')"],
                            d, runs, 1.0))
        p100, p50 = d / "p100.csv", d / "p50.csv"
        make_panel(table_doc, 100, years, p100)
        make_panel(table_doc, 50, years, p50)
        rows.append(in_process_ratio("writing `scores.xlsx` alone, 100 vs 50 campuses (in-process)",
                                     xlsx_writer(scored(table, p100), d / "a.xlsx"),
                                     xlsx_writer(scored(table, p50), d / "b.xlsx"), runs + 2, 2.2))
        main_cmd = [*ce, "score", "examples/shaoxing/data/demo_2023-2024.xlsx", "--targets",
                    "examples/shaoxing/targets.yaml", "--out", str(d / "results"), "--force"]
        rows.append(in_turn(runner, "the README's main command vs `python -c \"import pandas, openpyxl, "
                            "pydantic, yaml, jinja2, typer\"`", main_cmd,
                            [py, "-c", "import pandas, openpyxl, pydantic, yaml, jinja2, typer"], REPO, runs + 2, 1.3))
        typer_import = [py, "-c", "import typer"]
        rows.append(in_turn(runner, "`campuseval --help` vs `python -c \"import typer\"`", [*ce, "--help"],
                            typer_import, REPO, runs + 4, 1.5))
        rows.append(in_turn(runner, "`campuseval --version` vs `python -c \"import typer\"`", [*ce, "--version"],
                            typer_import, REPO, runs + 4, 1.5))
        rows.append(in_turn(runner, "`campuseval validate configs/` vs `python -c \"import typer\"`",
                            [*ce, "validate", "configs/"], typer_import, REPO, runs + 4, 3.0))
    print(machine())
    print()
    print("| what | campuseval (s) | baseline (s) | ratio | goal | met | peak memory (MB) |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        a = statistics.median(x.seconds for x in r.ours)
        b = statistics.median(x.seconds for x in r.base)
        if r.note == "memory":
            ratio, ma, mb = r.memory_ratio, max(x.peak_mb for x in r.ours), max(x.peak_mb for x in r.base)
            print(f"| {r.what} | {ma:.0f} MB | {mb:.0f} MB | {ratio:.1f}x | <= {r.goal:g}x | "
                  f"{'yes' if ratio <= r.goal else 'no'} | |")
            continue
        mem = ""
        if r.ours[0].peak_mb:
            mem = f"{max(x.peak_mb for x in r.ours):.0f} / {max(x.peak_mb for x in r.base):.0f}"
        print(f"| {r.what} | {a:.2f} | {b:.2f} | {r.ratio:.2f}x | <= {r.goal:g}x | "
              f"{'yes' if r.ratio <= r.goal else 'no'} | {mem} |")


def rows_in(path: Path) -> int:
    with path.open(encoding="utf-8-sig") as f:
        return sum(1 for _ in f) - 1


def machine() -> str:
    import pandas as pd

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"Machine: {os.cpu_count()} cores, {cpu or platform.machine()}; Python {platform.python_version()}; "
            f"pandas {pd.__version__}; load average at the end {load}.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grid", action="store_true", help="in-process stage times over a grid instead of ratios")
    parser.add_argument("--units", type=int, nargs="*", default=None,
                        help="campuses (ratios: the first, default 2000; grid: default 100 500 2000)")
    parser.add_argument("--years", type=int, nargs="*", default=None, help="years (ratios: default 10)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each command of a pair (ratios)")
    parser.add_argument("--format", choices=["csv", "xlsx"], nargs="*", default=["csv", "xlsx"])
    parser.add_argument("--repeat", type=int, default=1, help="grid: best of this many runs")
    parser.add_argument("--max-xlsx-cells", type=int, default=3_000_000,
                        help="grid: skip xlsx panels larger than this")
    args = parser.parse_args()
    if args.grid:
        args.units = args.units or [100, 500, 2000]
        args.years = args.years or [2, 10]
        grid(args)
    else:
        args.units = args.units or [2000]
        args.years = args.years or [10]
        runner = Runner()  # first, while this process is small
        try:
            ratios(args, runner)
        finally:
            runner.close()


if __name__ == "__main__":
    main()
