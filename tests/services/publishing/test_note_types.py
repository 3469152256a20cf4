"""The rules of each note type: what a correction says, the retraction notice, the second editor's
approval, and which notes move the article's dateModified."""

import json
from datetime import timedelta

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import CorrectionNote, ModerationEvent, NoteType, Status
from readerdesk.models.publication import PUBLIC_NOTE_TYPES
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.publish import PublishError, stated_body
from tests.factories import make_article, make_correction, make_site, make_user


def article_and_report(db_session, site=None, *, second_approval=False):
    site = site or make_site(db_session)
    site.second_approval = second_approval
    article = make_article(db_session, site, html="<p>The committee has twelve members.</p><p>It meets in May.</p>",
                           now=utcnow() - timedelta(days=2))
    return article, make_correction(db_session, article, exact="twelve members", suggestion="eleven members")


def test_every_type_has_a_definition_for_the_editor():
    assert all(len(t.definition) > 20 for t in NoteType)
    assert NoteType.EDITORS_NOTE.label == "Editor's note"
    assert "never removed" in NoteType.RETRACTION.definition


def test_a_correction_says_what_the_article_said_and_what_is_right(db_session):
    article, report = article_and_report(db_session)
    note = publishing.publish(db_session, report, note_type="correction", body="", actor=make_user(db_session),
                              now=utcnow(), expected_version=1, was_wrong="the committee had twelve members.",
                              is_right="It has eleven").note
    assert note.body == "An earlier version of this article said the committee had twelve members. It has eleven."
    assert stated_body("x", "Y.", "We regret the error.") == "An earlier version of this article said x. Y. " \
                                                               "We regret the error."
    assert stated_body("засідання було у вівторок", "Воно було в середу.", language="uk") == (
        "У попередній версії цієї статті йшлося, що засідання було у вівторок. Воно було в середу.")


def test_a_retraction_keeps_the_article_and_puts_the_notice_on_top_of_the_page_and_first_in_the_api(
        client, db_session):
    article, report = article_and_report(db_session)
    editor = make_user(db_session)
    publishing.publish(db_session, report, note_type="update", body="The committee met again.", actor=editor,
                       now=utcnow() - timedelta(hours=1), expected_version=1)
    second = make_correction(db_session, article, exact="It meets in May")
    publishing.publish(db_session, second, note_type="retraction", body="The committee's list was a forgery.",
                       actor=editor, now=utcnow(), expected_version=1)
    db_session.commit()
    page = client.get(f"/sites/{article.site.name}/articles/{article.id}").text
    notice = page.index('class="retraction-notice"')
    assert notice < page.index("<h1>") < page.index("The committee has twelve members.")  # the text stays
    assert "The committee&#39;s list was a forgery." in page[notice:page.index("<h1>")]
    answer = client.get("/api/v1/notes", query_string={"url": article.url}).json
    assert [n["type"] for n in answer["notes"]] == ["retraction", "update"] and answer["retracted"] is True
    data = publishing.news_article_json_ld_with_notes(article, publishing.public_notes(db_session, article))
    assert data["creativeWorkStatus"] == "Retracted"


@pytest.mark.parametrize("note_type, moves", [
    ("correction", True), ("update", True), ("retraction", True), ("clarification", False), ("editors_note", False),
])
def test_only_corrections_updates_and_retractions_move_date_modified(db_session, note_type, moves):
    article, report = article_and_report(db_session)
    before = publishing.news_article_json_ld_with_notes(article, [])["dateModified"]
    when = utcnow()
    publishing.publish(db_session, report, note_type=note_type, body="Context.", actor=make_user(db_session),
                       now=when, expected_version=1, was_wrong="it had twelve", is_right="It has eleven.")
    data = publishing.news_article_json_ld_with_notes(article, publishing.public_notes(db_session, article))
    assert data["dateModified"] == (when.isoformat() if moves else before)
    assert len(data["correction"]) == 1


def test_a_silent_typo_fix_never_refreshes_the_date(db_session):
    article, report = article_and_report(db_session)
    before = article.modified_at
    publishing.publish(db_session, report, note_type="silent", body="", actor=make_user(db_session), now=utcnow(),
                       expected_version=1, apply_wording="eleven members", expected_passage="twelve members")
    assert article.current_revision.number == 2 and article.modified_at == before
    data = publishing.news_article_json_ld_with_notes(article, publishing.public_notes(db_session, article))
    assert data["dateModified"] == before.isoformat() and "correction" not in data


