"""The approximate search's shortened text: the same alignments as the whole text, found faster."""

import edlib
from hypothesis import given, settings
from hypothesis import strategies as st

from readerdesk.anchoring import TextQuoteSelector, anchor
from readerdesk.anchoring.match import _align, _Shortened, _text_codes, clear_caches

OTHER = b"\x09"  # the symbol of text absent from the query, and of masked text
# Query symbols 1-8, and runs of OTHER long and short: what _encode and the masks make.
PIECES = st.one_of(st.binary(min_size=1, max_size=12).map(lambda b: bytes(1 + x % 8 for x in b)),
                   st.integers(1, 200).map(lambda n: OTHER * n))


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, min_size=1, max_size=30).map(b"".join),
       st.binary(min_size=2, max_size=40).map(lambda b: bytes(1 + x % 8 for x in b)),
       st.integers(0, 30))
def test_a_shortened_text_has_the_same_best_alignment_mapped_back(text, query, max_dist):
    short = _Shortened(text, OTHER, keep=max_dist + 3)
    assert len(short.text) <= len(text)
    whole = edlib.align(query, text, mode="HW", task="distance", k=max_dist)["editDistance"]
    assert edlib.align(query, short.text, mode="HW", task="distance", k=max_dist)["editDistance"] == whole
    span = _align(query, short.text, max_dist, (0, len(query)))
    assert (span if span is None else short.to_text(span)) == _align(query, text, max_dist, (0, len(query)))
    if span is not None:
        assert short.to_short(short.to_text(span)) == span


def test_an_edited_passage_is_found_across_a_long_stretch_of_other_text():
    passage = "The council voted twelve to five for the bridge repair on Thursday."
    filler = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 200  # shortened away
    text = filler + passage.replace("twelve", "eleven") + " " + filler
    found = anchor([TextQuoteSelector(passage, filler[-40:], " " + filler[:40])], text)
    assert found.state == "anchored"
    assert text[found.start:found.end] == passage.replace("twelve", "eleven")


def test_clearing_the_caches_forgets_the_encoded_texts_and_changes_no_answer():
    text = "The council met on Monday. " * 40 + "The bridge will close in March for repairs."
    selectors = [TextQuoteSelector(exact="bridge will clse in March")]
    found = anchor(selectors, text)
    assert _text_codes.cache_info().currsize > 0
    clear_caches()
    assert _text_codes.cache_info().currsize == 0
    assert anchor(selectors, text) == found
