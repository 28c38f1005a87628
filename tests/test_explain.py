"""Reports that explain every point: arithmetic in words, lost points, owners, counts, small samples, last year."""

from __future__ import annotations

import dataclasses
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from campuseval import load_config, read_data, score
from campuseval.config.effective import EffectiveTable
from campuseval.engine.history import campus_change, changes, score_earlier
from campuseval.formula import fraction
from campuseval.losses import lost_points, reason_of
from campuseval.report import render
from campuseval.report.view import build
from campuseval.results import CampusScore, IndicatorScore, PartScore, Results, Text, Trace
from campuseval.rounding import clean

sys.path.insert(0, str(Path(__file__).resolve().parent / "golden"))
from regenerate import SETTINGS, example_results

EXAMPLES = ("shaoxing", *SETTINGS)


@pytest.fixture(scope="module")
def shaoxing() -> Results:
    return example_results("shaoxing")


@pytest.fixture(scope="module")
def every_example() -> dict[str, Results]:
    return {name: example_results(name) for name in EXAMPLES}


def words(results: Results, campus: str, code: str, lang: str = "zh") -> str:
    ind = next(i for i in results.campus(campus).indicators if i.code == code)
    assert ind.trace.words is not None
    return getattr(ind.trace.words, lang)


# ------------------------------------------------------------------ lost points


def test_lost_points_add_up_to_maximum_minus_total_for_every_campus_of_every_example(
        every_example: dict[str, Results]) -> None:
    checked = 0
    for name, results in every_example.items():
        for c in results.campuses:
            losses = lost_points(c, results.method.rounding["total"])
            listed = sum((clean(x.lost) for x in losses), start=Decimal(0))
            assert listed == clean(c.max_total) - clean(c.total), (name, c.id, [(x.code, x.lost) for x in losses])
            assert [x.lost for x in losses if x.reason not in ("bonus", "rounding", "veto")] == sorted(
                (x.lost for x in losses if x.reason not in ("bonus", "rounding", "veto")), reverse=True)
            checked += 1
    assert checked == 14  # 4 Shaoxing campuses, 4 Shanxi centres, 3 Fenghua and 3 county communities


def test_lost_points_of_beitang_by_hand(shaoxing: Results) -> None:
    c = shaoxing.campus("beitang")
    losses = {x.code: x for x in lost_points(c)}
    # C3 missing ("—") scores 0 of 4 (C3 carries 4 since the panel-marked C5 took 4 of part C's 30);
    # B3 and B4 rose at the HQ (5.13% -> 5.39%, 6.67% -> 7.00%): 0 of 6 each.
    assert (losses["C3"].lost, losses["C3"].reason) == (4.0, "missing")
    assert (losses["B3"].lost, losses["B3"].reason) == (6.0, "change_up")
    assert (losses["B4"].lost, losses["B4"].reason) == (6.0, "change_up")
    # C5, the panel's marks (trimmed mean 3.25 of 4): 4 - 3.25 = 0.75 below its maximum.
    assert (losses["C5"].lost, losses["C5"].reason) == (0.75, "below_target")
    # A5: HQ 2/10,416 against the campus's rate: the ratio's shortfall against 0.9 is "与总院差距".
    assert losses["A5"].reason == "hq_gap"
    # 100 - 75.18 = 24.82, and the three above are 16 of them; the largest first, ties in table order.
    assert sum(x.lost for x in losses.values()) == pytest.approx(24.82)
    assert [x.code for x in lost_points(c)][:3] == ["B3", "B4", "C3"]


def _ind(code: str, points: float, max_points: float, rule: str = "target_pro_rata",
         flags: list[str] | None = None) -> IndicatorScore:
    return IndicatorScore(
        code=code, name=Text(zh=code, en=code), part="A", scale="count", unit=None, direction="higher",
        subject="campus", rule=rule, value=1.0, hq_value=None, previous_value=None, target=None, points=points,
        max_points=max_points, scored=rule not in ("bonus", "veto"), gap=None, flags=flags or [],  # type: ignore[arg-type]
        trace=Trace())


def _campus(inds: list[IndicatorScore], parts: float, bonus: float, total: float, veto: str | None) -> CampusScore:
    return CampusScore(id="x", name=Text(zh="x", en="x"), hq=None, district=None, total=total, max_total=20.0, rank=1,
                       bonus=bonus, veto=veto, parts=[PartScore(code="A", name=Text(zh="A", en="A"), score=parts,
                                                                max=20.0)],
                       indicators=inds, flag_count=0)


