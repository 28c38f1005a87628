"""The exported JSON Schema (draft-07) and the YAML loader's scalar rules.

`campuseval schema` prints a schema an editor (yaml-language-server) can use: it must be a valid
draft-07 schema, and every shipped config must validate against it, read the way campuseval reads
it (read_yaml: YAML 1.2 scalars, so `010` stays text); the indicator catalog against its own. The
files shipped in configs/schema/ must be what `campuseval schema --out configs/schema` writes now.
The loader must also keep `yes` as text, refuse 1e309 as not finite, and refuse an alias bomb with
a clear message rather than hang.
"""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator
from pydantic import ValidationError
from typer.testing import CliRunner

from campuseval.cli import SchemaKind, app, schema_for
from campuseval.config import Table, check_config
from campuseval.config.diagnose import data_path
from campuseval.config.schema import dumps
from campuseval.config.yamlsource import MAX_NODES, parse_yaml_text, read_yaml, resolve_plain
from campuseval.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
SHIPPED = sorted((REPO / "configs").rglob("*.yaml"))
VALID_CASES = sorted((REPO / "tests" / "configs" / "valid").glob("*.yaml"))

runner = CliRunner()


def schema(kind: str) -> dict[str, Any]:
    res = runner.invoke(app, ["schema", kind])
    assert res.exit_code == 0, res.output
    parsed: dict[str, Any] = json.loads(res.stdout)
    return parsed


def kind_of(data: dict[str, Any]) -> str:
    """Which schema a config file is read by, as the loader tells them apart."""
    if "extends" in data:
        return "targets"
    return "catalog" if "entries" in data and "parts" not in data else "table"


@pytest.mark.parametrize("kind", ["config", "table", "targets", "catalog"])
def test_schema_is_valid_draft07(kind: str) -> None:
    s = schema(kind)
    Draft7Validator.check_schema(s)
    assert s["$schema"] == "http://json-schema.org/draft-07/schema#"
    text = json.dumps(s)
    assert "$defs" not in text  # draft-07 says definitions
    assert '"discriminator"' not in text  # an OpenAPI keyword, unknown to draft-07


def test_schema_titles_and_required_keys() -> None:
    table, targets, config = schema("table"), schema("targets"), schema("config")
    assert table["title"] == "campuseval indicator table"
    assert targets["title"] == "campuseval targets file"
    assert sorted(table["required"]) == ["id", "indicators", "name", "parts", "provenance", "version"]
    assert sorted(targets["required"]) == ["extends", "locality"]
    catalog = schema("catalog")
    assert catalog["title"] == "campuseval indicator catalog"
    assert sorted(catalog["required"]) == ["entries", "id", "name", "provenance", "version"]
    assert config["oneOf"] == [{"$ref": "#/definitions/Table"}, {"$ref": "#/definitions/TargetsFile"}]


def test_schema_default_kind_is_config() -> None:
    res = runner.invoke(app, ["schema"])
    assert res.exit_code == 0
    assert json.loads(res.stdout) == schema("config")


def test_schema_lists_every_rule_type() -> None:
    from campuseval.config.rules import RULE_TYPES

    defs = schema("table")["definitions"]
    consts = {d["properties"]["type"].get("const") for d in defs.values()
              if "type" in d.get("properties", {}) and "const" in d["properties"]["type"]}
    assert consts == set(RULE_TYPES)


