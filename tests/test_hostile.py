"""Hostile input: formulas that try to reach Python, names that try to become spreadsheet formulas or
markup, YAML tags that try to run code, and extends paths that try to leave the config folder.

None of these may run anything, hang, or reach a file outside the config folder; each is refused with
the tool's own error, or (for names) written as inert text.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from campuseval import formula
from campuseval.cli import app
from campuseval.config import check_config
from campuseval.config.yamlsource import parse_yaml_text
from campuseval.errors import ConfigError

REPO = Path(__file__).resolve().parents[1]
GOOD = REPO / "tests" / "bad_inputs" / "_good"
TABLE = REPO / "configs" / "indicators_shaoxing.yaml"
EXAMPLE_TARGETS = REPO / "examples" / "shaoxing" / "targets.yaml"

# ---------------------------------------------------------------- formulas

HOSTILE_FORMULAS = {
    "attribute": "ops.__class__",
    "attribute_chain": "ops.__class__.__mro__[1].__subclasses__()",
    "import_call": "__import__('os')",
    "import_system": "__import__('os').system('touch pwned')",
    "open_call": "open('x')",
    "eval_call": "eval('1')",
    "getattr_call": "getattr(ops, 'real')",
    "method_call": "ops.conjugate()",
    "lambda": "lambda: 1",
    "lambda_called": "(lambda: 1)()",
    "list_comprehension": "[x for x in ops]",
    "generator": "sum(x for x in ops)",
    "dict_comprehension": "{x: 1 for x in ops}",
    "subscript": "ops[0]",
    "slice": "ops[::-1]",
    "power": "9**9**9",
    "small_power": "ops ** 2",
    "floor_division": "ops // 2",
    "modulo": "ops % 2",
    "shift": "1 << 100000",
    "matmul": "ops @ ops",
    "invert": "~ops",
    "not": "not ops",
    "compare": "ops < 1",
    "boolop": "ops and mis_ops",
    "ifexp": "ops if ops else 1",
    "walrus": "(ops := 1)",
    "starred_call": "min(*ops)",
    "keyword_call": "max(ops, key=abs)",
    "abs_two_args": "abs(ops, 1)",
    "empty_call": "min()",
    "fstring": "f'{ops}'",
    "string": "'ops'",
    "bytes": "b'ops'",
    "none": "None",
    "true": "True",
    "ellipsis": "...",
    "complex": "1j",
    "huge_int": "9" * 400,
    "huge_float": "1e309",
    "yield": "(yield ops)",
    "await": "await ops",
    "statement": "import os",
    "two_statements": "ops; 1",
    "nul": "ops\x00",
    "lone_surrogate": "ops\ud800",
    "fullwidth_attribute": "ｏｐｓ．__class__",  # NFKC turns it into ops.__class__
    "nested_parentheses_2000": "(" * 2000 + "1" + ")" * 2000,
    "nested_unary_300": "-" * 300 + "1",
    "nested_abs_60": "abs(" * 60 + "1" + ")" * 60,
    "nested_min_100": "min(" * 100 + "1" + ")" * 100,
    "long_10000": "ops+" * 2500,
    "long_names_10000": "a" * 10_000,
    "empty": "",
    "blank": "   ",
}


@pytest.mark.parametrize("text", HOSTILE_FORMULAS.values(), ids=HOSTILE_FORMULAS.keys())
def test_formula_refused(text: str) -> None:
    with pytest.raises(formula.FormulaError) as exc:
        formula.parse(text)
    assert exc.value.reason.startswith("formula.")


def test_formula_refusal_says_why() -> None:
    reasons = {name: _reason(text) for name, text in HOSTILE_FORMULAS.items()}
    assert reasons["power"] == "formula.bad_operator"
    assert reasons["import_call"] == "formula.bad_call"
    assert reasons["attribute"] == "formula.not_allowed"
    assert reasons["nested_parentheses_2000"] == "formula.too_long"
    assert reasons["nested_unary_300"] == "formula.too_deep"
    assert reasons["huge_int"] == "formula.bad_constant"
    assert reasons["lone_surrogate"] == "formula.syntax"


def _reason(text: str) -> str:
    try:
        formula.parse(text)
    except formula.FormulaError as exc:
        return exc.reason
    return "accepted"


def test_formula_allowed_forms_still_work() -> None:
    """The whitelist is not so tight that the Chinese keyboard's forms fail."""
    f = formula.parse("（lvl4_ops＋mis_ops）÷ops×100")
    assert f.names == {"lvl4_ops", "mis_ops", "ops"}
    assert f.evaluate({"lvl4_ops": 1, "mis_ops": 1, "ops": 4}) == 50
    assert formula.parse("max(min(a, b), abs(-c))").evaluate({"a": 1, "b": 2, "c": 3}) == 3


