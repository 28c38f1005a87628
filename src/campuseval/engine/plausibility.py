"""Values that read fine but look mistyped: fractions for percents, jumps from last year, shares above 1; no I/O."""

from __future__ import annotations

import math
from collections import defaultdict

from campuseval import formula
from campuseval.config.effective import EffectiveTable
from campuseval.data.dataset import CellRef, Dataset, UnitInfo
from campuseval.errors import Diagnostic, Location, diag
from campuseval.formatting import num

# A fraction typed for a percent is 100 times too small; count it as that mistake only when
# ×100 lands within this factor of what it is compared with (HQ, last year, target).
PERCENT_CLOSE = 3.0
# An HQ row equal to its campus row in this many fields or more is a copy, not a coincidence.
MIN_IDENTICAL = 3


def check(eff: EffectiveTable, data: Dataset, year: int, campuses: list[UnitInfo],
          lookup: dict[tuple[str, int], dict[str, float]] | None = None) -> list[Diagnostic]:
    """Warnings, each at the cell it is about, with the likely fix; --strict turns them into errors."""
    lookup = lookup if lookup is not None else data.lookup()
    refs = data.refs
    scales: dict[str, str] = {r.code: str(r.scale) for r in eff.raw_fields}
    scales |= {i.code: str(i.spec.scale) for i in eff.indicators}
    out: list[Diagnostic] = []
    out += _percent_as_fraction(eff, lookup, refs, scales, year, campuses)
    out += _year_jumps(eff, lookup, refs, year)
    out += _shares_above_one(eff, lookup, refs, year)
    out += _fractional_counts(eff, lookup, refs, year)
    out += _hq_copies(data, lookup, refs, year, campuses)
    # Messages name fields as the header does (Chinese name), not by code.
    names = {r.code: r.name.zh for r in eff.raw_fields} | {i.code: i.spec.name.zh for i in eff.indicators}
    for d in out:
        for key in ("field", "numerator", "denominator"):
            if key in d.message.params:
                d.message.params[key] = names.get(d.message.params[key], d.message.params[key])
    return out


def _loc(refs: dict[tuple[str, int, str], CellRef], unit: str, year: int, field: str) -> Location:
    ref = refs.get((unit, year, field))
    return ref.location() if ref is not None else Location(path=f"{unit} {year} {field}")


def _value(lookup: dict[tuple[str, int], dict[str, float]], unit: str | None, year: int, field: str) -> float | None:
    if unit is None:
        return None
    v = lookup.get((unit, year), {}).get(field)
    return None if v is None or math.isnan(v) else v


def _percent_as_fraction(eff: EffectiveTable, lookup: dict[tuple[str, int], dict[str, float]],
                         refs: dict[tuple[str, int, str], CellRef], scales: dict[str, str], year: int,
                         campuses: list[UnitInfo]) -> list[Diagnostic]:
    """A percent typed as a fraction (0.2559 for 25.59%): ×100 would match its HQ, last year or the target."""
    hq_of = {c.id: c.hq for c in campuses}
    targets: dict[str, float] = {}
    for ind in eff.indicators:
        if isinstance(ind.spec.target, int | float):
            targets[ind.code] = float(ind.spec.target)
    found: dict[tuple[str, str | None, str, str], list[tuple[str, float, float]]] = defaultdict(list)
    for (unit, y), row in lookup.items():
        if y != year:
            continue
        for field, v in row.items():
            if scales.get(field) != "percent" or math.isnan(v) or v == 0 or abs(v) > 1:
                continue
            refs_to = [_value(lookup, hq_of.get(unit), year, field), _value(lookup, unit, year - 1, field),
                       targets.get(field)]
            ref = next((r for r in refs_to if r is not None and abs(r) > 1
                        and 1 / PERCENT_CLOSE <= abs(v * 100 / r) <= PERCENT_CLOSE), None)
            if ref is None:
                continue
            cell = refs.get((unit, year, field))
            key = (cell.file, cell.sheet, cell.column, field) if cell else ("", None, "", field)
            found[key].append((unit, v, ref))
    out = []
    for (_, _, _, field), hits in found.items():
        unit, v, ref = hits[0]
        out.append(diag(_loc(refs, unit, year, field), "plaus.percent_fraction", "plaus.percent_fraction.hint",
                        severity="warning", hint_params={"fixed": num(v * 100, 6)},
                        field=field, value=num(v, 6), ref=num(ref, 6), n=len(hits)))
    return out


