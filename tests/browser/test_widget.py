"""The correction widget in Chromium: what a reader does with mouse, keyboard and finger."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import AnchorState, Article, Kind, Site
from readerdesk.services.articles.ingest import ingest_article
from tests.factories import paragraphs

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BRIDGE = "/sites/demo/news/bridge"
DUPLICATE = "the twelve-member budget committee"

# Selects text in the container by phrases of its raw DOM text (text nodes concatenated), like a
# reader dragging from the start of ``start`` to the end of ``end`` (the n-th occurrence of start).
SELECT_JS = """([selector, start, end, n]) => {
  const root = document.querySelector(selector);
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  const nodes = []; let all = "";
  while (walker.nextNode()) { nodes.push([walker.currentNode, all.length]); all += walker.currentNode.data; }
  let s = -1;
  for (let i = 0; i <= n; i++) { s = all.indexOf(start, s + 1); if (s < 0) throw new Error("not found: " + start); }
  const e = end ? all.indexOf(end, s) + end.length : s + start.length;
  let a, b;
  for (const [node, o] of nodes) if (o <= s) a = [node, s - o];
  for (const [node, o] of nodes) if (!b && e <= o + node.data.length) b = [node, e - o];
  const range = document.createRange(); range.setStart(...a); range.setEnd(...b);
  const sel = getSelection(); sel.removeAllRanges(); sel.addRange(range);
  document.dispatchEvent(new Event("selectionchange"));
  return sel.toString();
}"""


def select_text(page, start: str, end: str | None = None, n: int = 0, container: str = ".article-body") -> str:
    return page.evaluate(SELECT_JS, [container, start, end, n])


def open_article(page, live, path: str = BRIDGE):
    page.goto(live.url + path)
    expect(page.locator(".readerdesk-write a")).to_be_visible()  # the widget has loaded its config


def dialog(page):
    return page.locator("[data-readerdesk] dialog")


def send(page):
    page.locator("[data-readerdesk] #s").click()
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("Thank you")


def current_text(live, path: str = BRIDGE) -> str:
    with live.app.app_context():
        article = db.session.scalar(select(Article).where(Article.url == live.url + path))
        return article.current_revision.text


def test_ctrl_enter_on_a_selection_stores_the_exact_passage(page, live):
    open_article(page, live)
    phrase = "The cost will be split between the city and the regional transport fund"
    select_text(page, phrase)
    page.keyboard.press("Control+Enter")
    expect(dialog(page)).to_be_visible()
    expect(page.locator("[data-readerdesk] blockquote")).to_have_text(phrase)
    expect(page.locator("[data-readerdesk] #suggestion")).to_have_value(phrase)
    page.locator("[data-readerdesk] input[value=factual]").check()
    page.locator("[data-readerdesk] #suggestion").fill(phrase.replace("regional", "national"))
    page.locator("[data-readerdesk] #comment").fill("It is the national fund.")
    send(page)

    [correction] = live.corrections()
    assert correction.revision.text[correction.start:correction.end] == phrase
    assert correction.kind == Kind.FACTUAL and correction.anchor_state == AnchorState.ANCHORED
    assert correction.suggestion.endswith("national transport fund")
    quote = next(s for s in correction.selectors if s["type"] == "TextQuoteSelector")
    position = next(s for s in correction.selectors if s["type"] == "TextPositionSelector")
    assert len(quote["prefix"]) >= 32 and len(quote["suffix"]) >= 32
    assert (position["start"], position["end"]) == (correction.start, correction.end)  # our page: offsets agree


def test_widget_text_is_the_server_canonical_text(page, live):
    """canonicalText in JS gives exactly readerdesk.text.canonical's text, on every demo article and on
    markup chosen to hit each rule (blocks, <br>, nbsp, soft hyphen, zero-width, NFC, skipped tags)."""
    tricky = ("<p>soft\u00adhy phen&nbsp;&nbsp;spaces\u200b zero-<em>in</em>line<br>break \u2003 em</p>"
              "<div><p>nested</p> tail <span>text</span></div><ul><li>one</li><li>two <b>bold</b></li></ul>"
              "<p>Cafe\u0301 and n\u0303 combining</p><table><tr><td>cell</td><td>cell 2</td></tr></table>"
              "<h2>Head</h2><pre>  pre   text\n line</pre><section>unwrapped <p>inside</p> after</section>"
              "<p>script <script>var x = 1;</script>gone</p>")
    _add_article(live, "tricky", tricky)
    for path in [BRIDGE, "/sites/demo/news/library", "/sites/demo/news/harbour", "/sites/demo-uk/news/hromada",
                 "/sites/demo/news/tricky"]:
        page.goto(live.url + path)
        page.wait_for_function("() => window.readerdesk")
        js_text = page.evaluate("readerdesk.canonicalText(document.querySelector('.article-body'))")
        assert js_text == current_text(live, path), path


def test_selection_across_two_paragraphs_and_inline_markup(page, live):
    open_article(page, live)
    start, end = "committee chair Annelise Varga", "Engineers from the consultancy Brandt & Oakes"
    select_text(page, start, end)
    page.keyboard.press("Control+Enter")
    page.locator("[data-readerdesk] #comment").fill("Two paragraphs.")
    send(page)

    text = current_text(live)
    expected = text[text.index(start):text.index(end) + len(end)]
    assert "\n\n" in expected
    [correction] = live.corrections()
    assert correction.revision.text[correction.start:correction.end] == expected
    assert correction.exact == expected


def test_a_phrase_that_occurs_twice_resolves_to_the_copy_selected(page, live):
    open_article(page, live)
    select_text(page, DUPLICATE, n=1)
    page.keyboard.press("Control+Enter")
    page.locator("[data-readerdesk] input[value=typo]").check()
    send(page)

    text = current_text(live)
    second = text.index(DUPLICATE, text.index(DUPLICATE) + 1)
    [correction] = live.corrections()
    assert (correction.start, correction.end) == (second, second + len(DUPLICATE))


def test_touch_button_on_a_phone(browser, playwright_instance, live):
    context = browser.new_context(**playwright_instance.devices["Pixel 7"])
    try:
        page = context.new_page()
        open_article(page, live)
        # A phone has no Ctrl+Enter: the hint names the button it will see instead.
        expect(page.locator(".readerdesk-write")).to_have_text(
            "Noticed a mistake? Select it and tap “Suggest a correction”, or write to us here.")
        phrase = "contractors will replace eleven of the bridge's cross-girders"
        select_text(page, phrase)
        button = page.locator("[data-readerdesk] button.f")
        expect(button).to_be_visible()
        expect(button).to_have_text("Suggest a correction")
        button.tap()
        expect(dialog(page)).to_be_visible()
        page.locator("[data-readerdesk] #suggestion").fill(phrase.replace("eleven", "11"))
        page.locator("[data-readerdesk] #s").tap()
        expect(page.locator("[data-readerdesk] #m")).to_contain_text("Thank you")
    finally:
        context.close()
    [correction] = live.corrections()
    assert correction.revision.text[correction.start:correction.end] == phrase


def test_write_to_us_without_a_selection(page, live):
    open_article(page, live)
    expect(page.locator(".readerdesk-write")).to_have_text(
        "Noticed a mistake? Select it and press Ctrl+Enter, or write to us here.")
    page.keyboard.press("Control+Enter")  # no selection: the general form
    expect(page.locator("[data-readerdesk] h2")).to_have_text("Write to us")
    expect(page.locator("[data-readerdesk] blockquote")).to_be_hidden()
    page.keyboard.press("Escape")
    page.get_by_text("write to us here").click()
    expect(dialog(page)).to_be_visible()
    page.locator("[data-readerdesk] #s").click()  # empty message: the server's sentence, next to the field
    expect(page.locator("[data-readerdesk] #e-comment")).to_have_text("Please write your message.")
    page.locator("[data-readerdesk] #comment").fill("Where can I read the engineers' report?")
    page.locator("[data-readerdesk] #email").fill("reader@example.com")
    page.locator("[data-readerdesk] #notify").check()
    send(page)

    [correction] = live.corrections()
    assert correction.kind == Kind.GENERAL and correction.anchor_state == AnchorState.NONE
    assert correction.exact == "" and correction.notify_reader and correction.reader_email == "reader@example.com"


# What Chrome on a Mac tells a page about its platform: navigator.platform and the client hints
# (navigator.userAgentData), set through the DevTools protocol as Chromium's own device emulation does.
MAC = {
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
                 "Chrome/130.0.0.0 Safari/537.36",
    "platform": "MacIntel",
    "userAgentMetadata": {"platform": "macOS", "platformVersion": "14.5.0", "architecture": "arm", "model": "",
                          "mobile": False, "brands": [{"brand": "Google Chrome", "version": "130"}]},
}


def test_on_a_mac_the_hint_names_cmd_enter_which_opens_the_form(page, live):
    page.context.new_cdp_session(page).send("Emulation.setUserAgentOverride", MAC)
    open_article(page, live)
    assert page.evaluate("[navigator.platform, navigator.userAgentData.platform]") == ["MacIntel", "macOS"]
    expect(page.locator(".readerdesk-write")).to_have_text(
        "Noticed a mistake? Select it and press ⌘+Enter, or write to us here.")
    phrase = "The cost will be split between the city and the regional transport fund"
    select_text(page, phrase)
    page.keyboard.press("Meta+Enter")
    expect(dialog(page)).to_be_visible()
    expect(page.locator("[data-readerdesk] blockquote")).to_have_text(phrase)

    page.goto(live.url + "/sites/demo-uk/news/hromada")  # in Ukrainian too
    expect(page.locator(".readerdesk-write")).to_have_text(
        "Помітили помилку? Виділіть її та натисніть ⌘+Enter або напишіть нам тут.")


def test_offline_report_is_kept_and_sent_once_when_back_online(page, context, live):
    open_article(page, live)
    select_text(page, "a cheaper proposal to demolish the structure")
    page.keyboard.press("Control+Enter")
    page.locator("[data-readerdesk] #comment").fill("Sent from a train.")
    context.set_offline(True)
    page.locator("[data-readerdesk] #s").click()
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("You seem to be offline")
    assert live.count() == 0
    assert page.evaluate("Object.keys(JSON.parse(localStorage.getItem('readerdesk-queue'))).length") == 1

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("has now been sent")
    page.evaluate("readerdesk.flush()")  # a second retry sends nothing new
    time.sleep(0.3)
    assert live.count() == 1
    assert page.evaluate("Object.keys(JSON.parse(localStorage.getItem('readerdesk-queue'))).length") == 0
    [correction] = live.corrections()
    assert correction.exact == "a cheaper proposal to demolish the structure"


def test_a_report_answered_503_is_sent_again_after_retry_after_with_its_key(page, live):
    open_article(page, live)
    select_text(page, "a cheaper proposal to demolish the structure")
    page.keyboard.press("Control+Enter")
    page.locator("[data-readerdesk] #comment").fill("Sent while the database restarts.")
    keys = []

    def restarting(route):
        keys.append(route.request.post_data_json["idempotency_key"])
        route.fulfill(status=503, headers={"Retry-After": "1", "Content-Type": "application/json"},
                      body=json.dumps({"error": "The service is temporarily unavailable.", "status": 503}))
        page.unroute("**/api/v1/corrections", restarting)

    page.route("**/api/v1/corrections", restarting)
    page.locator("[data-readerdesk] #s").click()
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("temporarily unavailable")
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("has now been sent", timeout=10_000)
    [correction] = live.corrections()
    assert correction.idempotency_key == keys[0]
    assert page.evaluate("Object.keys(JSON.parse(localStorage.getItem('readerdesk-queue'))).length") == 0


def _page_elsewhere(live, second_origin) -> str:
    html = current_html(live)
    second_origin.html = (
        f'<!doctype html><html lang="en"><head><title>Bridge</title><link rel="canonical" href="{live.url}{BRIDGE}">'
        f'</head><body><h1>A publisher page</h1><div id="story"><aside class="promo">Subscribe!</aside>{html}</div>'
        f'<script src="{live.url}/static/readerdesk.js" data-container="#story" async></script></body></html>'
    )
    return second_origin.url + "/2026/bridge.html"


def current_html(live) -> str:
    with live.app.app_context():
        article = db.session.scalar(select(Article).where(Article.url == live.url + BRIDGE))
        return article.current_revision.html


def _set_origins(live, origins: list[str], exclude: list[str] = ()) -> None:
    with live.app.app_context():
        site = db.session.scalar(select(Site).where(Site.name == "demo"))
        site.allowed_origins = sorted({live.url, *origins})
        site.exclude_selectors = list(exclude)
        db.session.commit()


def test_second_origin_accepted_when_configured(page, live, second_origin):
    _set_origins(live, [second_origin.url], exclude=[".promo"])
    try:
        page.goto(_page_elsewhere(live, second_origin))
        expect(page.locator(".readerdesk-write a")).to_be_visible()
        select_text(page, DUPLICATE, n=1, container="#story")
        page.keyboard.press("Control+Enter")
        send(page)
    finally:
        _set_origins(live, [])
    text = current_text(live)
    second = text.index(DUPLICATE, text.index(DUPLICATE) + 1)
    [correction] = live.corrections()
    assert (correction.start, correction.end) == (second, second + len(DUPLICATE))
    assert correction.page_url == second_origin.url + "/2026/bridge.html"


def test_second_origin_refused_when_not_configured(page, live, second_origin):
    _set_origins(live, [])
    page.goto(_page_elsewhere(live, second_origin))
    page.wait_for_function("() => window.readerdesk")
    select_text(page, DUPLICATE, container="#story")
    page.keyboard.press("Control+Enter")
    page.locator("[data-readerdesk] #s").click()
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("is not set up to send corrections")
    assert live.count() == 0


def _active(page) -> str:
    """What has focus, seen through the widget's shadow root."""
    return page.evaluate("""() => { const a = document.activeElement;
      const inner = a && a.shadowRoot ? a.shadowRoot.activeElement : a;
      return (a && a.hasAttribute && a.hasAttribute('data-readerdesk') ? 'widget:' : 'page:')
        + (inner ? (inner.id || inner.name || inner.textContent) : ''); }""")


