import re

from readerdesk.text.charts import bar_chart, round_ticks


def y_labels(svg: str) -> list[str]:
    return re.findall(r'text-anchor="end" font-size="11">([^<]+)<', svg)


def test_count_axes_have_whole_number_ticks():
    assert y_labels(str(bar_chart([("Mon", 3), ("Tue", 5)], title="Reports"))) == ["0", "1", "2", "3", "4", "5"]
    assert y_labels(str(bar_chart([("Mon", 7)], title="Reports"))) == ["0", "2", "4", "6", "8", "10"]


def test_round_ticks():
    assert [round_ticks(v, 4) for v in (1, 2, 5, 10, 20, 50, 100)] == [1, 2, 5, 5, 4, 5, 4]
    assert round_ticks(0.5, 4) == 4


def test_the_numbers_are_written_as_the_caller_asks_escaped():
    svg = str(bar_chart([("Пн", 1500)], title="Звернення", number=lambda v: f"{v:,.0f}".replace(",", "\u00a0")))
    assert y_labels(svg)[-1] == "2\u00a0000" and "<title>Пн: 1\u00a0500</title>" in svg
    assert "&lt;b&gt;" in str(bar_chart([("x", 1)], title="t", number=lambda v: "<b>"))
