"""Earlier years scored with this year's table, and how each campus's score moved between two years."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from campuseval import __version__
from campuseval.config.effective import EffectiveTable
from campuseval.data.dataset import Dataset
from campuseval.errors import CampusevalError
from campuseval.results import CampusScore, Results, Text
from campuseval.rounding import clean

# Flags that mean an indicator's points in a year rest on no value: comparing them across years
# compares data coverage, not performance.
NO_VALUE = frozenset({"missing", "not_computable", "hq_missing", "previous_missing", "reweighted", "not_applicable"})


def score_earlier(eff: EffectiveTable, data: Dataset, year: int, *, generated_at: str = "",
                  tool_version: str | None = None, words: bool = False,
                  lookup: dict[tuple[str, int], dict[str, float]] | None = None) -> Results | Text:
    """`year` scored with the same table, or the reason it cannot be (a Text for the reports).

    The table's own `years` are not checked: this is last year's data under this year's rules, so
    that the two years differ only in the data. A year the missing-value policy `error` refuses is
    not scored (the message says why) instead of failing this year's run. The arithmetic in words is
    left out unless `words` (reports show an earlier year as totals, ranks and points).
    """
    from campuseval.engine.score import score_year

    if year not in data.years():
        return Text(zh=f"数据中没有 {year} 年的数值", en=f"the data holds no values for {year}")
    try:
        # Last year is context, not the evaluation: a gap there (no 2022 rows for 2023's change rules)
        # is shown as a like-for-like change, not a refusal of this year.
        return score_year(eff, data, year, generated_at=generated_at, words=words, allow_incomplete=True,
                          tool_version=tool_version or __version__, lookup=lookup)
    except CampusevalError as exc:
        first = exc.diagnostics[0].message if exc.diagnostics else None
        return Text(zh=first.render("zh") if first else str(exc), en=first.render("en") if first else str(exc))


def attach_previous(eff: EffectiveTable, data: Dataset, results: Results,
                    lookup: dict[tuple[str, int], dict[str, float]] | None = None) -> None:
    """Set `results.previous` to the year before scored with the same table, when the data holds it;
    when it cannot be scored, say why among the warnings."""
    if results.previous_year is None:
        return
    earlier = score_earlier(eff, data, results.previous_year, generated_at=results.generated_at,
                            tool_version=results.tool_version, lookup=lookup)
    if isinstance(earlier, Results):
        results.previous = earlier
    else:
        results.warnings.append(Text(
            zh=f"未能按同一指标表为 {results.previous_year} 年评分，报告不与上年比较：{earlier.zh}",
            en=f"{results.previous_year} could not be scored with the same table, so the reports make no "
               f"comparison with last year: {earlier.en}"))


@dataclass(frozen=True)
class CampusChange:
    """One campus's score last year and the move to this year.

    `change` is this year's total minus last year's. When an indicator had no value in one of the two
    years (`not_comparable`), that move mixes performance with data coverage: `like_for_like` is then
    the move over the indicators scored from values in both years, and reports show that instead.
    """

    previous_total: float
    previous_rank: int | None  # None: last year the campus was not ranked (insufficient data)
    previous_parts: dict[str, float]
    change: float
    not_comparable: list[str] = field(default_factory=list)
    like_for_like: float | None = None


def campus_change(now: CampusScore, before: CampusScore) -> CampusChange:
    prev = {i.code: i for i in before.indicators}
    odd: list[str] = []
    like = Decimal(0)
    for ind in now.indicators:
        old = prev.get(ind.code)
        if old is None or not ind.scored:
            continue
        if (set(ind.flags) | set(old.flags)) & NO_VALUE:
            if set(ind.flags) & NO_VALUE != set(old.flags) & NO_VALUE:
                odd.append(ind.code)
            continue
        like += clean(ind.points or 0.0) - clean(old.points or 0.0)
    return CampusChange(
        previous_total=before.total, previous_rank=before.rank,
        previous_parts={p.code: p.score for p in before.parts},
        change=float(clean(now.total) - clean(before.total)), not_comparable=odd,
        like_for_like=float(like) if odd else None)


def changes(results: Results) -> dict[str, CampusChange]:
    """Each campus's change from `results.previous`, by campus id; empty without a previous year."""
    if results.previous is None:
        return {}
    before = {c.id: c for c in results.previous.campuses}
    # A campus not evaluated in either year has no score to move from or to.
    return {c.id: campus_change(c, before[c.id]) for c in results.campuses
            if c.id in before and "not_evaluated" not in (c.status, before[c.id].status)}
