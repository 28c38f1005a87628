"""The other evaluation settings of the seeds, and the national catalog, as configs only.

Each setting (Shanxi national regional medical centres, a Fenghua-style district, Zhejiang county
medical communities) is a table + targets file under configs/ and a synthetic example under
examples/<setting>/ (data written by examples/make_settings_examples.py). The examples are scored
through the library (load_config, read_data, score) and a few scores are checked against
arithmetic done by hand, written out next to each assertion. Points are half-up rounded to two
places; a part's points are shared by the indicators that apply to a unit (scale_within_part).
"""

from __future__ import annotations

import importlib.util
import json
import math
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from campuseval import formula
from campuseval.config import load_config
from campuseval.config.catalog import national_catalog
from campuseval.config.load import check_config
from campuseval.config.models import TargetRange
from campuseval.data.read import read_data
from campuseval.engine.score import score
from campuseval.results import IndicatorScore, Results

ROOT = Path(__file__).resolve().parents[1]
CONFIGS = ROOT / "configs"
EXAMPLES = ROOT / "examples"
STAMP = "2025-01-15T09:00:00+08:00"

NEW_CONFIGS = [
    "indicators_shanxi_nrmc.yaml", "targets/shanxi_nrmc.yaml",
    "indicators_fenghua.yaml", "targets/fenghua.yaml",
    "indicators_county_medical_community.yaml", "targets/county_medical_community.yaml",
]
SETTINGS = ["shanxi_nrmc", "fenghua", "county_medical_community"]


@cache
def results(setting: str) -> Results:
    eff = load_config(EXAMPLES / setting / "targets.yaml")
    data = read_data(sorted((EXAMPLES / setting / "data").glob("*.csv")), eff)
    return score(eff, data, generated_at=STAMP)


def ind(setting: str, unit: str, code: str) -> IndicatorScore:
    return next(i for i in results(setting).campus(unit).indicators if i.code == code)


def parts(setting: str, unit: str) -> dict[str, float]:
    return {p.code: p.score for p in results(setting).campus(unit).parts}


# ---------------------------------------------------------------- configs


@pytest.mark.parametrize("name", NEW_CONFIGS)
def test_new_configs_validate_without_warnings(name: str) -> None:
    res = check_config(CONFIGS / name)
    assert res.diagnostics == [], [d.render("en") for d in res.diagnostics]


def test_every_shipped_config_validates() -> None:
    """What `campuseval validate configs/` checks: every YAML file, the catalog included."""
    for path in sorted(CONFIGS.rglob("*.yaml")):
        res = check_config(path)
        assert res.errors == [], (path, [d.render("en") for d in res.errors])


@pytest.mark.parametrize("setting", SETTINGS)
def test_example_targets_validate_without_warnings(setting: str) -> None:
    res = check_config(EXAMPLES / setting / "targets.yaml")
    assert res.diagnostics == [], [d.render("en") for d in res.diagnostics]


@pytest.mark.parametrize("setting", SETTINGS)
def test_example_data_is_read_without_warnings(setting: str) -> None:
    """Every column of the synthetic data names a field of the setting's table."""
    eff = load_config(EXAMPLES / setting / "targets.yaml")
    data = read_data(sorted((EXAMPLES / setting / "data").glob("*.csv")), eff)
    assert data.warnings == [], [w.render("en") for w in data.warnings]


