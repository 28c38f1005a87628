"""The panel's marks for expert-scored indicators as report rows: each reviewer, then the combined mark."""

from __future__ import annotations

from dataclasses import dataclass

from campuseval.formatting import num
from campuseval.i18n import Lang, t
from campuseval.results import Results


@dataclass(frozen=True)
class ExpertsView:
    heads: list[str]
    rows: list[tuple[bool, list[str]]]  # (is the combined line, cells)


def experts_view(results: Results, lang: Lang) -> ExpertsView | None:
    if not results.expert_marks:
        return None
    names = {c.id: (c.name.zh if lang == "zh" else c.name.en) for c in results.campuses}
    scored = {(c.id, i.code): i for c in results.campuses for i in c.indicators}
    rules = {m.code: m for m in results.method.indicators}
    rows: list[tuple[bool, list[str]]] = []
    groups: dict[tuple[str, str], list[tuple[str, float, str]]] = {}
    for m in results.expert_marks:
        groups.setdefault((m.campus, m.indicator), []).append((m.reviewer, m.score, m.remark))
    order = {c.id: (c.rank if c.rank is not None else 10**9, n) for n, c in enumerate(results.campuses)}
    codes = [m.code for m in results.method.indicators]
    for (campus, code), marks in sorted(groups.items(), key=lambda g: (order.get(g[0][0], (10**9, 0)),
                                                                        codes.index(g[0][1]) if g[0][1] in codes
                                                                        else len(codes))):
        ind = scored.get((campus, code))
        name = ind.name.zh if ind and lang == "zh" else ind.name.en if ind else code
        for k, (reviewer, score, remark) in enumerate(marks):
            # The unit and indicator head their group only, so the reviewers' marks read as one block.
            head = [names.get(campus, campus), f"{code} {name}"] if k == 0 else ["", ""]
            rows.append((False, [*head, reviewer, num(score), remark]))
        if ind is not None:
            how = rules[code].rule_text.zh if lang == "zh" else rules[code].rule_text.en
            rows.append((True, ["", "", t("report.expert.combined", lang), num(ind.value),
                                t("report.expert.points", lang, points=num(ind.points), max=num(ind.max_points),
                                  how=how)]))
    heads = [t(f"report.expert.col.{k}", lang) for k in ("campus", "indicator", "reviewer", "score", "remark")]
    return ExpertsView(heads, rows)
