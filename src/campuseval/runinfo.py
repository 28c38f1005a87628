"""What a run read and how it ranked, in sentences for the terminal: said before and under the ranking."""

from __future__ import annotations

from campuseval.data.dataset import Dataset
from campuseval.i18n import Lang, t
from campuseval.results import Results


def read_lines(data: Dataset, results: Results, lang: Lang) -> list[str]:
    """Files and sheets read with their rows, units per subject in the year scored, years found, counts."""
    lines = [t("run.read_title", lang)]
    by_file: dict[str, list[str]] = {}
    for s in data.sheets:
        rows = t("run.rows", lang, n=s.rows)
        by_file.setdefault(s.file, []).append(t("run.sheet_rows", lang, sheet=s.sheet, rows=rows) if s.sheet
                                              else rows)
    for f in data.files:
        parts = by_file.get(f.path) or [t("run.nothing_read", lang)]
        lines.append(f"  {f.path}: " + t("run.list_sep", lang).join(parts))
    counts = data.units_by_kind(results.year)
    years = data.years()
    lines.append(t("run.units_years", lang, campus=counts.get("campus", 0), hq=counts.get("hq", 0),
                   locality=counts.get("locality", 0), years=", ".join(map(str, years)), year=results.year,
                   previous=results.previous_year if results.previous_year is not None else "-"))
    lines.append(t("run.counts", lang, missing=results.missing_values, warnings=len(results.warnings)))
    return lines


def incomplete_lines(results: Results, lang: Lang) -> list[str]:
    """The incomplete-data banner: empty when the run had everything it needed."""
    if results.complete:
        return []
    return [t("complete.banner", lang)] + [f"- {getattr(g.message, lang)}" for g in results.missing_inputs]


def ranking_sentence(results: Results, lang: Lang) -> str:
    """What ranked, how ties fall and who is not ranked, in one sentence for reports and workbooks."""
    entity = getattr(results.method.entity, lang)
    words = t(f"ranking.{results.method.ranking}", lang)
    if results.method.rank_on == "unrounded":
        words += t("ranking.unrounded", lang)
    return (words + t("run.list_sep", lang) + t(f"ranking.{results.method.insufficient}", lang, entity=entity)
            + t("run.period", lang))


def ranking_lines(results: Results, lang: Lang) -> list[str]:
    """Under the ranking table: what ranked, how ties fall, who is not ranked, what 标记数 counts."""
    entity = getattr(results.method.entity, lang)
    lines = [t(f"ranking.{results.method.ranking}", lang)]
    if any(c.rank is None or c.status != "scored" for c in results.campuses):
        lines.append(t(f"ranking.{results.method.insufficient}", lang, entity=entity))
        for c in results.campuses:
            if c.status == "not_evaluated":
                reason = t("status.not_evaluated.reason", lang, year=results.year)
            elif c.status == "insufficient_data":
                low = [p.code for p in c.parts if not p.scored]
                reason = t("status.insufficient_data.reason", lang, parts=", ".join(low),
                           min=f"{results.method.min_coverage * 100:g}")
            else:
                continue
            lines.append(f"  {getattr(c.name, lang)}: {t(f'status.{c.status}', lang)} ({reason})")
    lines.append(t("run.flags_note", lang))
    return lines
