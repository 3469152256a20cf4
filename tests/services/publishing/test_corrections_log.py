import xml.etree.ElementTree as ET
from datetime import timedelta

from readerdesk.clock import utcnow
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.corrections_log import ATOM_NS, atom_feed, log_page, notes_for_url
from tests.factories import make_article, make_correction, make_site, make_user

A = f"{{{ATOM_NS}}}"


def publish_notes(db_session, count, *, site=None, start=None):
    editor = make_user(db_session)
    site = site or make_site(db_session)
    start = start or utcnow() - timedelta(days=1)
    notes = []
    for i in range(count):
        article = make_article(db_session, site, title=f"Story {i} <&>")
        correction = make_correction(db_session, article)
        notes.append(publishing.publish(db_session, correction, note_type="update", body=f"Fixed {i} & more <b>",
                                        actor=editor, now=start + timedelta(minutes=i), expected_version=1).note)
    return site, notes


def test_the_log_pages_newest_first_by_keyset_and_filters_by_site(db_session):
    site, notes = publish_notes(db_session, 5)
    other_site, other_notes = publish_notes(db_session, 1)
    first = log_page(db_session, site=site, limit=2)
    assert [n.body for n in first.notes] == ["Fixed 4 & more <b>", "Fixed 3 & more <b>"]
    second = log_page(db_session, site=site, limit=2, before=first.next_before)
    assert [n.body for n in second.notes] == ["Fixed 2 & more <b>", "Fixed 1 & more <b>"]
    last = log_page(db_session, site=site, limit=2, before=second.next_before)
    assert [n.body for n in last.notes] == ["Fixed 0 & more <b>"] and last.next_before is None
    assert len(log_page(db_session, limit=10).notes) == 6


def test_notes_for_url_finds_the_article_by_its_normalised_url(db_session):
    site, [note] = publish_notes(db_session, 1)
    assert notes_for_url(db_session, note.article.url.replace("https://news.example", "HTTPS://News.Example:443")
                         + "?utm_source=x#top") == [note]
    assert notes_for_url(db_session, "https://elsewhere.example/") == []


def test_the_atom_feed_is_valid_atom_with_escaped_text(db_session):
    site, notes = publish_notes(db_session, 2)
    body = atom_feed(list(reversed(notes)), title="Corrections", feed_url="https://desk.example/corrections.atom",
                     html_url="https://desk.example/corrections", authority="desk.example", now=utcnow(),
                     type_label=lambda note_type: note_type.label)
    feed = ET.fromstring(body)
    assert feed.tag == f"{A}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{A}{required}").text
    assert feed.find(f"{A}link[@rel='self']").get("href") == "https://desk.example/corrections.atom"
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 2
    for entry, note in zip(entries, reversed(notes), strict=True):
        assert entry.find(f"{A}id").text == f"tag:desk.example,{note.published_at:%Y-%m-%d}:correction-note/{note.id}"
        assert entry.find(f"{A}title").text == f"Update: {note.article.title}"
        assert entry.find(f"{A}updated").text == note.published_at.isoformat()
        assert entry.find(f"{A}published").text == note.published_at.isoformat()
        assert entry.find(f"{A}link").get("href") == note.article.url
        content = entry.find(f"{A}content")
        assert content.get("type") == "text" and content.text == note.body
    assert feed.find(f"{A}updated").text == notes[-1].published_at.isoformat()