def _year_jumps(eff: EffectiveTable, lookup: dict[tuple[str, int], dict[str, float]],
                refs: dict[tuple[str, int, str], CellRef], year: int) -> list[Diagnostic]:
    """A value many times last year's (or a small fraction of it): a unit (元 for 万元) or a digit slipped."""
    factor = eff.table.plausibility.year_change_factor
    out = []
    for (unit, y), row in sorted(lookup.items()):
        if y != year:
            continue
        prev = lookup.get((unit, year - 1))
        if prev is None:
            continue
        for field, v in row.items():
            p = prev.get(field)
            if p is None or math.isnan(v) or math.isnan(p) or p == 0 or (v != 0 and (v > 0) != (p > 0)):
                continue
            # A fall to 0 from a real figure is the largest jump of all (a row of zeros typed for blanks);
            # from a handful (1 death last year, none this year) it is ordinary, so only from `factor` up.
            change = abs(v / p)
            if (v == 0 and abs(p) >= factor) or (v != 0 and (change > factor or change < 1 / factor)):
                out.append(diag(_loc(refs, unit, year, field), "plaus.year_jump", "plaus.year_jump.hint",
                                severity="warning", field=field, value=num(v, 6), previous=num(p, 6),
                                prev_year=year - 1, factor=num(factor, 4)))
    return out


def _shares_above_one(eff: EffectiveTable, lookup: dict[tuple[str, int], dict[str, float]],
                      refs: dict[tuple[str, int, str], CellRef], year: int) -> list[Diagnostic]:
    """A share's numerator above its denominator (四级手术台次 > 手术台次): columns swapped or a typo."""
    shares = {}
    for ind in eff.indicators:
        if ind.spec.formula and ind.spec.scale in ("percent", "fraction"):
            parts = formula.fraction(ind.spec.formula)
            if parts is not None:
                shares[ind.code] = parts
    out = []
    for (unit, y), row in sorted(lookup.items()):
        if y != year:
            continue
        for code, (a, b) in shares.items():
            va, vb = row.get(a), row.get(b)
            if va is None or vb is None or math.isnan(va) or math.isnan(vb) or va <= vb or vb < 0:
                continue
            out.append(diag(_loc(refs, unit, year, a), "plaus.share_above_one", "plaus.share_above_one.hint",
                            severity="warning", indicator=code, numerator=a, denominator=b,
                            a=num(va, 6), b=num(vb, 6)))
    return out


def _fractional_counts(eff: EffectiveTable, lookup: dict[tuple[str, int], dict[str, float]],
                       refs: dict[tuple[str, int, str], CellRef], year: int) -> list[Diagnostic]:
    """Raw counts (人次, 例, 台次) are whole numbers; indicators may be person-years, so only raw fields count."""
    counts = {r.code for r in eff.raw_fields if r.scale == "count"}
    out = []
    for (unit, y), row in sorted(lookup.items()):
        if y != year:
            continue
        for field in sorted(counts & row.keys()):
            v = row[field]
            if not math.isnan(v) and v != math.floor(v):
                out.append(diag(_loc(refs, unit, year, field), "plaus.fractional_count",
                                "plaus.fractional_count.hint", severity="warning", field=field, value=num(v, 6)))
    return out


def _hq_copies(data: Dataset, lookup: dict[tuple[str, int], dict[str, float]],
               refs: dict[tuple[str, int, str], CellRef], year: int, campuses: list[UnitInfo]) -> list[Diagnostic]:
    """An HQ row equal to its campus row: one of the two was pasted from the other."""
    out = []
    for c in campuses:
        own, hq = lookup.get((c.id, year)), lookup.get((c.hq, year)) if c.hq else None
        if own is None or hq is None:
            continue
        common = [f for f in own.keys() & hq.keys() if not math.isnan(own[f]) and not math.isnan(hq[f])]
        if len(common) >= MIN_IDENTICAL and all(own[f] == hq[f] for f in common):
            out.append(diag(_loc(refs, c.hq or "", year, sorted(common)[0]), "plaus.hq_copy",
                            "plaus.hq_copy.hint", severity="warning", campus=c.name,
                            hq=data.units[c.hq].name if c.hq in data.units else c.hq, n=len(common)))
    return out
