"""Where each value of a read came from, kept by column: a block per sheet, not a CellRef per value.

A wide sheet's block holds, per data row read, its sheet row; the field's column is one per block.
A long sheet's block holds a row per value. `Locations.find((unit, year, field))` builds the
CellRef of a value on demand, so a panel of 1.75 million values keeps arrays, not millions of objects.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from campuseval.data.cells import column_letter
from campuseval.data.dataset import CellRef


@dataclass
class Block:
    """The values read from one sheet: in a wide sheet a row per (unit, year), in a long one a row per value."""

    file: str
    sheet: str | None
    rows: list[int]  # 0-based sheet row of each position
    cols: dict[str, int]  # wide: field code -> 0-based column; long: empty
    value_col: int = -1  # long: the value column
    fields: list[str] = field(default_factory=list)  # long: the field of each position
    skipped: set[tuple[int, str]] = field(default_factory=set)  # (position, field) read with a problem: no value

    def ref(self, pos: int, code: str) -> CellRef:
        col = self.cols[code] if self.value_col < 0 else self.value_col
        return CellRef(self.file, self.sheet, self.rows[pos] + 1, column_letter(col))


class Locations:
    """Every value's cell, by (unit, year) for wide blocks and by (unit, year, field) for long ones."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.wide: dict[tuple[str, int], list[tuple[int, int]]] = {}  # (unit, year) -> [(block, position)]
        self.long: dict[tuple[str, int, str], tuple[int, int]] = {}
        # The cells a wide row read again (a unit and year first seen elsewhere) read first, where the
        # first row of that unit and year did not: a lookup is the first row, then this, then the long cells,
        # never a walk over every row of the unit and year (each may have had its cells refused).
        self.again: dict[tuple[str, int, str], tuple[int, int]] = {}
        self.count = 0

    def find(self, key: tuple[str, int, str], before: tuple[int, int] | None = None) -> CellRef | None:
        """The cell `key` was read from; with `before`, only among the wide rows read before that one
        (`before` is the wide row being read: the rows after it are not yet in `again`)."""
        unit, year, code = key
        entries = self.wide.get((unit, year))
        if entries:
            entry = entries[0]
            if entry != before:
                b = self.blocks[entry[0]]
                if code in b.cols and (entry[1], code) not in b.skipped:
                    return b.ref(entry[1], code)
                at = self.again.get(key)
                if at is not None:
                    return self.blocks[at[0]].ref(at[1], code)
        at = self.long.get(key)
        if at is not None:
            return self.blocks[at[0]].ref(at[1], code)
        return None

    def cells(self) -> Iterator[tuple[str, int, str]]:
        for (unit, year), entries in self.wide.items():
            for bi, pos in entries:
                b = self.blocks[bi]
                for code in b.cols:
                    if (pos, code) not in b.skipped:
                        yield unit, year, code
        yield from self.long


class CellRefs(dict[tuple[str, int, str], CellRef]):
    """`Dataset.refs` as it always read ((unit, year, field) -> CellRef), built on demand from Locations.

    A dict for the callers' types; nothing is stored in it: every lookup asks the locations.
    """

    def __init__(self, locations: Locations) -> None:
        super().__init__()
        self._locations = locations

    def get(self, key: Any, default: Any = None) -> Any:
        ref = self._locations.find(key) if isinstance(key, tuple) and len(key) == 3 else None
        return default if ref is None else ref

    def __getitem__(self, key: tuple[str, int, str]) -> CellRef:
        ref = self.get(key)
        if ref is None:
            raise KeyError(key)
        return ref

    def __contains__(self, key: object) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        return self._locations.count

    def __iter__(self) -> Iterator[tuple[str, int, str]]:
        return self._locations.cells()

    def keys(self) -> Any:
        return list(self._locations.cells())

    def values(self) -> Any:
        return [self[k] for k in self._locations.cells()]

    def items(self) -> Any:
        return [(k, self[k]) for k in self._locations.cells()]

    def __eq__(self, other: object) -> bool:
        return dict(self.items()) == (dict(other.items()) if isinstance(other, dict) else other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"CellRefs({len(self)} cells)"

    def __bool__(self) -> bool:
        return self._locations.count > 0