def test_lost_points_count_a_bonus_back_and_a_veto_in_full() -> None:
    # Two indicators of 10: 7.25 and 10 (part 17.25); a bonus of 1.5 gives 18.75; a zeroing veto makes it 0.
    inds = [_ind("A1", 7.25, 10.0), _ind("A2", 10.0, 10.0), _ind("X1", 1.5, 0.0, "bonus"),
            _ind("V1", 0.0, 0.0, "veto", ["veto"])]
    c = _campus(inds, parts=17.25, bonus=1.5, total=0.0, veto="V1")
    losses = lost_points(c)
    assert [(x.code, x.lost, x.reason) for x in losses] == [
        ("A1", 2.75, "below_target"),  # 10 - 7.25
        ("X1", -1.5, "bonus"),  # the bonus gives 1.5 back
        ("V1", 18.75, "veto"),  # 17.25 + 1.5 = 18.75, all taken by the veto
    ]
    assert sum(x.lost for x in losses) == 20.0 - 0.0  # maximum 20, total 0
    # Without the veto: 20 - 18.75 = 1.25 = 2.75 - 1.5.
    c = _campus(inds[:3], parts=17.25, bonus=1.5, total=18.75, veto=None)
    assert sum(x.lost for x in lost_points(c)) == 1.25


def test_reason_of_a_change_that_held_still() -> None:
    ind = _ind("B1", 0.0, 5.0, "change_vs_previous")
    ind.value, ind.previous_value = 4.0, 4.0
    assert reason_of(ind) == "change_same"


def test_findings_name_the_largest_losses(shaoxing: Results) -> None:
    view = build(shaoxing, "zh")
    line = next(f for f in view.findings if f.startswith("示例三院北塘院区共失"))
    assert line == ("示例三院北塘院区共失 24.82 分，失分最多的是：B3（6.00 分，较上年上升）、"
                    "B4（6.00 分，较上年上升）、C3（4.00 分，数据缺失）。")


# ------------------------------------------------------------------ arithmetic in words


def test_words_of_a_relative_rule_by_hand(shaoxing: Results) -> None:
    # 东湖 2024: campus 2 deaths in 4,884 low-risk cases (0.0410%), HQ 1 in 10,363 (0.0096%). Lower is better,
    # so the ratio is HQ ÷ campus = (1/10363) / (2/4884) = 4884 / 20726 = 0.2356; below the full ratio 0.9:
    # 4 × 0.2356 ÷ 0.9 = 1.0473, 四舍五入 1.05.
    assert words(shaoxing, "donghu", "A5") == (
        "总院值 0.0096% ÷ 院区值 0.041% = 0.2356，未达到 0.9：4 × 0.2356 ÷ 0.9 = 1.0473 分；四舍五入记 1.05 分。")
    assert round(4884 / 20726, 4) == 0.2356
    assert shaoxing.campus("donghu").indicators[4].points == 1.05


def test_words_of_a_change_rule_and_of_a_missing_value(shaoxing: Results) -> None:
    assert words(shaoxing, "beitang", "B3") == "总院值较上年上升（5.13% → 5.39%），本项要求下降：不得分。"
    assert words(shaoxing, "beitang", "B3", "en") == (
        "HQ value rose from last year (5.13% → 5.39%); the indicator should fall: no points.")
    assert words(shaoxing, "beitang", "C3") == "未取得数值；按 0 分计。"


def test_words_of_target_and_cap_rules_by_hand(shaoxing: Results) -> None:
    # C4 东湖: 39 trainees against a target of 50: 4 × 39 ÷ 50 = 3.12 exactly.
    assert words(shaoxing, "donghu", "C4") == "院区值 39，目标 50：4 × 39 ÷ 50 = 3.12 分。"
    # B5 东湖 (the locality's value): 22.29% over a cap of 20%: 6 × 20 ÷ 22.2892 = 5.3838 -> 5.38.
    assert words(shaoxing, "donghu", "B5") == (
        "属地值 22.29%，超过上限 20%：6 × 20 ÷ 22.29 = 5.3838 分；四舍五入记 5.38 分。")


_LATIN_RUN = re.compile(r"[A-Za-z]{3,}")


def test_zh_arithmetic_has_no_english_words(every_example: dict[str, Results]) -> None:
    """No run of three or more Latin letters in a zh report's arithmetic, apart from codes and units."""
    for name, results in every_example.items():
        allowed = {mi.code for mi in results.method.indicators}
        allowed |= {w for c in results.campuses for i in c.indicators if i.unit
                    for w in _LATIN_RUN.findall(i.unit.zh)}
        texts = [i.trace.words.zh for c in results.campuses for i in c.indicators if i.trace.words]
        view = build(results, "zh")
        texts += [r.words for c in view.campuses for r in c.indicators]
        texts += [x.words + x.reason for c in view.campuses for x in c.losses]
        texts += [c.loss_total + c.previous for c in view.campuses]
        assert texts
        for text in texts:
            bad = [w for w in _LATIN_RUN.findall(text) if w not in allowed]
            assert bad == [], (name, text)


