"""The national indicator catalog (国考) and catalog references: the shipped catalog validates, lists,
and has a schema; `{catalog: N, ...}` in a table or a targets file becomes an indicator with the catalog's
definition and this file's points, rule and target, bringing the raw fields its formula reads.

The catalog (configs/catalog/national_tertiary.yaml) is being completed entry by entry: these tests
use entries 3-6 and never its size.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from typer.testing import CliRunner

from campuseval import formula
from campuseval.cli import app
from campuseval.config import catalog as catalog_mod
from campuseval.config import check_config, load_config
from campuseval.config.catalog import Catalog, national_catalog
from campuseval.config.shipped import builtin_names
from campuseval.config.yamlsource import read_yaml
from campuseval.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
CATALOG = "configs/catalog/national_tertiary.yaml"
runner = CliRunner(env={"COLUMNS": "200"})  # wide enough that no name is folded over two lines

# What the tests rely on in entries 3-6.
ENTRY_3 = {"name": "日间手术占择期手术比例", "direction": "monitor", "scale": "percent",
           "formula": "day_surgery_ops / elective_ops * 100"}
ENTRY_6 = {"name": "出院患者四级手术比例", "direction": "higher", "scale": "percent",
           "formula": "lvl4_ops / ops * 100"}


def write_table(tmp_path: Path, indicators: list[dict[str, Any]], raw_fields: list[dict[str, Any]] | None = None,
                name: str = "table.yaml") -> Path:
    """A one-part table of 10 points holding `indicators`."""
    doc = {"id": "t", "version": 1, "name": "目录引用测试", "provenance": "测试用", "total_points": 10,
           "parts": [{"code": "P", "name": "唯一部分", "points": 10}],
           "raw_fields": raw_fields or [], "indicators": indicators}
    path = tmp_path / name
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def ref(no: int | str, points: float, **over: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"catalog": no, "part": "P", "points": points,
                           "rule": {"type": "target_pro_rata"}, "target": 30}
    out.update(over)
    return out


# ---------------------------------------------------------------- the shipped catalog


def test_shipped_catalog_validates(at_repo_root: Path) -> None:
    res = runner.invoke(app, ["validate", "configs/catalog/", "--lang", "en"])
    assert res.exit_code == 0, res.output
    n = len(national_catalog().entries)
    assert res.stderr.splitlines() == [f"{CATALOG}: valid (indicator catalog, {n} entries)",
                                       "checked 1 file(s): no errors, 0 warning(s)"]
    result = check_config(CATALOG)
    assert result.diagnostics == [] and result.effective is None
    assert result.catalog is not None and result.catalog.id == "national_tertiary"


def test_shipped_catalog_is_a_builtin_name() -> None:
    assert "builtin:catalog/national_tertiary.yaml" in builtin_names()
    assert check_config("builtin:catalog/national_tertiary.yaml").catalog is not None


def test_entries_3_to_6() -> None:
    cat = national_catalog()
    assert [e.number for e in cat.entries[2:6]] == ["3", "4", "5", "6"]
    for no, want in (("3", ENTRY_3), ("6", ENTRY_6)):
        e = cat.entry(no)
        assert e is not None
        assert (e.name.zh, e.direction, e.scale, e.formula) == (want["name"], want["direction"], want["scale"],
                                                                want["formula"])
    assert cat.entry("not a number") is None


def test_every_catalog_formula_reads_only_the_catalogs_raw_fields() -> None:
    """Otherwise a reference would bring a formula naming a field nobody declared."""
    cat = national_catalog()
    raw = {r.code for r in cat.raw_fields}
    assert len(raw) == len(cat.raw_fields)
    for e in cat.entries:
        if e.formula is not None:
            assert formula.parse(e.formula).names <= raw, e.number
    numbers = [e.number for e in cat.entries]
    assert len(numbers) == len(set(numbers))


def test_indicators_catalog_lists_the_entries() -> None:
    res = runner.invoke(app, ["indicators", "--catalog"])
    assert res.exit_code == 0, res.output
    assert "出院患者四级手术比例" in res.stdout
    assert "日间手术占择期手术比例" in res.stdout
    res = runner.invoke(app, ["indicators", "--catalog", "--lang", "en"])
    assert res.exit_code == 0
    assert "Share of level-4 operations" in res.stdout


def test_catalog_schema_is_valid_draft07_and_fits_the_catalog() -> None:
    res = runner.invoke(app, ["schema", "catalog"])
    assert res.exit_code == 0
    schema = json.loads(res.stdout)
    Draft7Validator.check_schema(schema)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["title"] == "campuseval indicator catalog"
    data = read_yaml(REPO / CATALOG).data  # as campuseval reads it: PyYAML would make the key `no` False
    assert list(Draft7Validator(schema).iter_errors(data)) == []
    data["entries"][0]["direction"] = "up"
    assert [list(e.absolute_path) for e in Draft7Validator(schema).iter_errors(data)] == [
        ["entries", 0, "direction"]]


def test_a_catalog_is_not_a_table(at_repo_root: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_config(CATALOG)
    [d] = exc.value.diagnostics
    assert d.render("en") == (f"{CATALOG}: this is an indicator catalog, not a table or targets file\n"
                              "  hint: score with a table or targets file; catalog indicators are added to them "
                              "by number")
    assert d.render("zh").startswith(f"{CATALOG}: 这是指标目录")


def test_a_broken_catalog_is_located(tmp_path: Path) -> None:
    text = (REPO / CATALOG).read_text(encoding="utf-8").replace("direction: higher", "direction: upward", 1)
    bad = tmp_path / "catalog.yaml"
    bad.write_text(text, encoding="utf-8")
    result = check_config(bad)
    assert result.catalog is None and result.effective is None
    [d] = result.diagnostics
    assert d.location.path is not None and d.location.path.endswith(".direction")
    assert d.location.line == text.split("direction: upward")[0].count("\n") + 1
    assert "'upward' is not allowed" in d.message.render("en")


# ---------------------------------------------------------------- references


def test_reference_becomes_the_catalogs_indicator(tmp_path: Path) -> None:
    eff = load_config(write_table(tmp_path, [ref(6, 10)]))
    [ind] = eff.indicators
    spec = ind.spec
    e = national_catalog().entry("6")
    assert e is not None
    assert spec.code == "N6"
    assert spec.name == e.name and spec.name.zh == "出院患者四级手术比例"
    assert (spec.scale, spec.direction, spec.formula, spec.national_no) == (e.scale, e.direction, e.formula, "6")
    assert spec.definition == e.definition and spec.unit == e.unit
    # this table's part, points, rule and target; the subject defaults to the campus
    assert (spec.part, spec.points, spec.rule.type, spec.target, spec.subject) == ("P", 10, "target_pro_rata", 30,
                                                                                     "campus")
    assert ind.points == 10.0


def test_reference_may_set_code_name_and_subject(tmp_path: Path) -> None:
    eff = load_config(write_table(tmp_path, [ref(4, 10, code="A4", name={"zh": "手术占比", "en": "Surgery share"},
                                                subject="hq")]))
    spec = eff.indicator("A4").spec
    assert spec.national_no == "4" and spec.subject == "hq"
    assert (spec.name.zh, spec.name.get("en")) == ("手术占比", "Surgery share")
    assert spec.formula == "surgery_discharges / discharges * 100"  # the definition stays the catalog's


def test_direction_in_the_reference_wins(tmp_path: Path) -> None:
    # Entry 3 is monitored (监测比较); a table may score it as higher-is-better.
    eff = load_config(write_table(tmp_path, [ref(3, 10, direction="higher")]))
    spec = eff.indicator("N3").spec
    assert spec.direction == "higher"
    assert spec.name.zh == ENTRY_3["name"] and spec.formula == ENTRY_3["formula"]
    # Without it the catalog's direction holds, and a higher-only rule does not fit.
    [d] = check_config(write_table(tmp_path, [ref(3, 10)], name="monitor.yaml")).diagnostics
    assert d.message.key == "cfg.rule_direction" and d.message.params["direction"] == "monitor"
    assert d.location.path == "indicators[0].rule.type"


def test_raw_fields_the_formulas_need_are_added_once(tmp_path: Path) -> None:
    # Entries 5 and 6 both divide by `ops`: it is added once, after the fields each needs first.
    eff = load_config(write_table(tmp_path, [ref(5, 5), ref(6, 5)]))
    assert [r.code for r in eff.raw_fields] == ["mis_ops", "ops", "lvl4_ops"]
    cat = {r.code: r for r in national_catalog().raw_fields}
    assert all(r == cat[r.code] for r in eff.raw_fields)
    assert [i.code for i in eff.indicators] == ["N5", "N6"]


def test_a_raw_field_the_table_declares_is_kept(tmp_path: Path) -> None:
    own = {"code": "ops", "name": "手术台次（本院口径）"}
    eff = load_config(write_table(tmp_path, [ref(6, 10)], raw_fields=[own]))
    assert [(r.code, r.name.zh) for r in eff.raw_fields] == [("ops", "手术台次（本院口径）"), ("lvl4_ops", "出院患者四级手术台次数")]


def test_references_sit_among_full_indicators(tmp_path: Path) -> None:
    full = {"code": "X1", "name": "自定义指标", "part": "P", "points": 4, "scale": "count", "direction": "higher",
            "subject": "campus", "definition": "说明", "rule": {"type": "yes_no"}}
    eff = load_config(write_table(tmp_path, [ref(4, 6), full]))
    assert [(i.code, i.points) for i in eff.indicators] == [("N4", 6.0), ("X1", 4.0)]
    assert eff.indicator("X1").spec.national_no is None


def test_unknown_number_in_a_table(tmp_path: Path) -> None:
    [d] = check_config(write_table(tmp_path, [ref(66, 10)])).diagnostics
    assert d.location.path == "indicators[0].catalog"
    assert d.message.render("en") == "the national catalog has no indicator 66"
    assert d.message.render("zh") == "国考指标目录中没有编号 66"
    assert d.hint is not None and d.hint.render("en").startswith("did you mean '6'? valid here: 1, 2, 3, 4, 5, 6")


def test_unknown_number_shown_with_the_code_given(tmp_path: Path) -> None:
    [d] = check_config(write_table(tmp_path, [ref(66, 10, code="Z9")])).diagnostics
    assert d.location.path == "indicators.Z9.catalog"


def test_a_number_that_is_no_code_needs_a_code(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 增1 (the indicator added to the 55) cannot become N增1: the reference must give a code.
    fake = Catalog.model_validate({
        "id": "fake", "name": "测试目录", "version": 1, "provenance": "测试用",
        "entries": [{"number": "增1", "name": "新增指标", "direction": "higher", "scale": "count", "definition": "说明"}],
    })
    monkeypatch.setattr(catalog_mod, "national_catalog", lambda: fake)
    [d] = check_config(write_table(tmp_path, [ref("增1", 10)])).diagnostics
    assert d.message.render("en") == "catalog indicator 增1 needs a code"
    assert d.location.path == "indicators[0].catalog"
    eff = load_config(write_table(tmp_path, [ref("增1", 10, code="Z1")], name="with_code.yaml"))
    assert eff.indicator("Z1").spec.national_no == "增1"


def test_reference_in_a_targets_file_is_checked_like_an_added_indicator(tmp_path: Path) -> None:
    table = write_table(tmp_path, [ref(4, 10)])
    targets = tmp_path / "targets.yaml"
    targets.write_text("extends: table.yaml\nlocality: {id: x, name: 某区}\n"
                       "add:\n  - {catalog: 5, part: P, points: 2, rule: {type: cap_pro_rata}, target: 30}\n",
                       encoding="utf-8")
    assert table.is_file()
    errors = check_config(targets).errors
    assert [(d.message.key, d.location.path) for d in errors] == [("cfg.rule_direction", "add[0].rule.type")]


def test_misspelt_catalog_key_is_suggested(tmp_path: Path) -> None:
    """Without `catalog` the item reads as a full indicator; the hint still leads back to the reference."""
    item = ref(4, 10)
    item["catalgo"] = item.pop("catalog")
    diags = check_config(write_table(tmp_path, [item])).diagnostics
    unknown = [d for d in diags if d.message.key == "cfg.extra_forbidden"]
    assert [(d.location.path, d.message.render("en")) for d in unknown] == [
        ("indicators[0].catalgo", "unknown key 'catalgo'")]
    assert unknown[0].hint is not None
    assert unknown[0].hint.render("en") == ("did you mean 'catalog'? valid here: applies_to, catalog, code, direction, "
                                            "homogeneity, missing, name, part, points, rule, source, subject, target")