def test_keyboard_only(page, live):
    open_article(page, live)
    page.locator(".readerdesk-write a").focus()
    page.keyboard.press("Enter")
    expect(dialog(page)).to_be_visible()
    assert _active(page) == "widget:comment"
    page.keyboard.type("Is the bridge 131 years old?")
    page.keyboard.press("Tab")
    assert _active(page) == "widget:name"
    page.keyboard.type("Ada")
    page.keyboard.press("Enter")  # Enter in a text field does not send
    page.keyboard.press("Tab")
    assert _active(page) == "widget:email"
    page.keyboard.press("Enter")
    time.sleep(0.2)
    assert live.count() == 0 and dialog(page).is_visible()
    for _ in range(12):  # focus goes round inside the dialog, never back to the page
        page.keyboard.press("Tab")
        assert _active(page).startswith("widget:")
    for _ in range(12):
        page.keyboard.press("Shift+Tab")
        assert _active(page).startswith("widget:")
    page.keyboard.press("Escape")
    expect(dialog(page)).to_be_hidden()
    assert _active(page) == "page:write to us here"

    page.keyboard.press("Enter")  # again, and send with the keyboard alone
    page.keyboard.type("Sent with the keyboard.")
    while _active(page) != "widget:s":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("Thank you")
    [correction] = live.corrections()
    assert correction.comment == "Sent with the keyboard."


