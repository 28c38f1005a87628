"""The column reader against the twelfth attack: what the cell-by-cell reader (commit 9ce168b) did and
the column reader at first did not.

No test times anything: a size or complexity bug is pinned by a bounded count (steps, calls, bytes
traced) or by a child process with a capped address space and a generous timeout.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from campuseval.cli import load_effective
from campuseval.data import locations as locations_mod
from campuseval.data import read as read_mod
from campuseval.data.read import read_data
from campuseval.data.sources import CsvRows
from campuseval.errors import DataError

REPO = Path(__file__).resolve().parents[1]
TARGETS = REPO / "examples" / "shaoxing" / "targets.yaml"
CAMPUS = "示例一院东湖院区"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8", newline="")
    return path


def refused(paths: list[Path], targets: Path | None = TARGETS) -> list[str]:
    eff = load_effective(None, str(targets) if targets else None, "zh")
    with pytest.raises(DataError) as info:
        read_data(paths, eff)
    return [d.render("en") for d in info.value.diagnostics]


# ------------------------------------------------------------------ F1: the default year of expert marks

EXPERTS_NO_YEAR = f"单位,指标,分数,评审人\n{CAMPUS},C5,3.5,评审专家A\n{CAMPUS},C5,3.0,评审专家B\n"
EXPERTS_2025 = f"单位,指标,分数,评审人,年份\n{CAMPUS},C5,3.5,评审专家A,2025\n{CAMPUS},C5,3.0,评审专家B,2025\n"


@pytest.mark.parametrize("data", [
    f"单位,年份,指标,值\n{CAMPUS},2024,出院患者总人次数,33037\n{CAMPUS},2025,出院患者总人次数,abc\n",
    f"单位,年份,出院患者微创手术台次数\n{CAMPUS},2024,2\n{CAMPUS},2025,abc\n",
], ids=["long", "wide"])
def test_expert_default_year_counts_only_years_with_a_cell_read(tmp_path: Path, data: str) -> None:
    """A year whose only cells were refused is no year read: marks without a year are for 2024, as before."""
    messages = refused([write(tmp_path / "data.csv", data), write(tmp_path / "experts.csv", EXPERTS_NO_YEAR)])
    expert = [m for m in messages if "C5" in m]
    assert len(expert) == 1, messages
    assert "2024" in expert[0] and "2025" not in expert[0], expert


def test_marks_of_a_year_with_no_cell_read_add_no_problem(tmp_path: Path) -> None:
    """Marks for 2025, when 2025's only cell was refused: only the refused cell is said, as before."""
    data = f"单位,年份,指标,值\n{CAMPUS},2024,出院患者总人次数,33037\n{CAMPUS},2025,出院患者总人次数,abc\n"
    messages = refused([write(tmp_path / "data.csv", data), write(tmp_path / "experts.csv", EXPERTS_2025)])
    assert len(messages) == 1 and "abc" in messages[0], messages


def test_a_year_with_one_cell_read_still_counts(tmp_path: Path) -> None:
    """A 2025 row with one good cell beside a refused one is a year read: marks default to 2025 (two years,
    so the marks must say theirs: the message names no default)."""
    data = (f"单位,年份,出院患者总人次数,出院患者手术人次数\n{CAMPUS},2024,1,2\n{CAMPUS},2025,3,abc\n")
    eff = load_effective(None, str(TARGETS), "zh")
    reader = read_mod._Reader(read_mod.Vocabulary.of(eff), default_year=None, layout="auto")
    sheets, _ = read_mod.open_data_file(write(tmp_path / "data.csv", data), "data.csv")
    reader._shown = "data.csv"
    reader.read_sheet(sheets[0], "data.csv")
    assert reader.years_read == {2024, 2025}


# ------------------------------------------------------------------ F2: no padding of every row to the widest


