"""Fuzzing the parts that read what users (and attackers) write: only the tool's own errors may escape.

- YAML loader (`parse_yaml_text`): random text, random Unicode, mutated copies of the shipped configs;
  and the whole config loader (`check_config`) on mutated shipped targets files.
- Data reader (`read_data` with the example targets' table): random CSV text, CSV with real headers
  and random cells, random bytes as .csv and .xlsx, byte-mutated workbooks.
- Cell parsing (`parse_cell`, `parse_year`): random values of every type openpyxl returns.
- Formulas: random strings, random token soup, random syntax trees; evaluation on random values;
  ln, log10, exp and sqrt on hostile numbers (0, negatives, subnormals, 1e308, exp overflow).

Settings are fixed (derandomize=True) so that CI runs the same inputs every time, and sized so that
the file runs in well under a minute. Inputs generated per test are in EXAMPLES below (16,700 in
total) and are printed at the end of every run.
"""

from __future__ import annotations

import ast
import io
import math
import os
import shutil
import string
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campuseval import formula
from campuseval.config import check_config
from campuseval.config.load import load_config
from campuseval.config.yamlsource import parse_yaml_text
from campuseval.data.cells import CellProblem, RawCell, parse_cell, parse_year
from campuseval.data.read import read_data
from campuseval.errors import CampusevalError, ConfigError
from campuseval.i18n import t
from campuseval.i18n.messages import MESSAGES

REPO = Path(__file__).resolve().parents[1]
SHIPPED_TABLE = REPO / "configs" / "indicators_shaoxing.yaml"
SHIPPED_TARGETS = sorted((REPO / "configs" / "targets").glob("*.yaml"))
EXAMPLE_TARGETS = REPO / "examples" / "shaoxing" / "targets.yaml"
GOOD = REPO / "tests" / "bad_inputs" / "_good"

# Inputs per test. The derandomized runs generate exactly these many unless a strategy runs out of
# distinct inputs; the numbers actually generated are counted and printed at the end.
EXAMPLES = {
    "yaml_random_text": 1500,
    "yaml_random_unicode": 1000,
    "yaml_mutated_shipped": 300,
    "config_mutated_targets": 200,
    "read_random_csv_text": 800,
    "read_csv_with_real_headers": 800,
    "read_random_bytes": 800,
    "read_mutated_xlsx": 300,
    "parse_cell": 4000,
    "parse_year": 1500,
    "formula_random_text": 1500,
    "formula_token_soup": 1500,
    "formula_random_tree": 1500,
    "formula_functions": 1000,
}
COUNTS: Counter[str] = Counter()


# CAMPUSEVAL_FUZZ_SCALE=20 runs twenty times as many, with fresh random inputs: for hunting, not for CI.
SCALE = float(os.environ.get("CAMPUSEVAL_FUZZ_SCALE", "1"))


def fuzz(name: str) -> Any:
    return settings(max_examples=max(1, int(EXAMPLES[name] * SCALE)), deadline=None, derandomize=SCALE == 1,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large, HealthCheck.large_base_example])


@pytest.fixture(scope="module", autouse=True)
def report_counts(request: pytest.FixtureRequest) -> Iterator[None]:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    lines = [f"  {name}: {COUNTS[name]}" for name in EXAMPLES] + [f"  total: {sum(COUNTS.values())}"]
    text = "generated inputs per fuzz test:\n" + "\n".join(lines)
    if reporter is None or capture is None:  # pragma: no cover - run outside the usual pytest plugins
        print(text)
        return
    with capture.global_and_fixture_disabled():  # shown even without -s
        reporter.write_line("")
        reporter.write_line(text)


def renders(err: CampusevalError) -> None:
    """Every diagnostic renders in both languages: no missing catalog key, no missing parameter."""
    for d in err.diagnostics:
        for lang in ("zh", "en"):
            text = d.render(lang)
            assert d.message.key not in text, f"catalog key {d.message.key} has no text"
            if d.hint is not None:
                assert d.hint.key in MESSAGES, d.hint.key


# ---------------------------------------------------------------- YAML

YAML_ALPHABET = st.sampled_from(list(":-[]{}#&*!|>'\"%@`,?\\\n \t~.0123456789") + list("abcxyzABC_")
                                + list("中文：，　－") + ["\u3000", "\ufeff", "\x85", "\u2028", "\x00", "\x1b"])


