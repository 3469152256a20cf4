import pytest

from readerdesk.clock import utcnow
from readerdesk.models import CorrectionNote, ModerationEvent, NoteType, Status
from readerdesk.services.articles.ingest import add_revision
from readerdesk.services.desk.moderation import IllegalTransition, StaleDecision
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.publish import PublishError
from tests.factories import make_article, make_correction, make_user

STATED = {"was_wrong": "the vote was twelve to five", "is_right": "It was eleven to five."}

HTML = ('<p>The council <em>voted</em> twelve to <a href="https://news.example/minutes">five</a> on Tuesday.</p>'
        "<p>The bridge reopens in May.</p>")


def setup(db_session, *, hosted=True, exact="voted twelve to five", suggestion="voted eleven to five"):
    editor = make_user(db_session)
    article = make_article(db_session, html=HTML, hosted=hosted, title="Council approves the bridge")
    correction = make_correction(db_session, article, exact=exact, suggestion=suggestion)
    return editor, article, correction


def test_publishing_a_note_moves_the_report_to_published_and_stores_the_dated_note(db_session):
    editor, article, correction = setup(db_session)
    now = utcnow()
    result = publishing.publish(db_session, correction, note_type="correction", body="", actor=editor, now=now,
                                was_wrong="the council voted twelve to five", is_right="It voted eleven to five.",
                                expected_version=1)
    assert correction.status == Status.PUBLISHED
    assert (result.note.note_type, result.note.body, result.note.published_at) == (
        NoteType.CORRECTION, "An earlier version of this article said the council voted twelve to five. "
                             "It voted eleven to five.", now)
    assert (result.note.was_wrong, result.note.is_right) == ("the council voted twelve to five",
                                                             "It voted eleven to five.")
    assert result.event.action == "publish" and result.event.actor_id == editor.id
    assert publishing.public_notes(db_session, article) == [result.note]
    assert article.current_revision.number == 1  # the text is untouched


def test_applying_the_wording_across_em_and_a_link_creates_a_revision(db_session):
    editor, article, correction = setup(db_session)
    preview = publishing.preview_wording(correction, "voted eleven to five")
    assert preview.passage.text == "voted twelve to five"
    assert [(p.op, p.text) for p in preview.diff if p.op != "equal"] == [("delete", "twelve"), ("insert", "eleven")]
    assert preview.new_paragraphs == "The council voted eleven to five on Tuesday."
    result = publishing.publish(db_session, correction, note_type="correction", **STATED,
                                body="We corrected the vote count.",
                                actor=editor, now=utcnow(), expected_version=1, apply_wording="voted eleven to five",
                                expected_passage=preview.passage.text)
    revision = article.current_revision
    assert revision.number == 2 and result.note.revision_id == revision.id
    assert revision.text == "The council voted eleven to five on Tuesday.\n\nThe bridge reopens in May."
    assert "<em>voted eleven to five</em>" in revision.html  # the wording took the first node's markup
    assert result.note.wording == "voted eleven to five"


def test_a_silent_typo_fix_changes_the_text_without_a_public_note(db_session):
    editor, article, correction = setup(db_session, exact="reopens", suggestion="re-opens")
    result = publishing.publish(db_session, correction, note_type="silent", body="", actor=editor, now=utcnow(),
                                expected_version=1, apply_wording="re-opens", expected_passage="reopens")
    assert "The bridge re-opens in May." in article.current_revision.text
    assert not result.note.is_public
    assert publishing.public_notes(db_session, article) == []


@pytest.mark.parametrize("note_type", ["clarification", "update", "editors_note", "retraction"])
def test_every_public_type_is_a_public_note(db_session, note_type):
    editor, article, correction = setup(db_session)
    publishing.publish(db_session, correction, note_type=note_type, body="More context.", actor=editor,
                       now=utcnow(), expected_version=1, **STATED)
    [note] = publishing.public_notes(db_session, article)
    assert note.note_type.value == note_type


@pytest.mark.parametrize("kwargs, message", [
    ({"note_type": "update", "body": "  "}, "Update: write the text readers will see"),
    ({"note_type": "retraction", "body": ""}, "Retraction: write the text readers will see"),
    ({"note_type": "correction", "body": "x", "was_wrong": "twelve"}, "say what the article said and what is right"),
    ({"note_type": "clarification", "body": "x", "is_right": "It is."}, "say what the article said and what is"),
    ({"note_type": "erratum", "body": "x"}, "Choose a note type"),
    ({"note_type": "silent", "body": ""}, "A silent fix changes the text"),
    ({"note_type": "correction", **STATED, "body": "x",
      "apply_wording": "voted eleven to five"}, "Preview the new wording"),
])
def test_incomplete_requests_are_refused_and_change_nothing(db_session, kwargs, message):
    editor, article, correction = setup(db_session)
    with pytest.raises(PublishError, match=message):
        publishing.publish(db_session, correction, actor=editor, now=utcnow(), expected_version=1, **kwargs)
    assert correction.status == Status.NEW
    assert db_session.query(CorrectionNote).count() == 0 and db_session.query(ModerationEvent).count() == 0


