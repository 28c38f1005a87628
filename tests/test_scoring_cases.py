"""Scoring semantics as data: every file in tests/scoring_cases/ is one hand-computed case.

Each case (format in tests/scoring_cases/README.md) is run through the whole path a user's
files take: the table (and targets file) are written to tmp_path and loaded with
`load_config`, the data rows are written to a CSV and read with `read_data`, and `score`
gives the Results compared with the case's `expected`. Points, part scores and totals are
compared exactly (they are half-up rounded decimals); values and gap ratios/diffs within 1e-9.
A case with `xfail_reason` documents an engine bug: it holds the value the rule gives by
hand and is expected to fail (strictly, so a fix makes it fail loudly until the key is removed).
"""

from __future__ import annotations

import copy
import csv
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel

from campuseval.config.load import load_config
from campuseval.config.rules import RULE_CLASSES
from campuseval.data.read import read_data
from campuseval.engine.score import score
from campuseval.engine.series import score_years
from campuseval.errors import CampusevalError, ConfigError, DataError, UsageError
from campuseval.results import CampusScore, IndicatorScore, Results

CASES_DIR = Path(__file__).parent / "scoring_cases"
BUILTIN_TABLE = "builtin:indicators_shaoxing.yaml"
DEFAULT_LOCALITY = {"id": "test_city", "name": "测试市"}
KIND_WORDS = {"campus": "院区", "hq": "总院", "locality": "区县"}
KEY_COLUMNS = ("单位", "类型", "总院", "区县", "年份")
ROW_KEYS = {"unit": "单位", "kind": "类型", "hq": "总院", "district": "区县", "year": "年份"}

CASE_KEYS = {"description", "arithmetic", "table", "targets", "data", "expert_marks", "year", "years", "expected",
             "expected_error", "allow_incomplete", "xfail_reason"}
CAMPUS_KEYS = {"total", "total_unrounded", "max_total", "rank", "rate", "status", "bonus", "veto", "flag_count",
               "deadline", "before_deadline", "parts", "part_max", "part_scored", "indicators"}
INDICATOR_KEYS = {"points", "max_points", "flags", "value", "hq_value", "previous_value", "target", "goal",
                  "value_source", "gap"}
GAP_KEYS = {"ratio", "diff", "flagged", "note", "min_ratio", "max_diff"}
APPROX_INDICATOR = {"value", "hq_value", "previous_value"}
APPROX_GAP = {"ratio", "diff"}
TOLERANCE = 1e-9


def load_cases() -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        with path.open(encoding="utf-8") as f:
            cases.append((path.stem, yaml.safe_load(f)))
    return cases


CASES = load_cases()


def _param(name: str, case: dict[str, Any]) -> Any:
    reason = case.get("xfail_reason") if isinstance(case, dict) else None
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(case, id=name, marks=marks)


# ---------------------------------------------------------------- building the files


