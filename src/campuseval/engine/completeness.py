"""What a run needs from the data (subjects, units, columns, last year) against what was read; no I/O."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from campuseval import formula
from campuseval.config.effective import EffectiveTable, EffIndicator
from campuseval.data.dataset import Dataset, UnitInfo
from campuseval.data.read import norm_header
from campuseval.errors import Diagnostic, Location, diag
from campuseval.expert import marks_missing
from campuseval.i18n import t
from campuseval.results import MissingInput, Text

Role = str  # "campus", "hq" or "locality": whose rows an indicator reads
ROLES: tuple[Role, ...] = ("campus", "hq", "locality")
# How close a header must be to a needed field's name to count as a typo of it (difflib ratio).
NEAR_MISS = 0.75


@dataclass(frozen=True)
class Needs:
    """The indicators that read one role's rows, and the units of that role the campuses point to."""

    role: Role
    indicators: list[EffIndicator]
    units: dict[str, list[str]]  # unit id -> the campuses that need it
    unset: list[str]  # campuses with no unit of this role declared (no HQ, no district)


def needs_value(ind: EffIndicator) -> bool:
    """Whether the indicator is scored from a value (qualitative goals and monitor-only ones are not)."""
    # An expert-marked indicator reads no column: its marks are checked by expert.marks_missing.
    return ind.spec.rule.type not in ("qualitative", "expert") and (
        ind.scored or ind.spec.rule.type in ("bonus", "veto"))


def _roles_of(ind: EffIndicator) -> tuple[Role, ...]:
    return {"campus": ("campus",), "both": ("campus", "hq"), "hq": ("hq",),
            "locality": ("locality",)}[ind.spec.subject]


def needs(eff: EffectiveTable, campuses: list[UnitInfo]) -> list[Needs]:
    out = []
    for role in ROLES:
        inds = [i for i in eff.indicators if needs_value(i) and role in _roles_of(i)
                and any(i.applies(c.id) for c in campuses)]
        units: dict[str, list[str]] = {}
        unset: list[str] = []
        for c in campuses:
            if not any(i.applies(c.id) for i in inds):
                continue
            unit = {"campus": c.id, "hq": c.hq, "locality": c.district}[role]
            if unit is None:
                unset.append(c.id)
            else:
                units.setdefault(unit, []).append(c.id)
        out.append(Needs(role, inds, units, unset))
    return out


def _fields(ind: EffIndicator) -> tuple[str, frozenset[str]]:
    """The indicator's own column and the raw columns its formula can be computed from."""
    names = formula.parse(ind.spec.formula).names if ind.spec.formula else frozenset()
    return ind.code, names


def _codes(inds: Iterable[EffIndicator]) -> list[str]:
    return [i.code for i in inds]


def _both(key: str, **params: object) -> Text:
    return Text(zh=t(key, "zh", **params), en=t(key, "en", **params))


def _span(codes: list[str]) -> str:
    return ", ".join(codes)


class _Seen:
    """Which fields each unit has a cell for, and which it has a value in, per year."""

    def __init__(self, lookup: dict[tuple[str, int], dict[str, float]]) -> None:
        self._lookup = lookup
        # Built per row when first asked: a run asks about one or two years of a panel of ten.
        self._filled: dict[tuple[str, int], set[str]] = {}
        self._cells: dict[tuple[str, int], set[str]] = {}

    def cells(self, unit: str, year: int) -> set[str]:
        """The fields with a cell, blank or not, of a row the data holds."""
        key = (unit, year)
        got = self._cells.get(key)
        if got is None:
            got = self._cells[key] = set(self._lookup[key])
        return got

    def filled(self, unit: str, year: int) -> set[str]:
        """The fields with a value. A row whose every cell is blank (or 无) says nothing: no row at all."""
        key = (unit, year)
        got = self._filled.get(key)
        if got is None:
            row = self._lookup.get(key)
            got = self._filled[key] = set() if row is None else {f for f, v in row.items() if v == v}
        return got

    def has_row(self, unit: str, year: int) -> bool:
        return bool(self.filled(unit, year))


