"""Small server-rendered SVG charts (bar and line) with axes and labels. No JavaScript.

Every label is escaped; the result is :class:`markupsafe.Markup`, safe to put in a template.

A chart is drawn in a coordinate box (``viewBox``) and has no size of its own: it takes its container's
width (``width="100%"``) and the height that keeps its proportions, so it scales down on a phone
instead of widening the page. Scaling shrinks the labels with it, so each chart is drawn twice: in a
box WIDTH wide, and in one NARROW_WIDTH wide whose labels are as large on a 360 px phone (about 11 px)
as the wide box's on a desktop. The stylesheet (static/site.css) shows one of the two by the width
of their container (``chart-layouts``): the narrow one below WIDTH px, where the wide one's labels
would shrink below their font size. Every label is kept inside its box: the y axis is as wide as its
longest number, the x axis shows as many labels as fit without touching and anchors its end labels
inwards, and a title too long for the width is squeezed to fit (``textLength``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH, NARROW_WIDTH, HEIGHT = 480, 320, 220
MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 12, 28, 30
FONT, TITLE_FONT = 11, 13
MAX_X_LABELS = 6


def text_width(text: str, font_size: float) -> float:
    """A generous estimate of how wide ``text`` is drawn in a sans-serif ``font_size`` (the server
    cannot measure it): wide enough for digits and Cyrillic capitals."""
    return len(text) * font_size * 0.62


def nice_ceiling(value: float) -> float:
    """The smallest "round" number (1, 2, 5 × 10^n) at or above ``value``; 1 for nothing."""
    if value <= 0:
        return 1
    exponent = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * exponent:
            return step * exponent
    return 10 * exponent


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def round_ticks(y_max: float, wanted: int) -> int:
    """How many steps to cut the axis into so every tick is a whole number when ``y_max`` is one
    (5 → 0,1,…,5 rather than 0, 1.25, …); ``wanted`` otherwise."""
    if y_max != int(y_max):
        return wanted
    for ticks in (wanted, wanted + 1, *range(wanted - 1, 0, -1)):
        if int(y_max) % ticks == 0:
            return ticks
    return wanted


def _y_axis(y_max: float, ticks: int) -> tuple[list[tuple[float, str]], float]:
    """The y axis's (value, label) ticks and the left margin that fits the longest label."""
    ticks = round_ticks(y_max, ticks)
    labels = [(y_max * i / ticks, _fmt(y_max * i / ticks)) for i in range(ticks + 1)]
    return labels, max(28.0, 10 + max(text_width(label, FONT) for _, label in labels))


