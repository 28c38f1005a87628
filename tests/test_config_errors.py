"""Config errors as the user sees them: one broken file per fault, its first diagnostic exact in English,
located identically in Chinese; several faults reported at once; the `validate` command's exit codes and formats.

The corpus is tests/configs/broken/: every file starts with a `# fault:` comment and holds exactly one
fault. Targets files there extend the shipped table (`builtin:indicators_shaoxing.yaml`) or
tests/configs/valid/small_table.yaml, the table the broken tables are copies of. Campuses a targets file
declares have the HQ and district their indicators read from, unless that is the fault.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import NamedTuple

import pytest
from typer.testing import CliRunner

from campuseval.cli import app
from campuseval.config import check_config
from campuseval.config.catalog import national_catalog
from campuseval.config.shipped import builtin_names

CONFIG_CASES = Path(__file__).parent / "configs"
REPO_CONFIGS = Path(__file__).resolve().parents[1] / "configs"
BROKEN = "tests/configs/broken/"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Lists that grow as configs are shipped and the national catalog is completed: the hints must list
# them all, in the order shown (catalog numbers as in the catalog: 1, 2, ... 10, not 1, 10, 2).
SHIPPED_NAMES = ", ".join(builtin_names(extendable=True))  # catalogs cannot be extended
CATALOG_NUMBERS = ", ".join(e.number for e in national_catalog().entries)
# The corpus's misfitting indicators have subject campus, so relative_to_hq (which needs both) is not offered.
HIGHER_RULES = ("target_pro_rata, deduct_per_unit, linear_band, graded_bands, yes_no, "
                "change_vs_previous, monitor, bonus, meets_target, within_range, qualitative, expert")
LOWER_RULES = ("cap_pro_rata, deduct_per_unit, linear_band, graded_bands, yes_no, "
               "change_vs_previous, monitor, veto, meets_target, within_range, qualitative")
GEOMETRIC_BONUS_HINT = ("a geometric total is the weighted geometric mean of the part rates and is 0 when a part "
                        "is 0; points on top have no consistent meaning there. Use aggregation: additive, or make "
                        "it an ordinary scored indicator of a part")
RULE_CHOICES = ("'target_pro_rata', 'cap_pro_rata', 'deduct_per_unit', 'linear_band', 'graded_bands', 'yes_no', "
                "'relative_to_hq', 'change_vs_previous', 'monitor', 'bonus', 'veto', 'meets_target', 'within_range', "
                "'qualitative', 'expert'")
INDICATOR_KEYS = ("applies_to, code, definition, direction, formula, homogeneity, missing, name, national_no, "
                  "part, points, rule, scale, source, subject, target, unit")


class Case(NamedTuple):
    file: str  # under tests/configs/broken/
    line: int | None
    col: int | None
    path: str | None  # key path as shown, list items by their code
    en: str  # first line of the first diagnostic in English, after "tests/configs/broken/"
    hint: str | None  # the hint in English, exactly


CASES = [
    Case('circular/a.yaml', 2, 10, 'extends',
         'circular/b.yaml:2:10: extends: circular extends: tests/configs/broken/circular/a.yaml -> tests/configs/broken/circular/b.yaml -> tests/configs/broken/circular/a.yaml',
         None),
    Case('circular/b.yaml', 2, 10, 'extends',
         'circular/a.yaml:2:10: extends: circular extends: tests/configs/broken/circular/b.yaml -> tests/configs/broken/circular/a.yaml -> tests/configs/broken/circular/b.yaml',
         None),
    Case('table_band_min_max.yaml', 33, 11, 'indicators.X1.rule.bands[1]',
         'table_band_min_max.yaml:33:11: indicators.X1.rule.bands[1]: band min 50 must be below its max 40',
         None),
    Case('table_bands_overlap.yaml', 31, 7, 'indicators.X1.rule.bands',
         'table_bands_overlap.yaml:31:7: indicators.X1.rule.bands: bands overlap: [0, 40) and [30, 60)',
         None),
    Case('table_deduct_zero.yaml', 31, 15, 'indicators.X1.rule.deduct',
         'table_deduct_zero.yaml:31:15: indicators.X1.rule.deduct: must be greater than 0, got 0',
         None),
    Case('table_duplicate_code.yaml', 40, 11, 'indicators.X1.code',
         "table_duplicate_code.yaml:40:11: indicators.X1.code: code 'X1' is used twice",
         None),
    Case('table_duplicate_key.yaml', 25, 5, None,
         "table_duplicate_key.yaml:25:5: duplicate key 'points' (first on line 23)",
         'remove or merge one of them; YAML would silently keep only the last'),
    Case('table_empty.yaml', None, None, None,
         'table_empty.yaml: the file is empty',
         'a table or targets file needs keys; see the examples in configs/'),
    Case('table_formula_attribute.yaml', 28, 14, 'indicators.X1.formula',
         "table_formula_attribute.yaml:28:14: indicators.X1.formula: the formula uses '.' to reach an attribute",
         'a formula may hold numbers, raw field codes, + - * /, brackets and min/max/abs/ln/log10/exp/sqrt'),
    Case('table_formula_call.yaml', 28, 14, 'indicators.X1.formula',
         "table_formula_call.yaml:28:14: indicators.X1.formula: the formula calls __import__('os').system; "
         "only min, max, abs, ln, log10, exp and sqrt may be called (ln and the like take one argument)",
         'a formula may hold numbers, raw field codes, + - * /, brackets and min/max/abs/ln/log10/exp/sqrt'),
    Case('table_formula_unknown_name.yaml', 28, 14, 'indicators.X1.formula',
         "table_formula_unknown_name.yaml:28:14: indicators.X1.formula: the formula uses 'nmu', which is not a declared raw field",
         "did you mean 'num'? valid here: den, num"),
    Case('table_fullwidth_colon.yaml', 32, 9, None,
         "table_fullwidth_colon.yaml:32:9: a full-width colon '：' follows the key",
         "use an ASCII colon followed by a space ': '"),
    Case('table_fullwidth_space.yaml', 32, 1, None,
         'table_fullwidth_space.yaml:32:1: indented with a full-width space (U+3000)',
         'replace the full-width spaces at the start of the line with ASCII spaces'),
    Case('table_gbk.yaml', 4, None, None,
         'table_gbk.yaml:4: the file is GBK/GB18030 encoded; config files must be UTF-8',
         'open it in Notepad or VS Code and save it again with encoding UTF-8'),
    Case('table_linear_band_limit.yaml', 31, 14, 'indicators.X1.rule.limit',
         'table_linear_band_limit.yaml:31:14: indicators.X1.rule.limit: for higher-is-better, limit 60 must be below the target 50',
         None),
    Case('table_missing_direction.yaml', 20, 5, 'indicators.X1',
         "table_missing_direction.yaml:20:5: indicators.X1: required key 'direction' is missing",
         None),
    Case('table_needs_target.yaml', 29, 18, 'indicators.X1.rule.type',
         'table_needs_target.yaml:29:18: indicators.X1.rule.type: rule target_pro_rata needs a target',
         'add a target to the indicator (or under targets in a targets file)'),
    Case('table_part_sum.yaml', 10, 13, 'parts.P.points',
         "table_part_sum.yaml:10:13: parts.P.points: part P: its indicators' points sum to 55, not the part's 60",
         'adjust the points of its indicators, or of the part'),
    Case('table_parts_total.yaml', 7, 1, 'parts',
         "table_parts_total.yaml:7:1: parts: the parts' points sum to 90, not the total 100",
         "adjust the parts' points or total_points"),
    Case('table_points_text.yaml', 43, 13, 'indicators.Y1.points',
         "table_points_text.yaml:43:13: indicators.Y1.points: expected a number, got '十'",
         None),
    Case('table_python_tag.yaml', 5, 13, None,
         'table_python_tag.yaml:5:13: YAML tag !!python/object:os.system is not allowed',
         "remove the tag starting with '!'; configs hold plain keys, values and lists"),
    Case('table_relative_on_campus.yaml', 29, 18, 'indicators.X1.rule.type',
         'table_relative_on_campus.yaml:29:18: indicators.X1.rule.type: relative_to_hq needs campus and HQ values: subject must be both (this one is campus)',
         None),
    Case('table_relative_ratio_order.yaml', 39, 5, 'indicators.X2.rule',
         'table_relative_ratio_order.yaml:39:5: indicators.X2.rule: zero_ratio 0.9 must be below full_ratio 0.8',
         None),
    Case('table_rule_direction.yaml', 29, 18, 'indicators.X1.rule.type',
         'table_rule_direction.yaml:29:18: indicators.X1.rule.type: rule cap_pro_rata does not fit direction higher',
         'rules for this direction: ' + HIGHER_RULES),
    Case('table_tab_indent.yaml', 32, 1, None,
         'table_tab_indent.yaml:32:1: indented with a tab',
         'YAML indents with spaces only: replace the tab with two spaces'),
    Case('table_target_fraction.yaml', 30, 13, 'indicators.X1.target',
         'table_target_fraction.yaml:30:13: indicators.X1.target: a fraction target must be within 0-1, got 45',
         '0.45 means 45%; to write percentage points, set scale: percent'),
    Case('table_target_percent.yaml', 30, 13, 'indicators.X1.target',
         'table_target_percent.yaml:30:13: indicators.X1.target: a percent target must be within 0-100, got 120',
         'percentages are written in points: 45% is 45'),
    Case('table_target_unused.yaml', 40, 13, 'indicators.X2.target',
         'table_target_unused.yaml:40:13: indicators.X2.target: rule relative_to_hq does not use a target',
         'remove the target, or choose a rule that uses one'),
    Case('table_unknown_key_formual.yaml', 28, 5, 'indicators.X1.formual',
         "table_unknown_key_formual.yaml:28:5: indicators.X1.formual: unknown key 'formual'",
         "did you mean 'formula'? valid here: " + INDICATOR_KEYS),
    Case('table_unknown_key_tolerence.yaml', 40, 5, 'indicators.X2.tolerence',
         "table_unknown_key_tolerence.yaml:40:5: indicators.X2.tolerence: unknown key 'tolerence'",
         "did you mean 'homogeneity'? valid here: " + INDICATOR_KEYS),
    Case('table_unknown_part.yaml', 42, 11, 'indicators.Y1.part',
         "table_unknown_part.yaml:42:11: indicators.Y1.part: there is no part 'R'",
         'valid here: P, Q'),
    Case('table_unknown_rule_type.yaml', 29, 18, 'indicators.X1.rule.type',
         "table_unknown_rule_type.yaml:29:18: indicators.X1.rule.type: unknown rule type 'target_prorata'; choose " + RULE_CHOICES,
         "did you mean 'target_pro_rata'?"),
    Case('table_veto_cap_missing.yaml', 58, 5, 'indicators.V1.rule',
         'table_veto_cap_missing.yaml:58:5: indicators.V1.rule: effect cap needs a cap value',
         None),
    Case('table_yaml_syntax.yaml', 38, 20, None,
         'table_yaml_syntax.yaml:38:20: YAML syntax error: mapping values are not allowed here',
         "an extra ': ' on this line or indentation that does not match the line before; quote text that contains a colon"),
    Case('targets_add_exists.yaml', 5, 11, 'add.X2.code',
         'targets_add_exists.yaml:5:11: add.X2.code: indicator X2 already exists',
         'change an existing one with targets, points or rules; to replace it, drop it first'),
    Case('targets_change_dropped.yaml', 6, 7, 'targets.C4',
         'targets_change_dropped.yaml:6:7: targets.C4: indicator C4 is dropped in this file and cannot also be changed',
         None),
    Case('targets_drop_unknown.yaml', 4, 8, 'drop[0]',
         "targets_drop_unknown.yaml:4:8: drop[0]: there is no indicator 'C44'",
         "did you mean 'C4'? valid here: A1, A2, A3, A4, A5, A6, A7, A8, B1, B2, B3, B4, B5, C1, C2, C3, C4"),
    Case('targets_extends_absolute.yaml', 2, 10, 'extends',
         'targets_extends_absolute.yaml:2:10: extends: extends cannot be an absolute path: /etc/campuseval/indicators_shaoxing.yaml',
         'give a path relative to this file, e.g. ../indicators_shaoxing.yaml, or builtin:indicators_shaoxing.yaml'),
    Case('targets_extends_builtin_missing.yaml', 2, 10, 'extends',
         'targets_extends_builtin_missing.yaml:2:10: extends: there is no shipped config builtin:indicators_hangzhou.yaml',
         'shipped configs: ' + SHIPPED_NAMES),
    Case('targets_extends_missing.yaml', 2, 10, 'extends',
         'targets_extends_missing.yaml:2:10: extends: the file extended does not exist: no_such_table.yaml',
         "the path is relative to this file's folder"),
    Case('targets_extends_outside.yaml', 2, 10, 'extends',
         'targets_extends_outside.yaml:2:10: extends: extends points outside the config folder tests/configs: ../../../configs/indicators_shaoxing.yaml',
         'a config may extend files beside it or one folder up; for a shipped table write builtin:NAME'),
    Case('targets_rule_direction.yaml', 5, 14, 'rules.Y1.type',
         'targets_rule_direction.yaml:5:14: rules.Y1.type: rule target_pro_rata does not fit direction lower',
         'rules for this direction: ' + LOWER_RULES),
    Case('targets_target_percent.yaml', 6, 7, 'targets.Y1',
         'targets_target_percent.yaml:6:7: targets.Y1: a percent target must be within 0-100, got 130',
         'percentages are written in points: 45% is 45'),
    Case('targets_target_text.yaml', 5, 7, 'targets.X1',
         "targets_target_text.yaml:5:7: targets.X1: expected a number, got '十'",
         None),
    Case('targets_unknown_campus.yaml', 13, 7, 'targets.C1.campuses.zju2_keqia',
         "targets_unknown_campus.yaml:13:7: targets.C1.campuses.zju2_keqia: there is no campus 'zju2_keqia'",
         "did you mean 'zju2_keqiao'? valid here: zju2_keqiao"),
    Case('targets_unknown_key.yaml', 4, 1, 'target',
         "targets_unknown_key.yaml:4:1: target: unknown key 'target'",
         "did you mean 'targets'? valid here: add, add_raw_fields, allocation, applies_to, campuses, drop, extends, homogeneity, insufficient, locality, min_coverage, missing, notes, points, ranking, reweight, rules, targets, years"),
    # composite indices: what geometric aggregation has no meaning for
    Case('table_geometric_bonus.yaml', 24, 18, 'indicators.X9.rule.type',
         'table_geometric_bonus.yaml:24:18: indicators.X9.rule.type: indicator X9: a bonus rule cannot be used '
         'with aggregation: geometric', GEOMETRIC_BONUS_HINT),
    Case('targets_geometric_bonus.yaml', 13, 18, 'add.X9.rule.type',
         'targets_geometric_bonus.yaml:13:18: add.X9.rule.type: indicator X9: a bonus rule cannot be used '
         'with aggregation: geometric', GEOMETRIC_BONUS_HINT),
    Case('targets_geometric_applies_to.yaml', 6, 5, 'campuses.b',
         'targets_geometric_applies_to.yaml:6:5: campuses.b: with aggregation: geometric, part I has no scored '
         'indicator that applies to b (applies_to)',
         'a geometric mean cannot leave a part out: make at least one scored indicator of the part apply to this '
         'unit, or use aggregation: additive'),
    # range targets, the new rules, catalog references, applies_to and the campuses' HQ and district
    Case('table_within_range_number.yaml', 30, 13, 'indicators.X1.target',
         'table_within_range_number.yaml:30:13: indicators.X1.target: rule within_range needs a target range {min, max}',
         'write it as target: {min: 150, max: 200}'),
    Case('table_pro_rata_range.yaml', 30, 13, 'indicators.X1.target',
         'table_pro_rata_range.yaml:30:13: indicators.X1.target: rule target_pro_rata needs a single target, not a range',
         'use the within_range rule for a target range'),
    Case('table_range_min_max.yaml', 30, 13, 'indicators.X1.target',
         "table_range_min_max.yaml:30:13: indicators.X1.target: the range's min 60 is above its max 40",
         None),
    Case('table_range_empty.yaml', 30, 13, 'indicators.X1.target',
         'table_range_empty.yaml:30:13: indicators.X1.target: a target range needs min, max or both',
         None),
    Case('table_meets_target_op.yaml', 48, 36, 'indicators.Y1.rule.op',
         'table_meets_target_op.yaml:48:36: indicators.Y1.rule.op: comparison gt does not fit direction lower',
         'for this direction use: lt, le'),
    Case('table_qualitative_points.yaml', 23, 13, 'indicators.X1.points',
         'table_qualitative_points.yaml:23:13: indicators.X1.points: rule qualitative is not scored: points must be 0',
         'monitor, veto and qualitative indicators carry no points'),
    Case('targets_catalog_unknown.yaml', 5, 15, 'add[0].catalog',
         'targets_catalog_unknown.yaml:5:15: add[0].catalog: the national catalog has no indicator 66',
         "did you mean '6'? valid here: " + CATALOG_NUMBERS),
    Case('targets_catalog_no_part.yaml', 5, 5, 'add[0]',
         "targets_catalog_no_part.yaml:5:5: add[0]: required key 'part' is missing",
         None),
    Case('targets_add_unknown_part.yaml', 5, 24, 'add[0].part',
         "targets_add_unknown_part.yaml:5:24: add[0].part: there is no part 'R'",
         'valid here: P, Q'),
    Case('targets_extends_catalog.yaml', 2, 10, 'extends',
         'targets_extends_catalog.yaml:2:10: extends: builtin:catalog/national_tertiary.yaml is an indicator catalog and cannot be extended',
         'extend a table or targets file; add catalog indicators by number under add, e.g. - {catalog: 3, part: C, points: 2, rule: ...}'),
    Case('targets_applies_unknown_campus.yaml', 10, 8, 'applies_to.X1[0]',
         "targets_applies_unknown_campus.yaml:10:8: applies_to.X1[0]: applies_to names 'zju2_keqia', which is not a campus",
         "did you mean 'zju2_keqiao'? valid here: zju2_keqiao"),
    Case('targets_campus_no_hq.yaml', 5, 5, 'campuses.zju2_keqiao',
         "targets_campus_no_hq.yaml:5:5: campuses.zju2_keqiao: 'zju2_keqiao' has no hq, but indicators X2 need HQ values",
         'give the unit an hq, or drop the indicator'),
    Case('targets_campus_no_district.yaml', 5, 5, 'campuses.zju2_keqiao',
         "targets_campus_no_district.yaml:5:5: campuses.zju2_keqiao: 'zju2_keqiao' has no district, but indicators Y1 need locality values",
         'give the unit a district, or drop the indicator'),
]


def test_every_broken_file_has_a_case_and_a_fault_comment() -> None:
    files = sorted(str(p.relative_to(CONFIG_CASES / "broken")) for p in (CONFIG_CASES / "broken").rglob("*.yaml"))
    assert files == sorted(c.file for c in CASES)
    assert len(files) >= 30
    for f in files:
        first = (CONFIG_CASES / "broken" / f).read_bytes().split(b"\n", 1)[0]
        assert first.startswith(b"# fault: "), f


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_broken_config_first_diagnostic(case: Case, at_repo_root: Path) -> None:
    result = check_config(BROKEN + case.file)

    assert result.effective is None
    assert len(result.diagnostics) == 1, [d.render("en") for d in result.diagnostics]  # one fault, one message
    d = result.diagnostics[0]
    assert d.severity == "error"
    assert (d.location.line, d.location.col, d.location.path) == (case.line, case.col, case.path)

    en = d.render("en").split("\n")
    assert en[0] == BROKEN + case.en
    if case.hint is None:
        assert d.hint is None and len(en) == 1
    else:
        assert en[1:] == ["  hint: " + case.hint]

    # The location reads the same in Chinese; the message after it is translated.
    shown = case.en.split(":", 1)[0]  # the file the fault is in (for circular extends, the other one)
    prefix = BROKEN + shown
    if case.line is not None:
        prefix += f":{case.line}"
        if case.col is not None:
            prefix += f":{case.col}"
    prefix += f": {case.path}: " if case.path else ": "
    assert en[0].startswith(prefix)
    zh = d.render("zh").split("\n")
    assert zh[0].startswith(prefix)
    assert CJK.search(zh[0][len(prefix):]), zh[0]
    if case.hint is not None:
        assert zh[1].startswith("  提示：") and CJK.search(zh[1])


def test_zero_byte_file_is_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.yaml"
    empty.write_bytes(b"")
    [d] = check_config(empty).diagnostics
    assert d.render("en") == f"{empty}: the file is empty\n  hint: a table or targets file needs keys; see the examples in configs/"
    assert d.render("zh").startswith(f"{empty}: 文件是空的")


def test_missing_file_and_folder(tmp_path: Path) -> None:
    [d] = check_config(tmp_path / "nope.yaml").diagnostics
    assert d.render("en").split("\n")[0] == f"{tmp_path / 'nope.yaml'}: file not found"
    [d] = check_config(tmp_path).diagnostics
    assert d.render("en") == f"{tmp_path}: this is a folder, not a file"


def test_builtin_hint_names_every_shipped_config() -> None:
    shipped = REPO_CONFIGS.rglob("*.yaml")
    assert builtin_names() == sorted("builtin:" + q.relative_to(REPO_CONFIGS).as_posix() for q in shipped)
    assert {"builtin:indicators_shaoxing.yaml", "builtin:targets/keqiao.yaml"} <= set(builtin_names())


def test_choices_read_as_a_chinese_list(at_repo_root: Path, tmp_path: Path) -> None:
    """pydantic's "'a', 'b' or 'c'" reads "a、b 或 c" in Chinese, whatever the number of choices."""
    [d] = check_config(BROKEN + "table_unknown_rule_type.yaml").diagnostics
    zh = d.message.render("zh")
    assert zh == "未知的评分规则“target_prorata”；可选：" + "、".join(RULE_CHOICES.replace("'", "").split(", ")[:-1]) + (
        " 或 expert")
    assert "'" not in zh
    text = (CONFIG_CASES / "valid" / "small_table.yaml").read_text(encoding="utf-8")
    f = tmp_path / "op.yaml"
    f.write_text(text.replace("    rule: {type: cap_pro_rata}\n", "    rule: {type: meets_target, op: lte}\n"),
                 encoding="utf-8")
    [d] = check_config(f).diagnostics
    assert d.render("en").split("\n") == [
        f"{f}:48:36: indicators.Y1.rule.op: 'lte' is not allowed; choose 'gt', 'ge', 'lt' or 'le'",
        "  hint: did you mean 'lt'?"]
    assert d.message.render("zh") == "“lte”不是可选值；可选：gt、ge、lt 或 le"
    f.write_text(text.replace("    rule: {type: cap_pro_rata}\n", "    rule: {type: within_range, outside: none}\n"),
                 encoding="utf-8")
    [d] = check_config(f).diagnostics
    assert d.message.render("zh") == "“none”不是可选值；可选：zero 或 pro_rata"


