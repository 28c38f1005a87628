"""The report's content as plain localised strings, built once from Results and shared by both templates."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import posixpath
from collections.abc import Collection
from typing import Any, get_args

from campuseval import formatting
from campuseval.engine.history import CampusChange, changes
from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.i18n.messages import MESSAGES
from campuseval.losses import lost_points
from campuseval.report import rows
from campuseval.report.model import (
    CampusView,
    CellRow,
    ChangeGroup,
    GapRow,
    IndicatorRow,
    LossRow,
    MethodRow,
    NoteRow,
    PartRow,
    RankRow,
    ReportView,
    SourceRow,
)
from campuseval.report.trend import build_trend
from campuseval.results import (
    INFORMATIONAL_FLAGS,
    CampusScore,
    ChangeOut,
    Flag,
    IndicatorScore,
    MethodIndicator,
    RangeOut,
    RefOut,
    Results,
    Text,
)
from campuseval.runid import run_id
from campuseval.runinfo import incomplete_lines, ranking_sentence
from campuseval.trend import trend_banner

# Flags in one fixed order, whatever order the engine listed them in.
FLAG_ORDER: tuple[str, ...] = get_args(Flag)
# Flags explained under "missing data" (only values that are missing), and under "other notes" (the rest);
# homogeneity gaps have their own table. Not applicable and qualitative (not_scorable) are no problem with
# the data: the indicator table says them in words.
MISSING_FLAGS = ("missing", "not_computable", "hq_missing", "previous_missing", "reweighted")
OTHER_FLAGS = ("value_conflict", "veto", "small_sample")
NOTE_FLAGS = MISSING_FLAGS + OTHER_FLAGS
# Flags that take an indicator out of the scoring for this campus: its points cell shows a dash.
LEFT_OUT = ("reweighted", "not_applicable")
# Gap notes worth a sentence: a zero makes the ratio 0 or undefined, which a reader would not guess.
GAP_NOTES = ("hq_zero", "campus_zero", "both_zero")
# Rules whose value is an answer, yes (1) or no (0), rather than an amount.
YES_NO_RULES = ("yes_no", "veto")
# Above this many units a report is a summary, each unit's section in a file of its own (see render.py).
SUMMARY_ABOVE = 50
# In a summary, findings that list units name this many (the rest are counted).
FINDINGS_LISTED = 10
# How a meets_target rule compares the value with its target.
# The word for the evaluated units in the setting the report was first written for; with it the
# report keeps its campus wording (院区值), elsewhere it speaks of "this unit".
CAMPUS_ZH = "院区"


class _Words:
    """Localising helpers bound to one language and one Results."""

    def __init__(self, results: Results, lang: Lang) -> None:
        self.r = results
        self.lang = lang
        self.ind_places = results.method.rounding.get("indicator", 2)
        self.total_places = results.method.rounding.get("total", 2)
        self.campus_names = {c.id: self.name(c.name) for c in results.campuses}
        self.entity = self.name(results.method.entity)
        self.is_campus = results.method.entity.zh == CAMPUS_ZH
        # Campus against HQ is part of the report only when the table compares them at all.
        self.has_hq = any(mi.subject == "both" for mi in results.method.indicators) or any(
            i.subject == "both" for c in results.campuses for i in c.indicators)
        self.table_points = {mi.code: mi.effective_points for mi in results.method.indicators}
        self.small_sample = results.method.small_sample
        # Rates beside totals when ranking by rate and the maxima differ: otherwise the order shows itself.
        self.rates_shown = results.method.ranking == "rate" and len(
            {c.max_total for c in results.campuses if c.status != "not_evaluated"}) > 1
        self.comparison: dict[str, str] = {}
        for c in results.campuses:
            for i in c.indicators:
                if i.comparison is not None:
                    self.comparison.setdefault(i.code, i.comparison)

    def t(self, key: str, **params: Any) -> str:
        return t(key, self.lang, **params)

    def name(self, text: Text | None) -> str:
        if text is None:
            return ""
        return text.zh if self.lang == "zh" else (text.en or text.zh)

    def ref(self, ref: RefOut | None) -> str:
        return self.name(ref.name) if ref is not None else ""

    def join(self, items: list[str]) -> str:
        return self.t("report.sep").join(items)

    def points(self, x: float | None) -> str:
        return fixed(x, self.ind_places)

    def total(self, x: float | None) -> str:
        return fixed(x, self.total_places)

    def flags(self, flags: Collection[str]) -> list[str]:
        return [f for f in FLAG_ORDER if f in flags]

    def flag_words(self, flags: Collection[str]) -> str:
        """Flags in words: those that need attention after ▲, informational ones (not applicable) plain."""
        shown = self.flags(flags)
        alert = [self.t(f"flag.{f}") for f in shown if f not in INFORMATIONAL_FLAGS]
        info = [self.t(f"flag.{f}") for f in shown if f in INFORMATIONAL_FLAGS]
        words = (["▲ " + self.join(alert)] if alert else []) + ([self.join(info)] if info else [])
        return self.t("report.sep").join(words) if words else self.t("report.status.none")

    def col_entity(self) -> str:
        """The ranking's column for the units: 院区 / Campus, or the setting's own word."""
        if self.is_campus:
            return self.t("col.campus")
        return self.entity[:1].upper() + self.entity[1:] if self.lang == "en" else self.entity

    def col_value(self) -> str:
        """The header of a unit's own values: 院区值 beside 总院值, else 本单位值 / Value."""
        return self.t("col.value") if self.is_campus else self.t("report.col.value")

    def subject(self, subject: str) -> str:
        """Where an indicator is measured, with the setting's word for the units."""
        if subject == "campus":
            return self.t("subject.campus") if self.is_campus else self.entity
        if subject == "both":
            return self.t("subject.both") if self.is_campus else self.t("report.subject.both", entity=self.entity)
        return self.t(f"subject.{subject}")

    def codes(self, inds: list[IndicatorScore]) -> str:
        return self.join([i.code for i in inds])

    def unit(self, ind: IndicatorScore) -> str:
        return self.name(ind.unit) if ind.unit is not None else ""


