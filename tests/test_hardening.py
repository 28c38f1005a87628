"""Hardening, round two: file kinds, OS errors, hand-edited scores.json, unsafe names, terminals, limits.

Cases the bad-input corpus (tests/test_bad_inputs.py) cannot hold as files: FIFOs and devices, a
read-only folder, environment variables, terminals that cannot print Chinese, a saved scores.json
edited by hand. Each asserts the exit code, a located message in Chinese and English, no traceback,
a bounded time, and inputs left as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from campuseval.cli import app

REPO = Path(__file__).resolve().parents[1]
GOOD = REPO / "tests" / "bad_inputs" / "_good"
TARGETS = REPO / "examples" / "shaoxing" / "targets.yaml"
DATA = [str(GOOD / "院区.csv"), str(GOOD / "总院.csv"), str(GOOD / "属地.csv"), str(GOOD / "专家评分.csv")]
POSIX = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file kinds and permissions")


def run(*args: str, lang: str = "en", env: dict[str, str] | None = None) -> Any:
    started = time.perf_counter()
    result = CliRunner().invoke(app, [*args, "--lang", lang], env=env)
    assert time.perf_counter() - started < 20, "took too long"
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def both(args: list[str], code: int, zh: str, en: str, env: dict[str, str] | None = None) -> None:
    for lang, text in (("zh", zh), ("en", en)):
        result = run(*args, lang=lang, env=env)
        assert result.exit_code == code, result.output
        assert text in result.output, result.output


def digest(*paths: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths if p.is_file()}


# ---------------------------------------------------------------- file kinds


@POSIX
def test_fifo_as_data_or_config_is_refused_without_blocking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.mkfifo("pipe.csv")
    os.mkfifo("pipe.yaml")
    # A subprocess with a timeout: were the FIFO opened for reading, the run would block forever.
    for args, where in ((["score", "pipe.csv", "--targets", str(TARGETS), "--out", "out"], "pipe.csv"),
                        (["score", *DATA, "--targets", "pipe.yaml", "--out", "out"], "pipe.yaml"),
                        (["validate", "pipe.yaml"], "pipe.yaml")):
        proc = subprocess.run([sys.executable, "-m", "campuseval", *args, "--lang", "en"],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 if args[0] == "score" else proc.returncode in (1, 2), proc.stderr
        assert f"{where}: this is not a regular file (FIFO)" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (tmp_path / "out").exists()


@POSIX
@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused() -> None:
    both(["score", "/dev/zero", "--targets", str(TARGETS)], 2,
         "/dev/zero: 这不是普通文件（device）", "/dev/zero: this is not a regular file (device)")
    both(["score", *DATA, "--targets", "/dev/zero"], 2,
         "/dev/zero: 这不是普通文件（device）", "/dev/zero: this is not a regular file (device)")


def test_oversized_config_refused_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"# " + b"x" * 2_100_000 + b"\n")
    both(["validate", str(big)], 1, f"{big}: 文件大小约 2.1 MB，超过上限 2 MB", f"{big}: the file is about 2.1 MB")


@POSIX
def test_symlink_loop_as_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    os.symlink("b.csv", "a.csv")
    os.symlink("a.csv", "b.csv")
    both(["score", "a.csv", "--targets", str(TARGETS), "--out", "out"], 2,
         "a.csv: 路径中的符号链接形成了循环", "a.csv: the symbolic links in the path form a loop")


# ---------------------------------------------------------------- places to write


@POSIX
@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes into read-only folders")
def test_read_only_output_folder(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        both(["schema", "--out", str(ro / "s")], 2, "没有权限访问", "permission denied")
    finally:
        ro.chmod(0o700)


def test_schema_and_template_out_into_wrong_kinds(tmp_path: Path) -> None:
    a_file = tmp_path / "file.txt"
    a_file.write_text("mine\n", encoding="utf-8")
    both(["schema", "--out", str(a_file)], 2, f"{a_file}: 输出路径已存在且不是文件夹",
         f"{a_file}: the output path exists and is not a folder")
    both(["template", "--out", str(a_file / "t.xlsx")], 2, f"{a_file}: 输出路径已存在且不是文件夹",
         f"{a_file}: the output path exists and is not a folder")
    folder = tmp_path / "t.xlsx"
    folder.mkdir()
    both(["template", "--out", str(folder), "--force"], 2, str(folder), str(folder))
    assert a_file.read_text(encoding="utf-8") == "mine\n" and folder.is_dir() and not any(folder.iterdir())


def test_out_name_too_long(tmp_path: Path) -> None:
    out = tmp_path / ("x" * 300)
    both(["score", *DATA, "--targets", str(TARGETS), "--out", str(out)], 2,
         "文件名或路径过长", "the file name or path is too long")


# ---------------------------------------------------------------- environment and terminals


@pytest.mark.parametrize("value", ["abc", "1e9", "-5", "9" * 30, "１２３"])
def test_bad_source_date_epoch(value: str, tmp_path: Path) -> None:
    both(["score", *DATA, "--targets", str(TARGETS), "--out", str(tmp_path / "o")], 2,
         "SOURCE_DATE_EPOCH: 环境变量 SOURCE_DATE_EPOCH 的值", "the environment variable SOURCE_DATE_EPOCH is",
         env={"SOURCE_DATE_EPOCH": value})
    assert not (tmp_path / "o").exists()


def test_terminal_that_cannot_print_chinese(tmp_path: Path) -> None:
    """An ASCII-only stdout and stderr: escapes instead of UnicodeEncodeError."""
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "CAMPUSEVAL_LANG": "zh"}
    proc = subprocess.run([sys.executable, "-m", "campuseval", "score", *DATA, "--targets", str(TARGETS),
                           "--out", str(tmp_path / "o"), "--format", "json"], capture_output=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    assert b"\\u" in proc.stdout + proc.stderr  # 院区 shown as \u9662\u533a


# ---------------------------------------------------------------- names in outputs


def test_control_characters_in_data_defined_names_refused(tmp_path: Path) -> None:
    """Units defined by the data itself (类型 column, no targets file) would carry their names into every output."""
    name = "东湖\x1b[31m院区\x01\u202e"
    rows = [["单位", "类型", "总院", "区县", "年份", "出院患者总人次数"],
            [name, "院区", "某医院", "某区", 2024, 100], ["某医院", "总院", "", "", 2024, 200]]
    path = tmp_path / "data.csv"
    path.write_text("\n".join(",".join(map(str, r)) for r in rows) + "\n", encoding="utf-8")
    before = digest(path)
    both(["score", str(path), "--out", str(tmp_path / "o"), "--allow-incomplete"], 2,
         f"{path}，第 2 行，A 列: 单位名称含有控制字符或文字方向控制符：东湖\\x1b[31m院区\\x01\\u202e",
         f"{path}, row 2, column A: the unit name holds a control or text-direction character: 东湖\\x1b[31m院区")
    assert digest(path) == before and not (tmp_path / "o").exists()


def test_xlsx_cells_and_terminal_lines_escape_control_characters() -> None:
    """The sinks themselves, for names that arrive some other way (a hand-edited scores.json, say)."""
    from campuseval.safetext import visible, xlsx_safe

    assert xlsx_safe("东湖\x1b[31m\x01院区\tA") == "东湖\\x1b[31m\\x01院区\tA"  # tab is fine in xlsx
    assert visible("a\x1b[2J\u202eb\x07") == "a\\x1b[2J\\u202eb\\x07"
    assert xlsx_safe(3.5) == 3.5


def test_file_names_with_control_characters_refused(tmp_path: Path) -> None:
    both(["score", str(tmp_path / "a\x1b[2J.csv"), "--targets", str(TARGETS), "--out", str(tmp_path / "o")], 2,
         "a\\x1b[2J.csv: 文件名中含有控制字符", "a\\x1b[2J.csv: the file name holds a control or text-direction")


def test_control_characters_in_config_names_refused(tmp_path: Path) -> None:
    text = TARGETS.read_text(encoding="utf-8").replace("zh: 示例一院东湖院区,", 'zh: "示例一院\\e[2J东湖院区",')
    text = text.replace("extends: ../../configs/indicators_shaoxing.yaml", "extends: builtin:indicators_shaoxing.yaml")
    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    both(["validate", str(f)], 1, "文字中含有控制字符或文字方向控制符：示例一院\\x1b[2J东湖院区",
         "the text holds a control or text-direction character: 示例一院\\x1b[2J东湖院区")


# ---------------------------------------------------------------- scores.json edited by hand


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("saved")
    result = CliRunner().invoke(app, ["score", *DATA, "--targets", str(TARGETS), "--out", str(out),
                                      "--format", "json", "--generated-at", "2025-01-01T00:00:00+08:00"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    return data


def _edited(saved: dict[str, Any], edit: Any) -> str:
    data = json.loads(json.dumps(saved))
    text = edit(data)
    return text if isinstance(text, str) else json.dumps(data, ensure_ascii=False)


EDITS = {
    "deep_nesting": (lambda d: "[" * 100_000 + "]" * 100_000, "nests deeper than 32 levels", "嵌套超过 32 层"),
    "nested_in_a_field": (lambda d: d.__setitem__("notes", json.loads("[" * 40 + "]" * 40)),
                          "nests deeper than 32 levels", "嵌套超过 32 层"),
    "100k_digit_number": (lambda d: json.dumps(d).replace('"year": 2024', '"year": ' + "9" * 100_000, 1),
                          "digits) at year, out of range", "超出范围"),
    "plus_1e308": (lambda d: d["campuses"][0].__setitem__("total", 1e308), "holds 1e+308 at campuses.0.total",
                   "campuses.0.total 处数值 1e+308"),
    "minus_1e308": (lambda d: d["campuses"][1].__setitem__("total", -1e308), "holds -1e+308 at campuses.1.total",
                    "campuses.1.total"),
    "nan_constant": (lambda d: json.dumps(d).replace('"year": 2024', '"year": NaN', 1), "holds NaN at year",
                     "year 处数值 NaN"),
    "nan_as_text": (lambda d: d["campuses"][0].__setitem__("total", "nan"), "campuses.0.total", "campuses.0.total"),
    "rounding_empty": (lambda d: d["method"].__setitem__("rounding", {}), "method.rounding.indicator",
                       "method.rounding.indicator"),
    "rounding_huge": (lambda d: d["method"].__setitem__("rounding", {"indicator": 400, "total": 2}),
                      "method.rounding.indicator", "method.rounding.indicator"),
    "boolean_total": (lambda d: d["campuses"][0].__setitem__("total", True), "campuses.0.total", "campuses.0.total"),
}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_hand_edited_scores_json_is_refused_with_its_place(name: str, saved: dict[str, Any], tmp_path: Path) -> None:
    edit, en, zh = EDITS[name]
    path = tmp_path / "scores.json"
    path.write_text(_edited(saved, edit), encoding="utf-8")
    before = digest(path)
    both(["report", str(path), "--out", str(tmp_path / "rep"), "--format", "md,html,xlsx"], 2,
         f"{path}", f"{path}")
    for lang, text in (("zh", zh), ("en", en)):
        assert text in run("report", str(path), "--out", str(tmp_path / "rep"), lang=lang).output
    assert digest(path) == before
    assert not (tmp_path / "rep").exists()


def test_report_never_overwrites_its_own_scores_json(saved: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "scores.json"
    path.write_text(json.dumps(saved, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = digest(path)
    both(["report", str(path), "--format", "json", "--force"], 2,
         "会覆盖读入的文件", "a file that was read in")
    assert digest(path) == before
    # Into another folder it works, and the copy says the same.
    result = run("report", str(path), "--format", "json", "--out", str(tmp_path / "copy"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "copy" / "scores.json").read_text(encoding="utf-8")) == saved


# ---------------------------------------------------------------- formulas that measure nothing


@pytest.mark.parametrize(("text", "reason"), [("5", "formula.constant"), ("2 * (3 + 4)", "formula.constant"),
                                              ("(" * 41 + "a" + ")" * 41, "formula.too_deep"),
                                              ("(" * 40 + "a" + ")" * 40, None)])
def test_formula_constants_and_deep_parentheses(text: str, reason: str | None) -> None:
    from campuseval import formula

    if reason is None:
        assert formula.parse(text).names == {"a"}
        return
    with pytest.raises(formula.FormulaError) as info:
        formula.parse(text)
    assert info.value.reason == reason


# ---------------------------------------------------------------- Ctrl-C at any moment


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize("delay", [0.8, 1.2, 1.8])  # past Python's own start-up, even on a loaded machine
def test_ctrl_c_at_any_moment(delay: float, tmp_path: Path) -> None:
    """While the tool imports, while the data is read or while scoring: exit 130, one line, nothing left.

    (A signal in the first tenth of a second lands in Python's own start-up, before any of the tool's code.)
    """
    import signal

    before = digest(*map(Path, DATA), TARGETS)
    proc = subprocess.Popen([sys.executable, "-m", "campuseval", "score", *DATA, "--targets", str(TARGETS),
                             "--out", str(tmp_path / "out"), "--lang", "en"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the run finished before the signal came")  # a fast machine; nothing to check
    assert proc.returncode == 130, (proc.returncode, err)
    # One line says so, last; what was read may be listed above it. No traceback.
    assert err.count("interrupted") == 1 and "Traceback" not in err, err
    last = err.strip().splitlines()[-1]
    if last.startswith("interrupted after the results were written whole"):
        # The signal came while the summary was printed: the files are all there, as the line says.
        assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
            ["scores.json", "summary.csv", "scores.csv", "scores.xlsx", "report.md", "report.html"])
    else:
        assert last == "interrupted; no output was written", err
        assert not (tmp_path / "out").exists()
    assert digest(*map(Path, DATA), TARGETS) == before


# ---------------------------------------------------------------- more classes from the outside attack


@POSIX
def test_extends_through_a_symlink_loop_or_a_nul_name(tmp_path: Path) -> None:
    folder = tmp_path / "targets"
    folder.mkdir()
    os.symlink("b.yaml", folder / "a.yaml")
    os.symlink("a.yaml", folder / "b.yaml")
    loop = folder / "loop.yaml"
    loop.write_text("extends: a.yaml\nlocality: {id: x, name: X}\n", encoding="utf-8")
    nul = folder / "nul.yaml"
    nul.write_text('extends: "a\\0b.yaml"\nlocality: {id: x, name: X}\n', encoding="utf-8")
    both(["validate", str(loop)], 1, f"{loop}:1:10: extends: 路径中的符号链接形成了循环",
         f"{loop}:1:10: extends: the symbolic links in the path form a loop")
    both(["validate", str(nul)], 1, f"{nul}:1:10: extends: 文件名中含有空字符", f"{nul}:1:10: extends: the file name holds a NUL")
    both(["score", *DATA, "--targets", str(loop), "--out", str(tmp_path / "o")], 2,
         "路径中的符号链接形成了循环", "the symbolic links in the path form a loop")


@pytest.mark.skipif(not Path("/proc/self").exists(), reason="needs /proc, which even root cannot write")
def test_schema_out_where_nothing_can_be_written() -> None:
    both(["schema", "--out", "/proc/campuseval-schemas"], 2, "/proc/campuseval-schemas: ", "/proc/campuseval-schemas: ")
    both(["template", "--out", "/proc/campuseval.xlsx"], 2, "/proc/campuseval.xlsx: ", "/proc/campuseval.xlsx: ")


def test_data_file_name_with_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    name = os.fsdecode(b"\xff\xfe-data.csv")  # a lone surrogate in Python, as a Linux shell hands it over
    result = run("score", name, "--targets", str(TARGETS), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2, result.output
    assert "\\udcff\\udcfe-data.csv" in result.output  # shown escaped, never an encoding error


def test_csv_of_a_million_rows_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes("单位,年份\n".encode() + b"x,2024\n" * 1_000_001)
    started = time.perf_counter()
    both(["score", str(path), "--targets", str(TARGETS), "--out", str(tmp_path / "o")], 2,
         f"{path}: CSV 有 1,000,002 行", f"{path}: the CSV has 1,000,002 rows")
    assert time.perf_counter() - started < 40


def test_empty_out_is_not_the_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    both(["score", *DATA, "--targets", str(TARGETS), "--out", ""], 2,
         "--out: 选项 --out 的值是空的", "--out: the option --out was given an empty value")
    both(["score", *DATA, "--targets", str(TARGETS), "--out=", "--format", ","], 2,
         "--out: 选项 --out 的值是空的", "--out: the option --out was given an empty value")
    assert list(tmp_path.iterdir()) == []


def test_config_name_of_ten_thousand_characters(tmp_path: Path) -> None:
    text = TARGETS.read_text(encoding="utf-8").replace("zh: 示例一院东湖院区,", "zh: " + "长" * 10_000 + ",")
    text = text.replace("extends: ../../configs/indicators_shaoxing.yaml", "extends: builtin:indicators_shaoxing.yaml")
    f = tmp_path / "t.yaml"
    f.write_text(text, encoding="utf-8")
    result = run("validate", str(f))
    assert result.exit_code == 1
    assert "campuses.donghu.name.zh: too long: at most 2000 characters" in result.output
    assert len(result.output) < 2000  # the hint does not repeat the name


def test_ctrl_c_after_the_files_are_written_says_they_are(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal while the summary prints (the files already moved into place) must not claim nothing was written."""
    from typer.testing import CliRunner

    from campuseval import cli

    def interrupted(*_: object, **__: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "print_summary", interrupted)
    result = CliRunner().invoke(cli.app, ["score", *DATA, "--targets", str(TARGETS), "--out", str(tmp_path / "out"),
                                          "--format", "json,csv", "--lang", "en"])
    assert result.exit_code == 130
    assert f"interrupted after the results were written whole to {tmp_path / 'out'}" in result.output
    assert "no output was written" not in result.output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["scores.csv", "scores.json", "summary.csv"]
