"""The report's sections and table rows: plain dataclasses of strings, already localised and formatted."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from campuseval.i18n import Lang
from campuseval.results import CampusScore


@dataclass
class IndicatorRow:
    code: str
    name: str
    unit: str
    value: str
    hq_value: str
    target: str
    points: str
    status: str
    flagged: bool
    attention: bool
    part: str
    goal: bool = False  # the target cell holds a qualitative goal in words
    muted: bool = False  # not applicable to this unit
    # Values under their owner (the campus, its HQ, the locality), each with its counts (2 / 4,884).
    campus_value: str = ""
    locality_value: str = ""
    campus_counts: str = ""
    hq_counts: str = ""
    locality_counts: str = ""
    previous_value: str = ""
    previous_points: str = ""
    words: str = ""  # the arithmetic in words


@dataclass
class GapRow:
    code: str
    name: str
    value: str
    hq_value: str
    ratio: str
    diff: str
    tolerance: str


@dataclass
class NoteRow:
    code: str
    name: str
    status: str
    text: str
    flagged: bool


@dataclass
class LossRow:
    code: str
    name: str
    lost: str
    reason: str
    words: str


@dataclass
class CellRow:
    """A value and the data cell it was read from, for the per-campus feedback sheet."""

    code: str
    field: str
    value: str
    cell: str


@dataclass
class PartRow:
    code: str
    name: str
    score: str
    max: str
    rate: str
    previous: str = ""


@dataclass
class CampusView:
    anchor: str
    name: str
    hq: str
    district: str
    summary: str
    deadline: str
    has_hq: bool
    parts: list[PartRow]
    gaps: list[GapRow]
    indicators: list[IndicatorRow]
    explained: list[str]
    notes: list[NoteRow]
    score: CampusScore
    charts: dict[str, str] = field(default_factory=dict)
    # Lines shown at the very top of the section (completeness, status); empty unless something says so.
    banner: list[str] = field(default_factory=list)
    losses: list[LossRow] = field(default_factory=list)
    loss_total: str = ""
    previous: str = ""  # last year's total, rank and the change, in one sentence
    other_notes: list[NoteRow] = field(default_factory=list)
    cells: list[CellRow] = field(default_factory=list)


@dataclass
class RankRow:
    rank: str
    name: str
    total: str
    parts: list[str]
    gaps: str
    flags: str
    anchor: str
    previous_total: str = ""
    previous_rank: str = ""
    change: str = ""
    href: str = ""  # a large run's report links each unit to its own file (units/<id>.html), not an anchor


@dataclass
class ChangeGroup:
    """The changes one file made to an indicator, each in words."""

    items: list[str]
    file: str


@dataclass
class MethodRow:
    code: str
    name: str
    definition: str
    basis: str
    points: str
    rule_name: str
    rule_text: str
    target: str
    target_lines: list[str]  # the same, one line per unit for the HTML table
    tolerance: str
    changes: list[str]
    change_groups: list[ChangeGroup]


@dataclass
class SourceRow:
    role: str
    path: str
    sha: str
    name: str = ""


@dataclass
class ReportView:
    lang: Lang
    html_lang: str
    title: str
    subtitle: str
    entity: str
    col_entity: str
    col_value: str
    has_hq: bool
    meta: list[tuple[str, str]]
    findings: list[str]
    part_heads: list[str]
    part_legend: str
    ranking: list[RankRow]
    campuses: list[CampusView]
    provenance: str
    structure: str
    method_parts: list[PartRow]
    method_rows: list[MethodRow]
    dropped: list[str]
    rounding: str
    missing: list[str]
    homogeneity: str
    marks: str
    sources: list[SourceRow]
    warnings: list[str]
    footer: str
    charts: dict[str, str] = field(default_factory=dict)
    # Lines shown at the very top of the report (completeness, status); empty unless something says so.
    banner: list[str] = field(default_factory=list)
    table_name: str = ""
    has_locality: bool = False
    has_previous: bool = False
    previous_year: str = ""
    ranking_legend: list[str] = field(default_factory=list)
    small_sample: str = ""
    run_id: str = ""
    unit_mode: bool = False  # a per-campus feedback sheet: one campus, no ranking of the others
    trend: Any = None  # report/trend.TrendView of a multi-year run; None for one year
    # A large run's report is a summary: each unit's detail is in its own file under this folder.
    detail_folder: str = ""
    detail_note: str = ""