def show_value(x: float | None, scale: str) -> str:
    """A value with enough places to tell small rates apart (0.041% not 0.04%), % for percents."""
    if x is None or x != x:
        return "-"
    if scale in ("count", "level"):  # head counts and levels: 247, 9.7, never 247.00
        return num(x, 2)
    ax = abs(x)
    places = 2 if ax >= 1 or ax == 0 else (3 if ax >= 0.1 else 4)
    text = fixed(x, places)  # fixed places keep a column of rates aligned: 34.60%, 28.11%
    return text + "%" if scale == "percent" else text


def show_target(x: float | RangeOut | None, scale: str, comparison: str | None = None) -> str:
    """A target as set (> 35%, ≤ 8, 150 ~ 200); '' for none."""
    return "" if x is None else formatting.target(x, scale, comparison)


def show_answer(ind: IndicatorScore, w: _Words) -> str:
    """The value as people read it: 是/否 for yes/no questions, a number otherwise, nothing where it has none."""
    if "not_applicable" in ind.flags or (ind.rule == "qualitative" and ind.value is None):
        return ""
    if ind.rule in YES_NO_RULES and ind.value in (0.0, 1.0):
        return w.t("report.yes" if ind.value else "report.no")
    return show_value(ind.value, ind.scale)


def show_diff(x: float | None, scale: str, w: _Words, *, trim: bool = False) -> str:
    """A difference in the indicator's unit: percentage points for percents; `trim` for set limits (0.05)."""
    if x is None or x != x:
        return "-"
    text = num(x, 4) if trim else show_value(x, scale if scale in ("count", "level") else "ratio")
    return text + w.t("report.unit.pp") if scale == "percent" else text


def tolerance_text(min_ratio: float | None, max_diff: float | None, scale: str, w: _Words) -> str:
    parts = []
    if min_ratio is not None:
        parts.append(w.t("report.tol.ratio", r=num(min_ratio, 4)))
    if max_diff is not None:
        parts.append(w.t("report.tol.diff", d=show_diff(max_diff, scale, w, trim=True)))
    return w.t("report.tol.and").join(parts) if parts else w.t("report.status.none")


def pretty_time(stamp: str) -> str:
    """2025-01-15T09:00:00+08:00 -> 2025-01-15 09:00:00 +08:00; anything unparsable as given."""
    try:
        when = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    text = when.strftime("%Y-%m-%d %H:%M:%S")
    offset = when.strftime("%z")
    return f"{text} {offset[:3]}:{offset[3:]}" if offset else text


def _indicator_row(ind: IndicatorScore, w: _Words, before: IndicatorScore | None = None) -> IndicatorRow:
    not_applicable = "not_applicable" in ind.flags
    goal = ""
    if not_applicable:
        target = ""
    elif ind.goal is not None:  # a qualitative goal: the goal in words is the target
        target = goal = w.name(ind.goal)
    elif ind.rule == "change_vs_previous":
        target = w.t("report.target.previous", v=show_value(ind.previous_value, ind.scale))
    else:
        target = show_target(ind.target, ind.scale, ind.comparison if ind.rule == "meets_target" else None)
    if any(f in ind.flags for f in LEFT_OUT):
        points = w.t("report.status.none")
    elif ind.points is None or not ind.scored:
        points = w.t("report.unscored")
    else:
        points = f"{w.points(ind.points)} / {num(ind.max_points)}"
    shown = show_answer(ind, w)
    own = rows.owned(ind, shown, show_value(ind.hq_value, ind.scale) if ind.subject == "both" else "")
    return IndicatorRow(
        code=ind.code, name=w.name(ind.name), unit=w.unit(ind), value=shown,
        hq_value=own.hq, campus_value=own.campus, locality_value=own.locality,
        campus_counts=own.campus_counts, hq_counts=own.hq_counts, locality_counts=own.locality_counts,
        target=target, points=points, status=w.flag_words(ind.flags),
        flagged="homogeneity_gap" in ind.flags or "veto" in ind.flags,
        attention=bool(set(ind.flags) - INFORMATIONAL_FLAGS), part=ind.part,
        goal=bool(goal), muted=not_applicable,
        previous_value="" if before is None or not_applicable else show_answer(before, w),
        previous_points="" if before is None else rows.points_text(before, w.ind_places),
        words=w.name(ind.trace.words),
    )


