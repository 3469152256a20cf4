from datetime import timedelta

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import Correction, Status
from tests.factories import PASSWORD, make_article, make_correction, make_user, paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]  # a live server in a thread


def selected_id(page) -> str:
    return page.locator("tr.queue-row.selected").get_attribute("data-id")


def test_triage_the_queue_with_the_keyboard(app, db_session, live_server, browser_page):
    page = browser_page
    editor = make_user(db_session, "ed@example.com")
    article = make_article(db_session, html=paragraphs(*(f"Sentence number {i} of the story." for i in range(4))))
    start = utcnow() - timedelta(hours=5)
    reports = [make_correction(db_session, article, exact=f"Sentence number {i}", created_at=start + timedelta(hours=i))
               for i in range(4)]
    db_session.commit()
    ids = [str(c.id) for c in reports]

    page.goto(f"{live_server}/desk/")
    page.fill("#email", editor.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/desk/")

    # Oldest first among equals; the first row starts highlighted.
    assert page.locator("tr.queue-row").evaluate_all("rows => rows.map(r => r.dataset.id)") == ids
    assert selected_id(page) == ids[0]
    page.keyboard.press("j")
    page.keyboard.press("j")
    assert selected_id(page) == ids[2]
    page.keyboard.press("k")
    assert selected_id(page) == ids[1]

    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url.endswith(f"/desk/corrections/{ids[1]}")
    assert page.locator("mark").inner_text() == "Sentence number 1"
    page.go_back()
    page.wait_for_selector("tr.queue-row.selected")

    page.keyboard.press("?")
    assert page.locator("#keyboard-help").is_visible()
    page.keyboard.press("Escape")
    assert not page.locator("#keyboard-help").is_visible()

    page.keyboard.press("k")
    assert selected_id(page) == ids[0]
    for key in ("a", "r", "s", "c"):
        with page.expect_navigation():
            page.keyboard.press(key)
        page.wait_for_load_state()
    assert page.locator(".flash").first.inner_text().startswith("Claimed report")
    assert page.locator("tr.queue-row").count() == 0  # all four left the "new" tab

    db_session.expire_all()
    states = {c.id: (c.status, c.assignee_id) for c in db_session.scalars(select(Correction))}
    assert [states[int(i)] for i in ids] == [
        (Status.ACCEPTED, None), (Status.REJECTED, None), (Status.SPAM, None), (Status.IN_REVIEW, editor.id)]
