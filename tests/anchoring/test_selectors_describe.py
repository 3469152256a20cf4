import pytest

from readerdesk.anchoring import (
    InvalidSelector,
    TextPositionSelector,
    TextQuoteSelector,
    anchor,
    describe,
    selectors_from_json,
    selectors_to_json,
)

TEXT = ("The council met on Monday. The council met on Monday to discuss the budget. "
        "Later, the council met on Monday again, and the mayor spoke.")


def test_json_round_trip():
    sels = [TextQuoteSelector("a", "b", "c"), TextPositionSelector(1, 2)]
    data = selectors_to_json(sels)
    assert data == [{"type": "TextQuoteSelector", "exact": "a", "prefix": "b", "suffix": "c"},
                    {"type": "TextPositionSelector", "start": 1, "end": 2}]
    assert selectors_from_json(data) == sels


@pytest.mark.parametrize("bad", [
    "nope", [1], [{"type": "Foo"}], [{"type": "TextQuoteSelector"}],
    [{"type": "TextQuoteSelector", "exact": ""}], [{"type": "TextQuoteSelector", "exact": 3}],
    [{"type": "TextQuoteSelector", "exact": "x", "prefix": 1}],
    [{"type": "TextPositionSelector", "start": -1, "end": 2}],
    [{"type": "TextPositionSelector", "start": 5, "end": 2}],
    [{"type": "TextPositionSelector", "start": "1", "end": 2}],
    [{"type": "TextPositionSelector", "start": True, "end": 2}],
    [{"type": "TextPositionSelector", "start": 1}],
])
def test_bad_json_raises_invalid_selector(bad):
    with pytest.raises(InvalidSelector) as exc:
        selectors_from_json(bad)
    assert isinstance(exc.value, ValueError) and str(exc.value)


def test_describe_context_is_long_and_unique():
    s = TEXT.index("met on Monday to")
    quote, pos = describe(TEXT, s, s + len("met on Monday"))
    assert (pos.start, pos.end) == (s, s + 13)
    assert len(quote.prefix) >= min(32, s) and len(quote.suffix) >= 32
    full = quote.prefix + quote.exact + quote.suffix
    assert TEXT.count(full) == 1
    # grown to word boundaries
    assert quote.prefix == TEXT[:s] or not TEXT[s - len(quote.prefix) - 1].isalnum()


def test_describe_grows_while_ambiguous():
    text = ("x" * 10 + " lorem ipsum dolor sit amet consectetur adipiscing elit " * 4) + "end"
    s = text.index("dolor", 100)
    quote, _ = describe(text, s, s + 5)
    assert text.count(quote.prefix + quote.exact + quote.suffix) == 1
    assert len(quote.prefix) + len(quote.suffix) > 64


def test_describe_rejects_bad_span():
    with pytest.raises(ValueError):
        describe("abc", 2, 1)


def test_anchor_exact_and_not_found():
    s = TEXT.index("the mayor")
    sels = describe(TEXT, s, s + 9)
    a = anchor(sels, TEXT)
    assert (a.start, a.end, a.state) == (s, s + 9, "anchored") and a.confidence > 0.9
    n = anchor(sels, "Something else entirely.")
    assert n.state == "not_found" and n.start is None and n.end is None


def test_anchor_repeated_quote_uses_context():
    for occurrence in range(3):
        s = -1
        for _ in range(occurrence + 1):
            s = TEXT.index("council met on Monday", s + 1)
        a = anchor(describe(TEXT, s, s + 21), TEXT)
        assert (a.start, a.state) == (s, "anchored")


def test_anchor_without_context_is_ambiguous_for_repeats():
    a = anchor([TextQuoteSelector("council met on Monday")], TEXT)
    assert a.state == "ambiguous" and a.start is None


def test_anchor_hypothesis_trap():
    old = ("Rescuers worked through the night. The fire killed twelve people in the old "
           "warehouse district, police said on Tuesday. Investigators are looking at the wiring.")
    new = old.replace("twelve people in", "eleven people in") + (
        " A rumour on social media claimed the fire killed twelve people in the old warehouse district.")
    s = old.index("The fire killed")
    e = old.index(" police said")
    a = anchor(describe(old, s, e), new)
    assert a.state == "anchored" and (a.start, a.end) == (s, e)


def test_anchor_lookalike_not_attached():
    old = ("Intro paragraph about the city.\n\nThe council approved the new budget for schools "
           "on Tuesday after a long debate.\n\nOther news.")
    new = ("Intro paragraph about the city.\n\nOther news. Elsewhere, the council rejected the "
           "new budget for roads on Monday after a long debate.")
    s = old.index("The council")
    e = old.index("debate.") + 7
    assert anchor(describe(old, s, e), new).state == "not_found"
