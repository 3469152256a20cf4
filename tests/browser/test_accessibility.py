"""axe-core on every page a reader, a patron or a staff member sees, with data on them: no serious or
critical violation of WCAG 2.2 A/AA (or of axe's best practices) anywhere. What axe cannot judge
(focus visible, target size, the keyboard...) is checked by hand: see README, "Accessibility"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from readerdesk.clock import utcnow
from readerdesk.models import Role
from readerdesk.services.corrections.capture import submit_correction
from readerdesk.services.desk import moderation
from readerdesk.services.polls.ballots import make_vote_token, vote_link
from readerdesk.services.publishing.publish import publish
from tests.browser.axe import assert_no_serious_violations
from tests.conftest import TEST_SECRET_KEY
from tests.factories import (
    PASSWORD,
    make_article,
    make_correction,
    make_patron,
    make_poll,
    make_site,
    make_user,
    paragraphs,
)
from tests.helpers import next_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]  # a live server in a thread

STORY = paragraphs("The council voted twelve to five for the new bridge on Tuesday.",
                   "The cost will be split between the city and the regional transport fund.",
                   "Works start in March and should end before the winter.")


@pytest.fixture
def newsroom(app, db_session, live_server):
    """An English and a Ukrainian site; an article with a published correction and a report waiting;
    an admin with two-factor sign-in and an editor; patrons and an open poll."""
    site = make_site(db_session, "courier", title="The Courier")
    site.policy_markdown = ("# How we correct\n\nWe fix errors **promptly**.\n\n"
                            "- Write to [the desk](mailto:desk@news.example)\n\n"
                            "| Type | Meaning |\n| --- | --- |\n| Correction | A factual error fixed |\n")
    make_site(db_session, "visnyk", title="Вісник", language="uk")
    article = make_article(db_session, site, url="https://news.example/2026/bridge", title="A bridge for the city",
                           html=STORY)
    admin = make_user(db_session, "boss@example.com", Role.ADMIN)
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    report = submit_correction(db_session, {
        "idempotency_key": "a11y-report-00001", "article_url": article.url, "kind": "factual",
        "selectors": [{"type": "TextQuoteSelector", "exact": "twelve to five"}],
        "suggestion": "eleven to five", "comment": "The minutes say eleven.", "name": "Ada",
        "email": "ada@example.org", "notify": True,
    }, origin=None, own_origins=set(), ip_hash="", now=utcnow()).load(db_session)
    moderation.accept(db_session, report, actor=editor, now=utcnow(), expected_version=report.version)
    publication = publish(db_session, report, note_type="correction", was_wrong="the vote was twelve to five",
                          is_right="It was eleven to five.", body="", actor=editor, now=utcnow(),
                          expected_version=report.version)
    waiting = make_correction(db_session, article, exact="regional transport fund", comment="It is the national one.",
                              created_at=utcnow() - timedelta(hours=3))
    patron = make_patron(db_session, site, "olena@example.org", name="Olena", display_name="Olena K.",
                         list_publicly=True)
    poll = make_poll(db_session, site, topics=("Bridge repairs", "School meals", "Night buses"))
    db_session.commit()
    yield {"site": site, "article": article, "published": report, "note": publication.note, "waiting": waiting,
           "admin": admin, "editor": editor, "patron": patron, "poll": poll, "url": live_server}


@pytest.fixture
def page(browser):
    # The pages' Content-Security-Policy allows only scripts with their nonce: bypass it to inject axe.
    context = browser.new_context(locale="en-GB", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def check(page, url: str, path: str, status: int = 200) -> None:
    response = page.goto(url + path)
    assert response.status == status, path
    assert page.locator("a.skip-link[href='#main']").count() == 1 and page.locator("main#main").count() == 1, path
    assert_no_serious_violations(page, path)


def test_reader_and_patron_pages(newsroom, page):
    url, site, article, poll = newsroom["url"], newsroom["site"], newsroom["article"], newsroom["poll"]
    note, published = newsroom["note"], newsroom["published"]
    for path in ["/", f"/sites/{site.name}/", "/sites/visnyk/", "/corrections", f"/corrections?site={site.name}",
                 f"/corrections/notes/{note.id}", f"/corrections/{utcnow().year}", f"/status/{published.public_id}",
                 f"/support?site={site.name}", "/support?site=visnyk", f"/supporters?site={site.name}",
                 f"/support/manage?site={site.name}", f"/privacy?site={site.name}",
                 f"/support/polls?site={site.name}", f"/support/polls/{poll.id}",
                 f"/sites/{site.name}/polls/{poll.id}", f"/sites/{site.name}/policy"]:
        check(page, url, path)
    check(page, url, "/no/such/page", 404)
    check(page, url, "/corrections/notes/999999", 404)

    # A patron's ballot, from the link in their email (the page posts the link's token to get it).
    token = make_vote_token(TEST_SECRET_KEY, newsroom["patron"], poll, expires_at=utcnow() + timedelta(hours=1))
    page.goto(vote_link(url, token))
    expect(page.get_by_role("button", name="Vote")).to_be_visible()
    assert_no_serious_violations(page, "the ballot")

    # The article with its note, then the widget's dialog, open and after a refused send.
    check(page, url, f"/sites/{site.name}/articles/{article.id}")
    page.get_by_text("write to us here").click()
    expect(page.locator("[data-readerdesk] dialog")).to_be_visible()
    assert_no_serious_violations(page, "the widget's dialog")
    page.locator("[data-readerdesk] #s").click()
    expect(page.locator("[data-readerdesk] #e-comment")).not_to_be_empty()
    assert_no_serious_violations(page, "the widget's dialog with errors")


def test_the_first_tab_stop_skips_to_the_content(newsroom, page):
    url = newsroom["url"]
    for path in ("/corrections", f"/sites/{newsroom['site'].name}/articles/{newsroom['article'].id}"):
        page.goto(url + path)
        page.keyboard.press("Tab")
        link = page.locator(".skip-link")
        expect(link).to_be_focused()
        expect(link).to_have_text("Skip to content")
        box = link.bounding_box()
        assert box["y"] >= 0 and box["x"] >= 0  # on screen while it has focus
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        assert page.locator(".skip-link").bounding_box()["y"] < 0  # and out of sight again


def test_desk_pages(newsroom, page):
    url, published, waiting = newsroom["url"], newsroom["published"], newsroom["waiting"]
    check(page, url, "/auth/login")
    page.fill("#email", newsroom["admin"].email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/auth/two-factor")
    assert_no_serious_violations(page, "the two-factor step")
    page.fill("#code", next_totp_code(newsroom["admin"]))
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/desk/")

    poll, patron, site = newsroom["poll"], newsroom["patron"], newsroom["site"]
    for path in ["/desk/", "/desk/?tab=all", f"/desk/corrections/{waiting.id}", f"/desk/corrections/{published.id}",
                 f"/desk/corrections/{waiting.id}/publish", "/desk/stats", "/desk/patrons",
                 f"/desk/patrons/{patron.id}", "/desk/patrons/wall", "/desk/polls", "/desk/polls/new",
                 f"/desk/polls/{poll.id}", f"/desk/polls/{poll.id}/edit", "/desk/polls/suggestions",
                 "/desk/admin/users", "/desk/admin/sites", f"/desk/admin/sites/{site.id}",
                 "/desk/admin/author-desks", "/desk/admin/security-log", "/desk/admin/privacy/", "/desk/account/"]:
        check(page, url, path)
    check(page, url, "/desk/corrections/999999", 404)

    page.goto(f"{url}/desk/account/")
    page.get_by_role("button", name="Change password").click()  # nothing filled in: every field in error
    expect(page.locator(".field-error").first).to_be_visible()
    assert_no_serious_violations(page, "the account page with a refused form")

    page.goto(f"{url}/desk/")
    page.keyboard.press("?")
    expect(page.locator("#keyboard-help")).to_be_visible()
    assert_no_serious_violations(page, "the keyboard help")


def test_two_factor_enrolment(newsroom, page):
    """The set-up page an editor without two-factor sign-in sees (QR code, secret, code field)."""
    url = newsroom["url"]
    page.goto(f"{url}/auth/login")
    page.fill("#email", newsroom["editor"].email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{url}/desk/")
    check(page, url, "/desk/account/two-factor")
