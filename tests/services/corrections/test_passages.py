from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, CorrectionAnchor
from readerdesk.services.articles.ingest import add_revision
from readerdesk.services.corrections.passages import anchor_story, passage_context
from readerdesk.text.diff import DiffPart
from tests.factories import make_article, make_correction, paragraphs


def test_context_surrounds_the_passage_and_is_clipped_at_word_boundaries(db_session):
    text = "word " * 200 + "the council voted twelve to five " + "tail " * 200
    article = make_article(db_session, html=paragraphs(text))
    c = make_correction(db_session, article, exact="voted twelve")
    ctx = passage_context(c, chars=40)
    assert ctx.passage == "voted twelve"
    assert ctx.before.endswith("the council ") and ctx.after.startswith(" to five")
    assert ctx.clipped_before and ctx.clipped_after
    assert not ctx.before.startswith(("ord", "rd", "d ")) and len(ctx.before) <= 80


def test_edited_anchor_tells_possibly_fixed_with_before_and_after(db_session):
    article = make_article(db_session, html=paragraphs("The council voted twelve to five."))
    c = make_correction(db_session, article, exact="twelve")
    revision = add_revision(db_session, article, paragraphs("The council voted eleven to five."), now=utcnow())
    c.anchor_state, c.anchor_revision = AnchorState.EDITED, revision
    db_session.add(CorrectionAnchor(correction=c, revision=revision, state=AnchorState.EDITED, start=18, end=24,
                                    before="twelve", after="eleven"))
    db_session.flush()
    story = anchor_story(db_session, c)
    assert "possibly already fixed" in story.headline
    assert story.diff == [DiffPart("delete", "twelve"), DiffPart("insert", "eleven")]


def test_each_anchor_state_has_plain_wording(db_session):
    c = make_correction(db_session)
    for state, words in [(AnchorState.ANCHORED, "exactly as the reader saw it"),
                         (AnchorState.REMOVED, "no longer in the article"),
                         (AnchorState.AMBIGUOUS, "more than once"),
                         (AnchorState.UNANCHORED, "not in any version"),
                         (AnchorState.NONE, "as a whole")]:
        c.anchor_state = state
        assert words in anchor_story(db_session, c).detail