@pytest.mark.parametrize("text,values", [
    ("a / b", {"a": 1.0, "b": 0.0}),
    ("a * 1e300 * 1e300", {"a": 1.0}),
    ("max(1, a * 1e300 * 1e300 - a * 1e300 * 1e300)", {"a": 1.0}),  # an overflow hidden inside max
    ("min(a, b / (c - c))", {"a": 1.0, "b": 1.0, "c": 5.0}),
])
def test_formula_no_infinite_results(text: str, values: dict[str, float]) -> None:
    with pytest.raises(formula.NotComputable):
        formula.parse(text).evaluate(values)


def test_formula_missing_input() -> None:
    with pytest.raises(formula.MissingInput) as exc:
        formula.parse("a / b").evaluate({"a": 1.0, "b": math.nan})
    assert exc.value.names == ["b"]


def test_hostile_formula_in_a_table_is_refused_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    table = TABLE.read_text(encoding="utf-8")
    original = "formula: lvl4_ops / ops * 100"
    assert original in table
    (tmp_path / "table.yaml").write_text(
        table.replace(original, "formula: \"__import__('os').system('touch pwned')\""), encoding="utf-8")
    result = CliRunner().invoke(app, ["validate", "table.yaml", "--lang", "en"])
    assert result.exit_code == 1, result.output
    assert "table.yaml:" in result.output and "formula" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "pwned").exists()


# ---------------------------------------------------------------- names that try to be formulas or markup