def _gap_row(ind: IndicatorScore, w: _Words) -> GapRow:
    g = ind.gap
    assert g is not None  # only called for flagged gaps
    return GapRow(
        code=ind.code, name=w.name(ind.name), value=show_value(ind.value, ind.scale),
        hq_value=show_value(ind.hq_value, ind.scale), ratio=num(g.ratio, 3), diff=show_diff(g.diff, ind.scale, w),
        tolerance=tolerance_text(g.min_ratio, g.max_diff, ind.scale, w),
    )


def _notes(ind: IndicatorScore, w: _Words, kinds: tuple[str, ...] = MISSING_FLAGS,
           gap_notes: bool = False) -> NoteRow | None:
    texts: list[str] = []
    shown = [f for f in w.flags(ind.flags) if f in kinds]
    for f in shown:
        if f == "missing":
            kind = "unscored" if not ind.scored else ("reweight" if "reweighted" in ind.flags else "zero")
            texts.append(w.t(f"report.note.missing.{kind}"))
        elif f == "reweighted" and "missing" in ind.flags:
            continue  # already said with "missing"
        elif f == "small_sample":
            texts.append(w.t("report.note.small_sample", counts=_counts_said(ind, w), k=w.small_sample))
        else:
            texts.append(w.t(f"report.note.{f}"))
    if gap_notes and ind.gap is not None and ind.gap.note in GAP_NOTES:
        texts.append(w.t(f"report.gapnote.{ind.gap.note}"))
        if ind.gap.ratio is None:
            texts.append(w.t("report.gapnote.no_ratio"))
    if not texts:
        return None
    alert = [f for f in shown if f not in INFORMATIONAL_FLAGS]
    plain = [f for f in shown if f in INFORMATIONAL_FLAGS]
    words = (["▲ " + w.join([w.t(f"flag.{f}") for f in alert])] if alert else []) + [w.t(f"flag.{f}") for f in plain]
    status = w.join(words) if words else w.t("report.status.none")
    return NoteRow(code=ind.code, name=w.name(ind.name), status=status,
                   text=" ".join(texts) if w.lang == "en" else "".join(texts), flagged=bool(alert))


def _explained(c: CampusScore, w: _Words) -> list[str]:
    """Sentences under the indicator table for what is no problem but needs saying: indicators that do
    not apply here (when they had points to hand on) and qualitative goals left to people."""
    out = []
    handed_on = [i for i in c.indicators
                 if "not_applicable" in i.flags and i.rule != "qualitative" and w.table_points.get(i.code, 0) > 0]
    if handed_on:
        out.append(w.t(f"report.campus.not_applicable.{w.r.method.reweight}", codes=w.codes(handed_on),
                       entity=w.entity))
    # Not applicable and without points to hand on: named once here, not a row each in the table.
    plain = [i for i in c.indicators if "not_applicable" in i.flags and i not in handed_on]
    if plain:
        out.append(w.t("report.campus.not_applicable.plain", codes=w.codes(plain), entity=w.entity))
    goals = [i for i in c.indicators if "not_scorable" in i.flags]
    if goals:
        out.append(w.t("report.campus.not_scorable", codes=w.codes(goals)))
    return out


def _counts_said(ind: IndicatorScore, w: _Words) -> str:
    """Where the events are counted: 院区 2 / 4,884；总院 1 / 10,363."""
    said = []
    for who, prefix in (("campus", ""), ("hq", "hq.")):
        if who == "hq" and ind.subject != "both":
            continue
        text = rows.counts(ind, prefix)
        if text:
            owner = who if ind.subject in ("campus", "both") or who == "hq" else ind.subject
            said.append(w.t("report.counts.owner", who=w.t(f"report.counts.{owner}") if w.is_campus or owner != "campus"
                            else w.entity, counts=text))
    return w.t("list.sep").join(said)


def _losses(c: CampusScore, w: _Words) -> tuple[list[LossRow], str]:
    """The lost points, largest first, and the sentence that adds them up to maximum - total."""
    losses = lost_points(c, w.total_places)
    out = [LossRow(code=x.code, name=rows.loss_name(x, c, w.lang), lost=w.points(x.lost),
                   reason=rows.loss_reason(x, w.lang), words=rows.loss_words(x, c, w.lang)) for x in losses]
    total = w.t("report.loss.total", lost=w.total(sum(x.lost for x in losses)), max=num(c.max_total),
                total=w.total(c.total))
    return out, total