def _unit_text(unit: str, data: Dataset, names: dict[str, Text]) -> Text:
    if unit in names:
        return names[unit]
    info = data.units.get(unit)
    return Text(zh=info.name if info else unit, en=(info.name_en or info.name) if info else unit)


def missing_inputs(eff: EffectiveTable, data: Dataset, year: int, campuses: list[UnitInfo],
                   names: dict[str, Text],
                   lookup: dict[tuple[str, int], dict[str, float]] | None = None) -> list[MissingInput]:
    """Every input the run needs that the data does not hold; scattered blank cells are not listed.

    Absent means: no row (or only blank cells) for a subject or a declared unit, a column with no
    value for any unit of its subject, a column a unit's file lacks while others have it; and the
    same for last year where change rules compare with it.
    """
    seen = _Seen(lookup if lookup is not None else data.lookup())
    out: list[MissingInput] = []
    for need in needs(eff, campuses):
        if not need.indicators:
            continue
        out += _unset(need, year, names)
        now = _gaps(eff, data, need, need.indicators, year, seen, names, previous=False)
        out += now
        changes = [i for i in need.indicators
                   if i.spec.rule.type == "change_vs_previous" and _roles_of(i)[0] == need.role]
        if changes and not any(g.what == "subject" for g in now):  # no rows at all: said once
            out += _gaps(eff, data, need, changes, year - 1, seen, names, previous=True)
    out += marks_missing(eff, data, year, campuses, names)
    return out


def _unset(need: Needs, year: int, names: dict[str, Text]) -> list[MissingInput]:
    """Campuses with no HQ or district declared, though their indicators read one."""
    if not need.unset or need.role == "campus":
        return []
    codes = _codes(need.indicators)
    what = "no_hq" if need.role == "hq" else "no_district"
    return [MissingInput(
        what=what, subject=need.role, year=year, indicators=codes, campuses=need.unset,
        message=Text(zh=t(f"complete.{what}", "zh", units="、".join(names[c].zh for c in need.unset),
                          codes=_span(codes)),
                     en=t(f"complete.{what}", "en", units=", ".join(names[c].en for c in need.unset),
                          codes=_span(codes))))]