PAYLOADS = {
    "donghu": ('=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0"),
    "xishan": ("@SUM(A1)", "-2+3"),
    "nanjiang": ("<script>alert(1)</script>", "**bold** | `code` [link](http://x) <b>"),
    "beitang": ("=1+2", "=cmd|' /C notepad'!'A1'"),
}
INDICATOR_PAYLOAD = ('=1+1 出院患者四级手术比例', "@cmd <i>Share</i> | of level-4")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def _hostile_config(folder: Path) -> Path:
    """A copy of the shipped table and the example targets with every name replaced by a payload."""
    table = TABLE.read_text(encoding="utf-8")
    a1_name = "name: {zh: 出院患者四级手术比例, en: Share of level-4 operations}"
    assert a1_name in table
    zh, en = INDICATOR_PAYLOAD
    table = table.replace(a1_name, f"name: {{zh: {json.dumps(zh, ensure_ascii=False)}, en: {json.dumps(en)}}}")
    (folder / "table.yaml").write_text(table, encoding="utf-8")
    targets = EXAMPLE_TARGETS.read_text(encoding="utf-8").replace(
        "extends: builtin:indicators_shaoxing.yaml", "extends: table.yaml")
    for line in targets.splitlines():
        for campus, (pz, pe) in PAYLOADS.items():
            if line.strip() == f"- id: {campus}":
                i = targets.splitlines().index(line)
                name_line = targets.splitlines()[i + 1]
                indent = name_line[: len(name_line) - len(name_line.lstrip())]
                targets = targets.replace(
                    name_line, f"{indent}name: {{zh: {json.dumps(pz, ensure_ascii=False)}, en: {json.dumps(pe)}}}")
    (folder / "targets.yaml").write_text(targets, encoding="utf-8")
    return folder / "targets.yaml"


def _data_by_id(folder: Path) -> list[str]:
    """The good campus data with each campus named by its id (its display names are now payloads)."""
    text = (GOOD / "院区.csv").read_text(encoding="utf-8-sig")
    for campus, zh in [("donghu", "示例一院东湖院区"), ("xishan", "示例二院西山院区"),
                       ("nanjiang", "示例肿瘤医院南江院区"), ("beitang", "示例三院北塘院区")]:
        text = text.replace(zh, campus)
    (folder / "campus.csv").write_text(text, encoding="utf-8")
    marks = (GOOD / "专家评分.csv").read_text(encoding="utf-8-sig")
    for campus, zh in [("donghu", "示例一院东湖院区"), ("xishan", "示例二院西山院区"),
                       ("nanjiang", "示例肿瘤医院南江院区"), ("beitang", "示例三院北塘院区")]:
        marks = marks.replace(zh, campus)
    (folder / "marks.csv").write_text(marks, encoding="utf-8")
    return [str(folder / "campus.csv"), str(GOOD / "总院.csv"), str(GOOD / "属地.csv"), str(folder / "marks.csv")]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_names_are_inert_in_outputs(lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    targets = _hostile_config(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["score", *_data_by_id(tmp_path), "--targets", str(targets),
                                      "--out", str(out), "--lang", lang, "--format", "json,csv,xlsx"])
    assert result.exit_code == 0, result.output
    pick = 0 if lang == "zh" else 1
    names = [p[pick] for p in PAYLOADS.values()] + [INDICATOR_PAYLOAD[pick]]

    # CSV: a cell that a spreadsheet would run starts with an apostrophe; numbers are left alone.
    for file in ("summary.csv", "scores.csv"):
        rows = list(csv.reader(io.StringIO((out / file).read_text(encoding="utf-8-sig"))))
        cells = [cell for row in rows for cell in row]
        for cell in cells:
            if cell.startswith(FORMULA_START):
                float(cell)  # only a number may start so, e.g. -0.5
        for name in names:
            if file == "summary.csv" and name == INDICATOR_PAYLOAD[pick]:
                continue  # the summary has no indicator names
            shown = "'" + name if name.startswith(FORMULA_START) else name
            assert shown in cells, (file, shown)

    # xlsx: no cell is a formula; names are kept as typed.
    wb = openpyxl.load_workbook(out / "scores.xlsx")
    texts = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} = {cell.value!r}"
                if isinstance(cell.value, str):
                    texts.add(cell.value)
    for name in names:
        assert name in texts, name

    # JSON keeps the names verbatim.
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert {getattr_name(c, lang) for c in scores["campuses"]} == {p[pick] for p in PAYLOADS.values()}


@pytest.mark.parametrize("text", ["=1+2", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", "\n=1"])
def test_neutralise_prefixes_formula_text(text: str) -> None:
    """Leading tab and line breaks cannot come from a config name (they are stripped) but can from data."""
    from campuseval.export.tables import csv_text, neutralise

    assert neutralise(text) == "'" + text
    assert neutralise(-1.5) == -1.5
    row = next(csv.reader(io.StringIO(csv_text(["h"], [[text]]).split("\r\n", 1)[1])))
    assert row == ["'" + text]


def getattr_name(campus: dict[str, object], lang: str) -> str:
    name = campus["name"]
    assert isinstance(name, dict)
    return str(name[lang])


def test_hostile_names_do_not_inject_markup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    targets = _hostile_config(tmp_path)
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["score", *_data_by_id(tmp_path), "--targets", str(targets),
                                      "--out", str(out), "--lang", "en", "--format", "html,md"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text(encoding="utf-8")
    for raw in ("<script>alert(1)</script>", "<i>Share</i>", "<b>"):
        assert raw not in html, raw
    md = (out / "report.md").read_text(encoding="utf-8")
    for raw in ("**bold**", "<b>", "<i>", "[link](http://x)", " | `code`"):
        assert raw not in md, raw  # escaped, so a name cannot add bold text, links or table columns


# ---------------------------------------------------------------- YAML tags

TAGS = [
    "!!python/object/apply:os.system [\"touch {marker}\"]",
    "!!python/object/apply:subprocess.check_output [[\"touch\", \"{marker}\"]]",
    "!!python/object/new:os.system [\"touch {marker}\"]",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!binary aGVsbG8=",
    "!!set {{a, b}}",
    "!custom value",
    "!<tag:yaml.org,2002:python/object/apply:os.system> [\"touch {marker}\"]",
]


@pytest.mark.parametrize("tag", TAGS)
def test_yaml_tag_refused_not_run(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"id: x\nevil: {tag.format(marker=marker)}\n"
    with pytest.raises(ConfigError) as exc:
        parse_yaml_text(text, "hostile.yaml")
    assert any(d.message.key == "yaml.tag" for d in exc.value.diagnostics), exc.value.render("en")
    assert "hostile.yaml:2:7" in exc.value.render("en")
    assert not marker.exists()


def test_yaml_tag_in_targets_via_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = EXAMPLE_TARGETS.read_text(encoding="utf-8").replace(
        "notes:", "evil: !!python/object/apply:os.system [\"touch pwned\"]\nnotes:")
    (tmp_path / "targets.yaml").write_text(text, encoding="utf-8")
    for args, code in ((["validate", "targets.yaml"], 1),
                       (["score", str(GOOD / "院区.csv"), "--targets", "targets.yaml", "--out", "out"], 2)):
        result = CliRunner().invoke(app, [*args, "--lang", "en"])
        assert result.exit_code == code, result.output
        assert "YAML tag !!python/object/apply:os.system" in result.output, result.output
        assert "Traceback" not in result.output
    assert not (tmp_path / "pwned").exists()
    assert not (tmp_path / "out").exists()


def test_yaml_alias_bomb_refused() -> None:
    lines = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]")
    with pytest.raises(ConfigError) as exc:
        parse_yaml_text("\n".join(lines) + "\n", "bomb.yaml")
    assert exc.value.diagnostics[0].message.key == "yaml.too_large"


# ---------------------------------------------------------------- extends cannot leave the config folder


def _targets_extending(folder: Path, extends: str) -> Path:
    text = EXAMPLE_TARGETS.read_text(encoding="utf-8").replace(
        "extends: builtin:indicators_shaoxing.yaml", f"extends: {extends}")
    path = folder / "targets.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("extends,key", [
    ("../../../../etc/passwd", "cfg.extends_outside"),
    ("../../../../../../../../../../../../etc/passwd", "cfg.extends_outside"),
    ("/etc/passwd", "cfg.extends_absolute"),
    ("builtin:../../../../etc/passwd", "cfg.extends_builtin_missing"),
    ("builtin:/etc/passwd", "cfg.extends_builtin_missing"),
])
def test_extends_path_cannot_leave(extends: str, key: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = tmp_path / "configs" / "targets"
    sub.mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    path = _targets_extending(sub, extends)
    res = check_config(path)
    assert res.effective is None
    assert [d.message.key for d in res.errors] == [key], [d.render("en") for d in res.errors]
    assert "root:" not in "\n".join(d.render("en") for d in res.errors)  # nothing of /etc/passwd is shown


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="needs symlinks")
@pytest.mark.parametrize("link", ["file", "folder", "passwd"])
def test_extends_symlink_outside_refused(link: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    shutil.copy(TABLE, outside / "table.yaml")
    sub = tmp_path / "configs" / "targets"
    sub.mkdir(parents=True)
    if link == "file":
        (sub / "table.yaml").symlink_to(outside / "table.yaml")
        extends = "table.yaml"
    elif link == "folder":
        (sub / "shared").symlink_to(outside, target_is_directory=True)
        extends = "shared/table.yaml"
    else:
        (sub / "table.yaml").symlink_to("/etc/passwd")
        extends = "table.yaml"
    monkeypatch.chdir(tmp_path)
    path = _targets_extending(sub, extends)
    res = check_config(path)
    assert res.effective is None
    assert [d.message.key for d in res.errors] == ["cfg.extends_outside"], [d.render("en") for d in res.errors]
    # Control: the same table inside the folder is accepted.
    shutil.copy(TABLE, tmp_path / "configs" / "table_inside.yaml")
    assert check_config(_targets_extending(sub, "../table_inside.yaml")).effective is not None