def test_misspelt_key_of_a_targets_value(tmp_path: Path) -> None:
    """`{defualt: 3}` has neither `default` nor `campuses`, so it reads as a range: the hint still finds default."""
    f = tmp_path / "t.yaml"
    f.write_text("extends: builtin:indicators_shaoxing.yaml\nlocality: {id: x, name: 某区}\n"
                 "targets:\n  C1: {defualt: 3}\n  C2: {min: 200, mx: 300}\n", encoding="utf-8")
    assert [d.render("en") for d in check_config(f).diagnostics] == [
        f"{f}:4:8: targets.C1.defualt: unknown key 'defualt'\n"
        "  hint: did you mean 'default'? valid here: campuses, default, max, min",
        f"{f}:5:18: targets.C2.mx: unknown key 'mx'\n"
        "  hint: did you mean 'max'? valid here: campuses, default, max, min",
    ]


APPLIES_TABLE = """\
id: t
version: 1
name: 测试表
provenance: 测试用
total_points: 10
parts: [{code: P, name: 唯一部分, points: 10}]
indicators:
  - {code: X1, name: 指标一, part: P, points: 5, scale: count, direction: higher, subject: campus,
     definition: 说明, rule: {type: yes_no}, applies_to: [campus_a, campus_c]}
  - {code: X2, name: 指标二, part: P, points: 5, scale: count, direction: higher, subject: campus,
     definition: 说明, rule: {type: yes_no}}
"""