def cell_text(v: Any) -> str:
    """A YAML value as an analyst would type it into the CSV: null is a blank cell."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def write_data(rows: list[dict[str, Any]], path: Path) -> Path:
    """Data rows as a CSV: 单位, 类型, 总院, 区县, 年份, then each field by its code."""
    fields: list[str] = []
    for row in rows:
        for key in row:
            if key not in ROW_KEYS and key not in fields:
                fields.append(key)
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow([*KEY_COLUMNS, *fields])
        for row in rows:
            unknown = {k for k in row if k not in ROW_KEYS} - set(fields)
            assert not unknown, unknown
            kind = row.get("kind")
            assert kind in KIND_WORDS, f"row kind must be one of {sorted(KIND_WORDS)}: {row}"
            w.writerow([cell_text(row["unit"]), KIND_WORDS[kind], cell_text(row.get("hq")),
                        cell_text(row.get("district")), cell_text(row["year"]),
                        *(cell_text(row.get(fld)) for fld in fields)])
    return path


def config_path(case: dict[str, Any], tmp_path: Path) -> str | Path:
    """Write the case's table (unless builtin) and targets file; the path to load."""
    table = case["table"]
    if table == "builtin":
        extends = BUILTIN_TABLE
        base: str | Path = BUILTIN_TABLE
    else:
        assert isinstance(table, dict), "table: a whole indicator table, or `builtin`"
        base = tmp_path / "table.yaml"
        base.write_text(yaml.safe_dump(table, allow_unicode=True, sort_keys=False), encoding="utf-8")
        extends = "table.yaml"
    if case.get("targets") is None:
        return base
    targets = copy.deepcopy(case["targets"])
    assert "extends" not in targets, "the runner adds `extends`"
    targets = {"extends": extends, "locality": targets.pop("locality", DEFAULT_LOCALITY), **targets}
    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(targets, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def write_marks(marks: list[dict[str, Any]], path: Path) -> Path:
    """Expert panel marks as a 专家评分 CSV: 单位, 指标, 分数, 评审人 (and 年份 when given)."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(["单位", "指标", "分数", "评审人", "年份"])
        for m in marks:
            w.writerow([m["unit"], m["indicator"], cell_text(m["score"]), m["reviewer"], cell_text(m.get("year"))])
    return path


def run_case(case: dict[str, Any], tmp_path: Path) -> Results:
    eff = load_config(config_path(case, tmp_path))
    files = [write_data(case["data"], tmp_path / "data.csv")]
    if case.get("expert_marks"):
        files.append(write_marks(case["expert_marks"], tmp_path / "专家评分.csv"))
    data = read_data(files, eff)
    if case.get("years"):  # a multi-year run: the latest year's Results, the earlier ones in `series`
        return score_years(eff, data, case["years"], generated_at="2025-01-01T00:00:00",
                           allow_incomplete=bool(case.get("allow_incomplete")))
    return score(eff, data, year=case.get("year"), generated_at="2025-01-01T00:00:00",
                 allow_incomplete=bool(case.get("allow_incomplete")))


# ---------------------------------------------------------------- comparing


def _same(actual: Any, expected: Any, approx: bool) -> bool:
    if isinstance(actual, BaseModel):  # a target range {min, max}, a goal {zh, en}
        actual = actual.model_dump()
    if expected is None or actual is None:
        return actual is expected
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, int | float):
        return actual == pytest.approx(expected, abs=TOLERANCE, rel=0) if approx else actual == expected
    return bool(actual == expected)


def compare_indicator(where: str, ind: IndicatorScore, exp: dict[str, Any], out: list[str]) -> None:
    unknown = set(exp) - INDICATOR_KEYS
    assert not unknown, f"{where}: unknown expected keys {sorted(unknown)}; allowed {sorted(INDICATOR_KEYS)}"
    for key, want in exp.items():
        if key == "gap":
            if want is None or ind.gap is None:
                if not (want is None and ind.gap is None):
                    out.append(f"{where}.gap: expected {want}, got {ind.gap}")
                continue
            unknown = set(want) - GAP_KEYS
            assert not unknown, f"{where}.gap: unknown expected keys {sorted(unknown)}"
            for gk, gw in want.items():
                got = getattr(ind.gap, gk)
                if not _same(got, gw, gk in APPROX_GAP):
                    out.append(f"{where}.gap.{gk}: expected {gw!r}, got {got!r}")
            continue
        got = getattr(ind, key) if key != "value_source" else ind.trace.value_source
        if not _same(got, want, key in APPROX_INDICATOR):
            out.append(f"{where}.{key}: expected {want!r}, got {got!r}  [{ind.trace.arithmetic}]")


def compare_campus(cid: str, c: CampusScore, exp: dict[str, Any], out: list[str]) -> None:
    unknown = set(exp) - CAMPUS_KEYS
    assert not unknown, f"{cid}: unknown expected keys {sorted(unknown)}; allowed {sorted(CAMPUS_KEYS)}"
    for key in ("total", "max_total", "rate", "rank", "status", "bonus", "veto", "flag_count", "deadline",
                "before_deadline"):
        if key in exp and not _same(getattr(c, key), exp[key], False):
            out.append(f"{cid}.{key}: expected {exp[key]!r}, got {getattr(c, key)!r}")
    # Before its final rounding the total carries float digits: compared within the tolerance.
    if "total_unrounded" in exp and not _same(c.total_unrounded, exp["total_unrounded"], True):
        out.append(f"{cid}.total_unrounded: expected {exp['total_unrounded']!r}, got {c.total_unrounded!r}")
    parts = {p.code: p for p in c.parts}
    for field_name, attr in (("parts", "score"), ("part_max", "max"), ("part_scored", "scored")):
        for code, want in (exp.get(field_name) or {}).items():
            assert code in parts, f"{cid}.{field_name}: no part {code!r}; parts are {sorted(parts)}"
            got = getattr(parts[code], attr)
            if not _same(got, want, False):
                out.append(f"{cid}.{field_name}.{code}: expected {want!r}, got {got!r}")
    inds = {i.code: i for i in c.indicators}
    for code, want in (exp.get("indicators") or {}).items():
        assert code in inds, f"{cid}: no indicator {code!r}; indicators are {sorted(inds)}"
        compare_indicator(f"{cid}.{code}", inds[code], want, out)


def check_case_shape(case: dict[str, Any]) -> None:
    assert isinstance(case, dict), "a case file holds one mapping"
    unknown = set(case) - CASE_KEYS
    assert not unknown, f"unknown case keys {sorted(unknown)}; allowed {sorted(CASE_KEYS)}"
    for key in ("description", "arithmetic", "table", "data"):
        assert case.get(key), f"a case needs `{key}`"
    assert ("expected" in case) != ("expected_error" in case), "give `expected` or `expected_error`, not both"


# ---------------------------------------------------------------- the tests


@pytest.mark.parametrize("case", [_param(name, case) for name, case in CASES])
def test_scoring_case(case: dict[str, Any], tmp_path: Path) -> None:
    check_case_shape(case)
    if "expected_error" in case:
        key = case["expected_error"]
        error = ConfigError if key.startswith(("cfg.", "targets.year_outside")) else (
            UsageError if key.startswith(("targets.year_missing", "data.year_not_covered")) else DataError)
        with pytest.raises(CampusevalError) as info:
            run_case(case, tmp_path)
        assert isinstance(info.value, error), f"expected {error.__name__}, got {type(info.value).__name__}"
        keys = [d.message.key for d in info.value.diagnostics]
        assert key in keys, f"expected a diagnostic {key}, got {keys}: {info.value.render('en')}"
        return
    results = run_case(case, tmp_path)
    # With `years`, `expected` is by year, then by campus; each year is checked in its own Results.
    by_year = {y: r for r in [*(results.series or []), results] for y in [r.year]}
    runs = [(by_year[y], exp, f"{y}.") for y, exp in case["expected"].items()] if case.get("years") else [
        (results, case["expected"], "")]
    if case.get("years"):
        assert sorted(by_year) == sorted(case["years"]), f"years scored {sorted(by_year)}"
        assert set(case["expected"]) == set(case["years"]), "with `years`, give `expected` for every year"
    out: list[str] = []
    for res, expected, where in runs:
        got_ids = [c.id for c in res.campuses]
        assert set(got_ids) == set(expected), f"{where}campuses scored {got_ids}, expected {sorted(expected)}"
        for cid, exp in expected.items():
            compare_campus(where + cid, res.campus(cid), exp or {}, out)
    assert not out, "\n".join(out)


def _rule_types(case: dict[str, Any]) -> set[str]:
    found = set()
    if isinstance(case["table"], dict):
        found |= {i["rule"]["type"] for i in case["table"]["indicators"]}
    targets = case.get("targets") or {}
    found |= {i["rule"]["type"] for i in targets.get("add", [])}
    found |= {r["type"] for r in (targets.get("rules") or {}).values()}
    if case["table"] == "builtin":
        found |= {i.rule.type for i in load_config(BUILTIN_TABLE).indicators}
    return found


def test_the_cases_cover_every_rule_type() -> None:
    covered = set().union(*(_rule_types(case) for _, case in CASES))
    assert set(RULE_CLASSES) <= covered, f"no case for {sorted(set(RULE_CLASSES) - covered)}"


def test_there_are_enough_cases_and_each_shows_its_arithmetic() -> None:
    assert len(CASES) >= 45
    for name, case in CASES:
        check_case_shape(case)
        assert "=" in case["arithmetic"] or "->" in case["arithmetic"], f"{name}: arithmetic by hand, please"
