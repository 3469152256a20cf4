from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import Correction, ModerationEvent, Status
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


# What has focus: "dialog:<its text>" inside the help dialog, else "<TAG>:<its text>".
ACTIVE = """() => { const a = document.activeElement;
  return (a.closest('dialog') ? 'dialog' : a.tagName) + ':' + a.textContent.trim(); }"""


def _queue_with_one_report(db_session, live_server, page, email: str) -> str:
    editor = make_user(db_session, email)
    article = make_article(db_session, html=paragraphs("The bridge cost twelve million."))
    report = make_correction(db_session, article, exact="twelve million")
    db_session.commit()
    page.goto(f"{live_server}/desk/")
    page.fill("#email", editor.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/desk/")
    return str(report.id)


def test_the_keyboard_help_keeps_focus_inside_and_gives_it_back(db_session, live_server, browser_page):
    page = browser_page
    _queue_with_one_report(db_session, live_server, page, "ed@example.com")
    opener = page.get_by_role("button", name="Keyboard shortcuts")
    opener.focus()
    page.keyboard.press("Enter")
    help_box = page.locator("#keyboard-help")
    assert help_box.is_visible() and help_box.evaluate("d => d.matches(':modal')")
    assert page.evaluate(ACTIVE) == "dialog:Close"
    seen = set()
    for key in ["Tab"] * 5 + ["Shift+Tab"] * 5:  # round and round its two controls, never onto the page
        page.keyboard.press(key)
        seen.add(page.evaluate(ACTIVE))
    assert seen == {"dialog:Close", "dialog:Turn them off on your account page."}
    page.keyboard.press("Escape")
    assert not help_box.is_visible()
    assert page.evaluate(ACTIVE) == "BUTTON:Keyboard shortcuts"  # back where it was opened

    page.keyboard.press("?")  # the shortcut opens it too, and closes it
    assert help_box.is_visible()
    page.keyboard.press("?")
    assert not help_box.is_visible()
    assert page.evaluate(ACTIVE) == "BUTTON:Keyboard shortcuts"


def test_single_key_shortcuts_can_be_turned_off(db_session, live_server, browser_page):
    page = browser_page
    report_id = _queue_with_one_report(db_session, live_server, page, "speech@example.com")
    page.get_by_label("Search").focus()  # in a text field, the keys are typed, never obeyed
    page.keyboard.type("a")
    assert page.url == f"{live_server}/desk/" and page.get_by_label("Search").input_value() == "a"

    page.goto(f"{live_server}/desk/account/")
    box = page.get_by_label("Single-key shortcuts", exact=False)
    assert box.is_checked()  # on unless turned off
    box.uncheck()
    page.locator("#shortcuts button[type=submit]").click()
    expect(page.locator(".flash")).to_have_text("Single-key shortcuts are off.")
    assert not page.get_by_label("Single-key shortcuts", exact=False).is_checked()

    page.goto(f"{live_server}/desk/")
    for key in ("j", "a", "r", "s", "c", "o", "?"):
        page.keyboard.press(key)
    page.wait_for_timeout(300)
    assert page.url == f"{live_server}/desk/" and not page.locator("#keyboard-help").is_visible()
    assert selected_id(page) == report_id  # still there, undecided
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(page.locator("#keyboard-help")).to_contain_text("Single-key shortcuts are off.")
    assert page.locator("#keyboard-help kbd").count() == 0
    db_session.expire_all()
    assert db_session.get(Correction, int(report_id)).status == Status.NEW


def sign_in_at(page, url: str, user) -> None:
    page.goto(url)
    page.fill("#email", user.email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(url)


def test_two_editors_conflict_and_the_second_reloads_without_resending(app, db_session, live_server, browser):
    """Both editors open the same report; the first accepts it; the second's rejection is refused and
    redirected to the report, with their reason kept; reloading that page sends nothing again."""
    first, second = make_user(db_session, "first@example.com"), make_user(db_session, "second@example.com")
    report = make_correction(db_session, make_article(db_session, html=paragraphs("The bridge cost twelve million.")),
                             exact="twelve million")
    db_session.commit()
    url = f"{live_server}/desk/corrections/{report.id}"
    contexts = [browser.new_context(), browser.new_context()]
    try:
        pages = [context.new_page() for context in contexts]
        for page, user in zip(pages, (first, second), strict=True):
            page.set_default_timeout(10_000)
            sign_in_at(page, url, user)
        with pages[0].expect_navigation():
            pages[0].get_by_role("button", name="Accept").click()

        page = pages[1]  # still showing the report as it was, at version 1
        page.fill("#reason", "Already fixed by the desk — see the minutes")
        with page.expect_navigation():
            page.get_by_role("button", name="Reject").click()
        assert page.url == url  # redirected (303) to the report, not a page answering the POST
        alert = page.locator("#decision-error")
        expect(alert).to_have_attribute("role", "alert")
        expect(alert).to_contain_text("changed since you opened it")
        expect(alert).to_contain_text("Last change: accept by first@example.com")
        expect(alert).to_contain_text("What you typed is kept")
        expect(page.locator("#reason")).to_have_value("Already fixed by the desk — see the minutes")
        expect(page.locator("h1 .state")).to_have_text("accepted")

        sent = []
        page.on("request", lambda request: sent.append((request.method, request.url)))
        page.reload()  # a POST result would make the browser ask to resend the form; this is a GET
        assert sent and all(method == "GET" for method, _ in sent), sent
        assert page.evaluate("performance.getEntriesByType('navigation')[0].type") == "reload"
        expect(page.locator("#decision-error")).to_have_count(0)
        expect(page.locator("h1 .state")).to_have_text("accepted")
        db_session.expire_all()
        actions = db_session.scalars(select(ModerationEvent.action).where(ModerationEvent.correction_id == report.id))
        assert actions.all() == ["accept"]
        assert db_session.get(Correction, report.id).status == Status.ACCEPTED
    finally:
        for context in contexts:
            context.close()
