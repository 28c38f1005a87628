"""The report's sections and table rows: plain dataclasses of strings, already localised and formatted."""

from __future__ import annotations

from dataclasses import dataclass, field

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
class PartRow:
    code: str
    name: str
    score: str
    max: str
    rate: str


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


@dataclass
class RankRow:
    rank: str
    name: str
    total: str
    parts: list[str]
    gaps: str
    flags: str
    anchor: str


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