@fuzz("yaml_random_text")
@given(st.text(YAML_ALPHABET, max_size=300))
def test_yaml_random_text(text: str) -> None:
    COUNTS["yaml_random_text"] += 1
    try:
        parse_yaml_text(text, "fuzz.yaml")
    except ConfigError as exc:
        renders(exc)


@fuzz("yaml_random_unicode")
@given(st.text(max_size=300))
def test_yaml_random_unicode(text: str) -> None:
    COUNTS["yaml_random_unicode"] += 1
    try:
        parse_yaml_text(text, "fuzz.yaml")
    except ConfigError as exc:
        renders(exc)


SNIPPETS = ["", " ", "\t", "  ", ":", "：", "- ", "[", "]", "{", "}", "'", '"', "&a ", "*a", "!!python/name:os.system",
            "<<: *a", "#", "|", ">", "\n", "\u3000", "010", "yes", "~", "null", "1e309", "-", "?", "%YAML 1.1\n",
            "---\n", "...\n", "extends: x.yaml\n", "code: A1\n", "points: 十\n"]


@st.composite
def mutated(draw: st.DrawFn, sources: list[str]) -> str:
    text = draw(st.sampled_from(sources))
    for _ in range(draw(st.integers(1, 4))):
        if not text:
            break
        at = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["insert", "delete", "replace", "duplicate_line", "drop_line"]))
        if op == "insert":
            text = text[:at] + draw(st.sampled_from(SNIPPETS)) + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif op == "replace":
            text = text[:at] + draw(st.characters()) + text[at + 1:]
        else:
            lines = text.splitlines(keepends=True)
            n = draw(st.integers(0, max(0, len(lines) - 1)))
            lines[n:n + 1] = [lines[n], lines[n]] if op == "duplicate_line" and lines else []
            text = "".join(lines)
    return text


SHIPPED_TEXTS = [p.read_text(encoding="utf-8") for p in [SHIPPED_TABLE, *SHIPPED_TARGETS, EXAMPLE_TARGETS]]


@fuzz("yaml_mutated_shipped")
@given(mutated(SHIPPED_TEXTS))
def test_yaml_mutated_shipped(text: str) -> None:
    COUNTS["yaml_mutated_shipped"] += 1
    try:
        parse_yaml_text(text, "fuzz.yaml")
    except ConfigError as exc:
        renders(exc)


TARGET_TEXTS = [p.read_text(encoding="utf-8") for p in [*SHIPPED_TARGETS, EXAMPLE_TARGETS]]


@pytest.fixture(scope="module")
def config_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """targets/ in a copy of the shipped configs/, so that each mutated file finds what it extends."""
    root = tmp_path_factory.mktemp("fuzz") / "configs"
    shutil.copytree(REPO / "configs", root, ignore=shutil.ignore_patterns("__pycache__"))
    return root / "targets"


@fuzz("config_mutated_targets")
@given(text=mutated(TARGET_TEXTS))
def test_config_mutated_targets(config_dir: Path, text: str) -> None:
    """The whole loader (YAML, models, checks, extends) on broken targets files: a result, never a crash."""
    COUNTS["config_mutated_targets"] += 1
    path = config_dir / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")  # a lone surrogate makes invalid UTF-8
    result = check_config(path)
    for d in result.diagnostics:
        d.render("zh")
        d.render("en")


# ---------------------------------------------------------------- data files


@pytest.fixture(scope="module")
def effective() -> Any:
    return load_config(EXAMPLE_TARGETS)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


def read(path: Path, eff: Any, **kw: Any) -> None:
    try:
        data = read_data([path], eff, **kw)
    except CampusevalError as exc:
        renders(exc)
        return
    for v in data.values["value"]:
        assert math.isnan(v) or math.isfinite(v)
    for d in data.warnings:
        d.render("zh")
        d.render("en")


CSV_ALPHABET = st.sampled_from(list(",;\t\"'\n\r 0123456789.-+%eE,") + list("单位年份院区总院指标值无—－％，；")
                               + ["示例一院东湖院区", "出院患者总人次数", "A1", "2024", "\x00", "\ufeff", "‰"])


@fuzz("read_random_csv_text")
@given(text=st.lists(CSV_ALPHABET, max_size=120).map("".join), layout=st.sampled_from(["auto", "wide", "long"]),
       year=st.sampled_from([None, 2024]))