def test_wording_is_refused_for_articles_the_cms_publishes(db_session):
    editor, article, correction = setup(db_session, hosted=False)
    with pytest.raises(PublishError, match="site's own CMS"):
        publishing.publish(db_session, correction, note_type="correction", **STATED,
                           body="x", actor=editor, now=utcnow(),
                           expected_version=1, apply_wording="voted eleven to five",
                           expected_passage="voted twelve to five")
    assert correction.status == Status.NEW


def test_wording_is_refused_when_the_passage_is_not_anchored_in_the_current_revision(db_session):
    editor, article, correction = setup(db_session)
    # The paragraph with the passage is cut: re-anchoring marks it removed.
    add_revision(db_session, article, "<p>The bridge reopens in June.</p>", now=utcnow())
    assert correction.anchor_start is None
    with pytest.raises(PublishError, match="not located in the current version"):
        publishing.preview_wording(correction, "voted eleven to five")


def test_wording_is_refused_when_the_text_changed_since_the_preview(db_session):
    editor, article, correction = setup(db_session)
    with pytest.raises(PublishError, match="changed since your preview"):
        publishing.publish(db_session, correction, note_type="correction", **STATED,
                           body="x", actor=editor, now=utcnow(),
                           expected_version=1, apply_wording="voted eleven to five",
                           expected_passage="voted thirteen to five")
    assert article.current_revision.number == 1 and correction.status == Status.NEW


def test_a_stale_version_or_a_closed_report_cannot_be_published(db_session):
    editor, article, correction = setup(db_session)
    with pytest.raises(StaleDecision):
        publishing.publish(db_session, correction, note_type="correction", **STATED,
                           body="x", actor=editor, now=utcnow(),
                           expected_version=7)
    rejected = make_correction(db_session, article, exact="reopens", status=Status.REJECTED)
    with pytest.raises(IllegalTransition):
        publishing.publish(db_session, rejected, note_type="correction", **STATED, body="x", actor=editor, now=utcnow(),
                           expected_version=1)


def test_json_ld_lists_the_notes_as_correction_comments_and_updates_date_modified(db_session):
    editor, article, correction = setup(db_session)
    later = utcnow()
    publishing.publish(db_session, correction, note_type="update", body="Vote count fixed.", actor=editor,
                       now=later, expected_version=1)
    data = publishing.news_article_json_ld_with_notes(article, publishing.public_notes(db_session, article))
    assert data["@type"] == "NewsArticle"
    assert data["correction"] == [{"@type": "CorrectionComment", "text": "Vote count fixed.",
                                   "datePublished": later.isoformat()}]
    assert data["dateModified"] == later.isoformat()


# --- the corrected passage, for marking it where it stands ------------------------------------


def test_an_applied_wording_is_the_notes_passage_and_the_api_gives_its_selectors(db_session):
    editor, article, correction = setup(db_session)
    preview = publishing.preview_wording(correction, "voted eleven to five")
    note = publishing.publish(db_session, correction, note_type="correction", **STATED,
                              body="The vote was eleven to five.",
                              actor=editor, now=utcnow(), expected_version=1, apply_wording="voted eleven to five",
                              expected_passage=preview.passage.text).note
    text = article.current_revision.text
    assert note.passage_revision_id == article.current_revision_id
    assert text[note.passage_start:note.passage_end] == "voted eleven to five"
    passage = publishing.note_as_json(note)["passage"]
    quote, position = passage["selectors"]
    assert passage["part"] == "body" and quote["exact"] == "voted eleven to five"
    assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1
    assert (position["start"], position["end"]) == (note.passage_start, note.passage_end)


def test_a_notes_passage_follows_small_edits_and_is_dropped_when_rewritten_beyond_recognition(db_session):
    editor, article, correction = setup(db_session, hosted=False)
    note = publishing.publish(db_session, correction, note_type="correction", **STATED,
                              body="The vote was eleven to five.",
                              actor=editor, now=utcnow(), expected_version=1).note
    assert publishing.note_as_json(note)["passage"]["selectors"][0]["exact"] == "voted twelve to five"
    add_revision(db_session, article, "<p>Updated.</p>" + HTML.replace("twelve", "eleven"), now=utcnow())
    assert publishing.note_as_json(note)["passage"]["selectors"][0]["exact"] == "voted eleven to five"
    add_revision(db_session, article, "<p>Updated.</p><p>The council backed the plan on Tuesday by a wide margin.</p>"
                 "<p>The bridge reopens in May.</p>", now=utcnow())
    assert note.passage_revision_id is None and publishing.note_as_json(note)["passage"] is None


def test_a_wording_is_applied_to_the_body_only_and_a_headline_note_marks_the_headline(db_session):
    editor, article, correction = setup(db_session)
    correction.part = "headline"
    correction.anchor_start, correction.anchor_end = 8, 16  # "approves" in "Council approves the bridge"
    with pytest.raises(PublishError, match="in the headline, not the body"):
        publishing.preview_wording(correction, "rejects")
    note = publishing.publish(db_session, correction, note_type="correction", **STATED,
                              body="The council did not approve it.",
                              actor=editor, now=utcnow(), expected_version=1).note
    passage = publishing.note_as_json(note)["passage"]
    assert passage["part"] == "headline" and passage["selectors"][0]["exact"] == "approves"
