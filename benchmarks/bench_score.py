"""Benchmark: time `campuseval score` on a synthetic panel beside the time pandas takes merely to read the file.

    python benchmarks/bench_score.py                 # the default grid
    python benchmarks/bench_score.py --units 2000 --years 10 --format csv

The panel has N campuses (one HQ per four campuses, one district per ten), 60 indicators
in three parts (a mix of rules, a third of them compared with HQ, a sixth computed from
raw fields) and Y years. Times are wall-clock seconds, best of --repeat runs.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, nargs="*", default=[100, 500, 2000])
    parser.add_argument("--years", type=int, nargs="*", default=[2, 10])
    parser.add_argument("--format", choices=["csv", "xlsx"], nargs="*", default=["csv", "xlsx"])
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--max-xlsx-cells", type=int, default=3_000_000,
                        help="skip xlsx panels larger than this (openpyxl needs minutes and gigabytes)")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