def test_generator_writes_the_shipped_files(tmp_path: Path) -> None:
    """examples/make_settings_examples.py reproduces the CSV files in the repository byte for byte."""
    spec = importlib.util.spec_from_file_location("make_settings_examples", EXAMPLES / "make_settings_examples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for path, fields, rows in module.FILES:
        copy = tmp_path / path.name
        module.write_csv(copy, fields, rows)
        assert copy.read_bytes() == path.read_bytes(), path


def test_units_have_no_hq_and_are_named_by_the_table() -> None:
    entities = {"shanxi_nrmc": "医疗中心", "fenghua": "医共体", "county_medical_community": "医共体"}
    for setting, entity in entities.items():
        eff = load_config(CONFIGS / "targets" / f"{setting}.yaml")
        assert eff.table.entity.zh == entity
        assert all(c.hq is None for c in eff.campuses)
        assert all(i.spec.subject in ("campus", "locality") for i in eff.indicators)


def test_shanxi_config_follows_the_seed_per_centre() -> None:
    """Targets and deadlines as section 四 of 晋政办函〔2023〕19号 gives them."""
    eff = load_config(CONFIGS / "targets" / "shanxi_nrmc.yaml")
    deadlines = {c.id: c.deadline for c in eff.campuses}
    assert deadlines == {"tongji_shanxi": 2024, "cicams_shanxi": 2026, "xiyuan_shanxi": 2026, "pkufh_taiyuan": 2027}
    a1 = eff.indicator("A1")
    assert a1.target_for("tongji_shanxi") == TargetRange(min=150, max=200)
    assert a1.target_for("pkufh_taiyuan") == TargetRange(min=150)  # "达到150万人次": a lower end only
    # Strict targets: "超过" / "大于" are op gt, "低于" op lt, "达到" op ge.
    assert eff.indicator("B1").spec.rule.op == "gt"  # type: ignore[union-attr]
    assert eff.indicator("B4").spec.rule.op == "lt"  # type: ignore[union-attr]
    assert eff.indicator("C2").spec.rule.op == "ge"  # type: ignore[union-attr]
    assert {c: eff.indicator("B1").target_for(c) for c in deadlines} == {
        "tongji_shanxi": 35, "cicams_shanxi": 60, "xiyuan_shanxi": 15, "pkufh_taiyuan": 28}
    assert {c: eff.indicator("B4").target_for(c) for c in deadlines} == {
        "tongji_shanxi": 8, "cicams_shanxi": 9, "xiyuan_shanxi": 12, "pkufh_taiyuan": 8.5}
    assert {c: eff.indicator("C1").target_for(c) for c in deadlines} == {
        "tongji_shanxi": 250, "cicams_shanxi": 300, "xiyuan_shanxi": 68, "pkufh_taiyuan": 28}
    assert {c: eff.indicator("C2").target_for(c) for c in deadlines} == {
        "tongji_shanxi": 5, "cicams_shanxi": 6, "xiyuan_shanxi": 5, "pkufh_taiyuan": 6}
    # The TCM centre has no out-transfer, CMI or surgical-volume target in the seed.
    for code in ("A2", "A4", "B5", "B9"):
        assert not eff.indicator(code).applies("xiyuan_shanxi"), code
    assert eff.indicator("A3").spec.applies_to == ["xiyuan_shanxi"]
    # Goals in words stay in the table as qualitative, one per centre.
    goals = {i.code: i.spec.applies_to for i in eff.indicators if i.spec.rule.type == "qualitative"}
    assert goals == {"Q1": ["tongji_shanxi"], "Q2": ["cicams_shanxi"], "Q3": ["xiyuan_shanxi"],
                     "Q4": ["pkufh_taiyuan"], "Q5": ["pkufh_taiyuan"]}


def test_fenghua_config_caps_stay_by_grade() -> None:
    eff = load_config(CONFIGS / "targets" / "fenghua.yaml")
    c1 = eff.indicator("C1")
    assert (c1.target_for("fh_renmin"), c1.target_for("fh_tcm")) == (7.5, 7)
    a1 = eff.indicator("A1").spec
    assert (a1.formula, a1.scale, a1.subject, a1.target) == ("beds / population * 1000", "ratio", "locality", 6.6)
    # 国考 3 added by catalog number: its definition and formula come from the catalog.
    c2 = eff.indicator("C2").spec
    assert (c2.national_no, c2.formula, c2.direction) == ("3", "day_surgery_ops / elective_ops * 100", "higher")


# ---------------------------------------------------------------- national catalog

# domain.md section 6, in order: ↑ higher, ↓ lower, M monitor, W qualitative (monitor).
CATALOG_DIRECTIONS = (
    "M↑M↑↑↑M↓↓MMM↑↓↑↑↓↑↑↑↑↑↓↑"  # 1-24
    "MMMMMM↑M↑↓MMM↓↓↓↓WW"  # 25-43
    "M↑M↑↑↑↑↑M"  # 44-52
    "↑↑↑"  # 53-55
    "M"  # 增1
)
NATIONAL_MONITORING = {4, 5, 6, 8, 9, 10, 13, 14, 17, 24, 31, 33, 34, 35, 36, 38, 39, 40, 41, 45, 46, 48, 50, 53,
                       54, 55}
FORMULA_NOS = {"1", "3", "4", "5", "6", "8", "14", "31", "33", "37", "38", "39", "40", "41", "44", "46", "50", "51"}


def test_catalog_has_all_56_indicators_in_order() -> None:
    cat = national_catalog()
    assert [e.number for e in cat.entries] == [str(n) for n in range(1, 56)] + ["增1"]
    words = {"higher": "↑", "lower": "↓", "monitor": "M"}
    got = "".join("W" if e.qualitative else words[e.direction] for e in cat.entries)
    assert got == CATALOG_DIRECTIONS
    assert all(e.direction == "monitor" for e in cat.entries if e.qualitative)
    assert {int(e.number) for e in cat.entries if e.national_monitoring} == NATIONAL_MONITORING


def test_catalog_categories_are_the_four_dimensions() -> None:
    def category(no: str) -> str:
        if no == "增1":
            return "运营效率"
        n = int(no)
        return "医疗质量" if n <= 24 else "运营效率" if n <= 43 else "持续发展" if n <= 52 else "满意度评价"

    assert all(e.category is not None and e.category.zh == category(e.number) for e in national_catalog().entries)


def test_catalog_formulas_use_catalog_raw_fields() -> None:
    cat = national_catalog()
    raw = {r.code for r in cat.raw_fields}
    with_formula = {e.number: e.formula for e in cat.entries if e.formula}
    assert set(with_formula) == FORMULA_NOS
    for no, text in with_formula.items():
        assert formula.parse(text).names <= raw, no


def test_catalog_raw_fields_mean_what_the_shaoxing_table_means() -> None:
    """Same code, same Chinese name: a data column reads the same in both."""
    shaoxing = {r.code: r.name.zh for r in load_config(CONFIGS / "indicators_shaoxing.yaml").raw_fields}
    shared = [r for r in national_catalog().raw_fields if r.code in shaoxing]
    assert len(shared) >= 14
    assert all(r.name.zh == shaoxing[r.code] for r in shared)


@pytest.mark.parametrize("table", ["indicators_shanxi_nrmc.yaml", "indicators_fenghua.yaml",
                                   "indicators_county_medical_community.yaml"])
def test_setting_raw_fields_agree_with_the_catalog(table: str) -> None:
    catalog = {r.code: r.name.zh for r in national_catalog().raw_fields}
    for raw in load_config(CONFIGS / table).raw_fields:
        assert catalog.get(raw.code, raw.name.zh) == raw.name.zh, raw.code


def test_catalog_growth_rates_may_be_negative() -> None:
    """37-41 use scale ratio (percent values must lie in 0-100 when read); the formula still gives percent."""
    cat = national_catalog()
    for no in ("37", "38", "39", "40", "41"):
        assert cat.entry(no).scale == "ratio", no  # type: ignore[union-attr]
    f38 = formula.parse(cat.entry("38").formula or "")  # type: ignore[union-attr]
    # (95 - 100) / 100 * 100 = -5: cost per visit fell 5%.
    assert f38.evaluate({"this_year_op_cost": 95.0, "last_year_op_cost": 100.0}) == pytest.approx(-5)
    assert cat.entry("1").scale == "ratio" and cat.entry("46").scale == "ratio"  # type: ignore[union-attr]
    assert cat.entry("24").scale == "level"  # type: ignore[union-attr]


# ---------------------------------------------------------------- Shanxi regional medical centres


def test_shanxi_general_centre() -> None:
    """示例综合医院区域医疗中心 (Tongji's targets), 2024."""
    # Part A: A3 (TCM range) does not apply; A1, A2, A4, A5, A6 (6, 5, 5, 4, 5 = 25) share 30:
    # x 30/25 -> 7.2, 6, 6, 4.8, 6.
    a1 = ind("shanxi_nrmc", "demo_general", "A1")
    # 140万 outpatients, below the 150万—200万 range, pro rata: 6 x 140/150 = 5.6 at the table's
    # 6 points; at this centre's 7.2: 5.6 x 7.2/6 = 6.72 (= 7.2 x 140/150).
    assert (a1.value, a1.points, a1.max_points) == (140, 6.72, 7.2)
    assert ind("shanxi_nrmc", "demo_general", "A3").flags == ["not_applicable"]
    # 外省患者 1050 / 105000 x 100 = 1.0%, target "大于 1%" (gt): exactly at the target is not met -> 0.
    a6 = ind("shanxi_nrmc", "demo_general", "A6")
    assert (a6.value, a6.points, a6.max_points) == (1, 0, 6)
    # 四级手术 18200 / 52000 x 100 = 35.0%, "超过 35%": not met -> 0 of its 8.89
    # (part B: B1, B4-B9 = 6+4+4+3+3+3+4 = 27 share 40 -> 8.89, 5.93, 5.93, 4.44, 4.44, 4.44, 5.93).
    b1 = ind("shanxi_nrmc", "demo_general", "B1")
    assert (b1.value, b1.points, b1.max_points) == (35, 0, 8.89)
    # 平均住院日 787500 / 105000 = 7.5 days < 8: met -> 5.93.
    assert ind("shanxi_nrmc", "demo_general", "B4").points == 5.93
    # 科研经费 3200万 / 1250 x 100 = 256万 >= 250: met (part C: C1-C5 = 8+8+4+3+4 = 27 share 30
    # -> 8.89, 8.89, 4.45, 3.33, 4.44; C6 is the cancer centre's).
    c1 = ind("shanxi_nrmc", "demo_general", "C1")
    assert (c1.value, c1.points) == (256, 8.89)
    # A = 6.72 + 6 + 6 + 4.8 + 0 = 23.52; B = 40 - 8.89 = 31.11; C = 8.89 + 8.89 + 4.45 + 0 (C4 2 < 3) + 4.44
    # = 26.67; total 81.30. Its deadline is 2024, so 2024 is not before it.
    assert parts("shanxi_nrmc", "demo_general") == {"A": 23.52, "B": 31.11, "C": 26.67}
    campus = results("shanxi_nrmc").campus("demo_general")
    assert (campus.total, campus.deadline, campus.before_deadline) == (81.30, 2024, False)


def test_shanxi_goal_is_reported_not_scored() -> None:
    q1 = ind("shanxi_nrmc", "demo_general", "Q1")
    assert q1.flags == ["not_scorable"]
    assert (q1.points, q1.max_points, q1.scored) == (None, 0, False)
    assert q1.goal is not None and q1.goal.zh == "三级公立医院绩效考核进入全国百强"
    # Another centre's goal does not concern this one.
    assert ind("shanxi_nrmc", "demo_general", "Q2").flags == ["not_applicable"]


def test_shanxi_cancer_centre() -> None:
    """示例肿瘤医院区域医疗中心 (the cancer centre's targets), 2024, deadline 2026."""
    # Part A: A1, A2, A4 (6, 5, 5 = 16) share 30 -> 11.25, 9.38, 9.37 (largest remainder: 9.375 twice,
    # the earlier one gets the extra 0.01).
    a1 = ind("shanxi_nrmc", "demo_cancer", "A1")
    # 72万 outpatients, above the 65万—70万 range, pro rata: 11.25 x 70/72 = 10.9375 -> 10.94 (half-up).
    assert (a1.value, a1.points, a1.max_points) == (72, 10.94, 11.25)
    # 手术量 3.5万 against "达到 3万" ({min: 3}, no upper end): inside -> 9.37.
    assert ind("shanxi_nrmc", "demo_cancer", "A4").points == 9.37
    # 外转率 25 / 125000 x 100 = 0.02%, "低于 0.02%" (lt): exactly at the target is not met -> 0
    # (part B: B1, B2, B4-B9 = 6+3+4+4+3+3+3+4 = 30 share 40 -> B5 5.33).
    b5 = ind("shanxi_nrmc", "demo_cancer", "B5")
    assert (b5.value, b5.points, b5.max_points) == (0.02, 0, 5.33)
    # EMR level 5 where 6 is due (ge): 0 of 10.43 (C1, C2, C3, C6 = 8+8+4+3 = 23 share 30 -> 10.44,
    # 10.43, 5.22, 3.91).
    c2 = ind("shanxi_nrmc", "demo_cancer", "C2")
    assert (c2.value, c2.target, c2.points, c2.max_points) == (5, 6, 0, 10.43)
    # A = 10.94 + 9.38 + 9.37 = 29.69; B = 40 - 5.33 = 34.67; C = 10.44 + 5.22 = 15.66; total 80.02.
    assert parts("shanxi_nrmc", "demo_cancer") == {"A": 29.69, "B": 34.67, "C": 15.66}
    campus = results("shanxi_nrmc").campus("demo_cancer")
    assert (campus.total, campus.deadline, campus.before_deadline) == (80.02, 2026, True)


def test_shanxi_tcm_centre_range_and_own_set() -> None:
    """示例中医医院区域医疗中心 (Xiyuan's targets): inpatients as a range, TCM indicators."""
    # 住院量 22500 / 10000 = 2.25万 inside 2.2万—2.3万 (A3); A2 (超过 a number) does not apply.
    # Part A: A1, A3, A6 (6, 5, 5) share 30 -> 11.25, 9.38, 9.37.
    a3 = ind("shanxi_nrmc", "demo_tcm", "A3")
    assert (a3.value, a3.points, a3.max_points) == (2.25, 9.38, 9.38)
    assert ind("shanxi_nrmc", "demo_tcm", "A2").flags == ["not_applicable"]
    assert ind("shanxi_nrmc", "demo_tcm", "B5").flags == ["not_applicable"]
    # Part B: B1, B4, B6-B8, B10-B14 = 6+4+3+3+3+1+1+1+1+3 = 26 share 40: B10-B13 1.54 each.
    # 出院患者中医非药物治疗比例 96% against "超过 97%": 0 of 1.54; B = 40 - 1.54 = 38.46.
    b12 = ind("shanxi_nrmc", "demo_tcm", "B12")
    assert (b12.points, b12.max_points) == (0, 1.54)
    # Part C: only C1 and C2 (8, 8) apply -> 15 each. 科研经费 600 / 900 x 100 = 66.67万 < 68万 -> 0;
    # EMR 5 >= 5 -> 15. Total 30 + 38.46 + 15 = 83.46.
    assert parts("shanxi_nrmc", "demo_tcm") == {"A": 30, "B": 38.46, "C": 15}
    assert results("shanxi_nrmc").campus("demo_tcm").total == 83.46


def test_shanxi_city_centre_meets_everything() -> None:
    """示例市中心医院区域医疗中心 (PKU First Hospital Taiyuan's targets): full marks, two goals to judge."""
    a1 = ind("shanxi_nrmc", "demo_city", "A1")
    # 160万 against "达到 150万" ({min: 150}): inside the open-ended range -> 11.25 of 11.25.
    assert (a1.value, a1.points) == (160, 11.25)
    campus = results("shanxi_nrmc").campus("demo_city")
    assert (campus.total, campus.max_total, campus.rank) == (100, 100, 1)
    assert [i.code for i in campus.indicators if "not_scorable" in i.flags] == ["Q4", "Q5"]


def test_shanxi_ranking() -> None:
    ranked = sorted(results("shanxi_nrmc").campuses, key=lambda c: c.rank)
    assert [(c.id, c.total) for c in ranked] == [
        ("demo_city", 100), ("demo_tcm", 83.46), ("demo_general", 81.30), ("demo_cancer", 80.02)]


# ---------------------------------------------------------------- Fenghua-style district


def test_fenghua_district_figures_are_shared() -> None:
    # District 2025: 3100 beds / 500000 residents x 1000 = 6.2 per 1,000, target 6.6:
    # 8 x 6.2/6.6 = 7.5151... -> 7.52, the same for every medical community in the district.
    for unit in ("demo_renmin", "demo_tcm", "demo_integrated"):
        a1 = ind("fenghua", unit, "A1")
        assert (a1.value, a1.points, a1.subject) == (6.2, 7.52, "locality")
    # Nurses 2400 / 500000 x 1000 = 4.8, target 5.1: 8 x 4.8/5.1 = 7.5294 -> 7.53.
    assert ind("fenghua", "demo_renmin", "A3").points == 7.53
    # 区域就诊率 1800000 / (1800000 + 200000) x 100 = 90% against 90%: full 12.
    assert (ind("fenghua", "demo_renmin", "B1").value, ind("fenghua", "demo_renmin", "B1").points) == (90, 12)
    # 基层就诊率 1200000 / 2000000 x 100 = 60% against 65%: 10 x 60/65 = 9.2308 -> 9.23.
    assert ind("fenghua", "demo_renmin", "B2").points == 9.23
    # A = 7.52 + 8 (4.6 >= 4.4) + 7.53 + 3 (0.84 >= 0.8) + 2.8 (3 x 0.56/0.6) = 28.85 for all three.
    assert {parts("fenghua", u)["A"] for u in ("demo_renmin", "demo_tcm", "demo_integrated")} == {28.85}


def test_fenghua_stay_caps_by_grade() -> None:
    """Average stay capped at 7.5 (3B general), 7 (3A TCM) and 9 days (3B integrated), per unit."""
    # 156000 / 20000 = 7.8 days over the 7.5 cap: 10 x 7.5/7.8 = 9.6154 -> 9.62.
    renmin = ind("fenghua", "demo_renmin", "C1")
    assert (renmin.value, renmin.target, renmin.points) == (7.8, 7.5, 9.62)
    # 84000 / 12000 = 7.0 days, exactly the 7-day cap: full 10.
    tcm = ind("fenghua", "demo_tcm", "C1")
    assert (tcm.value, tcm.target, tcm.points) == (7, 7, 10)
    # 85000 / 10000 = 8.5 days within its 9-day cap: full 10 (under the default 7.5 it would be 8.82).
    integrated = ind("fenghua", "demo_integrated", "C1")
    assert (integrated.value, integrated.target, integrated.points) == (8.5, 9, 10)


def test_fenghua_day_surgery_from_the_catalog() -> None:
    # 国考 3 = 日间手术台次数 / 择期手术台次数 x 100, scored on a rise against 2024.
    # 人民医院: 1500/7500 = 20% -> 1800/7500 = 24%: rose -> 5.
    assert (ind("fenghua", "demo_renmin", "C2").previous_value, ind("fenghua", "demo_renmin", "C2").points) == (20, 5)
    # 中医医院: 15% both years: no rise -> 0.
    assert ind("fenghua", "demo_tcm", "C2").points == 0
    # 中西医结合医院: 2024 reported as 无 -> the change cannot be judged; missing: zero -> 0, flagged.
    c2 = ind("fenghua", "demo_integrated", "C2")
    assert (c2.points, c2.flags) == (0, ["previous_missing"])


def test_fenghua_totals() -> None:
    # 人民医院: A 28.85; B 12 + 9.23 + 8 (二甲 是) = 29.23;
    #   C 9.62 + 5 + 8 (60 >= 60) + 5 (92 >= 90) + 4 (63 >= 60) + 3.75 (4 x 75/80) + 3.45 (4 x 5/5.8) = 38.82;
    #   total 96.90.
    # 中医医院: C 10 + 0 + 7.33 (8 x 55/60) + 5 + 3.33 (4 x 50/60) + 3.75 + 3.45 = 32.86; total 90.94.
    # 中西医结合医院: B 21.23 (二甲 否); C 10 + 0 + 8 + 4.72 (5 x 85/90) + 4 + 3.75 + 3.45 = 33.92; total 84.00.
    totals = {c.id: (c.total, [p.score for p in c.parts]) for c in results("fenghua").campuses}
    assert totals == {
        "demo_renmin": (96.90, [28.85, 29.23, 38.82]),
        "demo_tcm": (90.94, [28.85, 29.23, 32.86]),
        "demo_integrated": (84.00, [28.85, 21.23, 33.92]),
    }


# ---------------------------------------------------------------- county medical communities


def test_county_targets_and_rises() -> None:
    # East 2019: 县域就诊率 855000 / (855000 + 145000) x 100 = 85.5% against 90%: 25 x 85.5/90 = 23.75.
    a1 = ind("county_medical_community", "demo_east", "A1")
    assert (a1.value, a1.points) == (85.5, 23.75)
    # 签约率 96000 / 200000 x 100 = 48% against 50%: 15 x 48/50 = 14.4.
    assert ind("county_medical_community", "demo_east", "A3").points == 14.4
    # The same rate scored on its rise: 83% (2018) -> 85.5%: full 15.
    b1 = ind("county_medical_community", "demo_east", "B1")
    assert (b1.previous_value, b1.value, b1.points) == (83, 85.5, 15)
    # West: 县域就诊率 92% both years -> A1 full 25, B1 no rise 0; 基层就诊率 58% against 65%:
    # 20 x 58/65 = 17.846 -> 17.85.
    assert ind("county_medical_community", "demo_west", "A1").points == 25
    assert ind("county_medical_community", "demo_west", "B1").points == 0
    assert ind("county_medical_community", "demo_west", "A2").points == 17.85
    # South: 签约率 exactly 50%: full 15; 下转患者人次数 (国考 2) not reported for 2019: 0, flagged missing.
    assert ind("county_medical_community", "demo_south", "A3").points == 15
    b3 = ind("county_medical_community", "demo_south", "B3")
    assert (b3.points, b3.flags) == (0, ["missing"])


def test_county_monitors_and_goals_are_not_scored() -> None:
    # 国考 38 from the catalog, monitored: (250 - 240) / 240 x 100 = 4.1667; West's is negative,
    # (208 - 210) / 210 x 100 = -0.952, which a growth rate may be (scale ratio).
    b4 = ind("county_medical_community", "demo_east", "B4")
    assert (b4.points, b4.max_points) == (None, 0)
    assert b4.value is not None and math.isclose(b4.value, 10 / 240 * 100)
    west = ind("county_medical_community", "demo_west", "B4").value
    assert west is not None and math.isclose(west, -2 / 210 * 100)
    for code in ("Q1", "Q2", "Q3"):
        q = ind("county_medical_community", "demo_east", code)
        assert (q.flags, q.points, q.goal is not None) == (["not_scorable"], None, True)


def test_county_totals() -> None:
    # East: 23.75 + 20 (66 >= 65) + 14.4 + 15 + 15 (62 -> 66) + 10 (1000 -> 1200 referrals) = 98.15.
    # West: 25 + 17.85 + 15 (52 >= 50) + 0 + 0 (60 -> 58) + 0 (900 -> 800) = 57.85.
    # South: 24.44 (25 x 88/90 = 24.444) + 20 (65 >= 65) + 15 + 15 (86 -> 88) + 15 (64 -> 65) + 0 = 89.44.
    totals = {c.id: c.total for c in results("county_medical_community").campuses}
    assert totals == {"demo_east": 98.15, "demo_west": 57.85, "demo_south": 89.44}


# ---------------------------------------------------------------- the CLI, from another folder


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "campuseval", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", check=False)


@pytest.mark.parametrize("setting", SETTINGS)
def test_cli_scores_each_example_from_another_folder(setting: str, tmp_path: Path) -> None:
    data = sorted(str(p) for p in (EXAMPLES / setting / "data").glob("*.csv"))
    out = tmp_path / "out"
    proc = _cli(tmp_path, "score", *data, "--targets", str(EXAMPLES / setting / "targets.yaml"), "--out", str(out),
                "--format", "json,md", "--generated-at", STAMP)
    assert proc.returncode == 0, proc.stderr
    saved = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert {c["id"]: c["total"] for c in saved["campuses"]} == {c.id: c.total for c in results(setting).campuses}
    assert (out / "report.md").stat().st_size > 0


def test_cli_html_report_for_units_without_hq(tmp_path: Path) -> None:
    setting = "county_medical_community"
    data = sorted(str(p) for p in (EXAMPLES / setting / "data").glob("*.csv"))
    proc = _cli(tmp_path, "score", *data, "--targets", str(EXAMPLES / setting / "targets.yaml"), "--out",
                str(tmp_path / "out"), "--format", "html", "--generated-at", STAMP)
    assert proc.returncode == 0, proc.stderr


def test_cli_indicators_lists_range_targets(tmp_path: Path) -> None:
    proc = _cli(tmp_path, "indicators", "--targets", str(CONFIGS / "targets" / "shanxi_nrmc.yaml"))
    assert proc.returncode == 0, proc.stderr
