"""Publishing with "apply the wording" on a WordPress article: the post itself is changed, through the
connector, with a conditional write (against the fake WordPress in tests/fakes/wordpress.py)."""

from ipaddress import ip_network

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, CorrectionAnchor, Status
from readerdesk.services.articles.cms import CmsConflict, CmsError
from readerdesk.services.articles.connectors import cms_connector
from readerdesk.services.outbound import new_http_session
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.publish import CmsEdit, WordingNotMappable
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_correction, make_user, make_wordpress_article
from tests.fakes.wordpress import FakeWordPress

STATED = {"was_wrong": "the vote was twelve to five", "is_right": "It was eleven to five."}

RAW = ("<!-- wp:paragraph -->\n<p>The council <em>voted</em> twelve to <a href=\"https://news.example/m\">five</a>"
       " on Tuesday.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>The bridge reopens in May.</p>\n"
       "<!-- /wp:paragraph -->")


@pytest.fixture
def wordpress():
    with FakeWordPress(posts=[]) as wp:
        wp.add_user("desk", "abcd efgh ijkl mnop qrst uvwx")
        wp.add_user("reader", "zyxw vuts rqpo nmlk jihg fedc", role="subscriber")
        wp.add_post(42, RAW, title="Council approves the bridge")
        yield wp


def connector_for(article):
    # Through the SSRF guard, with the loopback network allowed for the local WordPress.
    http = new_http_session("readerdesk-test", [ip_network("127.0.0.0/8")])
    return cms_connector(article.site, http=http, secret_key=TEST_SECRET_KEY, timeout=5)


def report(db_session, wordpress, exact="voted twelve to five", **kwargs):
    article = make_wordpress_article(db_session, wordpress, 42, **kwargs)
    correction = make_correction(db_session, article, exact=exact, suggestion="voted eleven to five",
                                 status=Status.ACCEPTED)
    return article, correction


def publish(db_session, correction, editor, preview, **kwargs):
    return publishing.publish(
        db_session, correction, note_type="correction", **STATED, body="We corrected the vote count.", actor=editor,
        now=utcnow(), expected_version=correction.version, apply_wording=preview.wording,
        expected_passage=preview.passage.text,
        cms=CmsEdit(connector_for(correction.article), preview.document.version), **kwargs)


def test_the_preview_shows_the_diff_of_the_posts_raw_content_and_writes_nothing(db_session, wordpress):
    article, correction = report(db_session, wordpress)
    preview = publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    assert preview.old_lines == ('<p>The council <em>voted</em> twelve to <a href="https://news.example/m">five</a>'
                                 " on Tuesday.</p>")
    assert preview.new_lines == "<p>The council <em>voted eleven to five</em> on Tuesday.</p>"
    assert any(p.op == "insert" and "eleven" in p.text for p in preview.diff)
    assert wordpress.post(42)["content"]["raw"] == RAW and wordpress.revisions[42] == []
    assert [r[0] for r in wordpress.requests] == ["GET", "GET"]  # the sync, then the preview's read


def test_publishing_writes_the_post_syncs_the_new_revision_and_names_the_edit_in_the_history(db_session, wordpress):
    editor = make_user(db_session)
    article, correction = report(db_session, wordpress)
    preview = publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    result = publish(db_session, correction, editor, preview)

    assert wordpress.post(42)["content"]["raw"] == RAW.replace(
        '<em>voted</em> twelve to <a href="https://news.example/m">five</a>', "<em>voted eleven to five</em>")
    assert len(wordpress.revisions[42]) == 1  # WordPress keeps the old text: the edit can be undone there
    assert article.current_revision.number == 2
    assert article.current_revision.text.startswith("The council voted eleven to five on Tuesday.")
    assert correction.status == Status.PUBLISHED and result.note.revision_id == article.current_revision.id
    assert result.note.wording == "voted eleven to five"
    edit = db_session.query(CorrectionAnchor).filter_by(correction_id=correction.id).order_by(
        CorrectionAnchor.id.desc()).first()
    assert (edit.revision_id, edit.state, edit.edited_by_id) == (article.current_revision.id, AnchorState.EDITED,
                                                                 editor.id)
    assert (edit.before, edit.after) == ("voted twelve to five", "voted eleven to five")