def test_every_scored_indicator_has_words_in_both_languages(every_example: dict[str, Results]) -> None:
    for results in every_example.values():
        for c in results.campuses:
            for i in c.indicators:
                assert i.trace.words is not None and i.trace.words.zh and i.trace.words.en, (c.id, i.code)
                assert i.trace.arithmetic  # the machine form is kept beside the words


def test_scores_json_keeps_machine_form_and_both_languages(shaoxing: Results) -> None:
    from campuseval.export import results_json

    text = results_json.dumps(shaoxing)
    assert '"arithmetic": "ratio 0.0096 ÷ 0.041 = 0.2356;' in text
    assert "四舍五入记 1.05 分" in text and "rounded half-up to 1.05 points" in text
    back = results_json.loads(text) if hasattr(results_json, "loads") else None
    if back is not None:
        assert back.campus("donghu").indicators[4].trace.words == shaoxing.campus("donghu").indicators[4].trace.words


# ------------------------------------------------------------------ owners, counts, small samples


def test_values_stand_under_their_owner_with_counts(shaoxing: Results) -> None:
    rows = {r.code: r for r in build(shaoxing, "zh").campuses[1].indicators}  # 东湖, second by rank
    assert (rows["B3"].campus_value, rows["B3"].hq_value, rows["B3"].locality_value) == ("", "4.16%", "")
    assert (rows["B5"].campus_value, rows["B5"].hq_value, rows["B5"].locality_value) == ("", "", "22.29%")
    assert rows["A5"].campus_value == "0.0410%" and rows["A5"].campus_counts == "2 / 4,884"
    assert rows["A5"].hq_value == "0.0096%" and rows["A5"].hq_counts == "1 / 10,363"
    assert rows["C2"].campus_value == "247" and rows["C2"].campus_counts == ""  # a count, no formula


def test_fraction_of_a_formula() -> None:
    assert fraction("low_risk_deaths / low_risk_cases * 100") == ("low_risk_deaths", "low_risk_cases")
    assert fraction("100 * a / b") == ("a", "b")
    assert fraction("a / b") == ("a", "b")
    assert fraction("(a + b) / c") is None  # no single count of events
    assert fraction("a * b") is None and fraction(None) is None and fraction("a /") is None


def test_small_sample_flag_follows_the_threshold(shaoxing: Results) -> None:
    def flagged(results: Results) -> set[tuple[str, str]]:
        return {(c.id, i.code) for c in results.campuses for i in c.indicators if "small_sample" in i.flags}

    # Default 5: every A5 (deaths 0-3 at campus or HQ); no other rate has fewer than 5 events.
    assert flagged(shaoxing) == {(c, "A5") for c in ("donghu", "xishan", "nanjiang", "beitang")}
    assert shaoxing.method.small_sample == 5
    eff = load_config(Path(__file__).resolve().parents[1] / "examples" / "shaoxing" / "targets.yaml")
    data = read_data(sorted(str(p) for p in (Path(__file__).resolve().parents[1] / "examples" / "shaoxing" /
                                              "data").glob("*.csv")), eff)
    def with_threshold(k: int) -> EffectiveTable:
        return dataclasses.replace(eff, table=eff.table.model_copy(update={"small_sample": k}))

    assert flagged(score(with_threshold(0), data, previous=False)) == set()
    # 1: only a numerator of 0: 西山 had no low-risk death in 2024 (0 / 3,778); the HQs had 1 or more.
    assert flagged(score(with_threshold(1), data, previous=False)) == {("xishan", "A5")}
    # The flag is information, not a problem: it does not count towards 标记数.
    assert shaoxing.campus("xishan").flag_count == 4


# ------------------------------------------------------------------ last year


def test_last_year_is_scored_with_the_same_table(shaoxing: Results) -> None:
    root = Path(__file__).resolve().parents[1]
    eff = load_config(root / "examples" / "shaoxing" / "targets.yaml")
    data = read_data(sorted(str(p) for p in (root / "examples" / "shaoxing" / "data").glob("*.csv")), eff)
    # 2023 alone lacks 2022 for B3/B4: scored as last year is, going on with the gap said
    alone = score(eff, data, year=2023, previous=False, allow_incomplete=True)
    assert shaoxing.previous is not None and shaoxing.previous.year == 2023
    assert [(c.id, c.total, c.rank) for c in shaoxing.previous.campuses] == [
        (c.id, c.total, c.rank) for c in alone.campuses]
    assert alone.previous is None and score(eff, data, previous=False).previous is None
    earlier = score_earlier(eff, data, 2022)
    assert isinstance(earlier, Text) and "2022" in earlier.zh


