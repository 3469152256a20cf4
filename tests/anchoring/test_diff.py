"""The revision diff: which old text it pairs with which new text, before any search."""

from readerdesk.anchoring import RevisionDiff

LEAD = "The council met on Tuesday evening to discuss the bridge."
QUOTED = ['"It is the largest repair this city has made in a generation," said the mayor, who had pushed '
          "for the package since her election.",
          'Engineers said the "temporary" deck would carry buses - but not lorries - from the spring until '
          "the end of the works.",
          'Residents asked whether the footpath on the eastern side would "stay open" during the works, '
          "and were told it would."]


def curly(text: str) -> str:
    out, opening = [], True
    for ch in text:
        if ch == '"':
            out.append("“" if opening else "”")
            opening = not opening
        else:
            out.append(ch)
    return "".join(out).replace(" - ", " – ")


def test_a_paragraph_inserted_before_edited_paragraphs_leaves_each_paired_with_its_own_edit():
    # Every quoted paragraph is edited (curly quotes), and a new paragraph comes before them. The
    # blank lines between paragraphs must not pair each edited paragraph with the one now at its
    # place: each old word is mapped to itself, so no passage has to be searched for.
    old = "\n\n".join([LEAD, *QUOTED])
    new = "\n\n".join([LEAD, "A new paragraph, added by the editors.", *(curly(p) for p in QUOTED)])
    rev = RevisionDiff(old, new)
    for word in ("has made in", "would carry buses", "the eastern side"):
        s = old.index(word)
        assert rev.map.start(s) == new.index(word)
        assert rev.reanchor((s, s + len(word))).state == "unchanged"
    s = old.index('"temporary" deck')
    r = rev.reanchor((s, s + len('"temporary" deck')))
    assert (r.state, new[r.start:r.end]) == ("edited", "“temporary” deck")


def test_a_paragraph_break_outweighs_one_character_when_the_diff_pairs_text():
    # The Hypothesis trap in Chinese: one character of the passage changed in place, and the old
    # wording pasted at the start of the next paragraph. Pairing the old passage with the copy
    # would lose the paragraph break; pairing it with its edited self loses one character.
    passage = "新线路建成后，全市地铁运营里程将超过五百公里。"
    old = "市政府公布规划。" + passage + "\n\n根据规划，新建的十号线将连接城市东部。"
    new = "市政府公布规划。" + passage.replace("五", "十") + "\n\n" + passage + "根据规划，新建的十号线将连接城市东部。"
    s = old.index(passage)
    r = RevisionDiff(old, new).reanchor((s, s + len(passage)))
    assert (r.state, r.start) == ("edited", s)
    assert RevisionDiff(old, new).map.start(old.index("\n\n")) == new.index("\n\n")
