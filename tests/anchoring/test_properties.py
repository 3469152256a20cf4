import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readerdesk.anchoring import (
    TextPositionSelector,
    TextQuoteSelector,
    anchor,
    describe,
    reanchor,
)

ALPHABET = st.sampled_from(list("abcdefghij klmnop,.\n") + ["é", "і", "ж", "東", "京", "😀", "“"])
WORDS = st.text(alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyz")), min_size=1, max_size=8)
pytestmark = pytest.mark.slow
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def text_with_span(draw):
    words = draw(st.lists(WORDS, min_size=20, max_size=120))
    text = " ".join(words)
    s = draw(st.integers(0, len(text) - 1))
    e = draw(st.integers(s + 1, min(len(text), s + 60)))
    return text, s, e


@SETTINGS
@given(text_with_span(), st.data())
def test_edits_away_from_span_keep_it_unchanged(tse, data):
    text, s, e = tse
    # Edits at least 40 chars away from the span, so the context stays intact.
    edits = []
    for _ in range(data.draw(st.integers(1, 3))):
        zones = [(0, s - 40), (e + 40, len(text))]
        zones = [z for z in zones if z[1] > z[0]]
        if not zones:
            break
        a, b = data.draw(st.sampled_from(zones))
        x = data.draw(st.integers(a, b))
        y = data.draw(st.integers(x, min(b, x + 10)))
        edits.append((x, y, data.draw(st.text(alphabet=ALPHABET, max_size=15))))
    edits.sort()
    new, last, shift = [], 0, 0
    for x, y, rep in edits:
        if x < last:
            continue
        new.append(text[last:x])
        new.append(rep)
        last = y
        if y <= s:
            shift += len(rep) - (y - x)
    new.append(text[last:])
    new_text = "".join(new)
    r = reanchor((s, e), text, new_text)
    assert new_text[s + shift:e + shift] == text[s:e]
    assert (r.state, r.start, r.end) == ("unchanged", s + shift, e + shift)


@SETTINGS
@given(text_with_span())
def test_describe_then_anchor_round_trips(tse):
    text, s, e = tse
    a = anchor(describe(text, s, e), text)
    assert (a.state, a.start, a.end) == ("anchored", s, e)


@SETTINGS
@given(st.text(alphabet=ALPHABET, max_size=300), st.text(alphabet=ALPHABET, max_size=40),
       st.text(alphabet=ALPHABET, max_size=40), st.text(alphabet=ALPHABET, max_size=40),
       st.integers(0, 400), st.integers(0, 400))
def test_anchor_never_raises(text, exact, prefix, suffix, start, length):
    sels = [TextQuoteSelector(exact, prefix, suffix), TextPositionSelector(start, start + length)]
    a = anchor(sels, text)
    assert a.state in ("anchored", "ambiguous", "not_found")
    assert 0.0 <= a.confidence <= 1.0
    if a.state == "anchored":
        assert 0 <= a.start <= a.end <= len(text)
    else:
        assert a.start is None and a.end is None
    anchor(sels[1:], text)
    anchor(sels[:1], text)
    r = reanchor(sels, text, text[::-1])
    assert r.state in ("unchanged", "edited", "removed", "ambiguous")


@SETTINGS
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=300), st.text(alphabet=ALPHABET, max_size=300),
       st.data())
def test_reanchor_never_raises_on_valid_spans(old, new, data):
    s = data.draw(st.integers(0, len(old)))
    e = data.draw(st.integers(s, len(old)))
    r = reanchor((s, e), old, new)
    assert r.state in ("unchanged", "edited", "removed", "ambiguous")
    if r.start is not None:
        assert 0 <= r.start <= r.end <= len(new)
    if r.state == "unchanged":
        assert new[r.start:r.end] == old[s:e]
