import random

import pytest

from readerdesk.anchoring import (
    RevisionDiff,
    Span,
    TextPositionSelector,
    TextQuoteSelector,
    describe,
    diff_revisions,
    reanchor,
)

P1 = "The storm brought down trees across the county on Saturday night, officials said."
P2 = ("Emergency services said 12 people were injured, three of them seriously, and that "
      "the number could rise as crews reach the villages in the hills.")
P3 = "Rail services were suspended between Carrow and the coast until at least Tuesday."
P4 = "The weather service warned that rivers could continue to rise for two days."
OLD = "\n\n".join([P1, P2, P3, P4])


def span_of(text, sub):
    s = text.index(sub)
    return s, s + len(sub)


def test_unchanged_with_edits_elsewhere():
    new = OLD.replace("Saturday night", "late Saturday night").replace("two days", "three days")
    r = reanchor(span_of(OLD, "12 people were injured"), OLD, new)
    assert r.state == "unchanged" and (r.start, r.end) == span_of(new, "12 people were injured")
    assert r.before is None and r.after is None


def test_typo_fixed_is_edited():
    old = OLD.replace("seriously", "seriuosly")
    s, e = span_of(old, "three of them seriuosly")
    r = reanchor((s, e), old, OLD)
    assert r.state == "edited" and (r.start, r.end) == span_of(OLD, "three of them seriously")
    assert r.before == "three of them seriuosly" and r.after == "three of them seriously"


def test_number_changed_short_span():
    new = OLD.replace("12 people", "11 people")
    s, e = span_of(OLD, "12")
    r = reanchor(Span(s, e), OLD, new)
    assert (r.state, r.start, r.end, r.after) == ("edited", s, e, "11")


def test_hypothesis_trap_follows_the_edit():
    new = OLD.replace("12 people", "11 people").replace(
        P4, P4 + " Earlier reports said 12 people were injured, three of them seriously.")
    sels = describe(OLD, *span_of(OLD, "12 people were injured, three of them seriously"))
    r = reanchor(sels, OLD, new)
    assert r.state == "edited"
    assert (r.start, r.end) == span_of(new, "11 people were injured, three of them seriously")


def test_paragraph_moved():
    new = "\n\n".join([P1, P3, P4, P2])
    r = reanchor(span_of(OLD, "three of them seriously"), OLD, new)
    assert r.state == "unchanged" and (r.start, r.end) == span_of(new, "three of them seriously")


def test_punctuation_normalised():
    old = OLD.replace("officials said.", 'officials said: "stay home - please".')
    new = old.replace('"stay home - please"', "“stay home – please”")
    r = reanchor(span_of(old, '"stay home - please"'), old, new)
    assert r.state == "edited" and (r.start, r.end) == span_of(new, "“stay home – please”")


def test_deleted_is_removed():
    new = "\n\n".join([P1, P3, P4])
    r = reanchor(span_of(OLD, "three of them seriously"), OLD, new)
    assert (r.state, r.start, r.end) == ("removed", None, None)


def test_lookalike_with_passage_deleted_is_removed():
    look = "Emergency services said 14 people were hurt, two of them seriously, and that the number could rise."
    new = "\n\n".join([P1, P3, P4 + " " + look])
    r = reanchor(span_of(OLD, P2), OLD, new)
    assert r.state == "removed"


def test_heavy_rewrite_is_not_a_confident_edit_elsewhere():
    rewritten = "A spokesperson for the county declined to give figures for casualties on Sunday."
    new = OLD.replace(P2, rewritten)
    r = reanchor(span_of(OLD, P2), OLD, new)
    assert r.state == "removed" or (r.state == "edited" and (r.start, r.end) == span_of(new, rewritten))


def test_selectors_for_another_revision_are_anchored_in_old_first():
    sels = describe(OLD, *span_of(OLD, "three of them seriously"))
    shifted = "Breaking. " + OLD
    new = shifted.replace("seriously", "critically")
    r = reanchor(sels, shifted, new)
    assert r.state == "edited" and r.after == "three of them critically"


def test_a_position_running_past_the_end_of_the_text_is_only_a_hint():
    # Found by test_properties: the quote equals the slice old[19:39], which Python cuts short.
    old = "The council met on Monday."
    r = reanchor([TextQuoteSelector("Monday."), TextPositionSelector(19, 39)], old, old + " It voted.")
    assert (r.state, r.start, r.end) == ("unchanged", 19, 26)


def test_bad_span_raises():
    with pytest.raises(ValueError):
        reanchor((5, 2), OLD, OLD)


def test_revision_diff_reused_for_many_spans():
    new = OLD.replace("Saturday", "Sunday")
    rd = diff_revisions(OLD, new)
    assert isinstance(rd, RevisionDiff)
    for sub in ["storm", "12 people", "Carrow", "rivers"]:
        r = rd.reanchor(span_of(OLD, sub))
        assert r.state == "unchanged" and new[r.start:r.end] == sub


def test_chain_of_twenty_revisions():
    rng = random.Random(3)
    text = OLD
    span = span_of(text, "three of them seriously")
    expected = "three of them seriously"
    for rev in range(1, 21):
        paras = text.split("\n\n")
        kind = rev % 4
        if kind == 0:  # paragraph added at the top
            paras.insert(0, f"Update {rev}: more details were published by the county.")
        elif kind == 1:  # a word changed elsewhere
            i = rng.choice([j for j, p in enumerate(paras) if expected not in p])
            paras[i] = paras[i].replace(" the ", f" the {rev} ", 1)
        elif kind == 2:  # the paragraph with the span moved to the end
            i = next(j for j, p in enumerate(paras) if expected in p)
            paras.append(paras.pop(i))
        else:  # the span itself edited
            # An interior word: text inserted exactly at a span boundary is
            # deliberately not absorbed (it is ambiguous which side owns it).
            new_expected = (expected.replace("three", "four") if "three" in expected
                            else expected.replace("four", "three"))
            paras = [p.replace(expected, new_expected) for p in paras]
            expected = new_expected
        new = "\n\n".join(paras)
        r = reanchor(span, text, new)
        assert r.start is not None, (rev, r)
        assert new[r.start:r.end] == expected, (rev, r, new[r.start:r.end])
        assert new.count(expected) == 1 and r.start == new.index(expected)
        text, span = new, (r.start, r.end)
