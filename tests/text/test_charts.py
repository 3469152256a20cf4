import re
from itertools import pairwise

import pytest

from readerdesk.text.charts import (
    HEIGHT,
    MARGIN_BOTTOM,
    NARROW_WIDTH,
    WIDTH,
    bar_chart,
    line_chart,
    round_ticks,
    text_width,
)

LAYOUTS = [("chart-wide", WIDTH), ("chart-narrow", NARROW_WIDTH)]


def layout(chart, name: str) -> str:
    """One of the chart's two drawings, the wide or the narrow."""
    return re.search(rf'<svg [^>]*class="chart {name}".*?</svg>', str(chart)).group(0)


def y_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" font-size="11">([^<]+)<', svg)


def test_count_axes_have_whole_number_ticks():
    assert y_labels(layout(bar_chart([("Mon", 3), ("Tue", 5)], title="Reports"), "chart-wide")) == [
        "0", "1", "2", "3", "4", "5"]
    assert y_labels(layout(bar_chart([("Mon", 7)], title="Reports"), "chart-narrow")) == [
        "0", "2", "4", "6", "8", "10"]


def test_round_ticks():
    assert [round_ticks(v, 4) for v in (1, 2, 5, 10, 20, 50, 100)] == [1, 2, 5, 5, 4, 5, 4]
    assert round_ticks(0.5, 4) == 4


@pytest.mark.parametrize("name, width", LAYOUTS)
def test_a_chart_takes_its_containers_width_and_keeps_its_proportions(name, width):
    svg = layout(line_chart([("1 Dec", 1)], title="Reports"), name)
    opening = svg[:svg.index(">")]
    assert 'width="100%"' in opening and f'viewBox="0 0 {width} {HEIGHT}"' in opening
    assert "height=" not in opening  # the height follows from the width


def test_a_chart_is_drawn_wide_and_narrow_for_the_stylesheet_to_pick():
    chart = str(bar_chart([("Mon", 3), ("Tue", 5)], title="Reports"))
    assert chart.startswith('<div class="chart-layouts">') and chart.count("<svg") == 2
    assert [layout(chart, name).count("<rect") for name, _ in LAYOUTS] == [2, 2]


def x_labels(svg: str) -> list[tuple[float, str, str]]:
    return [(float(x), anchor, label) for x, anchor, label in
            re.findall(rf'<text x="([\d.]+)" y="{HEIGHT - MARGIN_BOTTOM + 16:.1f}" text-anchor="(start|middle|end)" '
                       r'font-size="11">([^<]+)<', svg)]


def spans(svg: str) -> list[tuple[float, float, str]]:
    """Each x label's left and right ends, as the server estimates its width."""
    ends = []
    for x, anchor, label in x_labels(svg):
        width = text_width(label, 11)
        left = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
        ends.append((left, left + width, label))
    return ends


@pytest.mark.parametrize("name, width", LAYOUTS)
def test_every_label_stays_inside_the_box(name, width):
    days = [(f"{d} лист.", d * 1000) for d in range(1, 31)]
    svg = layout(line_chart(days, title="Рішення щодня за останні 30 днів, і ще довша назва, що не вміщається"), name)
    labels = x_labels(svg)
    assert 3 <= len(labels) <= 6 + 1 and labels[-1][2] == "30 лист."
    assert all(lo >= 0 and hi <= width for lo, hi, _ in spans(svg)), spans(svg)
    # The y axis makes room for its longest number ("50000", the round number above 30000).
    ticks = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end" font-size="11">(\d+)<', svg)
    assert all(float(x) - text_width(label, 11) >= 0 for x, label in ticks) and ("50000" in {t for _, t in ticks})
    # A title longer than the width is squeezed into it.
    assert f'textLength="{width - 4}"' in svg
    assert 'textLength' not in layout(bar_chart([("Mon", 3)], title="Reports"), name)


@pytest.mark.parametrize("name, width", LAYOUTS)
@pytest.mark.parametrize("labels", [
    [f"{month} 2026" for month in ("січ.", "лют.", "бер.", "квіт.", "трав.", "черв.", "лип.", "серп.", "вер.",
                                   "жовт.", "лист.", "груд.")],  # the MRR chart's months in Ukrainian
    [f"Author number {i}" for i in range(10)],
    [f"{d} Nov" for d in range(1, 31)],
])
def test_x_labels_never_touch_and_the_first_and_last_are_shown(name, width, labels):
    for chart in (line_chart, bar_chart):
        placed = spans(layout(chart([(label, i) for i, label in enumerate(labels)], title="T"), name))
        assert placed[0][2] == labels[0] and placed[-1][2] == labels[-1] and len(placed) >= 2
        assert all(left >= before_right for (_, before_right, _), (left, _, _) in pairwise(placed)), placed
