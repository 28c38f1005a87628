"""The report's three charts as inline SVG: part scores, campus against HQ, and points earned per indicator."""

from __future__ import annotations

from markupsafe import Markup

from campuseval.formatting import fixed, num
from campuseval.i18n import Lang, t
from campuseval.report.svg import (
    ALERT,
    INK,
    MUTED,
    TRACK,
    TRACK_EDGE,
    f,
    fit,
    label,
    part_fill,
    patterns,
    rect,
    svg,
    text_width,
    wrap,
)
from campuseval.report.view import show_value
from campuseval.results import INFORMATIONAL_FLAGS, CampusScore, IndicatorScore, Results, Text

WIDTH = 760.0


def _name(text: Text, lang: Lang) -> str:
    return text.zh if lang == "zh" else (text.en or text.zh)


def part_scores(results: Results, campuses: list[CampusScore], lang: Lang) -> Markup:
    """Grouped bars: for each campus one bar per part, drawn on a track as long as the part's maximum."""
    cid = "chart-parts"
    entity = _name(results.method.entity, lang)
    parts = results.method.parts
    index = {p.code: i for i, p in enumerate(parts)}
    body = [patterns(cid)]
    legend = [t("report.chart.parts.legend", lang, code=p.code, name=_name(p.name, lang), max=num(p.max))
              for p in parts]
    slot = WIDTH / max(len(legend), 1)
    if any(text_width(text, 12) > slot - 44 for text in legend):
        # Too long to share a line: code and maximum only; the ranking table names every part in full.
        legend = [t("report.chart.parts.legend_short", lang, code=p.code, max=num(p.max)) for p in parts]
    for i, text in enumerate(legend):
        x = i * slot
        body.append(rect(x, 4, 22, 12, part_fill(cid, i), stroke=TRACK_EDGE))
        body.append(label(x + 30, 14.5, fit(text, 12, slot - 44), size=12, fill=INK))
    y = 34.0
    name_w = 210.0
    left, right = name_w + 26, 96.0
    scale_max = max([p.max for p in parts] + [q.max for c in campuses for q in c.parts] + [1.0])
    span = WIDTH - left - right
    bar_h, gap = 11.0, 2.0
    for c in campuses:
        lines = wrap(f"{c.rank if c.rank is not None else '-'}. {_name(c.name, lang)}", 13, name_w - 8, max_lines=3)
        for k, line in enumerate(lines):
            body.append(label(0, y + 12 + 16 * k, line, size=13, weight="bold"))
        by = y
        for q in c.parts:
            i = index.get(q.code, 0)
            track = span * q.max / scale_max
            body.append(label(left - 7, by + bar_h - 2, q.code, size=11.5, anchor="end", weight="bold"))
            body.append(rect(left, by, track, bar_h, TRACK, stroke=TRACK_EDGE))
            body.append(rect(left, by, span * max(q.score, 0.0) / scale_max, bar_h, part_fill(cid, i),
                             stroke=INK if i == 0 else None))
            body.append(label(left + track + 7, by + bar_h - 2, f"{fixed(q.score, 2)} / {num(q.max)}", size=11.5))
            by += bar_h + gap
        y = max(by, y + 16 * len(lines)) + 6
        body.append(f'<line x1="0" y1="{f(y - 3)}" x2="{f(WIDTH)}" y2="{f(y - 3)}" stroke="{TRACK}" '
                    f'stroke-width="1"/>')
    title = t("report.chart.parts.title", lang, entity=entity)
    return svg(cid, WIDTH, y, title, t("report.chart.parts.desc", lang, entity=entity), body)


def _compared(c: CampusScore) -> list[IndicatorScore]:
    """The indicators reported for both campus and HQ (part A of the Shaoxing table); none without an HQ."""
    if c.hq is None:
        return []
    return [i for i in c.indicators if i.subject == "both"]


