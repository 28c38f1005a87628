"""Small helpers for hand-written SVG: fixed-decimal coordinates, escaped text, text width estimates."""

from __future__ import annotations

import bisect
import unicodedata

from markupsafe import Markup, escape

# Text stays <text>, so the reader's browser draws Chinese with whatever CJK font it has;
# nothing needs a font where the report is generated.
FONT = "'Microsoft YaHei','PingFang SC','Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif"

# Fills chosen by lightness, so the parts stay apart when printed in grey; each also has a
# pattern (none, hatch, dots) and every bar carries a direct label, so nothing relies on hue.
PART_STYLES = (
    ("#23466f", None),
    ("#6f93bd", "hatch"),
    ("#c3d3e6", "dots"),
)
INK = "#1d2733"
MUTED = "#5b6672"
TRACK = "#eef1f5"
TRACK_EDGE = "#b9c3ce"
ALERT = "#9b1c1c"


def f(x: float) -> str:
    """A coordinate with one decimal, so the same chart is always the same bytes."""
    text = f"{x:.1f}"
    return "0.0" if text == "-0.0" else text


def esc(text: str) -> str:
    return str(escape(text))


def text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK and full-width characters are one em, others about 0.58 em."""
    return sum(size if unicodedata.east_asian_width(ch) in "WF" else size * 0.58 for ch in text)


def _prefix_widths(text: str, size: float) -> list[float]:
    """Widths of text[:0], text[:1], ... summed in the order text_width sums them (the same floats)."""
    out = [0.0]
    total = 0.0
    for ch in text:
        total += size if unicodedata.east_asian_width(ch) in "WF" else size * 0.58
        out.append(total)
    return out


def fit(text: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis so that it fits `width`; the full text is in the tables.

    Linear in the text's length (a name from a file may be thousands of characters long).
    """
    prefix = _prefix_widths(text, size)
    if prefix[-1] <= width:
        return text
    ellipsis = text_width("…", size)
    k = len(text)
    while k and prefix[k] + ellipsis > width:
        k -= 1
    return text[:k].rstrip() + "…"


def wrap(text: str, size: float, width: float, max_lines: int = 2) -> list[str]:
    """`text` broken into lines that fit `width`: at spaces for Latin text, anywhere in CJK text."""
    lines: list[str] = []
    rest = text
    while rest and len(lines) < max_lines - 1:
        prefix = _prefix_widths(rest, size)
        if prefix[-1] <= width:
            break
        cut = max(1, bisect.bisect_right(prefix, width) - 1)  # the longest start that fits, as the old loop
        space = rest.rfind(" ", 0, cut + 1)
        if space > 0 and not any(unicodedata.east_asian_width(ch) in "WF" for ch in rest[space:cut]):
            cut = space  # break at the last space rather than inside a word
        lines.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        lines.append(fit(rest, size, width))
    return lines


def label(x: float, y: float, text: str, *, size: float = 12, anchor: str = "start", fill: str = INK,
          weight: str | None = None) -> str:
    bold = f' font-weight="{weight}"' if weight else ""
    return (f'<text x="{f(x)}" y="{f(y)}" font-size="{f(size)}" text-anchor="{anchor}" fill="{fill}"{bold}>'
            f"{esc(text)}</text>")


def rect(x: float, y: float, w: float, h: float, fill: str, *, stroke: str | None = None) -> str:
    edge = f' stroke="{stroke}" stroke-width="1"' if stroke else ""
    return f'<rect x="{f(x)}" y="{f(y)}" width="{f(max(w, 0.0))}" height="{f(h)}" fill="{fill}"{edge}/>'


def patterns(prefix: str) -> str:
    """The hatch and dot patterns, with ids unique to one chart (several charts share one page)."""
    out = []
    for i, (colour, kind) in enumerate(PART_STYLES):
        if kind == "hatch":
            out.append(f'<pattern id="{prefix}-p{i}" width="6" height="6" patternUnits="userSpaceOnUse" '
                       f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{colour}"/>'
                       f'<rect width="2" height="6" fill="#ffffff" fill-opacity="0.55"/></pattern>')
        elif kind == "dots":
            out.append(f'<pattern id="{prefix}-p{i}" width="5" height="5" patternUnits="userSpaceOnUse">'
                       f'<rect width="5" height="5" fill="{colour}"/>'
                       f'<circle cx="2.5" cy="2.5" r="1" fill="#3d5a80"/></pattern>')
    return "<defs>" + "".join(out) + "</defs>"


def part_fill(prefix: str, i: int) -> str:
    colour, kind = PART_STYLES[i % len(PART_STYLES)]
    return f"url(#{prefix}-p{i % len(PART_STYLES)})" if kind else colour


def svg(chart_id: str, width: float, height: float, title: str, desc: str, body: list[str]) -> Markup:
    """One chart: role="img", an aria-label and a <title>; no xmlns, no external reference."""
    head = (f'<svg id="{chart_id}" class="chart" viewBox="0 0 {f(width)} {f(height)}" width="{f(width)}" '
            f'height="{f(height)}" role="img" aria-label="{esc(title)}" font-family="{FONT}">'
            f"<title>{esc(title)}</title><desc>{esc(desc)}</desc>")
    return Markup(head + "".join(body) + "</svg>")