def test_change_is_like_for_like_when_a_year_lacks_a_value(shaoxing: Results) -> None:
    ch = changes(shaoxing)["xishan"]
    # 2023 has no 2022 values, so B3/B4 (change rules) scored 0 as "previous_missing" that year.
    assert ch.not_comparable == ["B3", "B4"]
    assert (ch.previous_total, ch.previous_rank) == (74.49, 4)
    assert ch.change == pytest.approx(95.49 - 74.49)
    now = {i.code: i.points or 0.0 for i in shaoxing.campus("xishan").indicators}
    assert shaoxing.previous is not None
    before = {i.code: i.points or 0.0 for i in shaoxing.previous.campus("xishan").indicators}
    like = sum(now[k] - before[k] for k in now if k not in ("B3", "B4"))
    assert ch.like_for_like == pytest.approx(like) and ch.like_for_like == pytest.approx(9.0)
    same = campus_change(shaoxing.campus("xishan"), shaoxing.campus("xishan"))
    assert (same.change, same.not_comparable, same.like_for_like) == (0.0, [], None)


def test_report_sets_last_year_beside_this_year(shaoxing: Results) -> None:
    md = render(shaoxing, "md", "zh")
    assert "| 排名 | 院区 | 总分 | A（40 分） | B（30 分） | C（30 分） | 上年总分 | 上年排名 | 变化 |" in md
    assert "| 1 | 示例二院西山院区 | 95.49 / 100 | 38.38 | 29.00 | 28.11 | 74.49 | 4 | +9.00\\* |" in md
    assert "上年（2023 年）74.49 分，排名第 4；较上年 +21.00 分" in md


# ------------------------------------------------------------------ words in the report


def test_report_words(shaoxing: Results) -> None:
    zh = render(shaoxing, "md", "zh")
    en = render(shaoxing, "md", "en")
    assert zh.startswith("# 示例市（虚构）2024年度院区综合评价报告\n")
    assert "项次" in zh and "标记数：需要关注的指标个数" in zh
    assert "Medical service reach" in en and "Medical radiation" not in en
    # Only missing values under 缺失数据: 西山's zero death count is a note elsewhere.
    section = zh.split("### 1. 示例二院西山院区")[1].split("### 2.")[0]
    missing = section.split("#### 缺失数据")[1].split("####")[0]
    assert "无缺失数据" in missing and "院区值为 0" not in missing
    assert "院区值为 0" in section.split("#### 其他说明")[1]
    # Inputs by name, then the path.
    assert "| 数据文件 | campus.csv | examples/shaoxing/data/campus.csv |" in zh


def test_unit_view_names_only_its_campus(shaoxing: Results) -> None:
    for c in shaoxing.campuses:
        for fmt in ("html", "md"):
            text = render(shaoxing, fmt, "zh", unit=c.id)
            assert c.name.zh in text
            others = [o for o in shaoxing.campuses if o.id != c.id]
            assert not [o.name.zh for o in others if o.name.zh in text], (c.id, fmt)
            assert not [o.hq.name.zh for o in others if o.hq and o.hq.name.zh in text], (c.id, fmt)
            assert "在 4 个院区中排名第" in text  # its rank among all
    with pytest.raises(KeyError):
        render(shaoxing, "html", "zh", unit="nowhere")


@pytest.mark.parametrize(("x", "places", "shown"), [
    (2.675, 2, "2.68"),  # 2.67499999... in binary: the words mean the typed 2.675, half-up
    (0.125, 2, "0.13"), (-0.125, 2, "-0.13"), (1.0473164, 4, "1.0473"), (8.18, 4, "8.18"), (10.0, 2, "10"),
    (0.00004, 4, "0"), (-0.00004, 4, "0"), (28.499999999999996, 0, "29"), (1234567.891, 2, "1234567.89"),
])
def test_fast_number_words_round_half_up_like_num(x: float, places: int, shown: str) -> None:
    from campuseval.engine.explain import _num
    from campuseval.formatting import num

    assert _num(x, places) == shown == num(x, places)


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(min_value=0, max_value=4))
@settings(max_examples=3000, deadline=None)
def test_fast_number_words_equal_num(x: float, places: int) -> None:
    from campuseval.engine.explain import _num
    from campuseval.formatting import num

    assert _num(x, places) == num(x, places)
