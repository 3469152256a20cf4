"""The widget on a publisher's own page (another origin): published notes and the support box."""

from __future__ import annotations

import pytest
from babel.dates import format_date
from playwright.sync_api import expect
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Article, CorrectionNote, NoteType

pytestmark = [pytest.mark.browser, pytest.mark.slow]
BRIDGE = "/sites/demo/news/bridge"
NOTE = "An earlier version said twelve cross-girders would be replaced; the plan replaces eleven."


@pytest.fixture
def published_note(live):
    with live.app.app_context():
        article = db.session.scalar(select(Article).where(Article.url == live.url + BRIDGE))
        note = CorrectionNote(site_id=article.site_id, article_id=article.id, note_type=NoteType.CORRECTION,
                              body=NOTE, published_at=utcnow())
        db.session.add(note)
        db.session.commit()
        note_id = note.id
    yield
    with live.app.app_context():
        db.session.delete(db.session.get(CorrectionNote, note_id))
        db.session.commit()


def publisher_page(live, second_origin, lang: str = "en") -> str:
    with live.app.app_context():
        html = db.session.scalar(select(Article).where(Article.url == live.url + BRIDGE)).current_revision.html
    second_origin.html = (
        f'<!doctype html><html lang="{lang}"><head><title>Bridge</title>'
        f'<link rel="canonical" href="{live.url}{BRIDGE}">'
        f'</head><body><div id="story">{html}</div><div data-readerdesk-support data-site="demo"></div>'
        f'<script src="{live.url}/static/readerdesk.js" data-container="#story" async></script></body></html>'
    )
    return second_origin.url + "/2026/bridge.html"


def test_a_publishers_page_shows_the_published_notes_and_the_support_box(page, live, second_origin, published_note):
    page.goto(publisher_page(live, second_origin))
    notes = page.locator("aside.readerdesk-notes")
    expect(notes).to_contain_text(NOTE)
    expect(notes).to_contain_text("Correction, ")
    # The note sits right after the article body, and reader text is text, not markup.
    assert page.evaluate("document.querySelector('#story').nextElementSibling.className") == "readerdesk-notes"
    support = page.locator("[data-readerdesk-support] a.tier").first
    expect(support).to_be_visible()
    assert support.get_attribute("href").startswith(live.url + "/support?")


def test_readerdesks_own_pages_do_not_repeat_the_notes(page, live, published_note):
    page.goto(live.url + BRIDGE)
    expect(page.locator(".readerdesk-write a")).to_be_visible()
    page.wait_for_timeout(300)
    assert page.locator("aside.readerdesk-notes").count() == 0
    assert NOTE in page.content()  # printed by the server under the article


def test_on_a_ukrainian_publishers_page_the_widget_speaks_ukrainian_and_labels_notes_in_the_sites_language(
        page, live, second_origin, published_note):
    """Its words come from static/i18n/readerdesk.uk.json, fetched across origins; the note's label is
    the site's (English) one."""
    page.goto(publisher_page(live, second_origin, lang="uk-UA"))
    expect(page.get_by_text("напишіть нам тут")).to_be_visible()
    expect(page.locator("aside.readerdesk-notes")).to_contain_text("Correction, ")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-readerdesk] h2")).to_have_text("Напишіть нам")
    expect(page.locator("[data-readerdesk] #s")).to_have_text("Надіслати")


def test_on_a_ukrainian_page_a_notes_date_is_in_ukrainian_from_the_first_visit(page, live, second_origin,
                                                                               published_note):
    """The widget's Ukrainian words arrive after the notes are drawn; the date never waits for them
    (it read "12/1/2026" on a first visit)."""
    page.goto(publisher_page(live, second_origin, lang="uk-UA"))
    month = format_date(utcnow(), "d MMMM y", locale="uk")  # "1 грудня 2026"
    expect(page.locator("aside.readerdesk-notes strong")).to_have_text(f"Correction, {month} р.: ")