def test_read_random_csv_text(data_dir: Path, effective: Any, text: str, layout: str, year: int | None) -> None:
    COUNTS["read_random_csv_text"] += 1
    path = data_dir / "fuzz.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    read(path, effective, layout=layout, year=year)


HEADERS = ["单位", "年份", "类型", "总院", "区县", "指标", "值", "出院患者总人次数", "出院患者四级手术比例", "A1", "Ａ１",
           "出院患者手术人次数（人次）", "派驻属地医疗机构人员数", "未知列", "", "单位 ", "year", "unit"]
UNITS = ["示例一院东湖院区", "示例第一医院", "东湖区", "donghu", "示例二院西三院区", "某医院", "", "院区", "总院"]
CELLS = st.one_of(st.sampled_from(["", "-", "无", "45%", "0.45", "４５", "1,234", "1e309", "NaN", "inf", "-5", "101",
                                   "TRUE", "#DIV/0!", "2024", "2024年", "是", "否", "33037人次", "3‰", " ", "=A1"]),
                  st.text(max_size=12), st.floats(allow_nan=True, allow_infinity=True).map(repr),
                  st.integers(-10**30, 10**30).map(str))


@st.composite
def structured_csv(draw: st.DrawFn) -> str:
    header = draw(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=7))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=len(header) + 1), max_size=6))
    for row in rows:
        if row and draw(st.booleans()):
            row[0] = draw(st.sampled_from(UNITS))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    lines = [sep.join(header)] + [sep.join(r) for r in rows]
    title = draw(st.sampled_from([[], ["2024 年数据"], ["", ""]]))
    return "\r\n".join([*title, *lines]) + draw(st.sampled_from(["", "\r\n"]))


@fuzz("read_csv_with_real_headers")
@given(text=structured_csv(), layout=st.sampled_from(["auto", "wide", "long"]), year=st.sampled_from([None, 2024]),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_read_csv_with_real_headers(data_dir: Path, effective: Any, text: str, layout: str, year: int | None,
                                    encoding: str) -> None:
    COUNTS["read_csv_with_real_headers"] += 1
    path = data_dir / "fuzz.csv"
    path.write_bytes(text.encode(encoding, "replace"))
    read(path, effective, layout=layout, year=year)


@fuzz("read_random_bytes")
@given(raw=st.one_of(st.binary(max_size=600), st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b),
                     st.binary(max_size=300).map(lambda b: b"\xd0\xcf\x11\xe0" + b),
                     st.binary(max_size=300).map(lambda b: b"\xff\xfe" + b)),
       suffix=st.sampled_from([".csv", ".xlsx", ".txt", ".xls"]))
def test_read_random_bytes(data_dir: Path, effective: Any, raw: bytes, suffix: str) -> None:
    COUNTS["read_random_bytes"] += 1
    path = data_dir / f"fuzz{suffix}"
    path.write_bytes(raw)
    read(path, effective)


