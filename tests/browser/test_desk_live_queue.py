"""Two editors with the queue open: a reader's report appears in it within 3 seconds, and each sees the
other's claims and decisions in place, without a reload, while focus and the selected row stay put."""

import json
import urllib.request
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Correction
from tests.factories import PASSWORD, make_article, make_correction, make_user, paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]  # a live server in a thread

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True,
         "locale": "en-GB"}
WITHIN = 3000  # ms: the promise, with the page polling every 2 s


def signed_in_page(browser, base_url: str, user, **context_options):
    context = browser.new_context(**({"locale": "en-GB"} | context_options))
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base_url}/desk/")
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/desk/")
    return context, page


def report_through_the_api(app, base_url: str, article, key: str, exact: str, comment: str) -> int:
    """A reader's report, posted over HTTP to the live server's API as the widget posts it; its number."""
    body = json.dumps({"idempotency_key": key, "article_url": article.url, "kind": "factual",
                       "selectors": [{"type": "TextQuoteSelector", "exact": exact}], "comment": comment})
    request = urllib.request.Request(f"{base_url}/api/v1/corrections", data=body.encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
    with app.app_context():
        return db.session.scalar(select(func.max(Correction.id)))


def row_ids(page) -> list[str]:
    return page.locator("tr.queue-row").evaluate_all("rows => rows.map(r => r.dataset.id)")


def test_two_editors_see_new_reports_and_each_others_work_without_reloading(app, db_session, live_server,
                                                                          browser):
    ada, bo = make_user(db_session, "ada@example.com"), make_user(db_session, "bo@example.com")
    bo.name = "Bo Editor"
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on Thursday night."))
    waiting = make_correction(db_session, article, exact="Thursday", created_at=utcnow() - timedelta(hours=2))
    db_session.commit()

    context_a, a = signed_in_page(browser, live_server, ada)
    context_b, b = signed_in_page(browser, live_server, bo)
    try:
        assert row_ids(a) == [str(waiting.id)]
        title = a.title()
        # Ada works in the queue: the waiting report selected, its checkbox focused and ticked.
        a.locator(f'tr.queue-row[data-id="{waiting.id}"] input[type=checkbox]').focus()
        a.keyboard.press("Space")
        a.evaluate("window.focusedBefore = document.activeElement")

        new_id = report_through_the_api(app, live_server, article, "live-queue-report-0001", "twelve to five",
                                        "<b>Eleven</b> to five.")
        arrived = a.locator(f'tr.queue-row[data-id="{new_id}"]')
        arrived.wait_for(timeout=WITHIN)
        assert row_ids(a) == [str(new_id), str(waiting.id)]  # on top
        assert "arrived" in arrived.get_attribute("class")
        assert "<b>Eleven</b> to five." in arrived.inner_text()  # the reader's words, as text
        assert a.title() == f"(1) {title}"
        assert a.locator(".tabs a[data-tab=new] .count").inner_text() == "2"
        expect(a.locator("#queue-announcer")).to_have_text("1 new report in this tab.")
        assert a.locator("tr.queue-row.selected").get_attribute("data-id") == str(waiting.id)
        assert a.evaluate("document.activeElement === window.focusedBefore")

        # Bo, in his own browser, claims the waiting report from the queue with the keyboard.
        b.reload()
        b.locator(f'tr.queue-row[data-id="{waiting.id}"]').click()
        with b.expect_navigation():
            b.keyboard.press("c")

        row = a.locator(f'tr.queue-row[data-id="{waiting.id}"]')
        a.locator(f'tr.queue-row.left-tab[data-id="{waiting.id}"]').wait_for(timeout=WITHIN)
        assert "Bo Editor" in row.inner_text() and "in review" in row.inner_text().lower()
        assert a.locator("tr.queue-row.selected").get_attribute("data-id") == str(waiting.id)
        assert a.evaluate("document.activeElement === window.focusedBefore")
        assert row.locator("input[type=checkbox]").is_checked()  # Ada's tick survives the redraw
        assert a.locator(".tabs a[data-tab=in_review] .count").inner_text() == "1"

        # Bo accepts the new report on its page; Ada sees it leave her "new" tab, in place.
        b.goto(f"{live_server}/desk/corrections/{new_id}")
        with b.expect_navigation():
            b.locator('#decision-form button[name="action"][value="accept"]').click()
        a.locator(f'tr.queue-row[data-id="{new_id}"] td.state-accepted').wait_for(timeout=WITHIN)
        assert a.locator(".tabs a[data-tab=new] .count").inner_text() == "0"
        assert row_ids(a) == [str(new_id), str(waiting.id)]  # nothing moved under Ada's cursor

        # Ada's keyboard still walks the rows, the arrived one included; her key press clears the count.
        a.locator("h1").click()
        a.keyboard.press("k")
        assert a.locator("tr.queue-row.selected").get_attribute("data-id") == str(new_id)
        assert a.title() == title
    finally:
        context_a.close()
        context_b.close()


def test_on_a_phone_an_empty_queue_shows_the_new_report_as_a_card(app, db_session, live_server, browser):
    ada = make_user(db_session, "ada@example.com")
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on Thursday night."))
    db_session.commit()
    context, page = signed_in_page(browser, live_server, ada, **PHONE)
    try:
        assert page.locator("#queue").is_hidden() and page.locator(".bulk-actions").is_hidden()
        assert page.locator("p.empty").is_visible()
        new_id = report_through_the_api(app, live_server, article, "live-queue-phone-0001", "twelve to five", "Eleven.")
        card = page.locator(f'tr.queue-row[data-id="{new_id}"]')
        card.wait_for(timeout=WITHIN)
        assert page.locator("p.empty").is_hidden() and page.locator(".bulk-actions").is_visible()
        assert card.evaluate("row => getComputedStyle(row).display") == "block"  # the card layout
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()
