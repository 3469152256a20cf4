"""The desk's publish page on a WordPress article: preview the post's diff, confirm, conflict, fallback."""

import html
import re
from ipaddress import ip_network

import pytest

from readerdesk.models import CorrectionNote, Status
from tests.factories import make_correction, make_user, make_wordpress_article
from tests.fakes.wordpress import FakeWordPress
from tests.helpers import sign_in

STATED = {"was_wrong": "the vote was twelve to five", "is_right": "It was eleven to five."}

RAW = ("<!-- wp:paragraph -->\n<p>The council <em>voted</em> twelve to five on Tuesday.</p>\n<!-- /wp:paragraph -->"
       "\n\n<!-- wp:paragraph -->\n<p>The bridge reopens in May.</p>\n<!-- /wp:paragraph -->")
# The fake and the real WordPress listen on 127.0.0.1, which the SSRF guard refuses unless allowed.
pytestmark = pytest.mark.app_config(ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")])
HIDDEN = r'name="(expected_passage|previewed_wording|expected_cms_version)" type="hidden" value="([^"]*)"'


@pytest.fixture
def wordpress():
    with FakeWordPress(posts=[]) as wp:
        wp.add_user("desk", "abcd efgh ijkl mnop qrst uvwx")
        wp.add_post(42, RAW, title="Council approves the bridge")
        yield wp


@pytest.fixture
def setup(client, db_session, wordpress):
    editor = make_user(db_session)
    article = make_wordpress_article(db_session, wordpress, 42)
    correction = make_correction(db_session, article, exact="voted twelve to five", suggestion="voted eleven to five",
                                 status=Status.ACCEPTED)
    db_session.commit()
    sign_in(client, editor)
    return article, correction


def url(correction):
    return f"/desk/corrections/{correction.id}/publish"


FORM = {"note_type": "correction", **STATED, "body": "We misreported the vote.", "apply_wording": "y",
        "wording": "voted eleven to five", "version": "1", "preview": "Preview"}


def preview(client, correction):
    page = client.post(url(correction), data=FORM)
    return page, {k: html.unescape(v) for k, v in re.findall(HIDDEN, page.text)}


def test_the_preview_shows_the_posts_diff_and_publishing_writes_the_post(client, db_session, wordpress, setup):
    article, correction = setup
    page = client.get(url(correction))
    assert "written into the post in WordPress, as desk" in page.text
    assert '<input checked id="apply_wording"' in page.text
    page, hidden = preview(client, correction)
    assert page.status_code == 200 and "The post's content in WordPress" in page.text
    diff = page.text[page.text.index('class="diff cms-diff"'):]
    assert re.search(r"<del>[^<]*twelve[^<]*</del>", diff) and re.search(r"<ins>[^<]*eleven[^<]*</ins>", diff)
    assert "&lt;em&gt;" in diff  # the raw markup is shown, escaped
    assert hidden["expected_cms_version"].startswith(wordpress.post(42)["modified_gmt"] + "#")
    assert "twelve" in wordpress.post(42)["content"]["raw"]  # nothing written by the preview

    done = client.post(url(correction), data={**FORM, **hidden, "confirm": "Publish"}, follow_redirects=True)
    assert done.status_code == 200 and "Published." in done.text and "changed the post in WordPress" in done.text
    assert "<em>voted eleven to five</em>" in wordpress.post(42)["content"]["raw"]
    db_session.expire_all()
    assert correction.status == Status.PUBLISHED and article.current_revision.number == 2
    detail = client.get(f"/desk/corrections/{correction.id}")
    assert "edited by readerdesk on behalf of" in detail.text


def test_an_edit_in_wordpress_between_preview_and_confirm_is_kept_and_a_new_preview_shown(
        client, db_session, wordpress, setup):
    article, correction = setup
    _, hidden = preview(client, correction)
    theirs = RAW.replace("reopens in May", "reopens in June")
    wordpress.edit_post(42, theirs)
    refused = client.post(url(correction), data={**FORM, **hidden, "confirm": "Publish"})
    assert refused.status_code == 303 and refused.headers["Location"] == url(correction)
    page = client.get(url(correction))  # the new preview, of the wording kept, on the post as it is now
    assert "changed in WordPress since your preview" in page.text and "check the new preview" in page.text
    assert wordpress.post(42)["content"]["raw"] == theirs  # never overwritten
    db_session.expire_all()
    assert correction.status == Status.ACCEPTED and db_session.query(CorrectionNote).count() == 0
    assert "June" in article.current_revision.text  # read again, and the report re-anchored there
    new_hidden = {k: html.unescape(v) for k, v in re.findall(HIDDEN, page.text)}
    assert new_hidden["expected_cms_version"].startswith(wordpress.post(42)["modified_gmt"] + "#")
    done = client.post(url(correction), data={**FORM, **new_hidden, "version": str(correction.version),
                                              "confirm": "Publish"}, follow_redirects=True)
    assert "Published." in done.text
    assert "eleven" in wordpress.post(42)["content"]["raw"] and "June" in wordpress.post(42)["content"]["raw"]


def test_wrong_credentials_are_a_sentence_and_nothing_is_published(client, db_session, wordpress, setup):
    article, correction = setup
    wordpress.users["desk"] = ("revoked", "editor")
    page, _ = preview(client, correction)
    assert page.status_code == 502 and "refused the user name or application password" in page.text
    db_session.expire_all()
    assert correction.status == Status.ACCEPTED


def test_a_passage_that_cannot_be_mapped_offers_the_sentence_and_the_edit_link(client, db_session, wordpress, setup):
    article, correction = setup
    wordpress.post(42)["content"]["raw"] = "<p>The council [vote_count] on Tuesday.</p>"  # a shortcode now
    page, _ = preview(client, correction)
    assert page.status_code == 400 and "cannot place the passage exactly" in page.text
    assert 'readonly>voted eleven to five</textarea>' in page.text
    assert f'href="{wordpress.url}/wp-admin/post.php?post=42&amp;action=edit"' in page.text


def test_the_desk_flow_against_a_real_wordpress(client, db_session, real_wordpress):
    post = real_wordpress.create_post(RAW, title="Council approves the bridge")
    editor = make_user(db_session)
    article = make_wordpress_article(db_session, real_wordpress.url, post["id"], user=real_wordpress.editor[0],
                                     password=real_wordpress.editor[1])
    correction = make_correction(db_session, article, exact="voted twelve to five", status=Status.ACCEPTED)
    db_session.commit()
    sign_in(client, editor)
    page, hidden = preview(client, correction)
    assert page.status_code == 200 and 'class="diff cms-diff"' in page.text
    done = client.post(url(correction), data={**FORM, **hidden, "confirm": "Publish"}, follow_redirects=True)
    assert "Published." in done.text and "(revision 2)" in done.text
    assert "<em>voted eleven to five</em>" in real_wordpress.raw(post["id"])
    assert "edited by readerdesk on behalf of" in client.get(f"/desk/corrections/{correction.id}").text


def test_a_conflict_that_changed_the_passage_itself_says_both(client, db_session, wordpress, setup):
    article, correction = setup
    _, hidden = preview(client, correction)
    wordpress.edit_post(42, RAW.replace("voted</em> twelve to five", "voted</em> eleven to five"))  # fixed there
    refused = client.post(url(correction), data={**FORM, **hidden, "confirm": "Publish"})
    assert refused.status_code == 303
    page = client.get(refused.headers["Location"])
    assert "changed in WordPress since your preview" in page.text and "What you typed is kept" in page.text
    # The other editor already made the fix: after reading the post again, the desk says so.
    assert "The new wording is the same as the current text." in page.text
    assert wordpress.post(42)["content"]["raw"] == RAW.replace("twelve", "eleven")


@pytest.mark.app_config(ALLOWED_FETCH_NETWORKS=[])  # as in production
def test_a_wordpress_on_a_non_public_address_is_refused_by_the_ssrf_guard(client, db_session, wordpress, setup):
    article, correction = setup
    before = len(wordpress.requests)
    page, _ = preview(client, correction)
    assert page.status_code == 502 and "cannot be reached" in page.text and "non-public address" in page.text
    assert len(wordpress.requests) == before  # not even one request reached it
