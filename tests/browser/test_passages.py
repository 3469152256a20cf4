"""Every passage honestly placed, in Chromium: a report from a stale copy of the page, reports on the
headline and a caption, and published corrections marked where they stand on a publisher's page."""

from __future__ import annotations

import secrets

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Article, CorrectionNote, NoteType, Role, Site
from readerdesk.services.articles.ingest import add_revision, ingest_article
from tests.browser.test_widget import SELECT_JS, dialog, send
from tests.factories import PASSWORD, make_user, paragraphs

pytestmark = pytest.mark.browser

SENTENCE = "Works on the eastern approach will begin on 12 March 2027 and end by October."
STORY = [
    "Hollen council approved the repair plan for the Marrow Street Bridge on Thursday evening.",
    SENTENCE,
    "The mayor said the bridge would stay open to pedestrians throughout the works.",
]


def add_article(live, slug: str, html: str, title: str = "The bridge repair timetable") -> str:
    with live.app.app_context():
        site = db.session.scalar(select(Site).where(Site.name == "demo"))
        ingest_article(db.session, site, url=f"{live.url}/sites/demo/news/{slug}", title=title, html=html,
                       now=utcnow(), hosted=True)
        db.session.commit()
    return f"/sites/demo/news/{slug}"


def new_revision(live, path: str, html: str) -> None:
    with live.app.app_context():
        article = db.session.scalar(select(Article).where(Article.url == live.url + path))
        add_revision(db.session, article, html, now=utcnow())
        db.session.commit()


def select_in(page, container: str, start: str, end: str | None = None) -> str:
    return page.evaluate(SELECT_JS, [container, start, end, 0])


def sign_in(page, live) -> None:
    email = f"ed-{secrets.token_hex(4)}@example.com"
    with live.app.app_context():
        make_user(db.session, email, Role.EDITOR)
        db.session.commit()
    page.goto(f"{live.url}/desk/")
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live.url}/desk/")


def test_a_report_from_a_page_opened_before_an_edit_says_older_version_with_the_diff(page, live):
    path = add_article(live, f"timetable-{secrets.token_hex(3)}", paragraphs(*STORY))
    page.goto(live.url + path)  # 1. the reader opens revision 1
    expect(page.locator(".readerdesk-write a")).to_be_visible()
    new_revision(live, path, paragraphs(*STORY).replace("12 March", "13 March"))  # 2. revision 2 arrives
    select_in(page, ".article-body", SENTENCE)  # 3. the reader reports from the open revision-1 page
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-readerdesk] blockquote")).to_have_text(SENTENCE)
    page.locator("[data-readerdesk] #suggestion").fill(SENTENCE.replace("12", "13"))
    send(page)

    [correction] = live.corrections()
    assert correction.quote_verbatim and correction.reported_on_older_revision
    sign_in(page, live)  # 4. the desk says what is true
    page.goto(f"{live.url}/desk/corrections/{correction.id}")
    story = page.locator("p.anchor")
    expect(story).to_contain_text("Reported on an older version of the article (revision 1)")
    expect(story).to_contain_text("possibly already fixed")
    expect(story).to_contain_text("The passage now reads (revision 2)")
    expect(story).not_to_contain_text("exactly as the reader saw it")
    expect(page.locator(".anchor-diff del")).to_have_text("12")
    expect(page.locator(".anchor-diff ins")).to_have_text("13")


CAPTIONED = paragraphs(*STORY[:2]) + (
    "<figure><figcaption>The bridge seen from the east bank in March, before the works.</figcaption></figure>"
) + paragraphs(STORY[2])


def test_reports_on_the_headline_and_on_a_caption(page, live):
    path = add_article(live, f"captioned-{secrets.token_hex(3)}", CAPTIONED, title="Bridge works to start in March")
    page.goto(live.url + path)
    expect(page.locator(".readerdesk-write a")).to_be_visible()

    select_in(page, "article > header > h1", "works to start")
    page.keyboard.press("Control+Enter")
    expect(dialog(page)).to_be_visible()
    expect(page.locator("[data-readerdesk] blockquote")).to_have_text("works to start")
    expect(page.locator("[data-readerdesk] #cl")).to_be_hidden()
    send(page)
    page.keyboard.press("Escape")

    select_in(page, "figcaption", "from the east bank")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-readerdesk] blockquote")).to_have_text("from the east bank")
    page.locator("[data-readerdesk] #suggestion").fill("from the west bank")
    send(page)
    page.keyboard.press("Escape")

    headline, caption = live.corrections()
    assert (headline.part, headline.exact, headline.quote_verbatim) == ("headline", "works to start", True)
    assert headline.revision.parts["headline"][headline.start:headline.end] == "works to start"
    assert (caption.part, caption.exact) == ("caption", "from the east bank")
    assert caption.revision.parts["caption"][caption.start:caption.end] == "from the east bank"
    assert not headline.selection_clipped and not caption.selection_clipped


def test_a_selection_from_the_headline_into_the_body_is_one_report_on_the_headline_with_a_note(page, live):
    path = add_article(live, f"across-{secrets.token_hex(3)}", CAPTIONED, title="Bridge works to start in March")
    page.goto(live.url + path)
    expect(page.locator(".readerdesk-write a")).to_be_visible()
    select_in(page, "article", "to start in March", "Hollen council approved")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-readerdesk] blockquote")).to_have_text("to start in March")
    expect(page.locator("[data-readerdesk] #cl")).to_be_visible()
    expect(page.locator("[data-readerdesk] #cl")).to_contain_text("went on past this part of the page")
    send(page)
    [correction] = live.corrections()
    assert (correction.part, correction.exact, correction.selection_clipped) == ("headline", "to start in March", True)


