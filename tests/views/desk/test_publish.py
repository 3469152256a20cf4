import re

import pytest

from readerdesk.models import CorrectionNote, Status
from tests.conftest import mail_settings
from tests.factories import PASSWORD, make_article, make_correction, make_user
from tests.helpers import run_jobs, sign_in

STATED = {"was_wrong": "the vote was twelve to five", "is_right": "It was eleven to five."}

HTML = ('<p>The council <em>voted</em> twelve to <a href="https://news.example/minutes">five</a> on Tuesday.</p>'
        "<p>The bridge reopens in May.</p>")


def login(client, user):
    sign_in(client, user)


@pytest.fixture
def setup(db_session):
    editor = make_user(db_session)
    article = make_article(db_session, html=HTML, title="Council approves the bridge")
    correction = make_correction(db_session, article, exact="voted twelve to five", suggestion="voted eleven to five",
                                 reader_email="reader@example.org", notify_reader=True)
    db_session.commit()
    return editor, article, correction


def url(correction):
    return f"/desk/corrections/{correction.id}/publish"


def test_anonymous_visitors_are_sent_to_the_login_page(client, setup):
    _, _, correction = setup
    for response in (client.get(url(correction)), client.post(url(correction), data={})):
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert client.get("/desk/stats").headers["Location"].startswith("/auth/login")


