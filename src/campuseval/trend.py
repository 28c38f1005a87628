"""A multi-year run as a trend: per campus the total, each part and the rank across the years; no I/O."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from campuseval.results import Results, Text


@dataclass(frozen=True)
class YearPoint:
    """One campus in one year, as that year's run scored it (with that year's targets)."""

    year: int
    total: float
    max_total: float
    rank: int | None  # None: not ranked that year (insufficient data, not evaluated)
    status: str
    parts: dict[str, float]  # part code -> score; a part set aside for too little data is absent
    complete: bool  # the year's run had every input it needed (false only under --allow-incomplete)

    @property
    def evaluated(self) -> bool:
        return self.status != "not_evaluated"


@dataclass(frozen=True)
class CampusTrend:
    id: str
    name: Text
    points: tuple[YearPoint | None, ...]  # one per year of the run; None when the campus was not in that year

    def rank_change(self, k: int) -> int | None:
        """Places gained in year k against year k-1 (positive: moved up); None when either is unranked."""
        if k == 0:
            return None
        now, before = self.points[k], self.points[k - 1]
        if now is None or before is None or now.rank is None or before.rank is None:
            return None
        return before.rank - now.rank


@dataclass(frozen=True)
class PartHead:
    code: str
    name: Text
    max: float


@dataclass(frozen=True)
class Trend:
    years: tuple[int, ...]
    parts: tuple[PartHead, ...]
    campuses: tuple[CampusTrend, ...]  # in the latest year's rank order
    incomplete_years: tuple[int, ...]
    total_max: float


def years_of(results: Results) -> list[Results]:
    """Every year of a run, oldest first: the earlier years (`series`) and the latest."""
    return [*(results.series or []), results]


def trend(results: Results) -> Trend | None:
    """The trend of a multi-year run; None for a one-year run."""
    if not results.series:
        return None
    runs = years_of(results)
    parts = tuple(PartHead(p.code, p.name, p.max) for p in results.method.parts)
    order = [c.id for c in results.ranked()]
    seen = set(order)  # sets and dicts, not list scans: 2,000 campuses over ten years
    names: dict[str, Text] = {}
    for r in reversed(runs):  # the latest name wins; a campus only in earlier years comes after the rest
        for c in r.campuses:
            names.setdefault(c.id, c.name)
            if c.id not in seen:
                seen.add(c.id)
                order.append(c.id)
    by_id = [{x.id: x for x in reversed(r.campuses)} for r in runs]  # reversed: the first of a repeated id wins
    campuses = []
    for cid in order:
        pts: list[YearPoint | None] = []
        for r, ids in zip(runs, by_id, strict=True):
            one = ids.get(cid)
            pts.append(None if one is None else YearPoint(
                year=r.year, total=one.total, max_total=one.max_total, rank=one.rank, status=one.status,
                parts={p.code: p.score for p in one.parts if p.scored}, complete=r.complete))
        campuses.append(CampusTrend(cid, names[cid], tuple(pts)))
    return Trend(years=tuple(r.year for r in runs), parts=parts, campuses=tuple(campuses),
                 incomplete_years=tuple(r.year for r in runs if not r.complete),
                 total_max=results.method.total_points)


def trend_frame(results: Results) -> pd.DataFrame:
    """One row per campus and year: total, rank, rank change, status, complete and each part (a notebook's view).

    A one-year run gives its single year, so the same code reads either kind of run.
    """
    tr = trend(results)
    rows: list[dict[str, object]] = []
    if tr is None:
        for c in results.ranked():
            rows.append({"campus": c.id, "name": c.name.zh, "year": results.year, "total": c.total, "rank": c.rank,
                         "rank_change": None, "status": c.status, "complete": results.complete,
                         **{p.code: (p.score if p.scored else None) for p in c.parts}})
        return _ints(pd.DataFrame(rows))
    for ct in tr.campuses:
        for k, pt in enumerate(ct.points):
            if pt is None:
                continue
            rows.append({"campus": ct.id, "name": ct.name.zh, "year": pt.year, "total": pt.total, "rank": pt.rank,
                         "rank_change": ct.rank_change(k), "status": pt.status, "complete": pt.complete,
                         **{p.code: pt.parts.get(p.code) for p in tr.parts}})
    return _ints(pd.DataFrame(rows))


def _ints(frame: pd.DataFrame) -> pd.DataFrame:
    """Ranks and moves as nullable integers: an unranked year is <NA>, not a float NaN beside 1.0 and 2.0."""
    for col in ("rank", "rank_change"):
        if col in frame:
            frame[col] = frame[col].astype("Int64")
    return frame


def trend_banner(results: Results, lang: str) -> list[str]:
    """A line for each earlier year of the run that went on with incomplete data (the latest says so itself)."""
    from campuseval.i18n import t

    return [t("trend.incomplete_year", lang, year=r.year, n=len(r.missing_inputs))  # type: ignore[arg-type]
            for r in results.series or [] if not r.complete]
