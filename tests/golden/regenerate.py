"""Regenerate the golden reports from the Shaoxing example: python tests/golden/regenerate.py"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

from campuseval.config.load import load_config
from campuseval.data.read import read_data
from campuseval.engine.score import score
from campuseval.report import render
from campuseval.results import Results

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent
GENERATED_AT = "2025-01-15T09:00:00+08:00"
# The golden files: name -> (format, language).
FILES = {
    "shaoxing_report.zh.md": ("md", "zh"),
    "shaoxing_report.en.md": ("md", "en"),
    "shaoxing_report.zh.html": ("html", "zh"),
    "shaoxing_report.en.html": ("html", "en"),
}


# The shipped examples of the other settings, whose units have no HQ; tested, not kept as golden files.
SETTINGS = ("shanxi_nrmc", "fenghua", "county_medical_community")


def example_results(name: str = "shaoxing") -> Results:
    """An example (examples/<name>: targets.yaml and data/*.csv) scored through the library, from the
    repository root so that paths read `examples/...`."""
    with contextlib.chdir(ROOT):
        eff = load_config(f"examples/{name}/targets.yaml")
        data = read_data(sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples" / name / "data").glob("*.csv")),
                         eff)
        return score(eff, data, generated_at=GENERATED_AT)


def rendered(results: Results | None = None) -> dict[str, str]:
    results = results or example_results()
    return {name: render(results, fmt, lang) for name, (fmt, lang) in FILES.items()}  # type: ignore[arg-type]


def main() -> int:
    for name, text in rendered().items():
        (GOLDEN / name).write_bytes(text.encode("utf-8"))  # bytes: LF line ends on every platform
        print(f"wrote {GOLDEN / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