def _gaps(eff: EffectiveTable, data: Dataset, need: Needs, inds: list[EffIndicator], year: int, seen: _Seen,
          names: dict[str, Text], *, previous: bool) -> list[MissingInput]:
    """The gaps of one role in one year for the given indicators: no rows, a unit's row, columns."""
    units = {u: cs for u, cs in need.units.items() if any(i.applies(c) for i in inds for c in cs)}
    if not units:
        return []
    codes = _codes(inds)
    role_zh, role_en = t(f"subject.{need.role}", "zh"), t(f"subject.{need.role}", "en")
    with_rows = {u for u in units if seen.has_row(u, year)}
    if not with_rows:
        affected = sorted({c for cs in units.values() for c in cs})
        key = "complete.no_previous_year" if previous else f"complete.no_{need.role}_rows"
        return [MissingInput(
            what="previous_year" if previous else "subject", subject=need.role, year=year, indicators=codes,
            campuses=affected, message=_both(key, year=year, codes=_span(codes), role_zh=role_zh, role_en=role_en))]
    out: list[MissingInput] = []
    for unit in sorted(set(units) - with_rows):
        shown = _unit_text(unit, data, names)
        users = units[unit]
        if need.role == "campus" and not previous:
            out.append(MissingInput(
                what="unit", subject="campus", unit=unit, year=year, indicators=codes, campuses=users,
                message=Text(zh=t("complete.campus_no_rows", "zh", unit=shown.zh, year=year),
                             en=t("complete.campus_no_rows", "en", unit=shown.en, year=year))))
            continue
        out.append(MissingInput(
            what="unit", subject=need.role, unit=unit, year=year, indicators=codes, campuses=users,
            message=Text(zh=t("complete.unit_no_rows", "zh", unit=shown.zh, role=role_zh, year=year,
                              campuses="、".join(names[c].zh for c in users if c in names), codes=_span(codes)),
                         en=t("complete.unit_no_rows", "en", unit=shown.en, role=role_en, year=year,
                              campuses=", ".join(names[c].en for c in users if c in names),
                              codes=_span(codes)))))
    field_names = {r.code: r.name for r in eff.raw_fields} | {i.code: i.spec.name for i in eff.indicators}
    absent: dict[str, list[str]] = {}  # no unit has a value: the column is missing (or empty) everywhere
    partly: dict[str, tuple[list[str], set[str]]] = {}  # some units' files lack the column altogether
    for ind in inds:
        own, raw = _fields(ind)
        mine = [u for u in sorted(with_rows) if any(ind.applies(c) for c in units[u])]
        have: set[str] = set().union(*(seen.filled(u, year) for u in mine)) if mine else set()
        if not (own in have or (raw and raw <= have)):
            for f in sorted(raw - have) if raw else [own]:
                absent.setdefault(f, []).append(ind.code)
            continue
        for u in mine:
            # A blank cell, this year or last, is a scattered gap under the missing policy (flagged,
            # counted, shown); a column a unit's file lacks while others have it is not.
            cells = seen.cells(u, year)
            if own in cells or (raw and raw <= cells):
                continue
            for f in sorted(raw - cells) if raw else [own]:
                partly.setdefault(f, ([], set()))[0].append(ind.code)
                partly[f][1].add(u)
    affected = sorted({c for u in with_rows for c in units[u]})
    for f, ind_codes in absent.items():
        name = field_names.get(f)
        shown_name = name.zh if name else f  # headers are typed in Chinese, so both languages show it
        out.append(MissingInput(
            what="field", subject=need.role, field=f, year=year, indicators=ind_codes, campuses=affected,
            message=_both("complete.field_absent", role_zh=role_zh, role_en=role_en, field=shown_name, code=f,
                          year=year, codes=", ".join(ind_codes))))
    key = "complete.field_absent_units"
    for f, (ind_codes, lacking) in partly.items():
        name = field_names.get(f)
        shown_name = name.zh if name else f
        who = [_unit_text(u, data, names) for u in sorted(lacking)]
        listed = ", ".join(sorted(set(ind_codes)))
        out.append(MissingInput(
            what="field", subject=need.role, field=f, year=year, indicators=sorted(set(ind_codes)),
            campuses=sorted({c for u in lacking for c in units[u]}),
            message=Text(zh=t(key, "zh", units="、".join(w.zh for w in who), field=shown_name, code=f, year=year,
                              codes=listed),
                         en=t(key, "en", units=", ".join(w.en for w in who), field=shown_name, code=f, year=year,
                              codes=listed))))
    return out


def header_typos(eff: EffectiveTable, data: Dataset, gaps: list[MissingInput]) -> list[Diagnostic]:
    """Unknown headers that are near misses of a field the run needs and did not find: errors at the header."""
    wanted: dict[str, str] = {}  # normalised name -> field code
    shown: dict[str, str] = {}
    names = {r.code: r.name for r in eff.raw_fields} | {i.code: i.spec.name for i in eff.indicators}
    for g in gaps:
        if g.what != "field" or g.field is None:
            continue
        name = names.get(g.field)
        shown[g.field] = name.zh if name else g.field
        for n in (g.field, name.zh if name else None, name.en if name else None):
            if n:
                wanted[norm_header(n)] = g.field
    out: list[Diagnostic] = []
    for h in data.unknown_headers:
        key = norm_header(h.text)
        close = difflib.get_close_matches(key, list(wanted), n=1, cutoff=NEAR_MISS)
        if close:
            code = wanted[close[0]]
            out.append(diag(h.location, "complete.header_typo", "complete.header_typo.hint",
                            hint_params={"field": shown[code]}, header=h.text, field=shown[code], code=code))
    return out


def as_diagnostics(gaps: list[MissingInput], files: str | None) -> list[Diagnostic]:
    """The gaps as errors for a refused run, each with the --allow-incomplete way out in its hint."""
    loc = Location(file=files)
    return [diag(loc, "complete.gap", "complete.gap.hint", zh=g.message.zh, en=g.message.en) for g in gaps]