def _campus(c: CampusScore, n: int, anchor: str, w: _Words, before: CampusScore | None = None,
            change: CampusChange | None = None) -> CampusView:
    prev_parts = {p.code: p.score for p in before.parts} if before is not None else {}
    parts = [PartRow(code=p.code, name=w.name(p.name), score=w.points(p.score) if p.scored else "-", max=num(p.max),
                     rate=_rate(p.score, p.max) if p.scored else "-",
                     previous=w.points(prev_parts[p.code]) if p.code in prev_parts else "") for p in c.parts]
    prev_inds = {i.code: i for i in before.indicators} if before is not None else {}
    # A campus not evaluated lost nothing: it was not scored (its page says why).
    losses, loss_total = _losses(c, w) if c.status != "not_evaluated" else ([], _unranked_summary(c, w))
    previous = ""
    if change is not None and w.r.previous is not None:
        previous = rows.previous_sentence(change, w.r.previous.year, w.total_places, w.lang)
    return CampusView(
        anchor=anchor, name=w.name(c.name), hq=w.ref(c.hq), district=w.ref(c.district),
        summary=(w.t("report.campus.summary", total=w.total(c.total), max=num(c.max_total), rank=c.rank, n=n,
                     entity=w.entity) if c.rank is not None else _unranked_summary(c, w)),
        banner=_campus_banner(c, w),
        deadline=("" if c.deadline is None else
                  w.t("report.campus.deadline.before" if c.before_deadline else "report.campus.deadline",
                      year=c.deadline)),
        has_hq=w.has_hq and c.hq is not None,
        parts=parts,
        gaps=[_gap_row(i, w) for i in c.indicators if i.gap is not None and i.gap.flagged],
        # Indicators that do not apply to this unit are one sentence under the table (explained), not a
        # row each: a TCM centre would otherwise list 15 empty rows.
        indicators=[_indicator_row(i, w, prev_inds.get(i.code)) for i in c.indicators
                    if "not_applicable" not in i.flags],
        explained=_explained(c, w),
        notes=[row for i in c.indicators if (row := _notes(i, w)) is not None],
        other_notes=[row for i in c.indicators if (row := _notes(i, w, OTHER_FLAGS, gap_notes=True)) is not None],
        score=c, losses=losses, loss_total=loss_total, previous=previous,
        cells=[CellRow(code=i.code, field=k, value=rows.count_text(i.trace.inputs.get(k)), cell=v)
               for i in c.indicators for k, v in i.trace.cells.items()],
    )


def _status_reason(c: CampusScore, w: _Words) -> str:
    """Why a campus has no rank: no row for the year, or a part below the table's minimum coverage."""
    if c.status == "not_evaluated":
        return w.t("status.not_evaluated.reason", year=w.r.year)
    low = [p.code for p in c.parts if not p.scored]
    return w.t("status.insufficient_data.reason", parts=w.join(low), min=f"{w.r.method.min_coverage * 100:g}")


def _unranked_summary(c: CampusScore, w: _Words) -> str:
    status = w.t(f"status.{c.status}")
    if c.status == "not_evaluated":
        return f"{status}（{_status_reason(c, w)}）" if w.lang == "zh" else f"{status} ({_status_reason(c, w)})"
    return w.t("report.campus.summary_unranked", total=w.total(c.total), max=num(c.max_total), status=status,
               reason=_status_reason(c, w))


def _campus_banner(c: CampusScore, w: _Words) -> list[str]:
    """On the campus's own page: what it lacks, so a page printed alone cannot pass for a final result."""
    items = [getattr(g.message, w.lang) for g in w.r.missing_inputs if c.id in g.campuses]
    out = [w.t("complete.banner_unit", entity=w.entity, items=w.join(items))] if items else []
    if c.status == "insufficient_data":  # not evaluated is what the missing row above already says
        out.append(f"{w.t(f'status.{c.status}')}{w.t('cli.colon')}{_status_reason(c, w)}")
    return out


def _total_cell(c: CampusScore, w: _Words) -> str:
    """The total beside its maximum (and the rate when maxima differ): never two totals of unequal reach."""
    if c.status == "not_evaluated":
        return "-"
    cell = f"{w.total(c.total)} / {num(c.max_total)}"
    if w.rates_shown and c.rate is not None:
        cell += f" ({fixed(c.rate * 100, 2)}%)"
    return cell


def _rate(score: float | None, maximum: float) -> str:
    if score is None or maximum <= 0:
        return "-"
    return fixed(score / maximum * 100, 1) + "%"


def ranked(results: Results) -> list[tuple[int, CampusScore]]:
    """Campuses by rank, ties in the table's order, each with its position in results.campuses."""
    return sorted(enumerate(results.campuses), key=lambda ic: (ic[1].rank is None, ic[1].rank or 0, ic[0]))


