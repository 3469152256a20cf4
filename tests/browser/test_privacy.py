"""Privacy in Chromium: the notice in the widget's form, in English and Ukrainian, and a reader deleting
their email from a report with the link on their status page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from readerdesk.extensions import db
from readerdesk.models import Correction
from tests.browser.test_widget import dialog, open_article, select_text, send

pytestmark = pytest.mark.browser


def notice(page):
    return page.locator("[data-readerdesk] #pn")


def test_the_form_says_what_is_kept_and_links_to_the_privacy_page(page, live):
    open_article(page, live)
    select_text(page, "The cost will be split")
    page.keyboard.press("Control+Enter")
    expect(dialog(page)).to_be_visible()
    expect(notice(page)).to_contain_text("Your name and email are optional.")
    expect(notice(page)).to_contain_text("delete them 180 days after we close your report")
    link = notice(page).get_by_role("link", name="Privacy policy")
    expect(link).to_have_attribute("href", f"{live.url}/privacy?site=demo")
    # Name and email stay optional: the report goes without them.
    send(page)
    [correction] = live.corrections()
    assert (correction.reader_email, correction.reader_name) == ("", "")


def test_the_notice_is_in_ukrainian_on_a_ukrainian_page(page, live):
    page.goto(live.url + "/sites/demo-uk/news/hromada")
    expect(page.get_by_text("напишіть нам тут")).to_be_visible()
    page.keyboard.press("Control+Enter")
    expect(notice(page)).to_contain_text("Ім’я та email необов’язкові.")
    expect(notice(page)).to_contain_text("видаляємо через 180 днів")
    expect(notice(page).get_by_role("link", name="Політика конфіденційності")).to_be_visible()


def test_a_reader_deletes_their_email_from_their_report(page, live):
    open_article(page, live)
    select_text(page, "The cost will be split")
    page.keyboard.press("Control+Enter")
    page.locator("[data-readerdesk] #email").fill("mira@example.org")
    page.locator("[data-readerdesk] #name").fill("Mira")
    send(page)
    with page.expect_popup() as popup:
        page.locator("[data-readerdesk] #m a").click()  # "Follow its status"
    status = popup.value
    requested = []
    status.on("request", lambda request: requested.append(request.url))
    link = status.get_by_role("link", name="Delete my email from this report")
    token = link.get_attribute("href").split("#", 1)[1]
    link.click()
    expect(status.get_by_text("will be removed from this report")).to_be_visible()  # the landing page posted
    [before] = live.corrections()
    assert before.reader_email == "mira@example.org"  # opening the link changed nothing
    status.get_by_role("button", name="Delete my email").click()
    expect(status.locator("#forgotten")).to_have_text(
        "Your name and email address are no longer stored with this report.")
    [after] = live.corrections()
    assert (after.reader_email, after.reader_name, after.contact_removed_by) == ("", "", "reader")
    assert not any(token in url for url in requested)  # the token never rode in a URL the server (or a log) saw
    status.get_by_role("link", name="Follow your report").click()
    expect(status.get_by_role("link", name="Delete my email from this report")).to_have_count(0)
    with live.app.app_context():
        assert db.session.get(Correction, after.id).exact == "The cost will be split"