def test_applies_to_of_the_table_is_checked_where_campuses_are_declared(tmp_path: Path) -> None:
    (tmp_path / "table.yaml").write_text(APPLIES_TABLE, encoding="utf-8")
    head = "locality: {id: x, name: 某区}\ncampuses:\n"
    city = tmp_path / "city.yaml"
    city.write_text("extends: table.yaml\n" + head + "  - {id: campus_a, name: 甲}\n  - {id: campus_b, name: 乙}\n",
                    encoding="utf-8")
    [d] = check_config(city).diagnostics
    assert d.render("en") == (f"{city}:3:1: campuses: indicator X1 (inherited) applies to 'campus_c', which is not "
                              "among the campuses\n  hint: did you mean 'campus_b'? valid here: campus_a, campus_b")
    assert d.render("zh").startswith(f"{city}:3:1: campuses: 所继承的指标 X1")
    # Once the campuses are declared, a file narrowing them to its own leaves the others behind: no fault.
    city.write_text("extends: table.yaml\n" + head + "  - {id: campus_a, name: 甲}\n  - {id: campus_c, name: 丙}\n",
                    encoding="utf-8")
    assert check_config(city).diagnostics == []
    district = tmp_path / "district.yaml"
    district.write_text("extends: city.yaml\n" + head + "  - {id: campus_d, name: 丁}\n", encoding="utf-8")
    result = check_config(district)
    assert result.diagnostics == []
    assert result.effective is not None and not result.effective.indicator("X1").applies("campus_d")


