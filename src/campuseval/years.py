"""The years campuseval accepts, the same everywhere: data cells, targets files, --year and the template."""

from __future__ import annotations

from campuseval.errors import Location, UsageError, diag

# Wide enough for historical series (an index back to 1900) and for plans to 2100; a number
# outside is a typing slip (202, 20244) or a date serial, not a year anyone evaluates.
YEAR_MIN = 1900
YEAR_MAX = 2100


def check_year(year: int, where: str = "--year") -> int:
    """`year` itself when within YEAR_MIN..YEAR_MAX; a UsageError naming `where` otherwise."""
    if isinstance(year, bool) or not isinstance(year, int) or not YEAR_MIN <= year <= YEAR_MAX:
        raise UsageError([diag(Location(path=where), "data.year_range", "data.year_range.hint",
                               hint_params={"min": YEAR_MIN, "max": YEAR_MAX},
                               year=year, min=YEAR_MIN, max=YEAR_MAX)])
    return year