def test_preview_shows_the_word_diff_then_publishing_changes_the_article_and_emails_the_reader(
        app, client, db_session, setup, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor, article, correction = setup
    login(client, editor)
    page = client.get(url(correction))
    assert page.status_code == 200
    assert "voted twelve to five" in page.text and "\nvoted eleven to five</textarea>" in page.text
    form = {"note_type": "correction", **STATED, "body": "We misreported the vote.", "apply_wording": "y",
            "wording": "voted eleven to five", "version": "1", "preview": "Preview"}
    preview = client.post(url(correction), data=form)
    assert preview.status_code == 200
    assert "<del>twelve</del><ins>eleven</ins>" in preview.text
    assert "The council voted eleven to five on Tuesday." in preview.text
    assert 'name="confirm"' in preview.text
    hidden = dict(re.findall(r'name="(expected_passage|previewed_wording)" type="hidden" value="([^"]*)"',
                             preview.text))
    assert hidden == {"expected_passage": "voted twelve to five", "previewed_wording": "voted eleven to five"}

    done = client.post(url(correction), data={**form, **hidden, "confirm": "Publish"}, follow_redirects=True)
    assert done.status_code == 200 and "Published." in done.text
    db_session.expire_all()
    assert correction.status == Status.PUBLISHED
    assert article.current_revision.text.startswith("The council voted eleven to five")
    assert smtp_server.messages == []  # the email goes out after the response, not inside the request
    assert run_jobs() == 1
    [message] = smtp_server.messages
    assert "We misreported the vote." in message.get_body(("plain",)).get_content()

    page = client.get(f"/sites/{article.site.name}/articles/{article.id}")
    assert "We misreported the vote." in page.text and "voted eleven to five" in page.text


def test_changing_the_wording_after_the_preview_shows_a_new_preview_instead_of_publishing(client, db_session, setup):
    editor, article, correction = setup
    login(client, editor)
    response = client.post(url(correction), data={
        "note_type": "correction", **STATED, "body": "x", "apply_wording": "y", "wording": "voted ten to five",
        "version": "1", "expected_passage": "voted twelve to five", "previewed_wording": "voted eleven to five",
        "confirm": "Publish"})
    assert response.status_code == 200 and "<ins>ten</ins>" in response.text
    db_session.expire_all()
    assert correction.status == Status.NEW


def test_a_conflict_redirects_to_the_page_with_the_note_kept(app, client, db_session, setup):
    editor, _, correction = setup
    colleague = app.test_client()
    sign_in(colleague, make_user(db_session, "col@example.com"))
    login(client, editor)
    # The colleague rejects the report while the editor writes the note (both saw version 1).
    assert colleague.post(f"/desk/corrections/{correction.id}/decide",
                          data={"action": "reject", "version": "1"}).status_code == 303
    response = client.post(url(correction), data={"note_type": "update", "body": "Корекція: <i>більше</i>.",
                                                   "apply_wording": "y", "wording": "voted eleven to five",
                                                   "version": "1", "expected_passage": "voted twelve to five",
                                                   "previewed_wording": "voted eleven to five", "confirm": "Publish"})
    assert response.status_code == 303 and response.headers["Location"] == url(correction)
    assert db_session.query(CorrectionNote).count() == 0

    page = client.get(url(correction)).text
    alert = re.search(r'<div class="flash flash-error" role="alert" id="publish-error">(.*?)</div>', page, re.S)
    assert alert and "“rejected”" in alert.group(1) and "What you typed is kept" in alert.group(1)
    assert re.search(r">\s*Корекція: &lt;i&gt;більше&lt;/i&gt;.</textarea>", page)
    assert re.search(r'<option selected value="update">', page)
    assert re.search(r'checked id="apply_wording"|id="apply_wording"[^>]*checked', page)
    assert re.search(r">\s*voted eleven to five</textarea>", page)
    # A reload does not publish and no longer shows the refusal.
    again = client.get(url(correction)).text
    assert 'role="alert"' not in again and "Корекція" not in again
    db_session.expire_all()
    assert db_session.query(CorrectionNote).count() == 0 and correction.status == Status.REJECTED


def test_a_missing_note_is_a_form_error_not_a_500(client, setup):
    editor, _, correction = setup
    login(client, editor)
    response = client.post(url(correction), data={"note_type": "correction", "was_wrong": "the vote", "is_right": "",
                                                   "body": "", "version": "1", "confirm": "Publish"})
    assert response.status_code == 400 and "what the article said and what is right" in response.text
    assert correction.status == Status.NEW
    assert client.get("/desk/corrections/999999/publish").status_code == 404


def test_with_the_smtp_server_down_the_decision_is_stored_and_the_page_answers(app, client, db_session, setup):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, HTTP_TIMEOUT=1)  # nothing listens on port 1
    editor, article, correction = setup
    login(client, editor)
    response = client.post(url(correction), data={"note_type": "clarification", **STATED,
                                                   "body": "The vote was close.", "version": "1", "confirm": "Publish"},
                           follow_redirects=True)
    assert response.status_code == 200 and "Published." in response.text
    db_session.expire_all()
    assert correction.status == Status.PUBLISHED
    assert "The vote was close." in client.get(f"/sites/{article.site.name}/articles/{article.id}").text


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_publishing_needs_the_csrf_token(client, db_session, setup):
    editor, _, correction = setup
    login_page = client.get("/auth/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page.text).group(1)
    client.post("/auth/login", data={"email": editor.email, "password": PASSWORD, "csrf_token": token})
    data = {"note_type": "update", "body": "More.", "version": "1", "confirm": "Publish"}
    assert client.post(url(correction), data=data).status_code == 400
    page = client.get(url(correction))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    assert client.post(url(correction), data={**data, "csrf_token": token}).status_code == 302
    db_session.expire_all()
    assert correction.status == Status.PUBLISHED


def test_the_form_defines_each_type_and_asks_what_was_wrong_and_what_is_right(client, setup):
    editor, article, correction = setup
    login(client, editor)
    page = client.get(url(correction)).text
    assert "A factual error fixed" in page and "Editor&#39;s note" in page and "never removed" in page
    assert 'name="was_wrong"' in page and 'name="is_right"' in page
    preview = client.post(url(correction), data={"note_type": "correction", "was_wrong": "the vote was 12–5",
                                                 "is_right": "It was 11–5.", "body": "", "version": "1",
                                                 "preview": "Preview"}).text
    assert "An earlier version of this article said the vote was 12–5. It was 11–5." in preview


def test_a_second_editor_approves_a_retraction_from_the_publish_page(client, db_session, setup):
    editor, article, correction = setup
    article.site.second_approval = True
    other = make_user(db_session)
    db_session.commit()
    login(client, editor)
    data = {"note_type": "retraction", "body": "The vote never took place.", "version": "1", "confirm": "Publish"}
    proposed = client.post(url(correction), data=data, follow_redirects=True)
    assert "Retraction proposed" in proposed.text and "Another editor must approve it." in proposed.text
    assert "The vote never took place." not in client.get(f"/sites/{article.site.name}/articles/{article.id}").text
    client.post("/auth/logout")
    login(client, other)
    page = client.get(url(correction)).text
    assert "awaiting a second editor" in page and "Approve and publish" in page
    version = re.search(r'name="version"[^>]*value="(\d+)"', page) or re.search(r'value="(\d+)"[^>]*name="version"',
                                                                                 page)
    approved = client.post(f"/desk/corrections/{correction.id}/approve-note",
                           data={"version": version.group(1)}, follow_redirects=True)
    assert approved.status_code == 200 and "Approved: the retraction is published." in approved.text
    db_session.expire_all()
    assert correction.status == Status.PUBLISHED
    article_page = client.get(f"/sites/{article.site.name}/articles/{article.id}").text
    assert 'class="retraction-notice"' in article_page and "The vote never took place." in article_page