def _described(page, control_id: str) -> tuple[str | None, str | None, str]:
    """A widget control's aria-invalid, and the text of what its aria-describedby names."""
    return page.evaluate("""(id) => { const root = document.querySelector('[data-readerdesk]').shadowRoot;
      const c = root.getElementById(id); const d = c.getAttribute('aria-describedby');
      return [c.getAttribute('aria-invalid'), d, d ? root.getElementById(d).textContent : '']; }""", control_id)


def test_after_a_refused_send_focus_goes_to_the_first_field_in_error(page, live):
    open_article(page, live)
    page.get_by_text("write to us here").click()
    page.locator("[data-readerdesk] #email").fill("not an address")
    page.locator("[data-readerdesk] #s").click()  # no message and a wrong address: two fields in error
    expect(page.locator("[data-readerdesk] #e-email")).to_have_text("This does not look like an email address.")
    assert _active(page) == "widget:comment"  # the first in the form, not <body>
    assert _described(page, "comment") == ["true", "e-comment", "Please write your message."]
    assert _described(page, "email") == ["true", "e-email", "This does not look like an email address."]

    page.keyboard.type("Is the bridge 131 years old?")
    page.locator("[data-readerdesk] #s").click()  # the message is fixed, the address is not
    # The old errors are cleared as the form is sent, before the server answers: wait for the answer's focus.
    expect(page.locator("[data-readerdesk] #email")).to_be_focused()
    expect(page.locator("[data-readerdesk] #e-comment")).to_have_text("")
    assert _active(page) == "widget:email"
    assert _described(page, "comment") == [None, None, ""]
    assert _described(page, "email")[:2] == ["true", "e-email"]
    assert live.count() == 0


