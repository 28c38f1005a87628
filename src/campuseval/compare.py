"""What-if: two scorings of the same data (two targets files or tables) side by side, and why points moved."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from campuseval.formatting import num
from campuseval.formatting import target as target_text
from campuseval.i18n import Lang, t
from campuseval.results import IndicatorScore, RangeOut, Results, TargetOut

# A points difference below this is float noise, not a move (scores are rounded to at most 6 places).
EPS = 1e-9


@dataclass(frozen=True)
class Reason:
    """One cause of a move: a catalog key (compare.why.*) and its parameters."""

    key: str
    params: dict[str, str] = field(default_factory=dict)

    def render(self, lang: Lang) -> str:
        return t(f"compare.why.{self.key}", lang, **self.params)


@dataclass(frozen=True)
class IndicatorMove:
    """An indicator whose points differ for one campus between scoring A and B."""

    code: str
    name_zh: str
    name_en: str
    points_a: float | None  # None: not in that table
    points_b: float | None
    max_a: float | None
    max_b: float | None
    reasons: tuple[Reason, ...]

    @property
    def diff(self) -> float:
        return (self.points_b or 0.0) - (self.points_a or 0.0)


@dataclass(frozen=True)
class CampusRow:
    """A campus's total and rank under A and B, and the indicators whose points moved."""

    id: str
    name_zh: str
    name_en: str
    total_a: float | None
    total_b: float | None
    rank_a: int | None
    rank_b: int | None
    moves: tuple[IndicatorMove, ...]

    @property
    def diff(self) -> float | None:
        if self.total_a is None or self.total_b is None:
            return None
        return self.total_b - self.total_a

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) from A to B."""
        if self.rank_a is None or self.rank_b is None:
            return None
        return self.rank_a - self.rank_b

    def name(self, lang: Lang) -> str:
        return self.name_zh if lang == "zh" else self.name_en


@dataclass(frozen=True)
class Comparison:
    """Scoring A against scoring B of the same data and year; campuses in B's rank order."""

    label_a: str
    label_b: str
    year: int
    rows: tuple[CampusRow, ...]
    places: int  # decimals of totals

    def to_dict(self) -> dict[str, object]:
        return {
            "a": self.label_a, "b": self.label_b, "year": self.year,
            "campuses": [{
                "id": r.id, "name": {"zh": r.name_zh, "en": r.name_en},
                "total_a": r.total_a, "total_b": r.total_b, "diff": _r(r.diff, self.places),
                "rank_a": r.rank_a, "rank_b": r.rank_b, "rank_change": r.rank_change,
                "indicators": [{
                    "code": m.code, "points_a": m.points_a, "points_b": m.points_b,
                    "max_a": m.max_a, "max_b": m.max_b, "diff": _r(m.diff, 6),
                    "why": [{"code": x.key, "zh": x.render("zh"), "en": x.render("en")} for x in m.reasons],
                } for m in r.moves],
            } for r in self.rows],
        }

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2) + "\n"


def _r(x: float | None, places: int) -> float | None:
    from campuseval.rounding import round_half_up

    return None if x is None else round_half_up(x, places)


def _target(ind: IndicatorScore) -> str:
    return target_text(ind.target, ind.scale, ind.comparison)


def _same_target(a: TargetOut | None, b: TargetOut | None) -> bool:
    def plain(x: TargetOut | None) -> object:
        return x.model_dump() if isinstance(x, RangeOut) else x

    return plain(a) == plain(b)


def _reasons(a: IndicatorScore | None, b: IndicatorScore | None) -> tuple[Reason, ...]:
    """Why the points differ, from what the two scorings record: the setting that changed, or the value."""
    if a is None and b is not None:
        return (Reason("added"),)
    if b is None and a is not None:
        return (Reason("dropped"),)
    assert a is not None and b is not None
    out: list[Reason] = []
    if a.rule != b.rule:
        out.append(Reason("rule", {"old": a.rule, "new": b.rule}))
    if not _same_target(a.target, b.target):
        out.append(Reason("target", {"old": _target(a), "new": _target(b)}))
    if abs(a.max_points - b.max_points) > EPS:
        out.append(Reason("max_points", {"old": num(a.max_points), "new": num(b.max_points)}))
    if (a.value is None) != (b.value is None) or (a.value is not None and b.value is not None
                                                  and abs(a.value - b.value) > EPS):
        out.append(Reason("value", {"old": num(a.value), "new": num(b.value)}))
    if set(a.flags) != set(b.flags):
        out.append(Reason("flags", {"old": ", ".join(a.flags) or "-", "new": ", ".join(b.flags) or "-"}))
    if not out:  # the same inputs, other arithmetic: a rule parameter (bands, steps) changed
        out.append(Reason("rule_params", {"rule": b.rule}))
    return tuple(out)


def compare(a: Results, b: Results, label_a: str = "A", label_b: str = "B") -> Comparison:
    """Per campus the total and rank under each, and per indicator where points moved and why."""
    by_a = {c.id: c for c in a.campuses}
    by_b = {c.id: c for c in b.campuses}
    ids = list(by_b) + [i for i in by_a if i not in by_b]
    rows = []
    for cid in ids:
        ca, cb = by_a.get(cid), by_b.get(cid)
        some = cb or ca
        assert some is not None
        inds_a = {i.code: i for i in ca.indicators} if ca else {}
        inds_b = {i.code: i for i in cb.indicators} if cb else {}
        moves = []
        for code in list(inds_a) + [c for c in inds_b if c not in inds_a]:
            ia, ib = inds_a.get(code), inds_b.get(code)
            pa = ia.points if ia is not None else None
            pb = ib.points if ib is not None else None
            if ia is not None and ib is not None and abs((pa or 0.0) - (pb or 0.0)) <= EPS:
                continue
            if (ia is None or ib is None) and not (pa or pb):
                continue  # added or dropped without points: moves nothing
            ind = ib or ia
            assert ind is not None
            moves.append(IndicatorMove(code, ind.name.zh, ind.name.en, pa, pb,
                                       ia.max_points if ia else None, ib.max_points if ib else None,
                                       _reasons(ia, ib)))
        rows.append(CampusRow(cid, some.name.zh, some.name.en, ca.total if ca else None, cb.total if cb else None,
                              getattr(ca, "rank", None), getattr(cb, "rank", None), tuple(moves)))
    rows.sort(key=lambda r: (r.rank_b is None, r.rank_b or 0, r.rank_a or 0))
    return Comparison(label_a, label_b, b.year, tuple(rows), b.method.rounding.get("total", 2))
