"""Small server-rendered SVG charts (bar and line) with axes and labels. No JavaScript.

Every label is escaped; the result is :class:`markupsafe.Markup`, safe to put in a template.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 260
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 16, 28, 48


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


def _frame(title: str, y_max: float, ticks: int, plot_w: float, plot_h: float,
           number: Callable[[float], str]) -> list[str]:
    ticks = round_ticks(y_max, ticks)
    parts = [f'<text x="{MARGIN_LEFT}" y="16" class="chart-title" font-size="13" font-weight="bold">'
             f'{escape(title)}</text>']
    for i in range(ticks + 1):
        value = y_max * i / ticks
        y = MARGIN_TOP + plot_h - plot_h * i / ticks
        parts.append(f'<line x1="{MARGIN_LEFT}" y1="{y:.1f}" x2="{MARGIN_LEFT + plot_w:.1f}" y2="{y:.1f}" '
                     f'stroke="#ddd" stroke-width="1"/>')
        parts.append(f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(number(value))}</text>')
    # Axes.
    parts.append(f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP}" x2="{MARGIN_LEFT}" y2="{MARGIN_TOP + plot_h:.1f}" '
                 f'stroke="#333"/>')
    parts.append(f'<line x1="{MARGIN_LEFT}" y1="{MARGIN_TOP + plot_h:.1f}" x2="{MARGIN_LEFT + plot_w:.1f}" '
                 f'y2="{MARGIN_TOP + plot_h:.1f}" stroke="#333"/>')
    return parts


def _x_labels(labels: Sequence[str], xs: Sequence[float], plot_h: float, max_labels: int = 10) -> list[str]:
    every = max(1, math.ceil(len(labels) / max_labels))
    y = MARGIN_TOP + plot_h + 16
    return [f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="11">{escape(label)}</text>'
            for i, (label, x) in enumerate(zip(labels, xs, strict=True)) if i % every == 0 or i == len(labels) - 1]


def _svg(title: str, parts: list[str], width: int, height: int) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif"><title>{escape(title)}</title>'
        + "".join(parts) + "</svg>"
    )


def bar_chart(data: Sequence[tuple[str, float]], *, title: str, width: int = WIDTH, height: int = HEIGHT,
              ticks: int = 4, number: Callable[[float], str] | None = None) -> Markup:
    """Vertical bars, one per (label, value), with a y axis from 0 and the value in each bar's tooltip.
    ``number`` writes the values (the desk passes views.locale.number, for the page's language)."""
    number = number or _fmt
    plot_w, plot_h = width - MARGIN_LEFT - MARGIN_RIGHT, height - MARGIN_TOP - MARGIN_BOTTOM
    y_max = nice_ceiling(max((v for _, v in data), default=0))
    parts = _frame(title, y_max, ticks, plot_w, plot_h, number)
    slot = plot_w / max(len(data), 1)
    xs = []
    for i, (label, value) in enumerate(data):
        bar_h = plot_h * value / y_max
        x = MARGIN_LEFT + i * slot + slot * 0.1
        xs.append(x + slot * 0.4)
        parts.append(f'<rect x="{x:.1f}" y="{MARGIN_TOP + plot_h - bar_h:.1f}" width="{slot * 0.8:.1f}" '
                     f'height="{bar_h:.1f}" fill="#3b6ea5"><title>{escape(label)}: {escape(number(value))}'
                     '</title></rect>')
    parts += _x_labels([label for label, _ in data], xs, plot_h)
    return _svg(title, parts, width, height)


def line_chart(data: Sequence[tuple[str, float | None]], *, title: str, width: int = WIDTH, height: int = HEIGHT,
               ticks: int = 4, unit: str = "", number: Callable[[float], str] | None = None) -> Markup:
    """A line through the (label, value) points; ``None`` values break the line."""
    number = number or _fmt
    plot_w, plot_h = width - MARGIN_LEFT - MARGIN_RIGHT, height - MARGIN_TOP - MARGIN_BOTTOM
    y_max = nice_ceiling(max((v for _, v in data if v is not None), default=0))
    parts = _frame(title + (f" ({unit})" if unit else ""), y_max, ticks, plot_w, plot_h, number)
    step = plot_w / max(len(data) - 1, 1)
    xs = [MARGIN_LEFT + i * step for i in range(len(data))]
    segments: list[list[tuple[float, float]]] = [[]]
    for x, (label, value) in zip(xs, data, strict=True):
        if value is None:
            segments.append([])
            continue
        y = MARGIN_TOP + plot_h - plot_h * value / y_max
        segments[-1].append((x, y))
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="#b5482f"><title>{escape(label)}: '
                     f'{escape(number(round(value, 2)))}{escape(" " + unit if unit else "")}</title></circle>')
    for segment in segments:
        if len(segment) > 1:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in segment)
            parts.append(f'<polyline points="{points}" fill="none" stroke="#b5482f" stroke-width="2"/>')
    parts += _x_labels([label for label, _ in data], xs, plot_h)
    return _svg(title, parts, width, height)