def _findings(results: Results, w: _Words, summary: bool = False) -> list[str]:
    """The main findings; in a large run's `summary`, lists that name units are cut to the first
    FINDINGS_LISTED and the lost points of each unit left to its own file."""
    entity = w.name(results.method.entity)

    def listed(items: list[str]) -> list[str]:
        if not summary or len(items) <= FINDINGS_LISTED:
            return items
        return [*items[:FINDINGS_LISTED], w.t("report.find.more", k=len(items) - FINDINGS_LISTED, entity=entity)]

    # Campuses with no row for the year were not evaluated: they are no one's highest or lowest.
    order = [c for _, c in ranked(results) if c.status != "not_evaluated"]
    placed = [c for c in order if c.rank is not None]

    def score_of(c: CampusScore) -> str:
        return w.total(c.total) if not w.rates_shown else f"{w.total(c.total)} / {num(c.max_total)}"

    out = [w.t("report.find.count", n=len(order), entity=entity, max=num(results.method.total_points))]
    if len(placed) >= 2:
        out.append(w.t("report.find.top", top=w.name(placed[0].name), top_score=score_of(placed[0]),
                       low=w.name(placed[-1].name), low_score=score_of(placed[-1])))
    elif placed:
        out.append(w.t("report.find.single", top=w.name(placed[0].name), top_score=score_of(placed[0])))
    unplaced = [c for _, c in ranked(results) if c.rank is None]
    if unplaced:
        items = [f"{w.name(c.name)}（{w.t(f'status.{c.status}')}）" if w.lang == "zh"
                 else f"{w.name(c.name)} ({w.t(f'status.{c.status}')})" for c in unplaced]
        out.append(w.t("report.find.unranked", list=w.join(listed(items)), entity=entity))
    if order and results.method.parts:
        rates = []
        for p in results.method.parts:
            got = [(q.score, q.max) for c in order for q in c.parts if q.code == p.code and q.max > 0]
            if got:
                rates.append((sum(s / m for s, m in got) / len(got), p))
        if rates:
            low_rate, low_part = min(rates, key=lambda rp: rp[0])  # min keeps the first of equals
            out.append(w.t("report.find.part_low", part=f"{low_part.code} {w.name(low_part.name)}",
                           rate=fixed(low_rate * 100, 1) + "%"))
    if w.has_hq:
        gaps = [(c, sum(1 for i in c.indicators if i.gap is not None and i.gap.flagged)) for c in order]
        with_gaps = [(c, k) for c, k in gaps if k]
        if with_gaps:
            if summary:  # the units with the most gaps first
                with_gaps = sorted(with_gaps, key=lambda ck: -ck[1])
            items = listed([w.t("report.find.gap_item", name=w.name(c.name), k=k) for c, k in with_gaps])
            out.append(w.t("report.find.gaps", k=sum(k for _, k in with_gaps), list=w.join(items), entity=entity))
        else:
            out.append(w.t("report.find.gaps_none", entity=entity))
    for c in [] if summary else order:
        top = [x for x in lost_points(c, w.total_places) if x.lost > 0][:3]
        if top:
            items = [w.t("report.find.loss_item", code=x.code, lost=w.points(x.lost),
                         reason=rows.loss_reason(x, w.lang)) for x in top]
            out.append(w.t("report.find.losses", name=w.name(c.name), lost=w.total(c.max_total - c.total),
                           list=w.join(items)))
    moves = changes(results)
    if moves and results.previous is not None:
        items = []
        for c in order:
            ch = moves.get(c.id)
            if ch is None:
                continue
            like = ch.like_for_like if ch.not_comparable else ch.change
            items.append(w.t("report.find.prev_item", name=w.name(c.name),
                             rank=ch.previous_rank if ch.previous_rank is not None else "-",
                             now=c.rank if c.rank is not None else "-",
                             change=rows.change_text(like, w.total_places)))
        odd = sorted({code for ch in moves.values() for code in ch.not_comparable})
        key = "report.find.previous_like" if odd else "report.find.previous"
        out.append(w.t(key, year=results.previous.year, list=w.join(listed(items)), codes=w.join(odd)))
    missing = sum(1 for c in results.campuses for i in c.indicators if {"missing", "not_computable"} & set(i.flags))
    out.append(w.t("report.find.missing", k=missing, entity=entity) if missing
               else w.t("report.find.missing_none"))
    goals = sum(1 for c in order for i in c.indicators if "not_scorable" in i.flags)
    if goals:
        out.append(w.t("report.find.qualitative", k=goals, entity=entity))
    building = [c for c in order if c.before_deadline and c.deadline is not None]
    if building:
        items = [w.t("report.find.deadline_item", name=w.name(c.name), year=c.deadline) for c in building]
        out.append(w.t("report.find.deadline", entity=entity, list=w.join(items)))
    for c in order:
        if c.veto:
            out.append(w.t("report.find.veto", name=w.name(c.name), code=c.veto))
    if results.warnings:
        out.append(w.t("report.find.warnings", k=len(results.warnings)))
    return out


