"""The public pages readerdesk serves."""

import json
import re
from datetime import UTC, datetime

import pytest

from readerdesk.clock import utcnow
from readerdesk.demo import load_demo
from readerdesk.models import CorrectionNote, NoteType
from tests.factories import CHEAP_PASSWORDS, make_article, make_site, make_user
from tests.helpers import sign_in


def publish_note(session, article, body: str, published_at: datetime | None = None) -> CorrectionNote:
    note = CorrectionNote(site_id=article.site_id, article_id=article.id, note_type=NoteType.CORRECTION, body=body,
                          published_at=published_at or utcnow())
    session.add(note)
    return note


def test_home_lists_sites(client, db_session):
    make_site(db_session, "riverside", title="The Riverside Courier")
    db_session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "The Riverside Courier" in page and "/sites/riverside/" in page


def test_demo_article_page_shows_title_dates_body_and_json_ld(client, db_session):
    load_demo(db_session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    db_session.commit()
    response = client.get("/sites/demo/news/bridge")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "replace eleven of the bridge" in page  # the current revision
    assert '<link rel="canonical" href="http://127.0.0.1:5000/sites/demo/news/bridge">' in page
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert data["@type"] == "NewsArticle" and data["headline"].startswith("Council votes")
    assert data["dateModified"] >= data["datePublished"]


def test_ukrainian_site_pages_carry_their_language(client, db_session):
    load_demo(db_session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    db_session.commit()
    page = client.get("/sites/demo-uk/news/hromada").get_data(as_text=True)
    assert '<html lang="uk">' in page


def test_site_index_lists_articles_newest_first_with_keyset_paging(client, db_session, monkeypatch):
    from readerdesk.views.public import pages

    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    site = make_site(db_session, "paged")
    titles = [make_article(db_session, site, title=f"Story {i}").title for i in range(5)]
    db_session.commit()
    first = client.get("/sites/paged/").get_data(as_text=True)
    assert titles[4] in first and titles[3] in first and titles[2] not in first
    older = re.search(r'href="(/sites/paged/\?before=\d+)"', first).group(1)
    second = client.get(older).get_data(as_text=True)
    assert titles[2] in second and titles[1] in second and titles[4] not in second


def test_unknown_sites_and_articles_are_friendly_404s(client, db_session):
    make_site(db_session, "known")
    db_session.commit()
    for path in ("/sites/nope/", "/sites/known/articles/999", "/sites/known/news/nope", "/no/such/page"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Traceback" not in response.get_data(as_text=True)
        assert "<h1>404</h1>" in response.get_data(as_text=True)


def test_article_html_is_sanitized_before_it_is_rendered(client, db_session):
    site = make_site(db_session, "xss")
    article = make_article(db_session, site, title="<script>alert('title')</script>",
                           html='<p>Safe <img src=x onerror="alert(1)"><script>alert(2)</script></p>')
    db_session.commit()
    page = client.get(f"/sites/xss/articles/{article.id}").get_data(as_text=True)
    assert "onerror" not in page and "alert(2)" not in page
    assert "<script>alert('title')</script>" not in page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page


def test_a_server_error_is_a_page_not_a_traceback(app, client):
    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong" in body and "secret internals" not in body


def test_the_readers_status_page_shows_the_outcome_and_no_personal_data(client, db_session):
    from readerdesk.models import Status
    from tests.factories import make_correction

    correction = make_correction(db_session, exact="voted twelve to five", status=Status.REJECTED,
                                 reader_name="Private Person", reader_email="private@example.org",
                                 comment="my private comment")
    db_session.commit()
    page = client.get(f"/status/{correction.public_id}").get_data(as_text=True)
    assert "the editors decided not to change the article" in page
    assert "voted twelve to five" in page
    assert "private@example.org" not in page and "Private Person" not in page and "my private comment" not in page
    assert client.get("/status/no-such-report").status_code == 404


def test_huge_ids_in_urls_and_cursors_are_not_server_errors(client, db_session):
    make_site(db_session, "big")
    db_session.commit()
    assert client.get("/sites/big/articles/99999999999999999999").status_code == 404
    assert client.get("/sites/big/?before=99999999999999999999999").status_code == 200
    assert client.get("/corrections?before=99999999999999999999999").status_code == 200


def test_the_status_page_speaks_the_readers_language(client, db_session):
    from tests.factories import make_correction

    correction = make_correction(db_session, exact="voted twelve to five", language="uk")
    db_session.commit()
    page = client.get(f"/status/{correction.public_id}").get_data(as_text=True)
    assert '<html lang="uk">' in page and "<h1>Ваше повідомлення</h1>" in page
    assert "Отримано. Редактор незабаром його розгляне." in page
    assert 'на <a href="/corrections">сторінці виправлень</a>.' in page
    assert client.get(f"/api/v1/corrections/{correction.public_id}").get_json()["language"] == "uk"


@pytest.mark.app_config(DESK_TIMEZONE="Europe/Kyiv")
def test_a_ukrainian_article_is_drawn_in_ukrainian_even_for_an_english_speaking_editor(client, db_session):
    """The page's language is its site's: not the browser's, nor a signed-in editor's own choice."""
    site = make_site(db_session, "hromada", title="Громада", language="uk")
    article = make_article(db_session, site, title="Міст відремонтують")
    article.published_at = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    article.modified_at = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    publish_note(db_session, article, "У попередній версії йшлося про дванадцять балок.")
    editor = make_user(db_session, "editor@example.com")
    editor.language = "en"
    db_session.commit()
    sign_in(client, editor)
    page = client.get(f"/sites/hromada/articles/{article.id}",
                      headers={"Accept-Language": "en-GB"}).get_data(as_text=True)
    assert '<html lang="uk">' in page
    assert ">Виправлення</a>" in page and ">Підтримати нас</a>" in page  # the site chrome
    assert "Опубліковано <time" in page and "1 груд. 2026\N{NARROW NO-BREAK SPACE}р., 11:30" in page
    assert "Оновлено <time" in page
    assert "Виправлення та оновлення" in page and "<strong>Виправлення</strong>," in page
    assert "Published <time" not in page and "Corrections and updates" not in page
    assert ">Desk</a>" in client.get("/desk/").get_data(as_text=True)  # the desk stays in the editor's language


def test_the_corrections_log_of_a_ukrainian_site_writes_dates_the_ukrainian_way(client, db_session):
    site = make_site(db_session, "hromada", language="uk")
    article = make_article(db_session, site)
    publish_note(db_session, article, "Виправлено назву вулиці.", published_at=datetime(2026, 12, 1, 12, tzinfo=UTC))
    db_session.commit()
    page = client.get("/corrections?site=hromada").get_data(as_text=True)
    assert "1 грудня 2026\N{NARROW NO-BREAK SPACE}р." in page and "Усі типи" in page


@pytest.mark.parametrize("note_type, moves", [(NoteType.RETRACTION, True), (NoteType.CORRECTION, True),
                                              (NoteType.CLARIFICATION, False)])
def test_the_page_says_updated_when_its_json_ld_does(client, db_session, note_type, moves):
    """The dates line and dateModified tell one story: a correction, update or retraction moves both."""
    site = make_site(db_session, "dated")
    article = make_article(db_session, site)
    article.published_at = article.modified_at = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    note = publish_note(db_session, article, "An earlier version said twelve. It has eleven.",
                        published_at=datetime(2026, 11, 20, 8, 30, tzinfo=UTC))
    note.note_type = note_type
    db_session.commit()
    page = client.get(f"/sites/dated/articles/{article.id}").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1))
    if moves:
        assert data["dateModified"] == "2026-11-20T08:30:00+00:00"
        assert 'Updated <time datetime="2026-11-20T08:30:00+00:00">' in page
    else:
        assert data["dateModified"] == "2026-11-02T09:00:00+00:00" and "Updated" not in page
