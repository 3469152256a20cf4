"""An editor publishes a correction that says what was wrong; the article page shows it with its
JSON-LD; the author, signed in, sees their own time to correct and corrections per 100 articles on the
stats page."""

import json
from datetime import timedelta

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import Role
from tests.factories import make_article, make_correction, make_site, make_user, paragraphs
from tests.helpers import browser_sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]  # a live server in a thread


def test_a_stated_correction_reaches_the_article_its_json_ld_and_the_authors_figure(db_session, live_server,
                                                                                     browser_page):
    page = browser_page
    editor = make_user(db_session, "standards@example.com")
    author = make_user(db_session, "olena@example.com", Role.AUTHOR, byline="Olena Koval")
    site = make_site(db_session, "standards-gazette")
    site.corrections_policy_url = "https://news.example/corrections-policy"
    article = make_article(db_session, site, html=paragraphs("The committee has twelve members.", "It meets in May."),
                           authors=["Olena Koval"], section="Politics")
    report = make_correction(db_session, article, exact="twelve members", created_at=utcnow() - timedelta(hours=5))
    db_session.commit()

    browser_sign_in(page, f"{live_server}/desk/corrections/{report.id}/publish", editor.email)
    assert "A factual error fixed" in page.locator(".note-type-definitions").inner_text()
    page.select_option("#note_type", "correction")
    page.fill("#was_wrong", "the committee had twelve members")
    page.fill("#is_right", "It has eleven.")
    page.click("input[name=preview]")
    preview = page.locator(".preview .correction-note").inner_text()
    assert "An earlier version of this article said the committee had twelve members. It has eleven." in preview
    page.click("input[name=confirm]")
    page.wait_for_selector(".flash")
    assert "Published." in page.locator(".flash").first.inner_text()

    page.goto(f"{live_server}/sites/{site.name}/articles/{article.id}")
    note = page.locator(".correction-notes .correction-note").inner_text()
    assert "An earlier version of this article said the committee had twelve members. It has eleven." in note
    data = json.loads(page.locator('script[type="application/ld+json"]').inner_text())
    assert data["correctionsPolicy"] == "https://news.example/corrections-policy"
    [comment] = data["correction"]
    assert comment["@type"] == "CorrectionComment" and comment["text"].endswith("It has eleven.")

    page.goto(f"{live_server}/desk/")
    page.click("button:has-text('Sign out')")
    page.wait_for_url("**/auth/login**")
    browser_sign_in(page, f"{live_server}/desk/stats", author.email)
    assert page.locator("h1").inner_text() == "Your statistics"
    row = page.locator("table.ttc-authors tr", has_text="Olena Koval").inner_text()
    assert [cell.strip() for cell in row.split("\t")] == ["Olena Koval", "1", "5 hr 0 min", "5 hr 0 min"]
    rate = page.locator("table.rate-authors tr", has_text="Olena Koval").inner_text()
    assert [cell.strip() for cell in rate.split("\t")] == ["Olena Koval", "1", "1", "100.0"]
