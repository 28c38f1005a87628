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
)
from campuseval.report.view import show_value
from campuseval.results import CampusScore, IndicatorScore, Results, Text

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
    y = 4.0
    for i, p in enumerate(parts):  # the legend, one line per part: names are too long to share a line
        body.append(rect(0, y, 22, 12, part_fill(cid, i), stroke=TRACK_EDGE))
        body.append(label(30, y + 10.5, t("report.chart.parts.legend", lang, code=p.code, name=_name(p.name, lang),
                                         max=num(p.max)), size=12, fill=INK))
        y += 18
    y += 10
    left, right = 34.0, 120.0
    scale_max = max([p.max for p in parts] + [q.max for c in campuses for q in c.parts] + [1.0])
    span = WIDTH - left - right
    bar_h, gap = 14.0, 5.0
    for c in campuses:
        body.append(label(0, y + 13, fit(f"{c.rank}. {_name(c.name, lang)}", 13, WIDTH), size=13,
                          weight="bold"))
        y += 20
        for q in c.parts:
            i = index.get(q.code, 0)
            track = span * q.max / scale_max
            body.append(label(left - 8, y + bar_h - 3, q.code, size=12, anchor="end", weight="bold"))
            body.append(rect(left, y, track, bar_h, TRACK, stroke=TRACK_EDGE))
            body.append(rect(left, y, span * max(q.score, 0.0) / scale_max, bar_h, part_fill(cid, i),
                             stroke=INK if i == 0 else None))
            body.append(label(left + track + 8, y + bar_h - 3, f"{fixed(q.score, 2)} / {num(q.max)}", size=12))
            y += bar_h + gap
        y += 12
    title = t("report.chart.parts.title", lang, entity=entity)
    return svg(cid, WIDTH, y, title, t("report.chart.parts.desc", lang, entity=entity), body)


def _compared(c: CampusScore) -> list[IndicatorScore]:
    """The indicators reported for both campus and HQ (part A of the Shaoxing table)."""
    return [i for i in c.indicators if i.subject == "both"]


def versus_hq(c: CampusScore, pos: int, lang: Lang) -> Markup | None:
    """Paired bars per indicator, each pair scaled to its larger value so rates and counts share one chart."""
    rows = _compared(c)
    if not rows:
        return None
    cid = f"chart-hq-{pos}"
    who = [t("col.campus", lang), t("col.hq", lang)]
    left = max(text_width(s, 12) for s in who) + 12
    span = WIDTH - left - 110
    body = [patterns(cid)]
    y = 4.0
    for i, (fill, text) in enumerate(((part_fill(cid, 0), who[0]), (part_fill(cid, 2), who[1]))):
        x = i * 130.0
        body.append(rect(x, y, 22, 12, fill, stroke=TRACK_EDGE))
        body.append(label(x + 30, y + 10.5, text, size=12))
    y += 30
    bar_h = 13.0
    for ind in rows:
        flagged = ind.gap is not None and ind.gap.flagged
        mark = t("report.chart.flag", lang) if flagged else ""
        hint = t(f"direction.{ind.direction}", lang) if ind.direction == "lower" else ""
        head = f"{ind.code} {_name(ind.name, lang)}" + (f" ({hint})" if hint and lang == "en" else
                                                         f"（{hint}）" if hint else "")
        room = WIDTH - (text_width(mark, 12) + 16 if mark else 0)
        body.append(label(0, y + 12, fit(head, 12.5, room), size=12.5, weight="bold",
                          fill=ALERT if flagged else INK))
        if mark:
            body.append(label(WIDTH, y + 12, mark, size=12, anchor="end", fill=ALERT, weight="bold"))
        y += 18
        values = (ind.value, ind.hq_value)
        top = max([abs(v) for v in values if v is not None] + [0.0])
        for k, v in enumerate(values):
            body.append(label(left - 8, y + bar_h - 2.5, who[k], size=12, anchor="end", fill=MUTED))
            if v is None:
                body.append(label(left, y + bar_h - 2.5, t("report.chart.nodata", lang), size=12, fill=MUTED))
            else:
                length = span * abs(v) / top if top > 0 else 0.0
                body.append(rect(left, y, length, bar_h, part_fill(cid, 0 if k == 0 else 2),
                                 stroke=INK if k == 0 else TRACK_EDGE))
                body.append(label(left + length + 6, y + bar_h - 2.5, show_value(v, ind.scale), size=12))
            y += bar_h + 3
        y += 10
    title = t("report.chart.hq.title", lang, name=_name(c.name, lang))
    return svg(cid, WIDTH, y, title, t("report.chart.hq.desc", lang), body)


def achievement(c: CampusScore, pos: int, parts: list[str], lang: Lang) -> Markup:
    """Points earned over the maximum for every indicator, 0-100%, bars filled in the part's style."""
    cid = f"chart-ach-{pos}"
    heads = [f"{i.code} {_name(i.name, lang)}" for i in c.indicators]
    label_w = min(max([text_width(h, 12) for h in heads] + [80.0]) + 14, 300.0)
    right = 118.0
    span = WIDTH - label_w - right
    body = [patterns(cid)]
    y = 16.0
    for pct in (0, 50, 100):  # a light scale so the bars read as shares
        x = label_w + span * pct / 100
        body.append(label(x, y - 4, f"{pct}%", size=11, anchor="middle", fill=MUTED))
    axis_top = y
    row_h = 20.0
    tracks: list[str] = []  # drawn first, then the grid lines, then bars and labels on top
    grid_rows: list[str] = []
    for ind, head in zip(c.indicators, heads, strict=True):
        alert = bool(ind.flags)
        part_i = parts.index(ind.part) if ind.part in parts else 0
        text = fit(("▲ " if alert else "") + head, 12, label_w - 10)
        grid_rows.append(label(label_w - 10, y + 14, text, size=12, anchor="end", fill=ALERT if alert else INK))
        tracks.append(rect(label_w, y + 3, span, 13, TRACK, stroke=TRACK_EDGE))
        if ind.scored and ind.points is not None and ind.max_points > 0:
            share = min(max(ind.points / ind.max_points, 0.0), 1.0)
            grid_rows.append(rect(label_w, y + 3, span * share, 13, part_fill(cid, part_i),
                                  stroke=INK if part_i == 0 else None))
            grid_rows.append(label(label_w + span + 8, y + 14,
                                   f"{fixed(share * 100, 0)}%  ({fixed(ind.points, 2)} / {num(ind.max_points)})", size=11.5))
        else:
            grid_rows.append(label(label_w + 6, y + 14, t("report.unscored", lang), size=11.5, fill=MUTED))
        y += row_h
    body.extend(tracks)
    for pct in (50, 100):
        x = label_w + span * pct / 100
        body.append(f'<line x1="{f(x)}" y1="{f(axis_top)}" x2="{f(x)}" y2="{f(y)}" stroke="{MUTED}" '
                    f'stroke-dasharray="2 3" stroke-width="0.8"/>')
    body.extend(grid_rows)
    title = t("report.chart.ach.title", lang, name=_name(c.name, lang))
    return svg(cid, WIDTH, y + 4, title, t("report.chart.ach.desc", lang), body)
