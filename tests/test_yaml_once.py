"""YAML is parsed once per run, and libyaml's parser reads every config as PyYAML's own does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from campuseval.config import check_config
from campuseval.config import yamlsource as ys
from campuseval.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(p for p in [*ROOT.glob("configs/**/*.yaml"), *ROOT.glob("tests/**/*.yaml"),
                                *ROOT.glob("examples/**/*.yaml")])


def _outcome(text: str) -> tuple[object, ...]:
    try:
        doc = ys.parse_yaml_text(text, "f.yaml", "x")
    except ConfigError as exc:
        return ("error", [d.render("en") for d in exc.diagnostics])
    return ("ok", doc.data, doc.value_marks, doc.key_marks)


@pytest.mark.skipif(not yaml.__with_libyaml__, reason="PyYAML built without libyaml")
def test_libyaml_reads_every_config_as_pyyaml_does(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(YAML_FILES) > 50
    fast_path = 0
    for path in YAML_FILES:
        text = path.read_text(encoding="utf-8", errors="replace")
        fast = _outcome(text)
        fast_path += ys._fast_ok(text)
        with monkeypatch.context() as m:
            m.setattr(ys, "FAST_LOADER", None)
            pure = _outcome(text)
        assert fast == pure, path
    assert fast_path > len(YAML_FILES) // 2  # the fast parser is the one mostly used


@pytest.mark.parametrize("text", [
    "a: 1\nb:\tx\n",  # a tab in a plain scalar: libyaml takes it, PyYAML refuses it
    "a: {k: v?x}\n",  # a `?` in a flow scalar, likewise
    "a: {k: , j: 1}\n",  # an empty flow value: libyaml marks it one column off
    "a: \ufeffb\n",
    "a: >#\n  x\n",
    "a: !!str 1\n",
    "a: 'x\n",
    "a: [1, 2\n",
    "a: 1\na: 2\n",
    "- a\nb: 1\n",
])
def test_odd_text_reads_as_pyyaml_reads_it(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _outcome(text)
    monkeypatch.setattr(ys, "FAST_LOADER", None)
    assert fast == _outcome(text)


def test_a_table_is_parsed_once_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[str] = []
    real = ys.parse_yaml_text

    def counting(text: str, path: str, sha256: str = "") -> ys.YamlDoc:
        parsed.append(path)
        return real(text, path, sha256)

    monkeypatch.setattr(ys, "parse_yaml_text", counting)
    monkeypatch.chdir(ROOT)
    files = ["configs/targets/shaoxing.yaml", "configs/targets/keqiao.yaml", "configs/targets/yuecheng.yaml"]
    with ys.parse_once():
        results = [check_config(f) for f in files]
    assert all(r.effective is not None and not r.errors for r in results)
    table = [p for p in parsed if p.endswith("indicators_shaoxing.yaml")]
    assert len(table) == 1
    assert len(parsed) == len(set(parsed))
    # Outside a run every read parses afresh, and what a caller changes is its own.
    parsed.clear()
    first = ys.read_yaml(ROOT / files[0])
    first.data["extends"] = "changed"
    assert ys.read_yaml(ROOT / files[0]).data["extends"] != "changed"
    assert len(parsed) == 2


def test_a_file_changed_within_a_run_is_parsed_again(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text("a: 1\n", encoding="utf-8")
    with ys.parse_once():
        assert ys.read_yaml(f).data == {"a": 1}
        f.write_text("a: 2\n", encoding="utf-8")
        assert ys.read_yaml(f).data == {"a": 2}
        assert ys.read_yaml(f, "shown.yaml").path == "shown.yaml"
        f.write_text("a: [\n", encoding="utf-8")
        for _ in range(2):
            with pytest.raises(ConfigError) as exc:
                ys.read_yaml(f, "bad.yaml")
            assert exc.value.diagnostics[0].location.file == "bad.yaml"