def _stored_workbook() -> bytes:
    """A small valid workbook, stored uncompressed so that byte flips land in its XML."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "院区"
    ws.append(["单位", "年份", "出院患者总人次数", "出院患者四级手术比例"])
    ws.append(["示例一院东湖院区", 2024, 33037, 0.246])
    ws["D2"].number_format = "0.0%"
    ws.append(["示例二院西山院区", 2024, "=C2/2", "24%"])
    ws.merge_cells("A4:A5")
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as z:
        for name in src.namelist():
            z.writestr(name, src.read(name))
    return out.getvalue()


WORKBOOKS = [_stored_workbook()]
compressed = io.BytesIO()
with zipfile.ZipFile(compressed, "w", zipfile.ZIP_DEFLATED) as _z, zipfile.ZipFile(io.BytesIO(WORKBOOKS[0])) as _s:
    for _name in _s.namelist():
        _z.writestr(_name, _s.read(_name))
WORKBOOKS.append(compressed.getvalue())


@st.composite
def mutated_workbook(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(WORKBOOKS)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(raw) - 1))
        op = draw(st.sampled_from(["flip", "cut", "xml"]))
        if op == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at:at + draw(st.integers(1, 64))]
        else:
            raw[at:at] = draw(st.sampled_from([b"<", b">", b"&", b"\"", b"<c r=\"ZZZ999999\"><v>1</v></c>",
                                               b"9" * 400, b"<f>SUM(A1)</f>", b"\x00"]))
    return bytes(raw)


@fuzz("read_mutated_xlsx")
@given(raw=mutated_workbook())
def test_read_mutated_xlsx(data_dir: Path, effective: Any, raw: bytes) -> None:
    COUNTS["read_mutated_xlsx"] += 1
    path = data_dir / "fuzz.xlsx"
    path.write_bytes(raw)
    read(path, effective)


# ---------------------------------------------------------------- cells

SCALES = ["percent", "fraction", "count", "money", "days", "level", "ratio"]
VALUES = st.one_of(
    st.none(), st.booleans(), st.text(max_size=30), st.text(string.digits + ".,%‰-+eE 　４５人次", max_size=20),
    st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**400, 10**400), st.integers(-10**6, 10**6),
    st.datetimes(), st.dates(), st.times(), st.timedeltas(),
    st.sampled_from(["#DIV/0!", "#N/A", "#VALUE!", "nan", "-inf", "Infinity", "1e309", "1,234", "45%", "４５", "—"]),
)
FORMATS = st.sampled_from(["General", "0%", "0.00%", "@", "yyyy-mm-dd", "#,##0", '0.0"%"', ""])


@fuzz("parse_cell")
@given(value=VALUES, fmt=FORMATS, scale=st.sampled_from(SCALES), yes_no=st.booleans())
def test_parse_cell(value: Any, fmt: str, scale: str, yes_no: bool) -> None:
    COUNTS["parse_cell"] += 1
    try:
        number = parse_cell(RawCell(value, fmt), scale, yes_no)
    except CellProblem as exc:
        assert exc.key in MESSAGES and f"{exc.key}.hint" in MESSAGES, exc.key
        for lang in ("zh", "en"):
            t(exc.key, lang, field="F", **exc.params)  # every parameter the message needs is there
        return
    assert number is None or (isinstance(number, float) and math.isfinite(number))
    if number is not None and scale == "percent":
        assert 0 <= number <= 100
    if number is not None and scale in ("count", "days", "level"):
        assert number >= 0


@fuzz("parse_year")
@given(value=st.one_of(VALUES, st.integers(1800, 2300), st.integers(1800, 2300).map(lambda y: f"{y}年")))
def test_parse_year(value: Any) -> None:
    COUNTS["parse_year"] += 1
    try:
        year = parse_year(value)
    except CellProblem as exc:
        assert exc.key == "data.bad_year"
        t(exc.key, "en", **exc.params)
        return
    assert year is None or (isinstance(year, int) and 1900 <= year <= 2100)


# ---------------------------------------------------------------- formulas

NAMES = ["a", "b", "c"]
ENV_VALUES = st.one_of(st.none(), st.just(math.nan), st.just(0.0), st.just(-0.0), st.just(5e-324), st.just(1e308),
                       st.just(-1e308), st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**6, 10**6))


def evaluate(parsed: formula.Formula, env: dict[str, Any]) -> None:
    try:
        result = parsed.evaluate(env)
    except (formula.MissingInput, formula.NotComputable):
        return
    assert isinstance(result, float) and math.isfinite(result), result


@fuzz("formula_random_text")
@given(text=st.text(max_size=120), env=st.fixed_dictionaries({n: ENV_VALUES for n in NAMES}))
def test_formula_random_text(text: str, env: dict[str, Any]) -> None:
    COUNTS["formula_random_text"] += 1
    try:
        parsed = formula.parse(text)
    except formula.FormulaError:
        return
    evaluate(parsed, env)


TOKENS = ["a", "b", "c", "ops", "1", "0", "2.5", "1e308", "1e309", "9" * 30, "+", "-", "*", "/", "**", "//", "%", "(",
          ")", ",", "min", "max", "abs", "（", "）", "×", "÷", "－", "＋", "，", " ", ".", "__class__", "[", "]", "lambda",
          ":", "if", "else", "<", "and", "'", "\"", "import", "os", "\n", "\\", "#", "=", ";", "@", "~", "not", "e", "_",
          "０", "１", "ａ", "ln", "log10", "exp", "sqrt", "ｌｎ", "log", "pow", "710", "-1"]


@fuzz("formula_token_soup")
@given(tokens=st.lists(st.sampled_from(TOKENS), max_size=40), env=st.fixed_dictionaries({n: ENV_VALUES for n in NAMES}))
def test_formula_token_soup(tokens: list[str], env: dict[str, Any]) -> None:
    COUNTS["formula_token_soup"] += 1
    try:
        parsed = formula.parse("".join(tokens))
    except formula.FormulaError:
        return
    evaluate(parsed, {**env, "ops": 1.0})


ALLOWED_OPS = [ast.Add(), ast.Sub(), ast.Mult(), ast.Div()]
REFUSED_OPS = [ast.Pow(), ast.FloorDiv(), ast.Mod(), ast.LShift(), ast.BitOr(), ast.MatMult()]
CONSTANTS = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.integers(-10**20, 10**20),
                      st.sampled_from([0, 1, 1e308, 10**400, True, None, "s", 1j]))


def trees(allow_refused: bool) -> st.SearchStrategy[ast.expr]:
    leaves = st.one_of(st.builds(lambda n: ast.Name(id=n, ctx=ast.Load()), st.sampled_from(NAMES)),
                       st.builds(lambda v: ast.Constant(value=v), CONSTANTS))
    ops = st.sampled_from(ALLOWED_OPS + (REFUSED_OPS if allow_refused else []))
    funcs = st.sampled_from(["min", "max", "abs", "ln", "log10", "exp", "sqrt"]
                            + (["pow", "open", "__import__", "log", "eval"] if allow_refused else []))

    def extend(children: st.SearchStrategy[ast.expr]) -> st.SearchStrategy[ast.expr]:
        grown = [
            st.builds(lambda left, op, right: ast.BinOp(left=left, op=op, right=right), children, ops, children),
            st.builds(lambda op, x: ast.UnaryOp(op=op, operand=x), st.sampled_from([ast.USub(), ast.UAdd()]), children),
            st.builds(lambda f, args: ast.Call(func=ast.Name(id=f, ctx=ast.Load()), args=args, keywords=[]),
                      funcs, st.lists(children, min_size=1, max_size=3)),
        ]
        if allow_refused:
            grown += [
                st.builds(lambda x: ast.Attribute(value=x, attr="__class__", ctx=ast.Load()), children),
                st.builds(lambda x, i: ast.Subscript(value=x, slice=i, ctx=ast.Load()), children, children),
                st.builds(lambda x, y: ast.Compare(left=x, ops=[ast.Lt()], comparators=[y]), children, children),
                st.builds(lambda x: ast.Lambda(args=ast.arguments(posonlyargs=[], args=[], kwonlyargs=[],
                                                                  kw_defaults=[], defaults=[]), body=x), children),
            ]
        return st.one_of(grown)

    return st.recursive(leaves, extend, max_leaves=15)


@fuzz("formula_random_tree")
@given(tree=st.one_of(trees(False), trees(True)), env=st.fixed_dictionaries({n: ENV_VALUES for n in NAMES}))
def test_formula_random_tree(tree: ast.expr, env: dict[str, Any]) -> None:
    COUNTS["formula_random_tree"] += 1
    try:
        text = ast.unparse(ast.fix_missing_locations(ast.Expression(body=tree)))
    except (ValueError, RecursionError):  # a tree Python itself cannot print; nothing a user could type
        return
    try:
        parsed = formula.parse(text)
    except formula.FormulaError:
        return
    evaluate(parsed, env)


FUNCTION_ARGS = st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(
    [0.0, -0.0, 5e-324, -5e-324, 1e308, -1e308, 709.78, 709.79, -745.2, 1.0, -1.0]))


@fuzz("formula_functions")
@given(func=st.sampled_from(["ln", "log10", "exp", "sqrt"]), x=FUNCTION_ARGS, y=FUNCTION_ARGS,
       shape=st.sampled_from(["{f}(a)", "{f}(a) / {f}(b)", "{f}(a - b)", "{f}({f}(a))", "min({f}(a), b) * {f}(b)"]))
def test_formula_functions_give_a_finite_value_or_not_computable(func: str, x: float, y: float, shape: str) -> None:
    """ln, log10, exp and sqrt on any finite input: a finite float, or NotComputable; never NaN, inf or a crash."""
    COUNTS["formula_functions"] += 1
    parsed = formula.parse(shape.format(f=func))
    try:
        result = parsed.evaluate({"a": x, "b": y})
    except formula.NotComputable as exc:
        assert exc.function is None or exc.function == func  # a division by zero names no function
        return
    assert isinstance(result, float) and math.isfinite(result), result
