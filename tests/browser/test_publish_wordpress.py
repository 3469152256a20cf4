"""An editor fixes a WordPress article from the desk in one reviewed step (the fake WordPress)."""

from ipaddress import ip_network

import pytest

from readerdesk.models import Status
from tests.factories import make_correction, make_user, make_wordpress_article
from tests.fakes.wordpress import FakeWordPress
from tests.helpers import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits,  # a live server in a thread
              pytest.mark.app_config(ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")])]  # the fake WordPress

RAW = ("<!-- wp:paragraph -->\n<p>The council <em>voted</em> twelve to <a href=\"https://news.example/m\">five</a>"
       " on Tuesday.</p>\n<!-- /wp:paragraph -->\n\n<!-- wp:paragraph -->\n<p>The bridge reopens in May.</p>\n"
       "<!-- /wp:paragraph -->")


def test_report_accept_publish_with_the_wording_written_into_wordpress(app, db_session, live_server, browser_page):
    page = browser_page
    with FakeWordPress(posts=[]) as wordpress:
        wordpress.add_user("desk", "abcd efgh ijkl mnop qrst uvwx")
        wordpress.add_post(42, RAW, title="Council approves the bridge")
        editor = make_user(db_session, "ed@example.com")
        article = make_wordpress_article(db_session, wordpress, 42)
        correction = make_correction(db_session, article, exact="voted twelve to five",
                                     suggestion="voted eleven to five")
        db_session.commit()

        browser_sign_in(page, f"{live_server}/desk/corrections/{correction.id}", editor.email)
        with page.expect_navigation():
            page.click("button[name=action][value=accept]")
        assert page.locator("h1 .state").inner_text() == Status.ACCEPTED.label

        with page.expect_navigation():
            page.click("text=Publish…")
        assert page.locator("#apply_wording").is_checked()
        assert "written into the post in WordPress" in page.locator("fieldset .hint").inner_text()
        page.fill("#was_wrong", "the council voted twelve to five")
        page.fill("#is_right", "It voted eleven to five.")
        with page.expect_navigation():
            page.click("input[name=preview]")
        diff = page.locator(".cms-diff")
        assert any("eleven" in part for part in diff.locator("ins").all_inner_texts())
        assert any("twelve" in part for part in diff.locator("del").all_inner_texts())
        assert "<em>voted" in diff.inner_text()  # the post's raw content, as WordPress keeps it
        assert "twelve" in wordpress.post(42)["content"]["raw"]  # the preview wrote nothing
        with page.expect_navigation():
            page.click("input[name=confirm]")

        assert "Published." in page.locator(".flash").first.inner_text()
        assert "<em>voted eleven to five</em>" in wordpress.post(42)["content"]["raw"]
        published = page.locator("section.published")
        assert "(revision 2)" in published.inner_text()
        assert ("An earlier version of this article said the council voted twelve to five. It voted eleven to five."
                in published.locator("blockquote.note").inner_text())
        assert "changed the post in WordPress" in published.inner_text()

        page.goto(f"{live_server}/desk/corrections/{correction.id}")
        history = page.locator("details.anchor-history")
        assert history.get_attribute("open") is not None
        last = history.locator("li").last.inner_text()
        assert "Revision 2" in last and "edited by readerdesk on behalf of" in last and "in WordPress" in last
