"""Markdown and HTML reports: goldens, determinism, both languages complete, well-formed, self-contained, escaped."""

from __future__ import annotations

import difflib
import html.parser
import importlib.util
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from campuseval.export.results_json import dumps
from campuseval.export.write import write_outputs
from campuseval.i18n import t
from campuseval.i18n.messages import MESSAGES
from campuseval.report import render
from campuseval.report.markdown import md_escape
from campuseval.report.view import show_target
from campuseval.results import ChangeOut, RangeOut, Results, Text

GOLDEN_DIR = Path(__file__).resolve().parent / "golden"
REGENERATE = "python tests/golden/regenerate.py"


def _load_regenerate() -> Any:
    spec = importlib.util.spec_from_file_location("golden_regenerate", GOLDEN_DIR / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


regenerate = _load_regenerate()

CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
HOSTILE_CAMPUS = "<script>alert(1)</script>"
HOSTILE_INDICATOR = 'A|B **bold** _x_ `code` =HYPERLINK("x")\nsecond line'


@pytest.fixture(scope="module")
def example() -> Results:
    return regenerate.example_results()


@pytest.fixture(scope="module")
def eventful(example: Results) -> Results:
    """The example with every kind of note: missing and reweighted, conflicts, a dropped indicator, warnings."""
    r = example.model_copy(deep=True)
    first = r.campuses[0]
    b1 = next(i for i in first.indicators if i.code == "B1")
    b1.value, b1.points, b1.max_points, b1.flags = None, 0.0, 0.0, ["reweighted", "missing"]
    c2 = next(i for i in first.indicators if i.code == "C2")
    c2.flags = ["value_conflict"]
    b3 = next(i for i in r.campuses[1].indicators if i.code == "B3")
    b3.previous_value, b3.points, b3.flags = None, 0.0, ["previous_missing"]
    a1 = next(i for i in r.campuses[1].indicators if i.code == "A1")
    a1.hq_value, a1.flags = None, ["hq_missing"]
    c4 = next(i for i in first.indicators if i.code == "C4")
    c4.target = RangeOut(min=40.0, max=60.0)
    c3 = next(i for i in r.campuses[2].indicators if i.code == "C3")
    c3.points, c3.max_points, c3.flags = 0.0, 0.0, ["not_applicable"]
    c1 = next(i for i in r.campuses[3].indicators if i.code == "C1")
    c1.rule, c1.value, c1.target, c1.scored, c1.points, c1.max_points, c1.flags = (
        "qualitative", None, None, False, None, 0.0, ["not_scorable"])
    c1.goal = Text(zh="建成胸痛中心", en="Open a chest-pain centre")
    r.campuses[3].deadline, r.campuses[3].before_deadline = 2026, True
    m = r.method
    m.indicators[-1].target = RangeOut(min=40.0, max=60.0)
    m.indicators[-2].applies_to = [r.campuses[0].id, r.campuses[1].id]
    m.missing, m.reweight = "reweight", "scale_within_part"
    m.indicators[0].effective_points = 8.5
    m.indicators[0].changes = [ChangeOut(what="points", old="10", new="8.5", file="targets/x.yaml"),
                               ChangeOut(what="homogeneity", old="", new="min_ratio 0.8", file="targets/x.yaml")]
    m.indicators[1].changes = [ChangeOut(what="added", old="", new=m.indicators[1].code, file="targets/x.yaml")]
    m.indicators[2].changes = [ChangeOut(what="target", old="10", new=">= 12", campus=r.campuses[1].id,
                                         file="targets/y.yaml")]
    m.dropped = [{"code": "C9", "name_zh": "已删除指标", "name_en": "A dropped indicator", "part": "C",
                  "file": "targets/x.yaml"}]
    r.warnings = [Text(zh="示例警告：某院区没有 2024 年的数据行", en="Example warning: a campus has no row for 2024")]
    return r


@pytest.fixture(scope="module")
def hostile(example: Results) -> Results:
    r = example.model_copy(deep=True)
    r.campuses[0].name = Text(zh=HOSTILE_CAMPUS, en=HOSTILE_CAMPUS)
    r.campuses[0].indicators[0].name = Text(zh=HOSTILE_INDICATOR, en=HOSTILE_INDICATOR)
    r.method.indicators[0].name = Text(zh=HOSTILE_INDICATOR, en=HOSTILE_INDICATOR)
    r.method.table_name = Text(zh="表 | <b>名</b>", en="Table | <b>name</b>")
    return r


# ---------------------------------------------------------------- goldens and determinism


@pytest.mark.parametrize("name", sorted(regenerate.FILES))
def test_golden(name: str, example: Results) -> None:
    fmt, lang = regenerate.FILES[name]
    got = render(example, fmt, lang)
    path = GOLDEN_DIR / name
    assert path.exists(), f"{path} is missing; create it with: {REGENERATE}"
    want = path.read_bytes().decode("utf-8")
    if got != want:
        diff = "".join(list(difflib.unified_diff(want.splitlines(True), got.splitlines(True), "golden", "now"))[:60])
        pytest.fail(f"{name} differs from the golden file. If the change is intended, run: {REGENERATE}\n{diff}")


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_same_results_give_same_bytes(fmt: str, lang: Any, example: Results) -> None:
    first = render(example, fmt, lang)
    assert render(example, fmt, lang) == first
    # What `campuseval report scores.json` renders: the results after a trip through JSON.
    reloaded = Results.model_validate_json(dumps(example))
    assert render(reloaded, fmt, lang) == first


def test_timestamp_comes_from_results(example: Results) -> None:
    later = example.model_copy(update={"generated_at": "2030-06-01T10:20:30+08:00"})
    text = render(later, "md", "en")
    assert "2030-06-01 10:20:30 +08:00" in text
    assert "2025-01-15" not in text


def test_write_outputs_writes_the_rendered_reports(example: Results, tmp_path: Path) -> None:
    written = write_outputs(example, tmp_path, ["md", "html"], "en")
    assert [p.name for p in written] == ["report.md", "report.html"]
    assert (tmp_path / "report.md").read_bytes().decode("utf-8") == render(example, "md", "en")
    assert (tmp_path / "report.html").read_bytes().decode("utf-8") == render(example, "html", "en")


def test_unknown_format_is_refused(example: Results) -> None:
    with pytest.raises(ValueError, match="pdf"):
        render(example, "pdf", "zh")


# ---------------------------------------------------------------- both languages complete


def _data_texts(r: Results, lang: str) -> list[str]:
    """Strings that come from the config or the data, not from the catalog, in `lang`."""
    texts: list[Text] = [r.method.table_name, r.method.provenance, r.method.entity, *r.warnings]
    if r.locality:
        texts.append(r.locality.name)
    texts += [p.name for p in r.method.parts]
    for mi in r.method.indicators:
        texts += [mi.name, mi.definition, mi.rule_text]
    for c in r.campuses:
        texts.append(c.name)
        texts += [ref.name for ref in (c.hq, c.district) if ref is not None]
        texts += [p.name for p in c.parts]
        for i in c.indicators:
            texts.append(i.name)
            if i.unit:
                texts.append(i.unit)
    out = [getattr(x, lang) for x in texts]
    out += [s.path for s in [*r.config_files, *r.data_files]]
    out += [ch.file for mi in r.method.indicators for ch in mi.changes]
    out += [d.get(f"name_{lang}", "") for d in r.method.dropped]
    out += [m.reviewer for m in r.expert_marks] + [m.remark for m in r.expert_marks]
    return [s for s in out if s]


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("which", ["example", "eventful"])
def test_no_catalog_key_leaks(fmt: str, lang: Any, which: str, request: pytest.FixtureRequest) -> None:
    results = request.getfixturevalue(which)
    text = render(results, fmt, lang)
    leaked = sorted(k for k in MESSAGES if "." in k and k in text)
    assert not leaked, f"catalog keys in the {lang} {fmt} report: {leaked}"
    shown = re.sub(r"<style>.*?</style>", "", text, flags=re.S)  # CSS selectors such as col.c-code
    assert not re.search(r"\b(report|flag|col|rulename|direction|subject|change|rule|cli)\.[a-z_]+\b", shown)
    assert "{" not in shown, "an unfilled {placeholder}"


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("which", ["example", "eventful"])
def test_english_has_no_chinese_outside_names(fmt: str, which: str, request: pytest.FixtureRequest) -> None:
    results = request.getfixturevalue(which)
    text = render(results, fmt, "en")
    if fmt == "md":
        text = text.replace("\\", "")  # the Markdown escaper adds backslashes inside names
    for allowed in sorted(set(_data_texts(results, "en")), key=len, reverse=True):
        text = text.replace(allowed, "")
    found = sorted(set(CJK.findall(text)))
    assert not found, f"Chinese characters in the English report outside data names: {found}"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_chinese_report_uses_chinese_labels(fmt: str, eventful: Results) -> None:
    text = render(eventful, fmt, "zh")
    for key in ("report.sec.overview", "report.campus.indicators", "report.method.rounding", "flag.missing",
                "report.note.missing.reweight", "report.note.value_conflict", "report.note.previous_missing",
                "report.note.hq_missing", "report.method.dropped"):
        assert t(key, "zh") in text, key
    assert "四舍五入" in text
    assert "A dropped indicator" not in text and "已删除指标" in text


def test_notes_explain_each_flag(eventful: Results) -> None:
    text = render(eventful, "md", "en")
    for key in ("report.note.missing.reweight", "report.note.value_conflict", "report.note.previous_missing",
                "report.note.hq_missing", "report.method.missing.reweight",
                "report.method.reweight.scale_within_part"):
        assert t(key, "en") in text, key
    assert "10 → 8.5" in text  # effective points after the locality's change
    # the changes of one file together, each with its word from change.*, the tolerance in words
    assert "points: 10 → 8.5; tolerance: ratio ≥ 0.8 (targets/x.yaml)" in text
    assert "added (targets/x.yaml)" in text
    # a unit's own target names the unit, not its id, and shows >= as ≥
    assert f"target ({eventful.campuses[1].name.en}): 10 → ≥ 12 (targets/y.yaml)" in text
    assert "C9 A dropped indicator (part C, targets/x.yaml)" in text
    assert "Example warning: a campus has no row for 2024" in text
    assert "40 \\~ 60" in text  # a range target (the escaper keeps ~ from striking through)
    assert "40 ~ 60" in render(eventful, "html", "en")
    assert "applies only to: " in text


def _campus_sections(markdown: str) -> list[str]:
    part = markdown.split("\n## ")[2]  # the section with one ### per unit
    return part.split("\n### ")[1:]


def _notes_of(section: str) -> str:
    return section.split("\n#### ")[-1]  # the last heading of a unit: missing data and notes


def test_informational_flags_are_not_missing_data(eventful: Results) -> None:
    text = render(eventful, "md", "en")
    sections = _campus_sections(text)
    by_name = {c.name.en: s for c in eventful.campuses for s in sections if s.split("\n", 1)[0].endswith(c.name.en)}
    third, fourth = by_name[eventful.campuses[2].name.en], by_name[eventful.campuses[3].name.en]
    # not applicable: no row of its own (one sentence under the table says it), nothing under missing data
    assert not [line for line in third.splitlines() if line.startswith("| C3 |")]
    assert "C3" not in _notes_of(third)
    assert t("report.campus.not_applicable.scale_within_part", "en", codes="C3", entity="campus") in third
    # qualitative: the goal as the target, judged by people, not under missing data
    row = next(line for line in fourth.splitlines() if line.startswith("| C1 |"))
    assert "Open a chest-pain centre" in row and "| judged by people |" in row
    assert "C1" not in _notes_of(fourth)
    assert t("report.campus.not_scorable", "en", codes="C1") in fourth
    assert t("report.campus.deadline.before", "en", year=2026) in fourth
    assert "Building phase; targets due 2026" in fourth


@pytest.mark.parametrize(("target", "scale", "comparison", "shown"), [
    (35.0, "percent", "gt", "> 35%"),
    (3000.0, "count", "ge", "≥ 3000"),
    (8.0, "days", "lt", "< 8"),
    (0.05, "percent", "le", "≤ 0.05%"),
    (20.0, "percent", None, "20%"),
    (RangeOut(min=150.0, max=200.0), "count", None, "150 ~ 200"),
    (RangeOut(min=150.0, max=None), "count", None, "≥ 150"),
    (RangeOut(min=None, max=200.0), "count", None, "≤ 200"),
    (RangeOut(min=2.2, max=2.3), "percent", None, "2.2% ~ 2.3%"),
    (None, "count", "gt", ""),
])
def test_targets_read_as_set(target: Any, scale: str, comparison: str | None, shown: str) -> None:
    assert show_target(target, scale, comparison) == shown


# ---------------------------------------------------------------- well-formed and self-contained


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Balance(html.parser.HTMLParser):
    """Checks that every element is closed in order (no implied closing), and records start tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1][0] != tag:
            self.errors.append(f"</{tag}> at {self.getpos()} closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()


def _parse(text: str) -> _Balance:
    checker = _Balance()
    checker.feed(text)
    checker.close()
    return checker


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("which", ["example", "eventful", "hostile"])
def test_html_is_well_formed(lang: Any, which: str, request: pytest.FixtureRequest) -> None:
    text = render(request.getfixturevalue(which), "html", lang)
    parsed = _parse(text)
    assert not parsed.errors, parsed.errors[:5]
    assert not parsed.stack, f"unclosed: {parsed.stack[:5]}"
    assert text.startswith("<!DOCTYPE html>\n")
    html_tags = [a for tag, a in parsed.tags if tag == "html"]
    assert html_tags == [{"lang": "zh-CN" if lang == "zh" else "en"}]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_is_accessible_well_formed_svg(lang: Any, example: Results) -> None:
    text = render(example, "html", lang)
    charts = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    # one overview chart, then per campus: against HQ and points earned
    assert len(charts) == 1 + 2 * len(example.campuses)
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.get("role") == "img"
        assert root.get("aria-label")
        assert root[0].tag == "title" and root[0].text == root.get("aria-label")
        assert "WenQuanYi Micro Hei" in (root.get("font-family") or "")
        assert root.findall(".//text"), "labels are <text>, not paths or images"
        # Coordinates with at most one decimal: the same chart is always the same bytes.
        assert not re.search(r'\b(?:x|y|x1|y1|x2|y2|width|height|font-size)="-?\d+\.\d{2,}"', chart)
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)), "pattern and section ids must be unique in the page"


EXTERNAL = [
    ("http:", re.compile(r"http:", re.I)),
    ("https:", re.compile(r"https:", re.I)),
    ("//", re.compile(r"//")),
    ("url() to outside", re.compile(r"url\(\s*(?!#)", re.I)),
    ("@import", re.compile(r"@import", re.I)),
    ("<script", re.compile(r"<script", re.I)),
    ("src=", re.compile(r"\bsrc\s*=", re.I)),
    ("href= not to #", re.compile(r"\bhref\s*=\s*(?![\"']?#)", re.I)),
    ("xlink", re.compile(r"xlink:", re.I)),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_self_contained(lang: Any, example: Results) -> None:
    text = render(example, "html", lang)
    for what, pattern in EXTERNAL:
        assert not pattern.search(text), f"external reference: {what}"
    assert ('<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; img-src data:\">") in text
    assert "<style>" in text and "<link" not in text


def test_html_prints_as_a4(example: Results) -> None:
    css = re.search(r"<style>(.*?)</style>", render(example, "html", "zh"), flags=re.S)
    assert css is not None
    style = css.group(1)
    assert "@page" in style and "size: A4" in style
    assert "@media print" in style
    assert re.search(r"section\.campus[^{]*\{\s*break-before: page", style)
    assert re.search(r"tr[^{]*\{\s*break-inside: avoid", style)


# ---------------------------------------------------------------- settings whose units have no HQ


@pytest.fixture(scope="module", params=regenerate.SETTINGS)
def setting(request: pytest.FixtureRequest) -> Results:
    """An example of another setting (regional medical centres, medical communities), through the library."""
    return regenerate.example_results(request.param)


def _plain(text: str, fmt: str) -> str:
    """What a reader sees: no CSS, no tags, no Markdown escapes."""
    if fmt == "md":
        return text.replace("\\", "")
    text = re.sub(r"<style>.*?</style>", "", text, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", text))


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_settings_without_hq_render(fmt: str, lang: Any, setting: Results) -> None:
    assert not any(i.subject == "both" for i in setting.method.indicators)
    text = render(setting, fmt, lang)
    shown = _plain(text, fmt)
    leaked = sorted(k for k in MESSAGES if "." in k and k in text)
    assert not leaked, leaked
    assert not re.search(r"\b(report|flag|col|rulename|direction|subject|change|rule|cli)\.[a-z_]+\b", shown)
    assert "{" not in shown, "an unfilled {placeholder}"
    # nothing about an HQ: no gap panel or findings, no HQ column, no gap column, no homogeneity section
    for key in ("report.campus.gaps", "report.campus.gaps.none", "col.hq_value", "report.col.gaps",
                "report.method.homogeneity", "report.chart.hq.desc", "report.find.gaps_none"):
        assert t(key, lang, entity=t("col.campus", lang)) not in shown, key
    if lang == "zh":
        for word in ("总院", "院区值", "各院区", "该院区", "数据对象：院区"):
            assert word not in shown, word
    else:
        assert not re.search(r"\b(campus|campuses|Campus|HQ)\b", shown), re.findall(r".{30}\b(?:campus|HQ)\b.{30}", shown)
    # the setting's own word for its units
    entity = setting.method.entity.zh if lang == "zh" else setting.method.entity.en
    header = entity if lang == "zh" else entity[:1].upper() + entity[1:]
    if fmt == "md":
        assert f"| {t('col.rank', lang)} | {header} | {t('col.total', lang)} |" in text
        assert f"| {t('report.col.value', lang)} |" in text
    else:
        assert f"<th>{html.escape(header)}</th>" in text
    assert t("report.sec.campuses", lang, entity=entity) in shown
    assert t("report.method.basis", lang, direction=t("direction.higher", lang), subject=entity) in shown


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_settings_html_is_well_formed(lang: Any, setting: Results) -> None:
    text = render(setting, "html", lang)
    parsed = _parse(text)
    assert not parsed.errors, parsed.errors[:5]
    assert not parsed.stack, f"unclosed: {parsed.stack[:5]}"
    charts = re.findall(r"<svg\b.*?</svg>", text, flags=re.S)
    assert len(charts) == 1 + len(setting.campuses)  # the overview, then points earned per unit; no HQ chart
    assert "chart-hq" not in text
    for chart in charts:
        root = ET.fromstring(chart)
        assert root.get("role") == "img" and root.get("aria-label")
        assert root[0].tag == "title" and root[0].text == root.get("aria-label")
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids))
    for what, pattern in EXTERNAL:
        assert not pattern.search(text), f"external reference: {what}"


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_settings_english_has_no_chinese_outside_names(fmt: str, setting: Results) -> None:
    text = _plain(render(setting, fmt, "en"), fmt)
    texts = _data_texts(setting, "en")
    texts += [i.goal.en for c in setting.campuses for i in c.indicators if i.goal is not None]
    for allowed in sorted(set(texts), key=len, reverse=True):
        text = text.replace(allowed, "")
    found = sorted(set(CJK.findall(text)))
    assert not found, f"Chinese characters in the English report outside data names: {found}"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_settings_markdown_tables_keep_their_columns(lang: Any, setting: Results) -> None:
    for table in _tables(render(setting, "md", lang)):
        assert len({_cells(row) for row in table}) == 1, table[:3]


def test_shanxi_targets_deadlines_and_informational_flags() -> None:
    r = regenerate.example_results("shanxi_nrmc")
    zh, en = render(r, "md", "zh").replace("\\", ""), render(r, "md", "en").replace("\\", "")
    # meets_target with its comparison, ranges one-sided or two, never "150 ~ -"
    for shown in ("> 35%", "< 8", "< 0.05%", "≥ 3000", "150 ~ 200", "≥ 150"):
        assert shown in zh, shown
    assert "~ -" not in zh and "- ~" not in zh and ">=" not in zh and "<=" not in zh
    # units still building towards their deadline say so in their header
    building = [c for c in r.campuses if c.before_deadline]
    assert building
    for c in building:
        assert f"- {t('report.campus.deadline.before', 'zh', year=c.deadline)}" in zh
        assert f"- {t('report.campus.deadline.before', 'en', year=c.deadline)}" in en
        assert f"targets due {c.deadline}" in en
    # not applicable and qualitative are words in the indicator table, never under missing data
    for section in _campus_sections(zh):
        notes = _notes_of(section)
        assert t("flag.not_applicable", "zh") not in notes and t("flag.not_scorable", "zh") not in notes
    for c in r.campuses:
        for i in c.indicators:
            if "not_scorable" in i.flags:
                assert i.goal is not None and i.goal.zh in zh
    # a per-unit change names the unit
    name = r.campuses[1].name.zh
    assert f"目标值（{name}）：" in zh
    assert f"（{r.campuses[1].id}）" not in zh


def test_yes_no_values_read_as_words() -> None:
    r = regenerate.example_results("fenghua")
    answers = {i.value for c in r.campuses for i in c.indicators if i.rule in ("yes_no", "veto")}
    assert answers == {0.0, 1.0}
    zh, en = render(r, "md", "zh"), render(r, "md", "en")
    code = next(i.code for i in r.campuses[0].indicators if i.rule == "yes_no")
    # The rows of the indicator table (the lost-points table above it starts its rows with codes too).
    rows_zh = [line for s in _campus_sections(zh) for line in s.split("#### 指标明细")[1].splitlines()
               if line.startswith(f"| {code} |")]
    rows_en = [line for s in _campus_sections(en) for line in s.split("#### Indicators")[1].splitlines()
               if line.startswith(f"| {code} |")]
    assert {row.split("|")[3].strip() for row in rows_zh} == {"是", "否"}
    assert {row.split("|")[3].strip() for row in rows_en} == {"yes", "no"}


# ---------------------------------------------------------------- escaping


def test_hostile_names_are_text_in_html(hostile: Results) -> None:
    text = render(hostile, "html", "en")
    assert "<script" not in text.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>" not in text and "&lt;b&gt;name&lt;/b&gt;" in text
    parsed = _parse(text)
    assert not parsed.errors and not parsed.stack
    assert "script" not in {tag for tag, _ in parsed.tags}
    assert "b" not in {tag for tag, _ in parsed.tags}
    for chart in re.findall(r"<svg\b.*?</svg>", text, flags=re.S):
        ET.fromstring(chart)  # the name is in titles and labels, still well-formed XML
    assert "=HYPERLINK(&#34;x&#34;)" in text


def _tables(markdown: str) -> list[list[str]]:
    tables: list[list[str]] = []
    current: list[str] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def _cells(row: str) -> int:
    return len(re.findall(r"(?<!\\)\|", row)) - 1


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("which", ["example", "hostile"])
def test_markdown_tables_keep_their_columns(lang: Any, which: str, request: pytest.FixtureRequest) -> None:
    text = render(request.getfixturevalue(which), "md", lang)
    tables = _tables(text)
    assert len(tables) >= 10
    for table in tables:
        widths = {_cells(row) for row in table}
        assert len(widths) == 1, f"a table row has a different number of cells: {table[:3]}"


def test_hostile_names_are_literal_in_markdown(hostile: Results) -> None:
    text = render(hostile, "md", "zh")
    assert "<script>" not in text
    assert "\\<script\\>alert(1)\\</script\\>" in text
    assert "A\\|B \\*\\*bold\\*\\* \\_x\\_ \\`code\\` =HYPERLINK(\"x\") second line" in text
    assert "\n表 \\| \\<b\\>名\\</b\\>（版本" in text  # the table's name, under the report's title


@pytest.mark.parametrize(("raw", "escaped"), [
    ("a|b", "a\\|b"),
    ("**x**", "\\*\\*x\\*\\*"),
    ("<i>", "\\<i\\>"),
    ("a\\b", "a\\\\b"),
    ("snake_case `x`", "snake\\_case \\`x\\`"),
    ("one\r\ntwo\nthree", "one two three"),
    ("[link](x)", "\\[link\\](x)"),
    ("45%", "45%"),
    ("出院患者四级手术比例", "出院患者四级手术比例"),
    (None, ""),
    (12.5, "12.5"),
])
def test_md_escape(raw: Any, escaped: str) -> None:
    assert md_escape(raw) == escaped
