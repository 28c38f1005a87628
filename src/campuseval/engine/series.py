"""Several years in one run: each year scored with the targets in force that year, the earlier ones in `series`."""

from __future__ import annotations

import re
import unicodedata

from campuseval import __version__
from campuseval.config.effective import EffectiveTable
from campuseval.config.peryear import for_year
from campuseval.data.dataset import Dataset
from campuseval.errors import CampusevalError, DataError, Diagnostic, Location, UsageError, diag
from campuseval.results import Results
from campuseval.years import check_year

# Bounded: each year is a full scoring run, and a trend chart of more years than this is unreadable.
MAX_YEARS = 30
_SPAN = re.compile(r"^\s*(\d{4})\s*(?:[-~至到]\s*(\d{4}))?\s*$")


def parse_span(span: str) -> list[int]:
    """`2020-2024` as [2020, ..., 2024]; also `2020~2024`, `2020至2024`, full-width digits and dashes, one year."""
    text = unicodedata.normalize("NFKC", span).replace("–", "-").replace("—", "-").replace("－", "-")
    m = _SPAN.match(text)
    if m is None:
        raise UsageError([diag(Location(path="--years"), "years.bad_span", "years.bad_span.hint", span=span)])
    first = check_year(int(m.group(1)), "--years")
    last = check_year(int(m.group(2) or m.group(1)), "--years")
    if first > last:
        raise UsageError([diag(Location(path="--years"), "years.bad_span", "years.bad_span.hint", span=span)])
    return list(range(first, last + 1))


def years_to_run(year: list[int] | None, span: str | None) -> list[int]:
    """The years asked for by `--year` (repeated) or `--years`, sorted and unique; [] for the default one year."""
    if year and span:
        raise UsageError([diag(Location(path="--years"), "years.both", "years.both.hint")])
    years = parse_span(span) if span else sorted({check_year(y) for y in year or []})
    if len(years) > MAX_YEARS:
        raise UsageError([diag(Location(path="--years" if span else "--year"), "years.too_many",
                               "years.too_many.hint", n=len(years), max=MAX_YEARS)])
    return years


def score_years(eff: EffectiveTable, data: Dataset, years: list[int], *, generated_at: str = "",
                tool_version: str = __version__, allow_incomplete: bool = False,
                strict: bool = False) -> Results:
    """Score each of `years` (sorted, unique) as a one-year run would, with the targets in force that year.

    Returns the latest year's Results, with the earlier years in `series` (oldest first) and the
    year before the latest attached as `previous`, as a one-year run does. Every year must pass the
    same gates as a one-year run: a year the data or the targets file does not hold, a per-year
    target with no value for a year, or a year refused for missing data refuses the whole run,
    naming the year (all unknown years at once, before anything is scored). With `allow_incomplete`
    each year that goes on says so in its own `complete`.
    """
    from campuseval.engine.score import pick_year, score

    years = sorted(set(years))
    if not years:
        raise ValueError("score_years needs at least one year")
    problems: list[Diagnostic] = []
    usage = False
    for y in years:
        try:
            for_year(eff, pick_year(eff, data, y))
        except CampusevalError as exc:
            usage = usage or isinstance(exc, UsageError)
            problems.extend(exc.diagnostics)
    if problems:
        raise (UsageError if usage else DataError)(problems)
    scored: list[Results] = []
    for y in years:
        try:
            scored.append(score(eff, data, year=y, generated_at=generated_at, tool_version=tool_version,
                                allow_incomplete=allow_incomplete, strict=strict, previous=y == years[-1]))
        except CampusevalError as exc:
            head = diag(Location(), "years.refused", year=y)
            raise type(exc)([head, *exc.diagnostics]) from None
    latest = scored[-1]
    if len(scored) > 1:
        latest.series = scored[:-1]
    return latest