def _change_value(ch: ChangeOut, text: str, w: _Words) -> str:
    """One side of a change in words: rule names, unit names for ids, ≥ for the config's >=."""
    if not text:
        return text
    if ch.what == "rule" and f"rulename.{text}" in MESSAGES:
        return w.t(f"rulename.{text}")
    if ch.what == "applies_to":
        return w.join([w.campus_names.get(cid.strip(), cid.strip()) for cid in text.split(",")])
    if ch.what == "homogeneity":
        bits = dict(b.strip().partition(" ")[::2] for b in text.split(","))
        try:
            ratio = float(bits["min_ratio"]) if "min_ratio" in bits else None
            diff = float(bits["max_diff"]) if "max_diff" in bits else None
        except ValueError:
            return text
        if set(bits) <= {"min_ratio", "max_diff"}:
            return tolerance_text(ratio, diff, "count", w)
        return text
    return text.replace(">= ", "≥ ").replace("<= ", "≤ ")


def _change(ch: ChangeOut, w: _Words) -> str:
    """One change in words, without its file."""
    if ch.what == "added":
        return w.t("change.added")
    what = (w.t("report.change.applies_to", entity=w.entity) if ch.what == "applies_to" and not w.is_campus
            else w.t(f"change.{ch.what}"))
    old, new = _change_value(ch, ch.old, w), _change_value(ch, ch.new, w)
    if ch.campus is not None:
        name = w.campus_names.get(ch.campus, ch.campus)
        if not old or old == new:  # a unit's own target, the same as the table's: say what it is
            return w.t("report.method.change.campus_set", what=what, name=name, new=new)
        return w.t("report.method.change.campus", what=what, name=name, old=old, new=new)
    if not old:
        return w.t("report.method.change.set", what=what, new=new)
    return w.t("report.method.change", what=what, old=old, new=new)


def _changes(changes: list[ChangeOut], w: _Words) -> list[ChangeGroup]:
    """The changes of one indicator, grouped by file (in the order the files applied them)."""
    by_file: dict[str, list[str]] = {}
    for ch in changes:
        by_file.setdefault(ch.file, []).append(_change(ch, w))
    return [ChangeGroup(items=items, file=file) for file, items in by_file.items()]


def _basis(mi: MethodIndicator, w: _Words) -> str:
    text = w.t("report.method.basis", direction=w.t(f"direction.{mi.direction}"), subject=w.subject(mi.subject))
    if mi.applies_to is not None:
        names = [w.campus_names.get(cid, cid) for cid in mi.applies_to]
        text += w.t("list.sep") + w.t("report.method.applies_to", names=w.join(names) or w.t("report.none"))
    return text


def _method_row(mi: MethodIndicator, w: _Words) -> MethodRow:
    cmp = w.comparison.get(mi.code) if mi.rule == "meets_target" else None
    target = show_target(mi.target, mi.scale, cmp)
    if mi.rule == "qualitative":
        target = ""  # the goal is in the rule's own words
    order = {cid: n for n, cid in enumerate(w.campus_names)}
    per_campus = [w.t("report.target.campus", name=w.campus_names.get(cid, cid), v=show_target(v, mi.scale, cmp))
                  for cid, v in sorted(mi.campus_targets.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0]))]
    lines = [target] if target else []
    if per_campus:
        applies = mi.applies_to if mi.applies_to is not None else list(w.campus_names)
        if all(cid in mi.campus_targets for cid in applies):
            lines = []  # every unit has its own: the table's own target is never used
        lines += per_campus
    definition = w.name(mi.definition)
    if mi.national_no:
        definition = w.t("report.method.national", no=mi.national_no) + w.t("cli.colon") + definition
    points = num(mi.points)
    if abs(mi.effective_points - mi.points) > 1e-9:
        points = w.t("report.method.points_changed", points=num(mi.points), effective=num(mi.effective_points))
    tol = mi.tolerance or {}
    groups = _changes(mi.changes, w)
    return MethodRow(
        code=mi.code, name=w.name(mi.name), definition=definition,
        basis=_basis(mi, w),
        points=points, rule_name=w.t(f"rulename.{mi.rule}"),
        rule_text=w.name(mi.rule_text), target=w.t("list.sep").join(lines), target_lines=lines,
        tolerance=tolerance_text(tol.get("min_ratio"), tol.get("max_diff"), mi.scale, w) if mi.tolerance else "",
        changes=[w.t("report.method.change.file", changes=w.t("list.sep").join(g.items), file=g.file)
                 for g in groups],
        change_groups=groups,
    )


def _unit_method(results: Results, unit: str, shared: Shared) -> Results:
    """The results with the method section speaking of `unit` alone: its own targets and changes, and
    no warning that names another campus (a feedback sheet goes to one campus only)."""
    m = results.method
    inds = [mi.model_copy(update={
        "campus_targets": {unit: mi.campus_targets[unit]} if unit in mi.campus_targets else {},
        "changes": [ch for ch in mi.changes if ch.campus in (None, unit)],
        "applies_to": None if mi.applies_to is None else [cid for cid in mi.applies_to if cid == unit],
    }) for mi in m.indicators]
    warnings = [x for x, named in zip(results.warnings, shared.named, strict=True) if named <= {unit}]
    return results.model_copy(update={"method": m.model_copy(update={"indicators": inds}), "warnings": warnings})


