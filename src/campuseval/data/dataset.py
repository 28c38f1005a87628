"""A year's data as read: long-form values with the Excel cell each came from, and the units they belong to."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, NamedTuple

import pandas as pd

from campuseval.errors import Diagnostic, Location

if TYPE_CHECKING:
    from campuseval.expert import ExpertMark

UnitKind = Literal["campus", "hq", "locality"]


class CellRef(NamedTuple):
    """A cell as the user sees it in Excel: file, sheet, 1-based row, column letters.

    A NamedTuple rather than a dataclass: one is kept per value read, millions in a large panel.
    """

    file: str
    sheet: str | None
    row: int
    column: str

    def location(self) -> Location:
        return Location(file=self.file, sheet=self.sheet, row=self.row, column=self.column)

    def short(self) -> str:
        where = f"{self.sheet}!" if self.sheet else ""
        return f"{self.file}:{where}{self.column}{self.row}"


@dataclass(frozen=True)
class UnitInfo:
    """A unit the data speaks of: a campus, an HQ or a locality (district)."""

    id: str
    kind: UnitKind
    name: str
    hq: str | None = None  # for campuses: the HQ's unit id
    district: str | None = None  # for campuses: the locality's unit id
    name_en: str | None = None
    deadline: int | None = None  # for campuses: the year its targets are due


@dataclass(frozen=True)
class DataFile:
    path: str
    sha256: str


@dataclass(frozen=True)
class SheetRead:
    """A sheet (or CSV file, sheet None) that held data: how many data rows were read from it."""

    file: str
    sheet: str | None
    rows: int


@dataclass(frozen=True)
class UnknownHeader:
    """A header that names no field of the table: a note column, or a field name mistyped."""

    text: str
    location: Location


@dataclass
class Dataset:
    """Values in long form (unit, year, field, value); value NaN means the cell said "missing"."""

    values: pd.DataFrame
    units: dict[str, UnitInfo]
    refs: dict[tuple[str, int, str], CellRef] = field(default_factory=dict)
    files: list[DataFile] = field(default_factory=list)
    warnings: list[Diagnostic] = field(default_factory=list)
    # Expert panel marks by (unit, year, indicator code), from 专家评分 sheets.
    experts: dict[tuple[str, int, str], list[ExpertMark]] = field(default_factory=dict)
    sheets: list[SheetRead] = field(default_factory=list)
    unknown_headers: list[UnknownHeader] = field(default_factory=list)

    def units_by_kind(self, year: int | None = None) -> dict[str, int]:
        """How many units of each kind have rows (in `year`, or in any year)."""
        present = {u for u, y in self.rows_present() if year is None or y == year}
        counts: dict[str, int] = {"campus": 0, "hq": 0, "locality": 0}
        for u in present:
            info = self.units.get(u)
            if info is not None:
                counts[info.kind] = counts.get(info.kind, 0) + 1
        return counts

    def fields_of(self, units: set[str], year: int) -> set[str]:
        """The fields any of `units` has a cell for in `year` (a blank cell counts: the column is there)."""
        v = self.values
        if not len(v) or not units:
            return set()
        sel = v[(v["year"] == year) & v["unit"].isin(list(units))]
        return {str(f) for f in sel["field"].unique()}

    def years(self) -> list[int]:
        return sorted({int(y) for y in self.values["year"].unique()}) if len(self.values) else []

    def lookup(self) -> dict[tuple[str, int], dict[str, float]]:
        """{(unit, year): {field: value}} for fast access by the engine."""
        out: dict[tuple[str, int], dict[str, float]] = {}
        v = self.values
        for unit, year, fld, val in zip(v["unit"].tolist(), v["year"].tolist(), v["field"].tolist(),
                                        v["value"].tolist(), strict=True):
            out.setdefault((str(unit), int(year)), {})[str(fld)] = float(val)
        return out

    def rows_present(self) -> set[tuple[str, int]]:
        return {(str(u), int(y)) for u, y in self.values[["unit", "year"]].drop_duplicates().itertuples(
            index=False, name=None)}


def empty_values() -> pd.DataFrame:
    return pd.DataFrame({"unit": pd.Series(dtype="object"), "year": pd.Series(dtype="int64"),
                         "field": pd.Series(dtype="object"), "value": pd.Series(dtype="float64")})