def test_a_selection_outside_every_part_opens_the_general_form_with_it_as_context(page, live):
    path = add_article(live, f"outside-{secrets.token_hex(3)}", CAPTIONED)
    page.goto(live.url + path)
    expect(page.locator(".readerdesk-write a")).to_be_visible()
    selected = select_in(page, "p.site-name", "The Riverside Courier")
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-readerdesk] h2")).to_have_text("Write to us")
    expect(page.locator("[data-readerdesk] #ql")).to_have_text("The text you selected")
    expect(page.locator("[data-readerdesk] blockquote")).to_have_text(selected)
    expect(page.locator("[data-readerdesk] fieldset")).to_be_hidden()
    page.locator("[data-readerdesk] #comment").fill("Is the paper's name spelt right?")
    send(page)
    [correction] = live.corrections()
    assert correction.kind.value == "general" and correction.selected_text == "The Riverside Courier"


# --- corrected passages marked where they stand ------------------------------------------------

CORRECTED = "replace eleven of the bridge's cross-girders"
NOTE = "An earlier version said twelve cross-girders would be replaced; the plan replaces eleven."


def publish_note(live, path: str, phrase: str) -> int:
    with live.app.app_context():
        article = db.session.scalar(select(Article).where(Article.url == live.url + path))
        revision = article.current_revision
        start = revision.text.index(phrase)
        note = CorrectionNote(site_id=article.site_id, article_id=article.id, note_type=NoteType.CORRECTION, body=NOTE,
                              published_at=utcnow(), passage_revision=revision, passage_start=start,
                              passage_end=start + len(phrase))
        db.session.add(note)
        db.session.commit()
        return note.id


def publisher_page(live, second_origin, path: str) -> str:
    with live.app.app_context():
        html = db.session.scalar(select(Article).where(Article.url == live.url + path)).current_revision.html
    second_origin.html = (
        f'<!doctype html><html lang="en"><head><title>Bridge</title><link rel="canonical" href="{live.url}{path}">'
        f'</head><body><h1>A publisher page</h1><div id="story"><aside class="promo">Subscribe!</aside>{html}</div>'
        f'<p>After the story.</p><script src="{live.url}/static/readerdesk.js" data-container="#story" async></script>'
        "</body></html>"
    )
    return second_origin.url + "/2026/bridge-works.html"


def test_a_published_corrections_marker_sits_at_its_words_on_a_publishers_page(page, live, second_origin):
    body = ["The council approved the plan on Thursday.",
            f"Under the plan, contractors will {CORRECTED} and repaint the whole structure.",
            "The deck will be closed to cars for about five months."]
    path = add_article(live, f"marked-{secrets.token_hex(3)}", paragraphs(*body))
    note_id = publish_note(live, path, CORRECTED)
    page.goto(publisher_page(live, second_origin, path))

    marks = page.locator("mark.readerdesk-mark")
    expect(marks).to_have_count(1)
    expect(marks).to_have_text(CORRECTED)
    marker = page.locator("sup.readerdesk-marker a")
    expect(marker).to_have_attribute("aria-label", "Correction: read the note")
    expect(marker).to_have_attribute("href", f"#readerdesk-note-{note_id}")
    # The marker is right after the corrected words, and the page's text is otherwise untouched.
    assert page.evaluate("document.querySelector('mark.readerdesk-mark').nextSibling.className") == "readerdesk-marker"
    assert page.evaluate("readerdesk.canonicalText(document.querySelector('#story'))").count(CORRECTED) == 1
    # Hovering outlines the passage.
    marker.hover()
    expect(marks).to_have_class("readerdesk-mark readerdesk-on")

    # The marker opens the note in a popover, with the keyboard too; Escape closes it.
    popover = page.locator(f"#readerdesk-note-{note_id}-popover")
    expect(popover).to_be_hidden()
    marker.focus()
    page.keyboard.press("Enter")
    expect(popover).to_be_visible()
    expect(popover).to_contain_text(NOTE)
    expect(marker).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(popover).to_be_hidden()
    expect(marker).to_have_attribute("aria-expanded", "false")
    # The note is in the list after the article as well, where the link points.
    expect(page.locator(f"aside.readerdesk-notes #readerdesk-note-{note_id}")).to_contain_text(NOTE)

    # The passage is rewritten beyond recognition: the note stays listed, and nothing is marked.
    new_revision(live, path, paragraphs(body[0], "Under the plan, the works team will strengthen the structure "
                                                 "where the inspectors found it weakest.", body[2]))
    page.goto(publisher_page(live, second_origin, path))
    expect(page.locator("aside.readerdesk-notes")).to_contain_text(NOTE)
    page.wait_for_timeout(300)
    assert page.locator("mark.readerdesk-mark").count() == 0
    assert page.locator("sup.readerdesk-marker").count() == 0


def test_readerdesks_own_article_page_marks_the_corrected_passage_too(page, live):
    body = ["The council approved the plan on Thursday.",
            f"Under the plan, contractors will {CORRECTED} and repaint the whole structure."]
    path = add_article(live, f"own-{secrets.token_hex(3)}", paragraphs(*body))
    note_id = publish_note(live, path, CORRECTED)
    page.goto(live.url + path)
    expect(page.locator("mark.readerdesk-mark")).to_have_text(CORRECTED)
    page.locator("sup.readerdesk-marker a").click()
    expect(page.locator(f"#readerdesk-note-{note_id}-popover")).to_contain_text(NOTE)
    assert page.locator("aside.readerdesk-notes").count() == 0  # the server lists the notes itself
    expect(page.locator(f"#readerdesk-note-{note_id}")).to_contain_text(NOTE)