def test_column_takes_only_the_cells_asked(tmp_path: Path) -> None:
    """One 1,000-cell row among 50,000 blank lines: a column costs the rows asked, not rows x widest row."""
    records: list[list[str]] = [["单位", "年份", "x"], [CAMPUS, "2024", "1", *[""] * 997]] + [[] for _ in range(50_000)]
    rows = CsvRows(records)
    tracemalloc.start()
    try:
        assert rows.column(0, [1]) == [CAMPUS]
        assert rows.column(999, [1]) == [None]
        assert rows.column(2, [0, 1, 2, 3]) == ["x", "1", None, None]  # a short (blank) row: blank cells
        assert rows.column(5, [0, 2]) == [None, None]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20, peak  # the transposed file was 50,000 x 1,000 pointers: 400 MB


def test_one_wide_row_and_a_million_blank_lines_in_little_memory(tmp_path: Path) -> None:
    """The attack's file (1 MB, within every limit): a clean message in a child capped at 1.5 GB, where the
    transposing reader needed 8 GB and died with a MemoryError traceback."""
    path = write(tmp_path / "blank.csv", "单位,年份,出院患者总人次数\n" f"{CAMPUS},2024,1" + "," * 997 + "\n"
                 + "\n" * 999_990)
    code = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (1536 << 20, 1536 << 20))
        from campuseval.cli import load_effective
        from campuseval.data.read import read_data
        from campuseval.errors import DataError
        eff = load_effective(None, {str(TARGETS)!r}, "zh")
        try:
            ds = read_data([{str(path)!r}], eff)
        except DataError as exc:
            print("refused", exc.diagnostics[0].key)
        else:
            print("read", len(ds.values), sorted(set(ds.values.field)))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.stdout.strip().startswith(("read 1 ", "refused ")), (done.stdout, done.stderr[-2000:])


# ------------------------------------------------------------------ F3: a unit-year read again, linearly


class _CountingList(list[Any]):
    """An entry list of Locations.wide that counts every entry looked at."""

    looked = 0

    def __iter__(self) -> Any:
        for item in super().__iter__():
            _CountingList.looked += 1
            yield item

    def __getitem__(self, i: Any) -> Any:
        _CountingList.looked += 1
        return super().__getitem__(i)


class _CountingDict(dict[Any, Any]):
    def __setitem__(self, key: Any, value: Any) -> None:
        super().__setitem__(key, _CountingList(value))


