"""Topic polls end to end in Chromium: an editor creates a poll, two patrons vote through magic links
caught by the test SMTP server (one with the mouse, one with the keyboard), a non-patron is refused
politely, and the results appear on the desk and, after closing, publicly."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Poll, Role
from tests.conftest import mail_settings
from tests.factories import PASSWORD, make_patron, make_site, make_user
from tests.helpers import run_jobs

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]


def voting_link(smtp_server, to: str) -> str:
    [message] = [m for m in smtp_server.messages if m["To"] == to]
    return re.search(r"http://\S+/support/polls/vote#\S+", message.get_content())[0]


def ask_for_link(page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_label("Your email").fill(email)
    page.get_by_role("button", name="Send me a voting link").click()
    expect(page.locator("#poll-link-sent")).to_contain_text("If this address belongs to a patron")


def test_an_editor_creates_a_poll_patrons_vote_and_results_are_shown(app, live_server, browser, smtp_server):
    app.config.update(mail_settings(smtp_server), PUBLIC_URL=live_server)
    site = make_site(db.session, "demo", title="Demo Daily")
    make_user(db.session, "editor@example.com", Role.EDITOR)
    make_patron(db.session, site, "olena@example.org", tier="coffee")
    make_patron(db.session, site, "jonas@example.org", tier="reader")
    db.session.commit()
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)

    # 1. The editor creates a poll.
    page.goto(f"{live_server}/auth/login?next=/desk/polls/new")
    page.get_by_label("Email").fill("editor@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Question").fill("Which story should we dig into next?")
    page.get_by_label("Topics").fill("Bridge repairs | why the works are late\nSchool meals\nNight buses")
    now = utcnow()
    page.get_by_label("Opens").fill((now - timedelta(minutes=5)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Closes").fill((now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Results").select_option("after_close")
    page.get_by_role("button", name="Save the poll").click()
    expect(page.locator("#poll-state")).to_contain_text("open")
    poll_id = db.session.query(Poll.id).scalar()

    # The support box on an article page shows the open poll (data-poll turns it on).
    voter = context.browser.new_context(locale="en-GB").new_page()
    voter.set_default_timeout(10_000)
    voter.set_content(f'<div data-readerdesk-support data-poll data-site="demo" data-base="{live_server}"></div>'
                      f'<script src="{live_server}/static/readerdesk-support.js"></script>')
    expect(voter.get_by_role("heading", name="Which story should we dig into next?")).to_be_visible()
    expect(voter.get_by_role("link", name="Become a patron to vote")).to_have_attribute(
        "href", f"{live_server}/support?site=demo")
    voter.get_by_role("link", name="Vote — for patrons").click()
    voter.wait_for_url(f"{live_server}/support/polls/{poll_id}")

    # 2. Two patrons ask for links and vote: one with the mouse, one with the keyboard.
    ask_for_link(voter, f"{live_server}/support/polls/{poll_id}", "olena@example.org")
    ask_for_link(voter, f"{live_server}/support/polls/{poll_id}", "Jonas@Example.org")
    # 3. A non-patron gets the same polite answer, an invitation to become a patron, and no link.
    ask_for_link(voter, f"{live_server}/support/polls/{poll_id}", "stranger@example.org")
    expect(voter.get_by_role("link", name="Become a patron to vote")).to_be_visible()
    run_jobs()
    assert sorted(m["To"] for m in smtp_server.messages) == ["jonas@example.org", "olena@example.org"]

    voter.goto("about:blank")  # each patron opens their link afresh (a fragment alone would not reload)
    voter.goto(voting_link(smtp_server, "olena@example.org"))
    voter.get_by_label("School meals").click()
    voter.get_by_label("Tell me when a topic I voted for is covered").check()
    voter.get_by_role("button", name="Vote").click()
    expect(voter.locator("#voted")).to_contain_text("Your vote is counted.")

    voter.goto("about:blank")
    voter.goto(voting_link(smtp_server, "jonas@example.org"))
    voter.get_by_label("Bridge repairs").focus()
    voter.keyboard.press("ArrowDown")  # radio buttons: the arrow moves the choice to "School meals"
    voter.keyboard.press("ArrowDown")  # ... and on to "Night buses"
    expect(voter.get_by_label("Night buses")).to_be_checked()
    voter.keyboard.press("Enter")  # submits the form
    expect(voter.locator("#voted")).to_contain_text("Your vote is counted.")
    # The same link a second time is refused with a sentence.
    voter.goto("about:blank")
    voter.goto(voting_link(smtp_server, "jonas@example.org"))
    expect(voter.locator("#link-invalid")).to_contain_text("used already")

    # 4. The desk shows the results; the public page shows them only after closing.
    page.reload()
    expect(page.locator("#turnout")).to_contain_text("2 ballots cast")
    expect(page.locator("#results-chart").get_by_role("img")).to_be_visible()  # the one drawing shown
    expect(page.locator("#results tr", has_text="School meals").locator(".votes")).to_have_text("1")
    voter.goto(f"{live_server}/sites/demo/polls/{poll_id}")
    expect(voter.locator("#results-hidden")).to_contain_text("Results will be shown when the poll closes.")
    page.get_by_role("button", name="Close now").click()
    expect(page.locator("#poll-state")).to_contain_text("closed")
    expect(page.locator("#poll-log")).to_contain_text("closed the poll early")
    voter.goto(f"{live_server}/sites/demo/polls/{poll_id}")
    expect(voter.locator("#public-turnout")).to_have_text("2 patrons voted.")
    expect(voter.locator("#public-results")).to_contain_text("Night buses")
    context.close()