def _frame(title: str, labels: Sequence[tuple[float, str]], y_max: float, left: float, plot_w: float,
           plot_h: float, width: int) -> list[str]:
    fit = (f' textLength="{width - 4:.0f}" lengthAdjust="spacingAndGlyphs"'
           if text_width(title, TITLE_FONT) > width - 4 else "")
    parts = [f'<text x="2" y="16" class="chart-title" font-size="{TITLE_FONT}" font-weight="bold"{fit}>'
             f'{escape(title)}</text>']
    for value, label in labels:
        y = MARGIN_TOP + plot_h - plot_h * value / y_max
        parts.append(f'<line x1="{left:.1f}" y1="{y:.1f}" x2="{left + plot_w:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6:.1f}" y="{y + 4:.1f}" text-anchor="end" font-size="{FONT}">'
                     f'{label}</text>')
    # Axes.
    parts.append(f'<line x1="{left:.1f}" y1="{MARGIN_TOP}" x2="{left:.1f}" y2="{MARGIN_TOP + plot_h:.1f}" '
                 f'stroke="#333"/>')
    parts.append(f'<line x1="{left:.1f}" y1="{MARGIN_TOP + plot_h:.1f}" x2="{left + plot_w:.1f}" '
                 f'y2="{MARGIN_TOP + plot_h:.1f}" stroke="#333"/>')
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float], plot_w: float, plot_h: float, width: int,
              max_labels: int = MAX_X_LABELS) -> list[str]:
    """Every n-th label under its bar or point (and the last), as many as fit side by side in the
    plot's width, anchored so each stays inside the box; one that would touch the last is left out."""
    longest = max((text_width(label, FONT) for label in labels), default=0)
    max_labels = max(1, min(max_labels, int(plot_w // (longest + FONT / 2))))
    every = max(1, math.ceil(len(labels) / max_labels))
    y = MARGIN_TOP + plot_h + 16
    placed: list[tuple[float, float, str]] = []  # each label's left and right ends, and its markup
    for i, (label, x) in enumerate(zip(labels, xs, strict=True)):
        last = i == len(labels) - 1
        if i % every and not last:
            continue
        if not last and len(labels) - 1 - i < every:
            continue  # too close to the last label, which is always shown
        half = text_width(label, FONT) / 2
        anchor, at = ("end", min(x + half, width - 2.0)) if x + half > width - 2 else ("middle", x)
        if x - half < 2 and anchor == "middle":
            anchor, at = "start", max(x - half, 2.0)
        left = {"start": at, "middle": at - half, "end": at - 2 * half}[anchor]
        if not last and placed and left < placed[-1][1] + FONT / 2:
            continue  # it would touch the one before
        while placed and left < placed[-1][1] + FONT / 2:
            placed.pop()  # the last label, anchored inwards onto the one before, is the one kept
        placed.append((left, left + 2 * half, f'<text x="{at:.1f}" y="{y:.1f}" text-anchor="{anchor}" '
                                               f'font-size="{FONT}">{escape(label)}</text>'))
    return [markup for _, _, markup in placed]


def _svg(title: str, parts: list[str], width: int, height: int) -> str:
    layout = "chart-narrow" if width < WIDTH else "chart-wide"
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {layout}" role="img" width="100%" '
            f'viewBox="0 0 {width} {height}" preserveAspectRatio="xMinYMin meet" font-family="sans-serif">'
            f'<title>{escape(title)}</title>' + "".join(parts) + "</svg>")


def _layouts(draw: Callable[[int], str]) -> Markup:
    """The chart drawn in the wide box and in the narrow one, for the stylesheet to show one."""
    return Markup(f'<div class="chart-layouts">{draw(WIDTH)}{draw(NARROW_WIDTH)}</div>')


def bar_chart(data: Sequence[tuple[str, float]], *, title: str, height: int = HEIGHT, ticks: int = 4) -> Markup:
    """Vertical bars, one per (label, value), with a y axis from 0 and the value in each bar's tooltip."""
    return _layouts(lambda width: _bars(data, title, width, height, ticks))


def line_chart(data: Sequence[tuple[str, float | None]], *, title: str, height: int = HEIGHT, ticks: int = 4,
               unit: str = "") -> Markup:
    """A line through the (label, value) points; ``None`` values break the line."""
    return _layouts(lambda width: _line(data, title, width, height, ticks, unit))


def _bars(data: Sequence[tuple[str, float]], title: str, width: int, height: int, ticks: int) -> str:
    y_max = nice_ceiling(max((v for _, v in data), default=0))
    y_labels, left = _y_axis(y_max, ticks)
    plot_w, plot_h = width - left - MARGIN_RIGHT, height - MARGIN_TOP - MARGIN_BOTTOM
    parts = _frame(title, y_labels, y_max, left, plot_w, plot_h, width)
    slot = plot_w / max(len(data), 1)
    xs = []
    for i, (label, value) in enumerate(data):
        bar_h = plot_h * value / y_max
        x = left + i * slot + slot * 0.1
        xs.append(x + slot * 0.4)
        parts.append(f'<rect x="{x:.1f}" y="{MARGIN_TOP + plot_h - bar_h:.1f}" width="{slot * 0.8:.1f}" '
                     f'height="{bar_h:.1f}" fill="#3b6ea5"><title>{escape(label)}: {_fmt(value)}</title></rect>')
    parts += _x_labels([label for label, _ in data], xs, plot_w, plot_h, width)
    return _svg(title, parts, width, height)


def _line(data: Sequence[tuple[str, float | None]], title: str, width: int, height: int, ticks: int,
          unit: str) -> str:
    y_max = nice_ceiling(max((v for _, v in data if v is not None), default=0))
    y_labels, left = _y_axis(y_max, ticks)
    plot_w, plot_h = width - left - MARGIN_RIGHT, height - MARGIN_TOP - MARGIN_BOTTOM
    parts = _frame(title + (f" ({unit})" if unit else ""), y_labels, y_max, left, plot_w, plot_h, width)
    step = plot_w / max(len(data) - 1, 1)
    xs = [left + i * step for i in range(len(data))]
    segments: list[list[tuple[float, float]]] = [[]]
    for x, (label, value) in zip(xs, data, strict=True):
        if value is None:
            segments.append([])
            continue
        y = MARGIN_TOP + plot_h - plot_h * value / y_max
        segments[-1].append((x, y))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#b5482f"><title>{escape(label)}: '
                     f'{_fmt(round(value, 2))}{escape(" " + unit if unit else "")}</title></circle>')
    for segment in segments:
        if len(segment) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(f'<polyline points="{points}" fill="none" stroke="#b5482f" stroke-width="2"/>')
    parts += _x_labels([label for label, _ in data], xs, plot_w, plot_h, width)
    return _svg(title, parts, width, height)
