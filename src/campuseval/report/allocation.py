"""The funding allocation as localised rows, shared by the reports, the xlsx sheet and the terminal."""

from __future__ import annotations

from dataclasses import dataclass

from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.results import AllocationOut, Results


@dataclass(frozen=True)
class AllocationView:
    """Headline, column heads and one row of text per campus (rank order), plus the sum line."""

    title: str
    method: str
    heads: list[str]
    rows: list[list[str]]
    total: str
    note: str  # undistributed money, said out loud; empty when the pool was shared out in full


def money(x: float) -> str:
    """Yuan to the fen with thousands separators: 1,234,567.80."""
    return f"{float(fixed(x, 2)):,.2f}"


def method_text(a: AllocationOut, lang: Lang) -> str:
    text = t(f"alloc.method.{a.method}" + (f".{a.by}" if a.by else ""), lang, floor=num(a.floor))
    if a.min_total is not None:
        text += t("alloc.min_total", lang, min=num(a.min_total))
    return text


def allocation_view(results: Results, lang: Lang) -> AllocationView | None:
    a = results.allocation
    if a is None:
        return None
    unit = a.unit.zh if lang == "zh" else a.unit.en
    by_id = {c.id: c for c in results.campuses}
    rows = []
    order = sorted(a.rows, key=lambda r: (r.rank is None, r.rank or 0))
    for r in order:
        name = r.name.zh if lang == "zh" else r.name.en
        tier = (r.tier.zh if lang == "zh" else r.tier.en) if r.tier else ("-" if a.method == "tiers" else "")
        places = results.method.rounding.get("total", 2)
        c = by_id.get(r.campus)
        status = c.status if c is not None else "scored"
        shown_total = "-" if status == "not_evaluated" else fixed(c.total if c is not None else r.total, places)
        rank = str(r.rank) if r.rank is not None else (t(f"status.{status}", lang) if status != "scored" else "-")
        row = [rank, name, shown_total]
        if a.method == "tiers":
            row.append(tier)
        row += [num(r.weight, 6) if r.qualified else "-", money(r.amount)]
        rows.append(row)
    heads = [t("col.rank", lang), t("alloc.col.campus", lang), t("col.total", lang)]
    if a.method == "tiers":
        heads.append(t("alloc.col.tier", lang))
    heads += [t(f"alloc.col.weight.{a.method}", lang), t("alloc.col.amount", lang, unit=unit)]
    note = t("alloc.undistributed", lang, amount=money(a.undistributed), unit=unit) if a.undistributed else ""
    title = t("alloc.title", lang, pool=money(a.pool), unit=unit)
    if a.provisional:
        title += t("alloc.provisional.title", lang)
        note = t("alloc.provisional", lang) + (" " + note if note else "")
    return AllocationView(
        title=title, method=method_text(a, lang), heads=heads,
        rows=rows, total=t("alloc.sum", lang, amount=money(sum(r.amount for r in a.rows)), unit=unit), note=note)
