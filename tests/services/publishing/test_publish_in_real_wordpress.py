"""The same flow as test_publish_in_cms.py against a real WordPress 6 (tests/real_wordpress.py):
WordPress's own REST API, authentication, capabilities, rendering (wpautop, wptexturize) and
revisions, not our fake's idea of them."""

from ipaddress import ip_network

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, CorrectionAnchor, Status
from readerdesk.services.articles.cms import CmsConflict, CmsError
from readerdesk.services.articles.connectors import cms_connector
from readerdesk.services.outbound import new_http_session
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.publish import CmsEdit
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_correction, make_user, make_wordpress_article

STATED = {"was_wrong": "the vote was twelve to five", "is_right": "It was eleven to five."}

GUTENBERG = ("<!-- wp:paragraph -->\n<p>The council <em>voted</em> twelve to "
             "<a href=\"https://news.example/minutes\">five</a> on Tuesday, the mayor's office said.</p>\n"
             "<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>The bridge&nbsp;reopens in May.</p>\n"
             "<!-- /wp:paragraph -->")
CLASSIC = "It's \"fine\" -- the mayor said.\n\nThe bridge reopens in May, she added."


def connector_for(article):
    # Through the SSRF guard, with the loopback network allowed for the local WordPress.
    http = new_http_session("readerdesk-test", [ip_network("127.0.0.0/8")])
    return cms_connector(article.site, http=http, secret_key=TEST_SECRET_KEY, timeout=30)


def report(db_session, wordpress, raw, exact, credentials=None):
    post = wordpress.create_post(raw, title="Council approves the bridge")
    user, password = credentials or wordpress.editor
    article = make_wordpress_article(db_session, wordpress.url, post["id"], user=user, password=password)
    correction = make_correction(db_session, article, exact=exact, status=Status.ACCEPTED)
    return post["id"], article, correction


def publish(db_session, correction, preview):
    return publishing.publish(
        db_session, correction, note_type="correction", **STATED,
        body="We corrected this.", actor=make_user(db_session),
        now=utcnow(), expected_version=correction.version, apply_wording=preview.wording,
        expected_passage=preview.passage.text, cms=CmsEdit(connector_for(correction.article),
                                                           preview.document.version))


def test_an_accepted_wording_is_written_into_a_gutenberg_post(db_session, real_wordpress):
    post_id, article, correction = report(db_session, real_wordpress, GUTENBERG, "voted twelve to five")
    assert "mayor’s office" in article.current_revision.text  # WordPress's curly apostrophe, as rendered
    preview = publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    assert real_wordpress.raw(post_id) == GUTENBERG  # the preview wrote nothing
    result = publish(db_session, correction, preview)

    assert real_wordpress.raw(post_id) == GUTENBERG.replace(
        '<em>voted</em> twelve to <a href="https://news.example/minutes">five</a>', "<em>voted eleven to five</em>")
    revisions = real_wordpress.rest("GET", f"posts/{post_id}/revisions")
    assert any("twelve" in r["content"]["rendered"] for r in revisions)  # undo is possible in WordPress
    assert article.current_revision.text.startswith("The council voted eleven to five on Tuesday")
    assert result.note.revision_id == article.current_revision.id and correction.status == Status.PUBLISHED
    edit = db_session.query(CorrectionAnchor).filter_by(correction_id=correction.id, edited_by_id=result.note.author_id
                                                        ).one()
    assert edit.state == AnchorState.EDITED and edit.revision_id == article.current_revision.id


def test_a_classic_post_with_quotes_and_dashes_wordpress_curls(db_session, real_wordpress):
    post_id, article, correction = report(db_session, real_wordpress, CLASSIC, "It’s “fine” — the mayor said")
    preview = publishing.preview_cms_wording(correction, "It is fine, the mayor said",
                                             connector=connector_for(article))
    publish(db_session, correction, preview)
    assert real_wordpress.raw(post_id) == "It is fine, the mayor said.\n\nThe bridge reopens in May, she added."


def test_an_edit_in_wordpress_after_the_preview_stops_the_write(db_session, real_wordpress):
    post_id, article, correction = report(db_session, real_wordpress, GUTENBERG, "voted twelve to five")
    preview = publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    theirs = GUTENBERG.replace("reopens in May", "reopens in June")
    real_wordpress.edit(post_id, theirs)
    with pytest.raises(CmsConflict, match="changed in WordPress since your preview"):
        publish(db_session, correction, preview)
    assert real_wordpress.raw(post_id) == theirs


def test_wrong_credentials_and_a_subscriber_get_sentences(db_session, real_wordpress):
    _, article, correction = report(db_session, real_wordpress, GUTENBERG, "voted twelve to five",
                                    credentials=(real_wordpress.editor[0], "aaaa bbbb cccc dddd eeee ffff"))
    with pytest.raises(CmsError, match="refused the user name or application password"):
        publishing.preview_cms_wording(correction, "voted eleven", connector=connector_for(article))
    _, article, correction = report(db_session, real_wordpress, GUTENBERG, "voted twelve to five",
                                    credentials=real_wordpress.subscriber)
    with pytest.raises(CmsError, match="may not edit this post"):
        publishing.preview_cms_wording(correction, "voted eleven", connector=connector_for(article))


def test_a_deleted_post_gets_a_sentence(db_session, real_wordpress):
    post_id, article, correction = report(db_session, real_wordpress, GUTENBERG, "voted twelve to five")
    real_wordpress.rest("DELETE", f"posts/{post_id}", params={"force": "true"})
    with pytest.raises(CmsError, match=f"The post wp:{post_id} no longer exists in WordPress"):
        publishing.preview_cms_wording(correction, "voted eleven", connector=connector_for(article))