def test_applies_to_in_an_added_indicator_points_at_the_name(tmp_path: Path) -> None:
    (tmp_path / "table.yaml").write_text(APPLIES_TABLE.replace(", applies_to: [campus_a, campus_c]", ""),
                                         encoding="utf-8")
    f = tmp_path / "add.yaml"
    f.write_text("extends: table.yaml\nlocality: {id: x, name: 某区}\ncampuses:\n  - {id: campus_a, name: 甲}\n"
                 "add:\n  - {code: X3, name: 指标三, part: P, points: 0, scale: count, direction: higher,\n"
                 "     subject: campus, definition: 说明, rule: {type: monitor}, applies_to: [campus_a, campus_b]}\n",
                 encoding="utf-8")
    [d] = check_config(f).diagnostics
    assert (d.location.line, d.location.col, d.location.path) == (7, 85, "add.X3.applies_to[1]")
    assert d.message.render("en") == "applies_to names 'campus_b', which is not a campus"


def test_unknown_part_in_a_targets_file_is_reported_not_raised(tmp_path: Path) -> None:
    """An indicator added to a part that does not exist once crashed building the effective points."""
    f = tmp_path / "part.yaml"
    f.write_text("extends: builtin:indicators_shaoxing.yaml\nlocality: {id: x, name: 某区}\nadd:\n"
                 "  - {code: Z1, name: 新指标, part: Z, points: 2, scale: count, direction: higher, subject: campus,\n"
                 "     definition: 说明, rule: {type: yes_no}}\n", encoding="utf-8")
    result = check_config(f)
    assert result.effective is None
    assert [d.render("en").split("\n")[0] for d in result.errors] == [
        f"{f}:4:33: add.Z1.part: there is no part 'Z'"]