def _add_article(live, slug: str, html: str) -> None:
    with live.app.app_context():
        site = db.session.scalar(select(Site).where(Site.name == "demo"))
        ingest_article(db.session, site, url=f"{live.url}/sites/demo/news/{slug}", title=slug.title(), html=html,
                       now=utcnow(), hosted=True)
        db.session.commit()


def test_emoji_and_cjk_offsets_are_code_points(page, live):
    _add_article(live, "unicode", paragraphs(
        "Smiles 😀😀 before, and a family 👨‍👩‍👧 too. Cafe\u0301 society.",
        "第二段落：東京都は😀新しい計画を発表した。𠮷野家の前で。",
    ))
    page.goto(live.url + "/sites/demo/news/unicode")
    page.wait_for_function("() => window.readerdesk")
    phrase = "東京都は😀新しい計画"
    select_text(page, phrase)
    page.keyboard.press("Control+Enter")
    send(page)

    text = current_text(live, "/sites/demo/news/unicode")
    [correction] = live.corrections()
    assert correction.revision.text[correction.start:correction.end] == phrase
    assert correction.start == text.index(phrase)
    position = next(s for s in correction.selectors if s["type"] == "TextPositionSelector")
    assert (position["start"], position["end"]) == (correction.start, correction.end)
    assert position["start"] != page.evaluate(  # the UTF-16 offset differs: the conversion mattered
        "(p) => readerdesk.canonicalText(document.querySelector('.article-body')).indexOf(p)", phrase)


def test_report_kept_after_a_failed_send_goes_out_on_the_next_page_load(page, live):
    open_article(page, live)
    page.route("**/api/v1/corrections", lambda route: route.abort("internetdisconnected"))
    select_text(page, "nearly three hours of debate")
    page.keyboard.press("Control+Enter")
    page.locator("[data-readerdesk] #s").click()
    expect(page.locator("[data-readerdesk] #m")).to_contain_text("saved on this device")
    page.unroute("**/api/v1/corrections")
    assert live.count() == 0
    page.reload()
    page.wait_for_function("() => localStorage.getItem('readerdesk-queue') === '{}'")
    [correction] = live.corrections()
    assert correction.exact == "nearly three hours of debate"


def test_ukrainian_page_gets_ukrainian_strings(page, live):
    page.goto(live.url + "/sites/demo-uk/news/hromada")
    expect(page.get_by_text("напишіть нам тут")).to_be_visible()
    page.keyboard.press("Control+Enter")
    expect(page.locator("[data-readerdesk] h2")).to_have_text("Напишіть нам")
    expect(page.locator("[data-readerdesk] #s")).to_have_text("Надіслати")
