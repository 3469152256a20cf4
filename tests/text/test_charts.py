import re

from readerdesk.text.charts import HEIGHT, MARGIN_BOTTOM, WIDTH, bar_chart, line_chart, round_ticks, text_width


def y_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" font-size="11">([^<]+)<', svg)


def test_count_axes_have_whole_number_ticks():
    assert y_labels(str(bar_chart([("Mon", 3), ("Tue", 5)], title="Reports"))) == ["0", "1", "2", "3", "4", "5"]
    assert y_labels(str(bar_chart([("Mon", 7)], title="Reports"))) == ["0", "2", "4", "6", "8", "10"]


def test_round_ticks():
    assert [round_ticks(v, 4) for v in (1, 2, 5, 10, 20, 50, 100)] == [1, 2, 5, 5, 4, 5, 4]
    assert round_ticks(0.5, 4) == 4


def test_a_chart_takes_its_containers_width_and_keeps_its_proportions():
    svg = str(line_chart([("1 Dec", 1)], title="Reports"))
    opening = svg[:svg.index(">")]
    assert 'width="100%"' in opening and f'viewBox="0 0 {WIDTH} {HEIGHT}"' in opening
    assert "height=" not in opening  # the height follows from the width


def x_labels(svg: str) -> list[tuple[float, str, str]]:
    return [(float(x), anchor, label) for x, anchor, label in
            re.findall(rf'<text x="([\d.]+)" y="{HEIGHT - MARGIN_BOTTOM + 16:.1f}" text-anchor="(start|middle|end)" '
                       r'font-size="11">([^<]+)<', svg)]


def test_every_label_stays_inside_the_box():
    days = [(f"{d} лист.", d * 1000) for d in range(1, 31)]
    svg = str(line_chart(days, title="Рішення щодня за останні 30 днів, і ще довша назва, що не вміщається"))
    labels = x_labels(svg)
    assert len(labels) <= 6 + 1 and labels[-1][2] == "30 лист."
    for x, anchor, label in labels:
        half = text_width(label, 11) / 2
        lo, hi = {"start": (x, x + 2 * half), "middle": (x - half, x + half), "end": (x - 2 * half, x)}[anchor]
        assert lo >= 0 and hi <= WIDTH, (label, anchor, x)
    # The y axis makes room for its longest number ("50000", the round number above 30000).
    ticks = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="end" font-size="11">(\d+)<', svg)
    assert all(float(x) - text_width(label, 11) >= 0 for x, label in ticks) and ("50000" in {t for _, t in ticks})
    # A title longer than the width is squeezed into it.
    assert f'textLength="{WIDTH - 4}"' in svg
    assert 'textLength' not in str(bar_chart([("Mon", 3)], title="Reports"))