def test_a_retraction_on_a_site_requiring_it_waits_for_a_second_editor_and_the_approval_is_audited(db_session):
    article, report = article_and_report(db_session, second_approval=True)
    proposer, approver = make_user(db_session, "proposer@example.com"), make_user(db_session, "second@example.com")
    proposal = publishing.publish(db_session, report, note_type="retraction", body="The list was forged.",
                                  actor=proposer, now=utcnow(), expected_version=1)
    note = proposal.note
    assert note.awaiting_approval and not note.is_public and report.status == Status.NEW
    assert proposal.event.action == "propose_note" and proposal.event.actor_id == proposer.id
    assert publishing.public_notes(db_session, article) == []
    with pytest.raises(PublishError, match="you proposed it"):
        publishing.approve(db_session, note, actor=proposer, now=utcnow(), expected_version=report.version)
    with pytest.raises(PublishError, match="already awaits"):
        publishing.publish(db_session, report, note_type="clarification", body="x", actor=approver, now=utcnow(),
                           expected_version=report.version, was_wrong="a", is_right="B.")
    approved = publishing.approve(db_session, note, actor=approver, now=utcnow(), expected_version=report.version)
    assert report.status == Status.PUBLISHED and note.approved_by_id == approver.id and note.is_public
    assert publishing.public_notes(db_session, article) == [note]
    events = db_session.query(ModerationEvent).filter_by(correction_id=report.id).order_by(ModerationEvent.id).all()
    assert [(e.action, e.actor_id) for e in events] == [("propose_note", proposer.id), ("publish", approver.id)]
    assert approved.event.reason == f"Second approval of the retraction proposed by {proposer.display_name}."


def test_a_note_needing_approval_cannot_change_the_text_and_other_types_publish_at_once(db_session):
    article, report = article_and_report(db_session, second_approval=True)
    editor = make_user(db_session)
    with pytest.raises(PublishError, match="second editor"):
        publishing.publish(db_session, report, note_type="clarification", body="", actor=editor, now=utcnow(),
                           expected_version=1, was_wrong="a", is_right="B.", apply_wording="eleven members",
                           expected_passage="twelve members")
    assert db_session.query(CorrectionNote).count() == 0
    publishing.publish(db_session, report, note_type="correction", body="", actor=editor, now=utcnow(),
                       expected_version=1, was_wrong="it had twelve", is_right="It has eleven.")
    assert report.status == Status.PUBLISHED


def test_the_json_ld_carries_the_sites_standards_and_validates(db_session):
    site = make_site(db_session)
    site.principles_url = "https://news.example/principles"
    site.corrections_policy_url = "https://news.example/corrections-policy"
    site.feedback_policy_url = "https://news.example/feedback"
    article, report = article_and_report(db_session, site)
    publishing.publish(db_session, report, note_type="correction", body="", actor=make_user(db_session),
                       now=utcnow(), expected_version=1, was_wrong="it had twelve", is_right="It has eleven.")
    data = json.loads(json.dumps(
        publishing.news_article_json_ld_with_notes(article, publishing.public_notes(db_session, article))))
    assert_valid_news_article(data)
    assert (data["publishingPrinciples"], data["correctionsPolicy"], data["actionableFeedbackPolicy"]) == (
        "https://news.example/principles", "https://news.example/corrections-policy", "https://news.example/feedback")


def assert_valid_news_article(data: dict) -> None:
    """The schema.org shapes of the properties readerdesk emits: types, URLs, ISO dates, required fields."""
    from datetime import datetime
    from urllib.parse import urlsplit

    assert data["@context"] == "https://schema.org" and data["@type"] == "NewsArticle"
    assert isinstance(data["headline"], str) and data["headline"]
    for key in ("url", "publishingPrinciples", "correctionsPolicy", "actionableFeedbackPolicy"):
        if key in data:
            assert urlsplit(data[key]).scheme in ("http", "https"), key
    for key in ("datePublished", "dateModified"):
        datetime.fromisoformat(data[key])
    assert data["publisher"]["@type"] == "Organization" and data["publisher"]["name"]
    for comment in data.get("correction", []):
        assert set(comment) == {"@type", "text", "datePublished"} and comment["@type"] == "CorrectionComment"
        assert comment["text"] and datetime.fromisoformat(comment["datePublished"]) >= datetime.fromisoformat(
            data["datePublished"])


def test_public_types_are_the_five_and_silent_is_not():
    assert set(PUBLIC_NOTE_TYPES) == set(NoteType) - {NoteType.SILENT}