@pytest.mark.parametrize("path", SHIPPED + VALID_CASES, ids=lambda p: str(p.relative_to(REPO)))
def test_config_validates_against_the_schema(path: Path) -> None:
    data = read_yaml(path).data
    kind = kind_of(data)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema(kind)).iter_errors(data)]
    assert errors == []
    if kind == "catalog":  # a catalog is neither file kind of the config schema
        assert list(Draft7Validator(schema("config")).iter_errors(data)) != []
        return
    validator = Draft7Validator(schema("config"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []
    other = "table" if kind == "targets" else "targets"
    assert list(Draft7Validator(schema(other)).iter_errors(data)) != []  # oneOf picks exactly one


def test_every_shipped_config_was_checked() -> None:
    names = {str(p.relative_to(REPO)) for p in SHIPPED}
    assert {"configs/indicators_shaoxing.yaml", "configs/targets/keqiao.yaml",
            "configs/targets/yuecheng.yaml", "configs/targets/shaoxing.yaml",
            "configs/catalog/national_tertiary.yaml"} <= names


@pytest.mark.parametrize("kind", list(SchemaKind), ids=str)
def test_shipped_schema_files_are_current(kind: SchemaKind) -> None:
    """configs/schema/ is what `campuseval schema --out configs/schema` writes: regenerate it when a model changes."""
    shipped = REPO / "configs" / "schema" / f"{kind.value}.schema.json"
    assert shipped.read_text(encoding="utf-8") == dumps(schema_for(kind)), (
        f"{shipped.relative_to(REPO)} is stale: run `campuseval schema --out configs/schema`")


def test_every_schema_kind_is_shipped() -> None:
    assert sorted(p.name for p in (REPO / "configs" / "schema").glob("*.json")) == sorted(
        f"{k.value}.schema.json" for k in SchemaKind)


@pytest.mark.parametrize(("name", "where"), [
    ("table_points_text.yaml", ["indicators", 2, "points"]),
    ("table_unknown_key_formual.yaml", ["indicators", 0]),
    ("table_missing_direction.yaml", ["indicators", 0]),
    ("table_deduct_zero.yaml", ["indicators", 0, "rule"]),
    ("table_unknown_rule_type.yaml", ["indicators", 0, "rule"]),
    ("targets_unknown_key.yaml", []),
    # the unions told apart by shape (indicator or catalog reference, number or range, per campus)
    # are chosen as the loader chooses, so the error is the member's own, not "matches none"
    ("table_range_empty.yaml", ["indicators", 0, "target"]),
    ("table_within_range_number.yaml", None),  # the rule wants a range: a check, not the schema's
    ("targets_catalog_no_part.yaml", ["add", 0]),
    ("targets_target_text.yaml", ["targets", "X1"]),
])
def test_schema_rejects_schema_level_faults(name: str, where: list[str | int] | None) -> None:
    """What the models reject field by field, an editor using the schema flags too, at the same place."""
    data = read_yaml(REPO / "tests" / "configs" / "broken" / name).data
    errors = list(Draft7Validator(schema(kind_of(data))).iter_errors(data))
    if where is None:
        assert errors == []
        return
    assert errors
    assert any(list(e.absolute_path) == where for e in errors), [list(e.absolute_path) for e in errors]


@pytest.mark.parametrize(("item", "where"), [
    ({"catalog": 3, "part": "P", "pionts": 0, "rule": {"type": "monitor"}}, ["add", 0]),  # pionts is unknown
    ({"catalog": 3, "part": "P", "points": "十", "rule": {"type": "monitor"}}, ["add", 0, "points"]),
    ({"code": "Z1", "name": "新", "part": "P", "points": 0, "scale": "count", "direction": "higher",
      "subject": "campus", "definition": "说明", "rule": {"type": "monitor"}, "target": {"mn": 3}},
     ["add", 0, "target"]),
])
def test_schema_errors_inside_an_added_indicator(item: dict[str, Any], where: list[str | int]) -> None:
    """A catalog reference is told from a full indicator by its `catalog` key, as the loader does."""
    data = {"extends": "x.yaml", "locality": {"id": "x", "name": "某区"}, "add": [item]}
    errors = list(Draft7Validator(schema("targets")).iter_errors(data))
    assert {tuple(e.absolute_path) for e in errors} == {tuple(where)}


@pytest.mark.parametrize(("value", "valid"), [
    (10, True),
    ({"min": 5, "max": 8}, True),
    ({"max": 8}, True),
    ({"default": 10, "campuses": {"zju2_keqiao": {"min": 5}}}, True),
    ({"campuses": {"zju2_keqiao": 6}}, True),
    ({}, False),
    ({"min": 5, "default": 3}, False),
    ("十", False),
    ({"defualt": 3}, False),
    ({2023: 28, 2024: 30}, True),  # per year (YAML keys are ints; JSON's are the strings below)
    ({"2023": 28, "2024": {"min": 5}}, True),
    ({"default": {"2023": 8}, "campuses": {"yi": {"2024": 5}}}, True),
    ({"2023": "十"}, False),
    ({"2023": 28, "min": 5}, False),
])
def test_schema_of_a_targets_value(value: Any, valid: bool) -> None:
    data = {"extends": "x.yaml", "locality": {"id": "x", "name": "某区"}, "targets": {"C1": value}}
    errors = list(Draft7Validator(schema("targets")).iter_errors(data))
    assert (errors == []) is valid, [e.message for e in errors]


# ---------------------------------------------------------------- the YAML loader's scalars


@pytest.mark.parametrize(("text", "value"), [
    ("010", "010"),  # YAML 1.1: 8 (octal)
    ("0010", "0010"),
    ("yes", "yes"),  # YAML 1.1: true
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("Y", "Y"),
    ("1_000", "1_000"),  # YAML 1.1: 1000
    ("12:30", "12:30"),  # YAML 1.1: 750 (base 60)
    ("2024-01-01", "2024-01-01"),  # YAML 1.1: a date
    ("0x1F", "0x1F"),
    (".inf", ".inf"),
    (".nan", ".nan"),
    ("10", 10),
    ("-3", -3),
    ("0", 0),
    ("2.5", 2.5),
    (".5", 0.5),
    ("1e3", 1000.0),
    ("true", True),
    ("False", False),
    ("~", None),
    ("null", None),
    ("", None),
])
def test_resolve_plain(text: str, value: object) -> None:
    got = resolve_plain(text)
    assert got == value and type(got) is type(value)


def test_code_010_stays_a_string_through_the_loader(at_repo_root: Path) -> None:
    doc = read_yaml(Path("tests/configs/valid/yaml_scalars.yaml"))
    ind = doc.data["indicators"][0]
    assert ind["code"] == "010" and ind["national_no"] == "010" and ind["part"] == "01"
    assert doc.data["name"] == "yes"
    eff = check_config("tests/configs/valid/yaml_scalars.yaml").effective
    assert eff is not None
    assert eff.codes() == ["010"]
    assert eff.indicator("010").spec.national_no == "010"
    assert eff.table.name.zh == "yes"
    assert eff.table.version == "2024.10.1"


def test_quoted_scalars_stay_text() -> None:
    doc = parse_yaml_text('a: "10"\nb: \'true\'\nc: |\n  010\n', "q.yaml")
    assert doc.data == {"a": "10", "b": "true", "c": "010\n"}


def test_1e309_is_not_finite() -> None:
    with pytest.raises(ConfigError) as refused:  # the loader refuses it as out of range...
        parse_yaml_text("target: 1e309\n", "inf.yaml")
    assert [d.message.key for d in refused.value.diagnostics] == ["yaml.number_range"]
    table = read_yaml(REPO / "tests" / "configs" / "valid" / "small_table.yaml").data
    table["indicators"][0]["target"] = math.inf
    with pytest.raises(ValidationError) as exc:
        Table.model_validate(table)  # ...and the models refuse it
    # pydantic names the union members it went through (an indicator, not a catalog reference; a
    # number, not a range); the path shown to the user leaves them out.
    [err] = exc.value.errors()
    assert (err["type"], err["loc"]) == ("finite_number", ("indicators", 0, "indicator", "target", "number"))
    assert data_path(table, tuple(err["loc"])) == (("indicators", 0, "target"), False)


def test_1e309_in_a_config_file(tmp_path: Path) -> None:
    text = (REPO / "tests" / "configs" / "valid" / "small_table.yaml").read_text(encoding="utf-8")
    f = tmp_path / "inf.yaml"
    f.write_text(text.replace("    target: 50\n", "    target: 1e309\n"), encoding="utf-8")
    [d] = check_config(f).diagnostics
    assert d.render("en").split("\n")[0] == (
        f"{f}:30:13: indicators.0.target: the number 1e309 is out of range (0, or between 1e-06 and 1e+09 either way)")


@pytest.mark.parametrize(("text", "ok"), [
    ("points: true", False), ("points: 1_0", False), ("points: 1e-320", False), ("points: 1e300", False),
    ("points: 0", True), ("points: 0.000001", True), ("points: 1000000000", True), ("points: -1000000001", False),
    ("points: " + "9" * 5000, False), ("points: .nan", False), ("points: 10", True),
])
def test_config_numbers_are_plain_bounded_decimals(text: str, ok: bool) -> None:
    """A number in a config is a plain decimal, 0 or within 1e-6..1e9 either way: no booleans, no 1_0.

    Out-of-range numbers are refused where the YAML is read; booleans and text such as 1_0 by the
    models, which take no text or true/false for a number (pydantic would otherwise read 1_0 as 10).
    """
    from campuseval.config.models import TargetRange

    try:
        doc = parse_yaml_text(text + "\n", "n.yaml")
    except ConfigError as exc:
        assert not ok, exc.render("en")
        assert [d.message.key for d in exc.diagnostics] == ["yaml.number_range"]
        return
    value = doc.data["points"]
    try:
        TargetRange.model_validate({"min": value})
    except ValidationError as exc:
        assert not ok, value
        assert exc.errors()[0]["type"] in ("float_type", "finite_number")
        return
    assert ok, value


def alias_bomb(levels: int = 9) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for n in range(1, levels + 1):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"  # 9**10 values once expanded


def test_alias_bomb_is_refused_quickly() -> None:
    start = time.monotonic()
    with pytest.raises(ConfigError) as exc:
        parse_yaml_text(alias_bomb(), "bomb.yaml")
    assert time.monotonic() - start < 10
    [d] = exc.value.diagnostics
    assert d.location.file == "bomb.yaml" and d.location.line == 1
    assert d.message.render("en") == "the file expands to too many values (too many aliases)"
    assert d.message.render("zh") == "文件展开后过大（锚点引用过多）"
    assert d.hint is not None and d.hint.render("en") == "use fewer *aliases"


def test_a_few_aliases_are_fine() -> None:
    doc = parse_yaml_text("a: &x {zh: 名称}\nb: *x\n", "ok.yaml")
    assert doc.data == {"a": {"zh": "名称"}, "b": {"zh": "名称"}}
    assert MAX_NODES >= 10_000


def test_alias_bomb_through_the_cli(tmp_path: Path) -> None:
    f = tmp_path / "bomb.yaml"
    f.write_text(alias_bomb(), encoding="utf-8")
    res = runner.invoke(app, ["validate", str(f), "--format", "text", "--lang", "en"])
    assert res.exit_code == 1
    assert "Traceback" not in res.output
    assert res.stderr.startswith(f"{f}:1:")
    assert "the file expands to too many values (too many aliases)" in res.stderr


def test_deep_nesting_is_refused_without_a_traceback(tmp_path: Path) -> None:
    f = tmp_path / "deep.yaml"
    f.write_text("a: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    [d] = check_config(f).diagnostics
    assert d.render("en") == f"{f}: the file nests too deeply"


def test_control_character_is_located(tmp_path: Path) -> None:
    f = tmp_path / "ctl.yaml"
    f.write_text("id: x\nname: 手术\x07占比\n", encoding="utf-8")
    [d] = check_config(f).diagnostics
    assert d.render("en") == (f"{f}:2:9: an invisible control character U+0007\n"
                              "  hint: delete it (it usually comes with text pasted from Word or Excel)")


def test_unclosed_quote_points_where_it_opens(tmp_path: Path) -> None:
    f = tmp_path / "quote.yaml"
    f.write_text('id: x\nname: "手术占比\nversion: 1\n', encoding="utf-8")
    [d] = check_config(f).diagnostics
    assert d.render("en") == (f"{f}:2:7: YAML syntax error: found unexpected end of stream\n"
                              "  hint: the quote opened here is not closed")