# ---------------------------------------------------------------- several faults, all reported at once

MULTI = {
    "schema_faults.yaml": [
        (15, 13, "indicators.X1.points", "expected a number, got '十'"),
        (20, 5, "indicators.X1.formual", "unknown key 'formual'"),
        (21, 18, "indicators.X1.rule.type", "unknown rule type 'target_prorata'; choose " + RULE_CHOICES),
        (23, 5, "indicators.X2", "required key 'direction' is missing"),
        (27, 12, "indicators.X2.scale", "'percentage' is not allowed; choose 'percent', 'fraction', 'count', "
         "'money', 'days', 'level' or 'ratio'"),
        (32, 15, "indicators.X2.rule.deduct", "must be greater than 0, got 0"),
    ],
    "check_faults.yaml": [
        (25, 14, "indicators.X1.formula", "the formula uses 'nmu', which is not a declared raw field"),
        (27, 13, "indicators.X1.target", "a percent target must be within 0-100, got 150"),
        (30, 11, "indicators.X2.part", "there is no part 'R'"),
        (36, 18, "indicators.X2.rule.type", "rule cap_pro_rata does not fit direction higher"),
    ],
    "editor_faults.yaml": [
        (7, 1, None, "indented with a tab"),
        (8, 9, None, "a full-width colon '：' follows the key"),
        (9, 1, None, "indented with a full-width space (U+3000)"),
    ],
}