def test_a_post_edited_in_wordpress_after_the_preview_is_never_overwritten(db_session, wordpress):
    editor = make_user(db_session)
    article, correction = report(db_session, wordpress)
    preview = publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    theirs = RAW.replace("reopens in May", "reopens in June")
    wordpress.edit_post(42, theirs)  # another editor saves the post in WordPress meanwhile

    with pytest.raises(CmsConflict, match="changed in WordPress since your preview"):
        publish(db_session, correction, editor, preview)
    assert wordpress.post(42)["content"]["raw"] == theirs

    # After the conflict the desk reads the post again: a new revision, the report re-anchored in it,
    # and the new preview is made on their text.
    publishing.refresh_from_cms(db_session, article, connector=connector_for(article), now=utcnow())
    assert "June" in article.current_revision.text and correction.anchor_revision_id == article.current_revision.id
    again = publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    publish(db_session, correction, editor, again)
    assert "eleven" in wordpress.post(42)["content"]["raw"] and "June" in wordpress.post(42)["content"]["raw"]


def test_the_write_itself_is_conditional_when_the_post_changes_between_the_last_read_and_the_write(
        db_session, wordpress):
    article, correction = report(db_session, wordpress)
    connector = connector_for(article)
    document = connector.fetch_raw("wp:42")
    wordpress.edit_post(42, RAW.replace("May", "June"))
    with pytest.raises(CmsConflict):
        connector.write_raw(document, RAW.replace("twelve", "eleven"))
    assert "twelve" in wordpress.post(42)["content"]["raw"]


@pytest.mark.parametrize("setup, message", [
    ({"password": "wrong wrong wrong"}, "refused the user name or application password of “desk”"),
    ({"user": "reader", "password": "zyxw vuts rqpo nmlk jihg fedc"}, "may not edit this post. Give them the Editor"),
])
def test_wrong_credentials_and_a_missing_capability_get_sentences_and_publish_nothing(db_session, wordpress,
                                                                                      setup, message):
    article, correction = report(db_session, wordpress, **setup)
    with pytest.raises(CmsError, match=message):
        publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    assert correction.status == Status.ACCEPTED and wordpress.post(42)["content"]["raw"] == RAW


def test_a_deleted_post_and_an_unreachable_wordpress_get_sentences(db_session, wordpress):
    article, correction = report(db_session, wordpress)
    wordpress.posts.clear()
    with pytest.raises(CmsError, match="The post wp:42 no longer exists in WordPress"):
        publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    article.site.connector_url = "http://127.0.0.1:9"  # nothing listens on the discard port
    with pytest.raises(CmsError, match=r"WordPress at http://127.0.0.1:9 cannot be reached"):
        publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))


def test_a_failed_write_leaves_the_report_as_it_was(db_session, wordpress):
    editor = make_user(db_session)
    article, correction = report(db_session, wordpress)
    preview = publishing.preview_cms_wording(correction, "voted eleven to five", connector=connector_for(article))
    wordpress.users["desk"] = ("revoked", "editor")  # the application password was revoked meanwhile
    savepoint = db_session.begin_nested()
    with pytest.raises(CmsError, match="refused"):
        publish(db_session, correction, editor, preview)
    savepoint.rollback()  # what the view's unit of work does
    assert correction.status == Status.ACCEPTED and article.current_revision.number == 1
    assert publishing.note_for_correction(db_session, correction) is None


def test_a_passage_wordpress_renders_from_a_shortcode_offers_the_sentence_and_the_edit_link(db_session, wordpress):
    wordpress.add_post(43, "<p>Intro.</p>\n[pullquote]", title="Shortcode")
    wordpress.post(43)["content"]["rendered"] = "<p>Intro.</p><p>The quote the shortcode shows.</p>"
    article = make_wordpress_article(db_session, wordpress, 43)
    correction = make_correction(db_session, article, exact="the shortcode shows", status=Status.ACCEPTED)
    with pytest.raises(WordingNotMappable) as refused:
        publishing.preview_cms_wording(correction, "the plugin shows", connector=connector_for(article))
    assert refused.value.wording == "the plugin shows"
    assert refused.value.edit_url == f"{wordpress.url}/wp-admin/post.php?post=43&action=edit"
    assert "will not change it there" in str(refused.value)


def test_wordpress_calls_go_through_the_ssrf_guard(db_session, wordpress):
    article, correction = report(db_session, wordpress)
    before = len(wordpress.requests)
    guarded = cms_connector(article.site, http=new_http_session("readerdesk-test"), secret_key=TEST_SECRET_KEY,
                            timeout=5)
    with pytest.raises(CmsError, match=r"cannot be reached \(127\.0\.0\.1 is a non-public address"):
        publishing.preview_cms_wording(correction, "voted eleven to five", connector=guarded)
    assert len(wordpress.requests) == before
