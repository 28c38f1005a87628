"""Expert panel marks for an indicator: one mark per reviewer, combined by mean or trimmed mean; no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from campuseval.data.dataset import CellRef, UnitInfo
from campuseval.i18n import t
from campuseval.results import MissingInput, Text
from campuseval.rounding import clean

if TYPE_CHECKING:
    from campuseval.config.effective import EffectiveTable
    from campuseval.data.dataset import Dataset

Combine = Literal["mean", "trimmed_mean"]
MIN_TRIMMED = 3  # without the highest and the lowest, fewer than three marks leave nothing or one side


@dataclass(frozen=True)
class ExpertMark:
    """One reviewer's mark for one unit, indicator and year, and the cell it came from."""

    reviewer: str
    score: float
    remark: str = ""
    ref: CellRef | None = None


def _n(x: Decimal) -> str:
    text = f"{x:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def combine(marks: list[ExpertMark], how: Combine) -> tuple[float, str]:
    """The combined mark and the arithmetic, e.g. `(8 + 9 + 7.5 + 6 - 9 - 6) ÷ 2 = 7.75`.

    trimmed_mean drops one highest and one lowest mark (one of each, however many tie) and needs at
    least three marks; the caller checks the count first and refuses fewer.
    """
    if not marks:
        raise ValueError("no marks")
    values = [clean(m.score) for m in marks]
    listed = ", ".join(f"{m.reviewer} {_n(v)}" for m, v in zip(marks, values, strict=True))
    if how == "trimmed_mean":
        if len(values) < MIN_TRIMMED:
            raise ValueError(f"trimmed_mean needs at least {MIN_TRIMMED} marks")
        hi, lo = max(values), min(values)
        kept = sum(values, Decimal(0)) - hi - lo
        result = kept / (len(values) - 2)
        return float(result), (f"trimmed mean of [{listed}]: ({' + '.join(_n(v) for v in values)} - {_n(hi)} - "
                               f"{_n(lo)}) ÷ {len(values) - 2} = {_n(result)}")
    mean = sum(values, Decimal(0)) / len(values)
    return float(mean), f"mean of [{listed}]: ({' + '.join(_n(v) for v in values)}) ÷ {len(values)} = {_n(mean)}"


def marks_missing(eff: EffectiveTable, data: Dataset, year: int, campuses: list[UnitInfo],
                  names: dict[str, Text]) -> list[MissingInput]:
    """Expert-marked indicators with no mark at all for a campus in `year`: a gap, as a missing column is."""
    out = []
    for ind in eff.indicators:
        if ind.spec.rule.type != "expert":
            continue
        lacking = [c.id for c in campuses if ind.applies(c.id) and not data.experts.get((c.id, year, ind.code))]
        if not lacking:
            continue
        params = {"code": ind.code, "year": year}
        out.append(MissingInput(
            what="expert_marks", subject="campus", field=ind.code, year=year, indicators=[ind.code], campuses=lacking,
            message=Text(zh=t("complete.expert_marks", "zh", units="、".join(names[c].zh for c in lacking), **params),
                         en=t("complete.expert_marks", "en", units=", ".join(names[c].en for c in lacking),
                              **params))))
    return out