def versus_hq(c: CampusScore, pos: int, lang: Lang) -> Markup | None:
    """Paired bars per indicator, each pair scaled to its larger value so rates and counts share one chart."""
    rows = _compared(c)
    if not rows:
        return None
    cid = f"chart-hq-{pos}"
    who = [t("col.campus", lang), t("col.hq", lang)]
    flag_word = t("report.chart.flag", lang)
    name_w = 250.0  # indicator names sit left of their bars, wrapped onto two lines when long
    who_w = max(text_width(s, 11) for s in who) + 10
    left = name_w + who_w
    flag_w = text_width(flag_word, 11.5) + 12
    span = WIDTH - left - 66 - flag_w  # room after the bar for its value, then the flag word
    body = [patterns(cid)]
    y = 4.0
    for i, (fill, text) in enumerate(((part_fill(cid, 0), who[0]), (part_fill(cid, 2), who[1]))):
        x = left + i * 130.0
        body.append(rect(x, y, 22, 12, fill, stroke=TRACK_EDGE))
        body.append(label(x + 30, y + 10.5, text, size=12))
    y += 24
    bar_h = 11.0
    for ind in rows:
        flagged = ind.gap is not None and ind.gap.flagged
        lines = wrap(("▲ " if flagged else "") + f"{ind.code} {_name(ind.name, lang)}", 12, name_w - 12)
        if ind.direction == "lower":
            lines.append(t(f"direction.{ind.direction}", lang))
        for k, line in enumerate(lines):
            hint = k == len(lines) - 1 and ind.direction == "lower"
            body.append(label(0, y + 10 + 14 * k, line, size=11 if hint else 12, weight=None if hint else "bold",
                              fill=MUTED if hint else (ALERT if flagged else INK)))
        if flagged:
            body.append(label(WIDTH, y + 10, flag_word, size=11.5, anchor="end", fill=ALERT, weight="bold"))
        values = (ind.value, ind.hq_value)
        top = max([abs(v) for v in values if v is not None] + [0.0])
        by = y
        for k, v in enumerate(values):
            body.append(label(left - 8, by + bar_h - 1.5, who[k], size=10.5, anchor="end", fill=MUTED))
            if v is None:
                body.append(label(left, by + bar_h - 1.5, t("report.chart.nodata", lang), size=11, fill=MUTED))
            else:
                length = span * abs(v) / top if top > 0 else 0.0
                body.append(rect(left, by, length, bar_h, part_fill(cid, 0 if k == 0 else 2),
                                 stroke=INK if k == 0 else TRACK_EDGE))
                body.append(label(left + length + 6, by + bar_h - 1.5, show_value(v, ind.scale), size=11))
            by += bar_h + 2
        y = max(y + 14 * len(lines) - 2, by) + 8
        body.append(f'<line x1="0" y1="{f(y - 4)}" x2="{f(WIDTH)}" y2="{f(y - 4)}" stroke="{TRACK}" '
                    f'stroke-width="1"/>')
    title = t("report.chart.hq.title", lang, name=_name(c.name, lang))
    return svg(cid, WIDTH, y, title, t("report.chart.hq.desc", lang), body)


def achievement(c: CampusScore, pos: int, parts: list[str], lang: Lang) -> Markup:
    """Points earned over the maximum for every indicator that applies to the unit, 0-100%, bars filled
    in the part's style."""
    cid = f"chart-ach-{pos}"
    rows = [i for i in c.indicators if "not_applicable" not in i.flags] or c.indicators
    heads = [f"{i.code} {_name(i.name, lang)}" for i in rows]
    label_w = min(max([text_width(h, 12) for h in heads] + [80.0]) + 14, 340.0)
    right = 118.0
    span = WIDTH - label_w - right
    body = [patterns(cid)]
    y = 16.0
    for pct in (0, 50, 100):  # a light scale so the bars read as shares
        x = label_w + span * pct / 100
        body.append(label(x, y - 4, f"{pct}%", size=11, anchor="middle", fill=MUTED))
    axis_top = y
    row_h = 18.0
    tracks: list[str] = []  # drawn first, then the grid lines, then bars and labels on top
    grid_rows: list[str] = []
    for ind, head in zip(rows, heads, strict=True):
        alert = bool(set(ind.flags) - INFORMATIONAL_FLAGS)
        part_i = parts.index(ind.part) if ind.part in parts else 0
        text = fit(("▲ " if alert else "") + head, 12, label_w - 10)
        grid_rows.append(label(label_w - 10, y + 13, text, size=12, anchor="end", fill=ALERT if alert else INK))
        tracks.append(rect(label_w, y + 3, span, 12, TRACK, stroke=TRACK_EDGE))
        if ind.scored and ind.points is not None and ind.max_points > 0:
            share = min(max(ind.points / ind.max_points, 0.0), 1.0)
            grid_rows.append(rect(label_w, y + 3, span * share, 12, part_fill(cid, part_i),
                                  stroke=INK if part_i == 0 else None))
            shown = f"{fixed(share * 100, 0)}%  ({fixed(ind.points, 2)} / {num(ind.max_points)})"
            grid_rows.append(label(label_w + span + 8, y + 13, shown, size=11.5))
        else:  # not scored here: say why in the words the tables use
            why = next((t(f"flag.{f}", lang) for f in ("not_applicable", "not_scorable", "reweighted")
                        if f in ind.flags), t("report.unscored", lang))
            grid_rows.append(label(label_w + 6, y + 13, why, size=11.5, fill=MUTED))
        y += row_h
    body.extend(tracks)
    for pct in (50, 100):
        x = label_w + span * pct / 100
        body.append(f'<line x1="{f(x)}" y1="{f(axis_top)}" x2="{f(x)}" y2="{f(y)}" stroke="{MUTED}" '
                    f'stroke-dasharray="2 3" stroke-width="0.8"/>')
    body.extend(grid_rows)
    title = t("report.chart.ach.title", lang, name=_name(c.name, lang))
    return svg(cid, WIDTH, y + 4, title, t("report.chart.ach.desc", lang), body)