class Shared:
    """What every report and feedback sheet of one run share, worked out once: with 2,000 units, each
    sheet going through all the campuses again made writing them quadratic."""

    def __init__(self, results: Results, lang: Lang) -> None:
        self.results = results
        self.words = _Words(results, lang)
        self.order = ranked(results)
        self.position = {c.id: (pos, idx) for pos, (idx, c) in enumerate(self.order)}
        self.n_ranked = sum(1 for _, o in self.order if o.rank is not None)
        self.moves = changes(results)
        self.before = {c.id: c for c in results.previous.campuses} if results.previous is not None else {}
        self.odd = sorted({code for ch in self.moves.values() for code in ch.not_comparable})
        self.reweighted = any("reweighted" in i.flags for c in results.campuses for i in c.indicators)
        self.has_locality = any(i.subject == "locality" for c in results.campuses for i in c.indicators)

    @functools.cached_property
    def named(self) -> list[set[str]]:
        """For each warning, the campuses whose names or ids it contains: a sheet keeps those naming only it."""
        names = [(c.id, [name for name in (c.name.zh, c.name.en, c.id) if name]) for c in self.results.campuses]
        return [{cid for cid, those in names if any(o in x.zh or o in x.en for o in those)}
                for x in self.results.warnings]


def build(results: Results, lang: Lang, unit: str | None = None, *, shared: Shared | None = None,
          detail: dict[str, str] | None = None, alone: Results | None = None) -> ReportView:
    """Every string of the report, localised and formatted; charts are added by the HTML renderer.

    With `unit` (a campus id), the view is that campus's feedback sheet: its section, the method as it
    applies to it, and no ranking of the others (its rank among all stays in its summary line).
    `shared` is what build() works out from the whole run, made once for many sheets of the same run;
    `alone` is results.for_unit(unit) when the caller has it already.
    With `detail` (campus id -> the file holding its section), the report is a summary: the ranking links
    each unit to its file and no unit's section is in the report itself.
    """
    if shared is None or shared.results is not results or shared.words.lang != lang:
        shared = Shared(results, lang)
    if unit is not None:
        if unit not in shared.position:
            raise KeyError(unit)  # an unknown id, before any work
        results = _unit_method(results, unit, shared)
        w = copy.copy(shared.words)
        w.r = results
        w.campus_names = {unit: w.campus_names[unit]}
    else:
        w = shared.words
    m = results.method
    entity = w.name(m.entity)
    locality = w.ref(results.locality)
    order = shared.order
    meta: list[tuple[str, str]] = []
    if locality:
        meta.append((w.t("report.meta.locality"), locality))
    meta.append((w.t("report.meta.year"), str(results.year)))
    if results.previous_year is not None:
        meta.append((w.t("report.meta.previous_year"), str(results.previous_year)))
    meta += [
        (w.t("report.meta.entity"), w.t("report.meta.entity_value", entity=entity, n=len(results.campuses))),
        (w.t("report.meta.table"), w.t("report.meta.table_value", name=w.name(m.table_name),
                                       version=m.table_version)),
        (w.t("report.meta.generated"), pretty_time(results.generated_at)),
        (w.t("report.meta.tool"), f"campuseval {results.tool_version}"),
        (w.t("report.meta.run_id"), run_id(results)),
    ]
    moves = shared.moves
    before = shared.before
    ranking = []
    for pos, (_, c) in enumerate(order):
        if unit is not None:
            break  # a feedback sheet shows no ranking of the others
        own = {p.code: p for p in c.parts}
        ch = moves.get(c.id)
        ranking.append(RankRow(
            rank=str(c.rank) if c.rank is not None else w.t(f"status.{c.status}"), name=w.name(c.name),
            total=_total_cell(c, w),
            parts=[w.points(own[p.code].score) if p.code in own and own[p.code].scored else "-"
                   for p in m.parts],
            gaps=str(sum(1 for i in c.indicators if i.gap is not None and i.gap.flagged)),
            flags=str(c.flag_count), anchor=f"campus-{pos + 1}", href=detail.get(c.id, "") if detail else "",
            previous_total=w.total(ch.previous_total) if ch else "",
            previous_rank=(str(ch.previous_rank) if ch.previous_rank is not None else "-") if ch else "",
            change=(rows.change_text(ch.like_for_like if ch.not_comparable else ch.change, w.total_places)
                    + ("*" if ch.not_comparable else "")) if ch else "",
        ))
    legend = [ranking_sentence(results, lang),
              w.t("report.ranking.flags" if w.has_hq else "report.ranking.flags.nohq")]
    if moves:
        legend.append(w.t("report.ranking.change", year=results.previous_year))
        if shared.odd:
            legend.append(w.t("report.ranking.change_like", codes=w.join(shared.odd), year=results.previous_year))
    missing = [w.t(f"report.method.missing.{m.missing}")]
    if m.missing == "reweight" or shared.reweighted:
        missing.append(w.t(f"report.method.reweight.{m.reweight}", entity=entity))
    if any(mi.applies_to is not None and mi.effective_points > 0 for mi in m.indicators):
        missing.append(w.t(f"report.method.not_applicable.{m.reweight}", entity=entity))
    if any(mi.rule == "qualitative" for mi in m.indicators):
        missing.append(w.t("report.method.qualitative"))
    roles = {"table": "report.role.table", "targets": "report.role.targets", "data": "report.role.data"}
    sources = [SourceRow(role=w.t(roles[s.role]) if s.role in roles else s.role, path=_shown_path(s.path),
                         sha=s.sha256[:12], name=_file_name(s.path))
               for s in [*results.config_files, *results.data_files]]
    between = "" if lang == "zh" else " "  # two sentences in a row: no space in Chinese
    title = (w.t("report.title", locality=locality, year=results.year, entity=entity) if locality
             else w.t("report.title.nolocality", year=results.year, entity=entity))
    if lang == "en":
        title = title[:1].upper() + title[1:]
    subtitle = w.t("report.meta.table_value", name=w.name(m.table_name), version=m.table_version)
    return ReportView(
        lang=lang, html_lang="zh-CN" if lang == "zh" else "en", title=title, subtitle=subtitle,
        entity=entity, col_entity=w.col_entity(), col_value=w.col_value(), has_hq=w.has_hq,
        meta=meta, findings=_findings(results, w, summary=detail is not None) if unit is None else [],
        # A feedback sheet names only the gaps that touch its own campus.
        banner=incomplete_lines((alone or results.for_unit(unit)) if unit is not None else results, lang)
        + trend_banner(results, lang),
        part_heads=[w.t("report.col.part_head", code=p.code, max=num(p.max)) for p in m.parts],
        part_legend=w.t("report.ranking.parts", list=w.t("list.sep").join(f"{p.code} {w.name(p.name)}"
                                                                           for p in m.parts)),
        ranking=ranking,
        campuses=[] if detail is not None else [
            _campus(c, shared.n_ranked, f"campus-{pos + 1}", w, before.get(c.id), moves.get(c.id))
            for pos, (_, c) in ([(shared.position[unit][0], order[shared.position[unit][0]])] if unit is not None
                                else enumerate(order))],
        provenance=w.name(m.provenance),
        structure=(w.t("report.method.aggregation.geometric", total=num(m.total_points)) + between
                   if m.aggregation == "geometric" else "")
        + w.t("report.method.structure.text", total=num(m.total_points)),
        method_parts=[PartRow(code=p.code, name=w.name(p.name), score="", max=num(p.max), rate="") for p in m.parts],
        method_rows=[_method_row(mi, w) for mi in m.indicators],
        dropped=[w.t("report.method.dropped.item", code=d.get("code", ""),
                     name=d.get("name_zh" if lang == "zh" else "name_en", d.get("name_zh", "")),
                     part=d.get("part", ""), file=d.get("file", "")) for d in m.dropped],
        rounding=w.t("report.method.rounding.text", ind=w.ind_places, total=w.total_places) + between
        + w.t(f"report.method.rank_on.{m.rank_on}"),
        missing=missing,
        homogeneity=w.t("report.method.homogeneity.text") if w.has_hq else "",
        marks=w.t("report.method.marks" if w.has_hq else "report.method.marks.nohq"),
        sources=sources,
        warnings=[w.name(x) for x in results.warnings],
        footer=w.t("report.footer", version=results.tool_version, at=pretty_time(results.generated_at)),
        table_name=w.name(m.table_name),
        has_locality=shared.has_locality,
        has_previous=bool(moves), previous_year=str(results.previous_year or ""),
        ranking_legend=legend,
        small_sample=(w.t("report.method.small_sample" if w.has_hq else "report.method.small_sample.nohq",
                          k=m.small_sample) if m.small_sample > 0 else
                      w.t("report.method.small_sample.off")),
        run_id=run_id(results), unit_mode=unit is not None,
        trend=build_trend(results, lang) if unit is None else None,
        detail_folder=_detail_folder(detail) if detail is not None else "",
        detail_note=w.t("report.large.note", n=len(detail), entity=entity, folder=_detail_folder(detail),
                        limit=SUMMARY_ABOVE)
        if detail is not None else "",
    )


def _detail_folder(detail: dict[str, str]) -> str:
    """The folder the unit files are in (units/), as the report links it."""
    first = next(iter(detail.values()), "units/")
    return first.rsplit("/", 1)[0] + "/" if "/" in first else ""


def _file_name(path: str) -> str:
    """The file's own name, which is what a reader recognises (demo_2023-2024.xlsx)."""
    return path.removeprefix("builtin:").replace("\\", "/").rsplit("/", 1)[-1]


def _shown_path(path: str) -> str:
    """The path as recorded, tidied (a/./b, a/x/../b), with / as the separator on every platform."""
    if path.startswith("builtin:"):
        return path
    return posixpath.normpath(path.replace("\\", "/"))
