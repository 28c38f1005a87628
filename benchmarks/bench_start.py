"""Benchmark: start-up of the light commands beside the imports they are measured against.

    python benchmarks/bench_start.py              # 9 rounds, every command
    python benchmarks/bench_start.py help validate --runs 5

Each round runs every command once, in turn (so that a busy machine slows all alike), from the repository
root; the medians of wall-clock and CPU (user + system of the child) are shown with their ratios:
`campuseval --help`, `--version` and `validate configs/` against `python -c "import typer"`, and the
README's `campuseval score` against `python -c "import pandas, openpyxl, pydantic, yaml, jinja2, typer"`.
Run it with the bytecode written (not under PYTHONDONTWRITEBYTECODE), as an installed campuseval has it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
CAMPUSEVAL = str(BIN / "campuseval") if (BIN / "campuseval").exists() else "campuseval"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("commands", nargs="*", default=["help", "version", "validate", "score"])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    out = tempfile.mkdtemp()
    refs = {"typer": [sys.executable, "-c", "import typer"],
            "heavy": [sys.executable, "-c", "import pandas, openpyxl, pydantic, yaml, jinja2, typer"]}
    cmds = {
        "help": [CAMPUSEVAL, "--help"],
        "version": [CAMPUSEVAL, "--version"],
        "validate": [CAMPUSEVAL, "validate", "configs/"],
        "score": [CAMPUSEVAL, "score", "examples/shaoxing/data/demo_2023-2024.xlsx", "--targets",
                  "examples/shaoxing/targets.yaml", "--out", os.path.join(out, "results"), "--force"],
    }
    ref_of = {"help": "typer", "version": "typer", "validate": "typer", "score": "heavy"}
    names = list(dict.fromkeys([ref_of[c] for c in args.commands] + args.commands))
    runs = {**refs, **cmds}
    wall: dict[str, list[float]] = {n: [] for n in names}
    cpu: dict[str, list[float]] = {n: [] for n in names}
    try:
        for n in names:  # warm the caches (disk, bytecode, compiled templates)
            subprocess.run(runs[n], cwd=ROOT, capture_output=True)
        for _ in range(args.runs):
            for n in names:
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                start = time.perf_counter()
                proc = subprocess.run(runs[n], cwd=ROOT, capture_output=True)
                wall[n].append(time.perf_counter() - start)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[n].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
                if proc.returncode:
                    sys.exit(f"{n} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-500:]}")
    finally:
        shutil.rmtree(out, ignore_errors=True)
    w = {n: statistics.median(v) * 1000 for n, v in wall.items()}
    c = {n: statistics.median(v) * 1000 for n, v in cpu.items()}
    for n in names:
        line = f"{n:9s} wall {w[n]:7.1f} ms  cpu {c[n]:7.1f} ms"
        if n in ref_of:
            r = ref_of[n]
            line += f"   {w[n] / w[r]:.2f}x wall, {c[n] / c[r]:.2f}x cpu of {r}"
        print(line)


if __name__ == "__main__":
    main()
