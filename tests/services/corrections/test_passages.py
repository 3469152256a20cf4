from readerdesk.clock import utcnow
from readerdesk.models import AnchorState
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


def test_an_edit_to_what_the_reader_suggested_is_possibly_already_fixed(db_session):
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on the bridge plan."))
    c = make_correction(db_session, article, exact="voted twelve to five", suggestion="voted eleven to five")
    add_revision(db_session, article, paragraphs("The council voted eleven to five on the bridge plan."), now=utcnow())
    assert c.anchor_state == AnchorState.EDITED
    story = anchor_story(db_session, c)
    assert str(story.headline) == "Edited since the report — possibly already fixed"
    assert "now reads what the reader suggested" in str(story.detail)
    assert story.diff == [DiffPart("equal", "voted "), DiffPart("delete", "twelve"), DiffPart("insert", "eleven"),
                          DiffPart("equal", " to five")]


def test_an_edit_to_something_else_is_not_called_fixed(db_session):
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on the bridge plan."))
    c = make_correction(db_session, article, exact="voted twelve to five", suggestion="voted twelve to four")
    add_revision(db_session, article, paragraphs("The council voted eleven to five on the bridge plan."), now=utcnow())
    story = anchor_story(db_session, c)
    assert c.anchor_state == AnchorState.EDITED and "fixed" not in str(story.headline)
    assert story.diff == [DiffPart("equal", "voted "), DiffPart("delete", "twelve"), DiffPart("insert", "eleven"),
                          DiffPart("equal", " to five")]


def test_exactly_as_the_reader_saw_it_only_when_the_text_is_the_quote(db_session):
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on the bridge plan."))
    c = make_correction(db_session, article, exact="voted twelve to five")
    assert "exactly as the reader saw it" in str(anchor_story(db_session, c).detail)
    # The same anchor, but the reader's quote differed from the text (an approximate match).
    c.exact = "voted 12 to five"
    story = anchor_story(db_session, c)
    assert str(story.headline) == "Approximate match"
    detail = str(story.detail)
    assert "exactly as the reader saw it" not in detail and "not in revision 1 word for word" in detail
    assert DiffPart("delete", "12") in story.diff and DiffPart("insert", "twelve") in story.diff


def test_each_anchor_state_has_plain_wording(db_session):
    c = make_correction(db_session)
    for state, words in [(AnchorState.ANCHORED, "exactly as the reader saw it"),
                         (AnchorState.UNCHANGED, "exactly as the reader saw it"),
                         (AnchorState.MOVED, "in another place of the article exactly as the reader saw it"),
                         (AnchorState.REMOVED, "no longer in the article"),
                         (AnchorState.AMBIGUOUS, "more than once"),
                         (AnchorState.UNANCHORED, "not in any version"),
                         (AnchorState.NONE, "as a whole")]:
        c.anchor_state = state
        assert words in str(anchor_story(db_session, c).detail)