@pytest.mark.parametrize("name", sorted(MULTI))
def test_every_fault_of_a_file_is_reported_at_once(name: str, at_repo_root: Path) -> None:
    result = check_config(f"tests/configs/multi/{name}")
    assert result.effective is None
    got = [(d.location.line, d.location.col, d.location.path, d.message.render("en")) for d in result.diagnostics]
    assert got == MULTI[name]


def test_schema_faults_keep_their_hints(at_repo_root: Path) -> None:
    diags = check_config("tests/configs/multi/schema_faults.yaml").diagnostics
    hints = [d.hint.render("en") if d.hint else None for d in diags]
    assert hints[2] == "did you mean 'target_pro_rata'?"
    assert hints[4] == "did you mean 'percent'?"
    assert hints[1] is not None and hints[1].startswith("did you mean 'formula'?")


# ---------------------------------------------------------------- the validate command

runner = CliRunner()


def test_validate_valid_file_exits_0(at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", "tests/configs/valid/small_table.yaml", "--lang", "en"])
    assert res.exit_code == 0
    assert res.stderr == ("tests/configs/valid/small_table.yaml: valid (3 indicators, total 100)\n"
                          "checked 1 file(s): no errors, 0 warning(s)\n")
    assert res.stdout == ""


def test_validate_broken_file_exits_1_with_the_exact_line(at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", BROKEN + "table_points_text.yaml", "--lang", "en"])
    assert res.exit_code == 1
    assert res.stderr.splitlines() == [
        f"{BROKEN}table_points_text.yaml:43:13: indicators.Y1.points: expected a number, got '十'",
        "checked 1 file(s): 1 error(s), 0 warning(s)",
    ]


def test_validate_speaks_chinese_by_default(at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", BROKEN + "table_points_text.yaml"])
    assert res.exit_code == 1
    assert res.stderr.splitlines()[0] == f"{BROKEN}table_points_text.yaml:43:13: indicators.Y1.points: 应为数字，实际为“十”"


@pytest.mark.parametrize("args", [
    ["validate"],  # no file
    ["validate", "tests/configs/valid/small_table.yaml", "--format", "xml"],
    ["validate", "tests/configs/valid/small_table.yaml", "--lang", "fr"],
])
def test_validate_usage_errors_exit_2(args: list[str], at_repo_root: Path) -> None:
    res = runner.invoke(app, args)
    assert res.exit_code == 2
    assert "Traceback" not in res.output


def test_validate_folder_without_yaml_exits_2(tmp_path: Path) -> None:
    res = runner.invoke(app, ["validate", str(tmp_path), "--format", "text", "--lang", "en"])
    assert res.exit_code == 2
    assert res.stderr == f"{tmp_path}: the folder holds no .yaml file\n"


def test_validate_json(at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", BROKEN + "targets_drop_unknown.yaml", "tests/configs/valid/small_table.yaml",
                              "--format", "json", "--lang", "en"])
    assert res.exit_code == 1
    payload = json.loads(res.stdout)
    assert payload["valid"] is False and payload["errors"] == 1 and payload["warnings"] == 0
    bad, good = payload["files"]
    assert good == {"path": "tests/configs/valid/small_table.yaml", "valid": True, "diagnostics": []}
    assert bad["path"] == BROKEN + "targets_drop_unknown.yaml" and bad["valid"] is False
    assert bad["diagnostics"] == [{
        "severity": "error", "file": BROKEN + "targets_drop_unknown.yaml", "line": 4, "column": 8,
        "path": "drop[0]", "message": "there is no indicator 'C44'",
        "hint": "did you mean 'C4'? valid here: A1, A2, A3, A4, A5, A6, A7, A8, B1, B2, B3, B4, B5, C1, C2, C3, C4",
        "code": "cfg.unknown_indicator",
    }]


def test_validate_json_of_the_whole_corpus(at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", "tests/configs/broken", "--format", "json"])
    assert res.exit_code == 1
    payload = json.loads(res.stdout)
    assert len(payload["files"]) == len(CASES)
    assert all(not f["valid"] and f["diagnostics"] for f in payload["files"])


def test_validate_github_annotations(at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", BROKEN + "targets_unknown_campus.yaml", "--format", "github", "--lang", "en"])
    assert res.exit_code == 1
    assert res.stdout == (
        f"::error file={BROKEN}targets_unknown_campus.yaml,line=13,col=7::targets.C1.campuses.zju2_keqia: "
        "there is no campus 'zju2_keqia'%0Adid you mean 'zju2_keqiao'? valid here: zju2_keqiao\n"
    )


def test_validate_picks_github_format_under_github_actions(at_repo_root: Path) -> None:
    res = CliRunner(env={"GITHUB_ACTIONS": "true"}).invoke(
        app, ["validate", BROKEN + "table_deduct_zero.yaml", "--lang", "en"])
    assert res.exit_code == 1
    assert res.stdout == (f"::error file={BROKEN}table_deduct_zero.yaml,line=31,col=15::"
                          "indicators.X1.rule.deduct: must be greater than 0, got 0\n")
    assert res.stderr == ""


@pytest.mark.parametrize("fmt", ["text", "json", "github"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_traceback_for_any_broken_file(fmt: str, lang: str, at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", "tests/configs/broken", "tests/configs/multi", "--format", fmt,
                              "--lang", lang])
    assert res.exit_code == 1
    assert res.exception is None or isinstance(res.exception, SystemExit)
    assert "Traceback" not in res.output
    if fmt == "github":
        lines = res.stdout.splitlines()
        assert len(lines) >= len(CASES)
        assert all(re.match(r"^::error file=[^,]+(,line=\d+(,col=\d+)?)?::\S", ln) for ln in lines), lines
