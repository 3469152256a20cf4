"""An XSS corpus in every reader, CMS and staff field, rendered in Chromium on every page that shows
it. Dialogs, the console and a ``window`` flag are watched; nothing may run."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Interval, Patron, WallStatus
from readerdesk.services.corrections.capture import submit_correction
from readerdesk.services.desk import moderation
from readerdesk.services.desk.moderation import add_internal_note
from readerdesk.services.mail.notifications import decision_email, new_correction_email
from readerdesk.services.privacy.reader_links import forget_url
from readerdesk.services.publishing.publish import publish
from readerdesk.text.languages import ENGLISH
from tests.conftest import TEST_SECRET_KEY
from tests.factories import PASSWORD, make_article, make_site, make_user
from tests.fakes.http import StaticSite

STATED = {"was_wrong": "the vote was twelve to five", "is_right": "It was eleven to five."}

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]  # a live server in a thread

# Each one sets window.__xss, logs XSS-RAN or opens a dialog if it ever runs.
PAYLOADS = [
    "<script>window.__xss=1;console.log('XSS-RAN')</script>",
    '"><img src=x onerror="window.__xss=2;alert(2)">',
    "'><svg onload=window.__xss=3;alert(3)>",
    "javascript:window.__xss=4;alert(4)",
    "</script><script>window.__xss=5;alert(5)</script>",
    "<svg><script>window.__xss=6</script></svg>",
    "&lt;script&gt;window.__xss=7&lt;/script&gt; &#x3C;img src=x onerror=alert(7)&#x3E;",
    "]]><script>window.__xss=8</script><![CDATA[",
    "<iframe srcdoc=\"<script>parent.__xss=9</script>\"></iframe>",
    "<a href=\"javascript:alert(10)\" id=xss-link>click</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(11)>",
    "{{7*7}} ${alert(12)} `${alert(13)}`",
]
CORPUS = " ".join(PAYLOADS)
SHORT = "<img src=x onerror=alert(14)><script>window.__xss=14</script>"  # for fields of 120-200 characters
WATCH = """
window.__xss = undefined;
"""


class Watch:
    """Everything a page did that only an executed payload would do."""

    def __init__(self, page):
        self.dialogs: list[str] = []
        self.console: list[str] = []
        page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        page.on("console", lambda message: self.console.append(message.text))
        page.add_init_script(WATCH)

    def assert_nothing_ran(self, page, where: str) -> None:
        page.wait_for_timeout(150)
        assert page.evaluate("window.__xss") is None, where
        assert self.dialogs == [], where
        assert not [m for m in self.console if "XSS-RAN" in m], where


@pytest.fixture
def corpus(app, db_session, live_server):
    """A site, an article from the "CMS", a reader's report, staff notes and a published note, all
    carrying the corpus; and a patron on the supporters wall."""
    publisher = StaticSite()
    site = make_site(db_session, "courier", base_url="https://news.example", title=SHORT,
                     allowed_origins=[publisher.url])
    # The hosted policy page: Markdown with the corpus as text, in links and as raw HTML blocks.
    site.policy_markdown = "# Policy\n\n" + "\n\n".join(
        f"{payload}\n\n[link]({payload})\n\n<div>{payload}</div>" for payload in PAYLOADS)
    article = make_article(db_session, site, url="https://news.example/2026/story", title=CORPUS[:400],
                           authors=[SHORT], section=SHORT, html=(
        f"<p>Before {CORPUS.replace('<', '&lt;')} after.</p><script>window.__xss=20</script>"
        "<img src=x onerror=\"window.__xss=21\"><p>The mayor said twelve bridges.</p>"))
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    submission = submit_correction(db_session, {
        "idempotency_key": "xss-corpus-0001", "article_url": article.url, "kind": "factual",
        "selectors": [{"type": "TextQuoteSelector", "exact": "twelve bridges", "prefix": SHORT, "suffix": SHORT}],
        "suggestion": CORPUS, "comment": CORPUS, "name": SHORT, "email": "reader@example.com", "notify": True,
    }, origin=None, own_origins=set(), ip_hash="", now=utcnow())
    correction = submission.load(db_session)
    add_internal_note(db_session, correction, CORPUS, author=editor, now=utcnow())
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=correction.version,
                              reason=CORPUS)
    publication = publish(db_session, correction, note_type="correction", **STATED,
                          body=CORPUS, actor=editor, now=utcnow(),
                          expected_version=correction.version)
    db.session.add(Patron(site_id=site.id, email="p@example.com", currency="EUR", interval=Interval.MONTH, amount=300,
                          supporter_since=utcnow(), list_publicly=True, display_name=SHORT,
                          wall_status=WallStatus.APPROVED, name=SHORT))
    db_session.commit()
    publisher.html = (f'<!doctype html><html lang="en"><head><title>Story</title>'
                      f'<link rel="canonical" href="{article.url}"></head><body><div class="article-body">'
                      f'<p>The mayor said twelve bridges.</p></div>'
                      f'<script src="{live_server}/static/readerdesk.js" data-container=".article-body" async></script>'
                      f'</body></html>')
    forget = forget_url(live_server, TEST_SECRET_KEY, correction)
    emails = [decision_email(correction, publication.events[0], ENGLISH, forget_url=forget, note_text=CORPUS,
                             corrected_passage=CORPUS),
              decision_email(correction, event, ENGLISH, forget_url=forget),
              new_correction_email(correction, ENGLISH, public_url=live_server)]
    yield {"site": site, "article": article, "correction": correction, "editor": editor, "publisher": publisher,
           "emails": [e for e in emails if e is not None]}
    publisher.close()


def test_nothing_in_the_corpus_runs_on_any_page(corpus, live_server, browser_page):
    page = browser_page
    watch = Watch(page)
    site, article, correction = corpus["site"], corpus["article"], corpus["correction"]
    public_pages = [
        f"/sites/{site.name}/articles/{article.id}",  # the article with its note and JSON-LD
        f"/sites/{site.name}/",
        "/corrections", f"/corrections?site={site.name}", "/corrections.atom",
        f"/status/{correction.public_id}",
        f"/supporters?site={site.name}",
        f"/sites/{site.name}/policy",
    ]
    for path in public_pages:
        page.goto(live_server + path)
        watch.assert_nothing_ran(page, path)
    assert "window.__xss=1" in page.goto(f"{live_server}/corrections").text()  # the note is listed, as text

    page.goto(f"{live_server}/auth/login")
    page.fill("#email", corpus["editor"].email)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/desk/")
    for path in ["/desk/", "/desk/?tab=all", f"/desk/corrections/{correction.id}",
                 f"/desk/corrections/{correction.id}/publish", "/desk/stats"]:
        page.goto(live_server + path)
        watch.assert_nothing_ran(page, path)
    page.goto(f"{live_server}/desk/corrections/{correction.id}")
    expect(page.locator("body")).to_contain_text("window.__xss=1")  # shown as text, not run

    # The preview of a wording full of markup.
    page.goto(f"{live_server}/desk/corrections/{correction.id}/publish")
    watch.assert_nothing_ran(page, "publish preview")

    # The widget's notes on the publisher's own page.
    page.goto(corpus["publisher"].url + "/2026/story.html")
    expect(page.locator("aside.readerdesk-notes")).to_contain_text("window.__xss=1")
    watch.assert_nothing_ran(page, "the widget on a publisher's page")

    # The emails, as a mail client showing their HTML would.
    assert corpus["emails"]
    for email in corpus["emails"]:
        page.set_content(email.html)
        watch.assert_nothing_ran(page, email.subject)