def test_a_unit_year_repeated_with_refused_cells_is_checked_in_linear_steps(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A unit and year first read in another file, then 2,000 times with a refused cell: each copy's lookup
    of an earlier cell looked at every earlier copy (2 million steps); now a few per copy. Same messages."""
    real_init = locations_mod.Locations.__init__

    def init(self: Any) -> None:
        real_init(self)
        self.wide = _CountingDict()

    monkeypatch.setattr(locations_mod.Locations, "__init__", init)
    _CountingList.looked = 0
    a = write(tmp_path / "a.csv", f"单位,年份,出院患者总人次数\n{CAMPUS},2024,1\n")
    n = 2_000
    b = write(tmp_path / "b.csv", "单位,年份,出院患者手术人次数\n" + f"{CAMPUS},2024,abc\n" * n)
    messages = refused([a, b])
    assert len(messages) == 30
    assert all("must be a number" in m for m in messages), messages[:3]
    assert "b.csv, row 2, column C" in messages[0] and "b.csv, row 31, column C" in messages[-1], messages
    assert _CountingList.looked < 10 * n, _CountingList.looked


def test_a_cell_read_in_a_later_copy_is_still_the_first(tmp_path: Path) -> None:
    """The first copy's cell refused, the second's read: the third copy is a duplicate of the second."""
    a = write(tmp_path / "a.csv", f"单位,年份,出院患者总人次数\n{CAMPUS},2024,1\n")
    b = write(tmp_path / "b.csv", f"单位,年份,出院患者手术人次数\n{CAMPUS},2024,abc\n")
    c = write(tmp_path / "c.csv", f"单位,年份,出院患者手术人次数\n{CAMPUS},2024,5\n")
    d = write(tmp_path / "d.csv", f"单位,年份,出院患者手术人次数\n{CAMPUS},2024,6\n")
    messages = refused([a, b, c, d])
    assert len(messages) == 2, messages
    assert "b.csv, row 2, column C" in messages[0]
    assert "d.csv, row 2, column C" in messages[1] and "c.csv" in messages[1], messages


# ------------------------------------------------------------------ F4: the 30-problem stop stops the work


class _Counter:
    def __init__(self, real: Any) -> None:
        self.real, self.calls = real, 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.calls += 1
        return self.real(*args, **kwargs)


def _count_work(monkeypatch: pytest.MonkeyPatch) -> tuple[_Counter, _Counter, _Counter]:
    """Counters of the messages made, the units resolved and the cells parsed one by one."""
    from campuseval.data import columns as columns_mod

    messages, units, cells = _Counter(read_mod.diag), _Counter(read_mod._Reader._resolve_unit), \
        _Counter(columns_mod.parse_cell)
    monkeypatch.setattr(read_mod, "diag", messages)
    monkeypatch.setattr(read_mod._Reader, "_resolve_unit", lambda self, *a: units(self, *a))
    monkeypatch.setattr(columns_mod, "parse_cell", cells)
    return messages, units, cells


@pytest.mark.parametrize("layout", ["wide", "long"])
@pytest.mark.parametrize("good", [0, 10_000])
def test_refused_cells_stop_the_read_at_30_problems(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    layout: str, good: int) -> None:
    """60,000 refused cells (after `good` rows read well): the same first 30 messages, but only those 30
    made, and the rows read a small multiple of those before the 30th problem, not all 60,000."""
    n = 60_000
    if layout == "wide":
        head, row = "单位,年份,类型,出院患者总人次数\n", "U{i},2024,总院,{v}\n"
    else:
        head, row = "单位,年份,类型,指标,值\n", "U{i},2024,总院,出院患者总人次数,{v}\n"
    text = head + "".join(row.format(i=i, v=1) for i in range(good)) + \
        "".join(row.format(i=i, v="abc") for i in range(good, good + n))
    path = write(tmp_path / "bad.csv", text)
    messages, units, cells = _count_work(monkeypatch)
    said = refused([path], targets=None)
    column = "D" if layout == "wide" else "E"
    assert len(said) == 30
    assert all("must be a number, got 'abc'" in m for m in said), said[:2]
    assert [m.split(":")[0] for m in said] == [f"{path}, row {good + 2 + i}, column {column}" for i in range(30)]
    assert messages.calls <= 31, messages.calls  # the 30 said (and none for the 59,970 after them)
    bound = 4 * (good + 30) + 4 * read_mod.FIRST_PART
    assert units.calls <= bound and cells.calls <= bound, (units.calls, cells.calls, bound)


@pytest.mark.parametrize("data", [
    "examples/shaoxing/data/campus.csv",
    "examples/shaoxing/data/demo_2023-2024.xlsx",
    "examples/fenghua/data/synthetic_communities_2024-2025.csv",
])
def test_reading_in_parts_reads_the_same(monkeypatch: pytest.MonkeyPatch, data: str) -> None:
    """A sheet read in parts of 1, 4, 16, ... rows gives the same values, cells and warnings as in one."""
    targets = REPO / Path(data).parents[1] / "targets.yaml"
    eff = load_effective(None, str(targets), "zh")
    whole = read_data([REPO / data], eff)
    monkeypatch.setattr(read_mod, "FIRST_PART", 1)
    parts = read_data([REPO / data], eff)
    assert whole.values.equals(parts.values)
    assert dict(whole.refs.items()) == dict(parts.refs.items())
    assert [w.render("en") for w in whole.warnings] == [w.render("en") for w in parts.warnings]
    assert whole.units == parts.units


def test_problems_in_parts_are_said_as_in_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Duplicates, refused cells and unknown units spread over the parts: the same messages in the same order."""
    rows = [f"{CAMPUS},2024,1,2", "示例二院西山院区,2024,x,3", f"{CAMPUS},2024,1,2", "某医院,2024,1,1",
            "示例二院西山院区,2025,-,无", "示例二院西山院区,2024,4,5", f"{CAMPUS},2023,1e999,2"] * 3
    path = write(tmp_path / "d.csv", "单位,年份,出院患者总人次数,出院患者手术人次数\n" + "\n".join(rows) + "\n")
    whole = refused([path])
    monkeypatch.setattr(read_mod, "FIRST_PART", 1)
    assert refused([path]) == whole
    assert len(whole) > 5


# ------------------------------------------------------------------ F5: cells beyond the header


def test_a_csv_row_longer_than_the_header_is_refused_at_its_row(tmp_path: Path) -> None:
    """An unquoted 1,234 splits into two cells and shifts the rest: the run is refused, said once, at the first
    such row and its first cell beyond the header, in both languages."""
    path = write(tmp_path / "t.csv", "单位,年份,出院患者总人次数,出院患者手术人次数\n"
                 f"{CAMPUS},2024,100,50\n示例二院西山院区,2024,1,234,80\n示例三院北塘院区,2024,5,6,,7\n")
    eff = load_effective(None, str(TARGETS), "zh")
    with pytest.raises(DataError) as info:
        read_data([path], eff)
    extra = [d for d in info.value.diagnostics if d.message.key == "data.extra_cells_csv"]
    assert len(extra) == 1, [d.render("en") for d in info.value.diagnostics]
    assert extra[0].render("en").startswith(f"{path}, row 3, column E: this row has 5 cells, more than "
                                            "the header's 4 columns"), extra[0].render("en")
    assert "(2 rows like this)" in extra[0].render("en")
    assert "第 3 行，E 列" in extra[0].render("zh") and "1,234" in extra[0].render("zh")


def test_a_note_right_of_a_workbook_table_is_a_warning(tmp_path: Path) -> None:
    """In a workbook a cell is where it was typed: content right of the header is ignored with one warning."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["单位", "年份", "出院患者总人次数"])
    ws.append([CAMPUS, 2024, 100, "备注：已核对"])
    path = tmp_path / "t.xlsx"
    wb.save(path)
    ds = read_data([path], load_effective(None, str(TARGETS), "zh"))
    extra = [w for w in ds.warnings if w.message.key == "data.extra_cells"]
    assert len(extra) == 1 and extra[0].severity == "warning"
    assert ds.values["value"].tolist() == [100.0]  # the row's own value is read; the note is not


def test_blank_cells_beyond_the_header_say_nothing(tmp_path: Path) -> None:
    """Trailing commas (blank cells past the header) are what many exports write: no warning."""
    path = write(tmp_path / "t.csv", "单位,年份,出院患者总人次数\n" f"{CAMPUS},2024,100,,\n示例二院西山院区,2024,1, \n")
    ds = read_data([path], load_effective(None, str(TARGETS), "zh"))
    assert not [w for w in ds.warnings if w.message.key == "data.extra_cells"]


@pytest.mark.parametrize(("header_end", "good", "shifted"), [
    ("", "100,50", "1,234,"),  # the row's last value is missing: the extra field is blank
    (",备注", "100,50,", "1,234,80,"),  # under a 备注 column the tool ignores (blank here)
])
def test_a_csv_row_split_into_more_fields_than_the_others_is_refused(tmp_path: Path, header_end: str, good: str,
                                                                      shifted: str) -> None:
    """1,234 unquoted adds no non-blank cell beyond the header here, yet moves every value after it: the row has
    more fields than the header and the other rows, and the run is refused at it."""
    path = write(tmp_path / "t.csv", f"单位,年份,出院患者总人次数,出院患者手术人次数{header_end}\n"
                 f"{CAMPUS},2024,{good}\n示例二院西山院区,2024,{shifted}\n")
    with pytest.raises(DataError) as info:
        read_data([path], load_effective(None, str(TARGETS), "zh"))
    said = [d.render("en") for d in info.value.diagnostics if d.message.key == "data.longer_row_csv"]
    assert len(said) == 1 and said[0].startswith(f"{path}, row 3, column "), [
        d.render("en") for d in info.value.diagnostics]
