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
    return {"campus": ("campus",), "both": ("campus", "hq"), "hq": ("hq",), "locality": ("locality",)}[ind.spec.subject]


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


def missing_inputs(eff: EffectiveTable, data: Dataset, year: int, campuses: list[UnitInfo],
                   names: dict[str, Text]) -> list[MissingInput]:
    """Every input the run needs that the data does not hold at all; scattered blank cells are not listed."""
    present = data.rows_present()
    field_names = {r.code: r.name for r in eff.raw_fields} | {i.code: i.spec.name for i in eff.indicators}
    out: list[MissingInput] = []
    for need in needs(eff, campuses):
        if not need.indicators:
            continue
        codes = _codes(need.indicators)
        role_zh, role_en = t(f"subject.{need.role}", "zh"), t(f"subject.{need.role}", "en")
        if need.unset and need.role != "campus":
            what = "no_hq" if need.role == "hq" else "no_district"
            out.append(MissingInput(
                what=what, subject=need.role, year=year, indicators=codes, campuses=need.unset,
                message=Text(zh=t(f"complete.{what}", "zh", units="、".join(names[c].zh for c in need.unset),
                                  codes=_span(codes)),
                             en=t(f"complete.{what}", "en", units=", ".join(names[c].en for c in need.unset),
                                  codes=_span(codes)))))
        if not need.units:
            continue
        with_rows = {u for u in need.units if (u, year) in present}
        if not with_rows:
            affected = sorted({c for cs in need.units.values() for c in cs})
            out.append(MissingInput(
                what="subject", subject=need.role, year=year, indicators=codes, campuses=affected,
                message=_both(f"complete.no_{need.role}_rows", year=year, codes=_span(codes),
                              role_zh=role_zh, role_en=role_en)))
            continue
        for unit in sorted(set(need.units) - with_rows):
            info = data.units.get(unit)
            shown = names[unit] if unit in names else Text(zh=info.name if info else unit,
                                                            en=(info.name_en or info.name) if info else unit)
            users = need.units[unit]
            if need.role == "campus":
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
        have = data.fields_of(with_rows, year)
        absent: dict[str, list[str]] = {}
        for ind in need.indicators:
            own, raw = _fields(ind)
            if own in have or (raw and raw <= have):
                continue
            for f in sorted(raw - have) if raw else [own]:
                absent.setdefault(f, []).append(ind.code)
        for f, inds in absent.items():
            name = field_names.get(f)
            out.append(MissingInput(
                what="field", subject=need.role, field=f, year=year, indicators=inds,
                campuses=sorted({c for u in with_rows for c in need.units[u]}),
                message=Text(zh=t("complete.field_absent", "zh", role=role_zh, field=name.zh if name else f,
                                  code=f, year=year, codes=", ".join(inds)),
                             en=t("complete.field_absent", "en", role=role_en,  # headers are typed in Chinese
                                  field=name.zh if name else f, code=f, year=year,
                                  codes=", ".join(inds)))))
    # A subject with no rows at all has no last year either: say it once.
    no_rows = {g.subject for g in out if g.what == "subject"}
    out += [g for g in _previous_year(eff, data, year, campuses) if g.subject not in no_rows]
    out += marks_missing(eff, data, year, campuses, names)
    return out


def _previous_year(eff: EffectiveTable, data: Dataset, year: int, campuses: list[UnitInfo]) -> list[MissingInput]:
    """Change rules compare with last year: no row of last year for any unit they read is a gap, not a zero."""
    present = data.rows_present()
    out = []
    by_role: dict[Role, list[EffIndicator]] = {}
    for ind in eff.indicators:
        if ind.spec.rule.type == "change_vs_previous" and needs_value(ind):
            by_role.setdefault(_roles_of(ind)[0], []).append(ind)
    for role, inds in by_role.items():
        units = {u for c in campuses if any(i.applies(c.id) for i in inds)
                 for u in [{"campus": c.id, "hq": c.hq, "locality": c.district}[role]] if u is not None}
        if not units or any((u, year - 1) in present for u in units):
            continue
        affected = sorted(c.id for c in campuses if any(i.applies(c.id) for i in inds))
        out.append(MissingInput(
            what="previous_year", subject=role, year=year - 1, indicators=_codes(inds), campuses=affected,
            message=_both("complete.no_previous_year", year=year - 1, codes=", ".join(_codes(inds)),
                          role_zh=t(f"subject.{role}", "zh"), role_en=t(f"subject.{role}", "en"))))
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
