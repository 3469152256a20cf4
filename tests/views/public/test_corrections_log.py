"""Published notes where readers see them: the article page, the log, the Atom feed, the notes API."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

from readerdesk.clock import utcnow
from readerdesk.services.publishing import publish as publishing
from readerdesk.services.publishing.corrections_log import ATOM_NS
from tests.factories import make_article, make_correction, make_site, make_user


def published(db_session, *, site=None, body="We misreported the vote <count>.", title="Council & bridge", when=None,
              note_type="update", **statement):
    editor = make_user(db_session)
    article = make_article(db_session, site, title=title)
    correction = make_correction(db_session, article)
    note = publishing.publish(db_session, correction, note_type=note_type, body=body, actor=editor, **statement,
                              now=when or utcnow(), expected_version=1).note
    db_session.commit()
    return article, note


def test_the_article_page_ends_with_the_dated_notes_and_carries_them_in_json_ld(client, db_session):
    article, note = published(db_session)
    page = client.get(f"/sites/{article.site.name}/articles/{article.id}")
    assert page.status_code == 200
    assert "We misreported the vote &lt;count&gt;." in page.text
    assert f'datetime="{note.published_at.isoformat()}"' in page.text
    body_end = page.text.index('class="article-body"')
    assert page.text.index("Corrections and updates") > body_end
    raw = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page.text, re.S).group(1)
    data = json.loads(raw)
    assert data["correction"] == [{"@type": "CorrectionComment", "text": "We misreported the vote <count>.",
                                   "datePublished": note.published_at.isoformat()}]
    assert data["dateModified"] == note.published_at.isoformat()


def test_the_public_log_lists_notes_per_site_and_pages_by_keyset(client, db_session):
    site, other = make_site(db_session, "courier"), make_site(db_session, "gazette")
    start = utcnow() - timedelta(hours=1)
    for i in range(3):
        published(db_session, site=site, body=f"Courier note {i}", when=start + timedelta(minutes=i))
    published(db_session, site=other, body="Gazette note")
    page = client.get("/corrections")
    assert page.status_code == 200 and "Gazette note" in page.text and "Courier note 2" in page.text
    filtered = client.get("/corrections?site=courier")
    assert "Gazette note" not in filtered.text and "Courier note 0" in filtered.text
    assert client.get("/corrections?site=nope").status_code == 404


def test_the_log_paginates(client, db_session, monkeypatch):
    from readerdesk.views.public import corrections_log

    monkeypatch.setattr(corrections_log, "PAGE_SIZE", 2)
    start = utcnow() - timedelta(hours=1)
    for i in range(3):
        published(db_session, body=f"Note {i}", when=start + timedelta(minutes=i))
    first = client.get("/corrections")
    assert "Note 2" in first.text and "Note 1" in first.text and "Note 0" not in first.text
    older = re.search(r'rel="next" href="([^"]+)"', first.text).group(1).replace("&amp;", "&")
    second = client.get(older)
    assert "Note 0" in second.text and "Note 2" not in second.text


def test_the_atom_feed_is_served_as_atom(client, db_session):
    article, note = published(db_session)
    response = client.get("/corrections.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    a = f"{{{ATOM_NS}}}"
    assert feed.find(f"{a}link[@rel='self']").get("href") == "http://localhost/corrections.atom"
    [entry] = feed.findall(f"{a}entry")
    assert entry.find(f"{a}id").text.startswith("tag:localhost,")  # PUBLIC_URL's host
    assert entry.find(f"{a}content").text == "We misreported the vote <count>."
    assert entry.find(f"{a}link").get("href") == article.url


def test_the_atom_feed_takes_the_logs_type_and_month_filters_and_the_log_links_to_it(client, db_session):
    site = make_site(db_session, "courier")
    october = utcnow().replace(year=2026, month=10, day=15)
    published(db_session, site=site, body="October update", when=october)
    published(db_session, site=site, body="October retraction", note_type="retraction", when=october)
    published(db_session, site=site, body="November update", when=october + timedelta(days=30))
    published(db_session, body="Another site's October update", when=october)
    a = f"{{{ATOM_NS}}}"

    def entries(query):
        response = client.get("/corrections.atom" + query)
        assert response.status_code == 200, query
        feed = ET.fromstring(response.data)
        return feed, [e.find(f"{a}content").text for e in feed.findall(f"{a}entry")]

    feed, bodies = entries("?site=courier&type=update&month=2026-10")
    assert bodies == ["October update"]
    assert feed.find(f"{a}title").text == "Corrections · courier · Update · 2026-10"
    assert feed.find(f"{a}link[@rel='self']").get("href") == (
        "http://localhost/corrections.atom?site=courier&type=update&month=2026-10")
    assert sorted(entries("?month=2026-10")[1]) == ["Another site's October update", "October retraction",
                                                   "October update"]
    assert entries("?site=courier&type=retraction")[1] == ["October retraction"]
    assert client.get("/corrections.atom?month=october").status_code == 400
    assert client.get("/corrections.atom?type=silent").status_code == 400
    log = client.get("/corrections?site=courier&type=update&month=2026-10").text
    feed_link = '/corrections.atom?site=courier&amp;type=update&amp;month=2026-10'
    assert 'class="feed-link"' in log and f'href="{feed_link}" class="feed-link"' in log
    assert f'<link rel="alternate" type="application/atom+xml" title="Corrections" href="{feed_link}">' in log


def test_the_notes_api_answers_any_origin_without_cookies(client, db_session):
    article, note = published(db_session, note_type="correction", body="", was_wrong="the vote was 12 <count>",
                              is_right="It was 11.")
    response = client.get("/api/v1/notes", query_string={"url": article.url + "?utm_campaign=x"},
                          headers={"Origin": "https://elsewhere.example"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers
    [answer] = response.json["notes"]
    passage = answer.pop("passage")
    text = "An earlier version of this article said the vote was 12 <count>. It was 11."
    assert answer == {"id": note.id, "type": "correction", "label": "Correction", "text": text,
                      "published_at": note.published_at.isoformat(), "was_wrong": "the vote was 12 <count>",
                      "is_right": "It was 11.", "schema": {"@type": "CorrectionComment", "text": text,
                                                         "datePublished": note.published_at.isoformat()}}
    assert response.json["retracted"] is False
    # Where the corrected passage stands now, for the widget to mark it: its part and selectors.
    quote, position = passage["selectors"]
    text = article.current_revision.text
    assert passage["part"] == "body" and text[position["start"]:position["end"]] == quote["exact"]
    assert text.count(quote["prefix"] + quote["exact"] + quote["suffix"]) == 1
    assert client.get("/api/v1/notes", query_string={"url": "https://news.example/unknown"}).json["notes"] == []
    bad = client.get("/api/v1/notes", query_string={"url": "not a url"})
    assert bad.status_code == 400 and "absolute http(s)" in bad.json["error"]
    assert client.get("/api/v1/notes").status_code == 400


def test_stats_page_for_editors_with_svg_charts(client, db_session):
    from tests.factories import PASSWORD

    editor = make_user(db_session)
    article = make_article(db_session, title="Most <reported>")
    make_correction(db_session, article)
    db_session.commit()
    client.post("/auth/login", data={"email": editor.email, "password": PASSWORD})
    page = client.get("/desk/stats?days=90")
    assert page.status_code == 200
    assert page.text.count('class="chart-layouts"') == 2 and "Reports per day, last 90 days" in page.text
    assert "Most &lt;reported&gt;" in page.text
    assert re.search(r'id="total-reports">1<', page.text)
    assert client.get("/desk/stats?days=abc").status_code == 200


def test_notes_on_a_ukrainian_site_are_labelled_in_ukrainian(client, db_session):
    site = make_site(db_session, "hromada", language="uk")
    article, note = published(db_session, site=site, note_type="correction", body="",
                              was_wrong="засідання було у вівторок", is_right="Воно було в середу")
    page = client.get(f"/sites/{site.name}/articles/{article.id}")
    assert "Виправлення та оновлення" in page.text and "<strong>Виправлення</strong>" in page.text
    assert "У попередній версії цієї статті йшлося, що засідання було у вівторок. Воно було в середу." in page.text


def test_the_log_filters_by_site_type_and_month_and_each_note_has_a_permanent_page(client, db_session):
    from datetime import UTC, datetime

    site = make_site(db_session, "courier")
    _, october = published(db_session, site=site, body="October update.",
                           when=datetime(2026, 10, 31, 23, 0, tzinfo=UTC))
    _, november = published(db_session, site=site, body="November update.",
                            when=datetime(2026, 11, 1, 0, 30, tzinfo=UTC))
    _, retraction = published(db_session, site=site, body="Retracted <story>.", note_type="retraction",
                              when=datetime(2026, 11, 2, tzinfo=UTC))
    _, elsewhere = published(db_session, body="Other site.", when=datetime(2026, 11, 3, tzinfo=UTC))

    def listed(**query):
        page = client.get("/corrections", query_string=query)
        assert page.status_code == 200
        return [body for body in ("October update.", "November update.", "Retracted &lt;story&gt;.", "Other site.")
                if body in page.text]

    assert listed(month="2026-11") == ["November update.", "Retracted &lt;story&gt;.", "Other site."]
    assert listed(month="2026-10") == ["October update."]
    assert listed(site="courier", type="update") == ["October update.", "November update."]
    assert listed(site="courier", type="retraction", month="2026-11") == ["Retracted &lt;story&gt;."]
    assert client.get("/corrections", query_string={"month": "November"}).status_code == 400
    assert client.get("/corrections", query_string={"type": "silent"}).status_code == 400
    permalink = client.get(f"/corrections/notes/{retraction.id}")
    assert permalink.status_code == 200 and "Retracted &lt;story&gt;." in permalink.text
    assert f'href="/corrections/notes/{retraction.id}"' in client.get("/corrections").text
    assert client.get("/corrections/notes/999999").status_code == 404
    assert october.id != november.id != elsewhere.id


def test_the_yearly_summary_counts_types_and_the_median_time_to_correct(client, db_session):
    from datetime import UTC, datetime, timedelta

    site = make_site(db_session, "gazette")
    editor = make_user(db_session)
    article = make_article(db_session, site)
    for note_type, reported, hours in [("update", datetime(2026, 3, 1, tzinfo=UTC), 2),
                                       ("update", datetime(2026, 5, 1, tzinfo=UTC), 10),
                                       ("retraction", datetime(2026, 12, 31, 20, tzinfo=UTC), 3),
                                       ("update", datetime(2025, 6, 1, tzinfo=UTC), 100)]:
        correction = make_correction(db_session, article, created_at=reported)
        publishing.publish(db_session, correction, note_type=note_type, body="Note.", actor=editor,
                           now=reported + timedelta(hours=hours), expected_version=1)
    orphan = published(db_session, site=site, when=datetime(2026, 7, 1, tzinfo=UTC))[1]
    orphan.correction_id = None  # its report was erased: the note stays, no longer counted as a reader's
    published(db_session, when=datetime(2026, 7, 1, tzinfo=UTC))  # another site
    db_session.commit()
    page = client.get("/corrections/2026", query_string={"site": "gazette"})
    assert page.status_code == 200
    text = page.text
    assert "<td>Update</td><td>3</td>" in text and "<td>Retraction</td><td>1</td>" in text
    assert "<td>Correction</td><td>0</td>" in text and "<th>All</th><th>4</th>" in text
    assert "75% (3 of 4)" in text  # the orphaned note is not a reader's
    assert "3.0 hours" in text  # median of 2, 3, 10 h
    assert "<th>All</th><th>5</th>" in client.get("/corrections/2026").text
    assert "<th>All</th><th>0</th>" in client.get("/corrections/2024").text
    assert client.get("/corrections/12").status_code == 404


def test_a_bad_log_filter_is_explained_in_the_readers_language(client):
    uk = {"Accept-Language": "uk"}
    wrong_type = client.get("/corrections?type=bogus", headers=uk)
    assert wrong_type.status_code == 400 and "type має бути одним із: correction," in wrong_type.text
    wrong_month = client.get("/corrections.atom?month=2026-13", headers=uk)
    assert wrong_month.status_code == 400 and "month — це рік і місяць, наприклад 2026-11." in wrong_month.text


def test_a_ukrainian_sites_feed_is_in_ukrainian(client, db_session):
    site = make_site(db_session, "hromada", title="Вісник громади", language="uk")
    article, _ = published(db_session, site=site, note_type="retraction", body="Ми відкликаємо цю статтю.",
                           title="Нова школа")
    feed = ET.fromstring(client.get("/corrections.atom?site=hromada&type=retraction",
                                    headers={"Accept-Language": "en"}).data)
    a = f"{{{ATOM_NS}}}"
    assert feed.find(f"{a}title").text == "Виправлення · Вісник громади · Відкликання"
    assert [e.find(f"{a}title").text for e in feed.findall(f"{a}entry")] == ["Відкликання: Нова школа"]
