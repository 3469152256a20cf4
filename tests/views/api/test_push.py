"""A CMS pushes articles with PUT /api/v1/sites/<site>/articles and its API token."""

import json

import pytest
from sqlalchemy import func, select

from readerdesk.models import Article, ArticleRevision
from readerdesk.services.articles.sites import create_site

BODY = {"url": "https://news.example/2026/11/story?utm_campaign=x", "title": "Story",
        "html": "<p>First.</p><div class='ad'>AD</div><p>Second.</p>", "modified": "2026-11-20T10:00:00Z"}


@pytest.fixture
def token(db_session):
    created = create_site(db_session, "news", base_url="https://news.example", body_selector="article",
                          exclude_selectors=[".ad"])
    db_session.commit()
    return created.api_token


def push(client, token, body, site="news"):
    return client.put(f"/api/v1/sites/{site}/articles", json=body, headers={"Authorization": f"Bearer {token}"})


def test_push_creates_then_updates_only_when_the_text_changes(client, db_session, token):
    created = push(client, token, BODY)
    assert created.status_code == 201
    article = db_session.scalars(select(Article)).one()
    assert created.get_json() == {"id": article.id, "url": "https://news.example/2026/11/story", "revision": 1,
                                  "changed": True, "created": True}
    same = push(client, token, BODY)
    assert same.status_code == 200 and same.get_json()["changed"] is False
    edited = push(client, token, {**BODY, "html": "<p>First.</p><p>Second, fixed.</p>"})
    assert edited.get_json()["revision"] == 2
    revisions = db_session.scalars(select(ArticleRevision).order_by(ArticleRevision.number)).all()
    assert [r.text for r in revisions] == ["First.\n\nSecond.", "First.\n\nSecond, fixed."]
    assert db_session.scalars(select(Article)).one().modified_at.isoformat() == "2026-11-20T10:00:00+00:00"


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer rdk_wrong"}, {"Authorization": "Basic abc"}])
def test_push_without_the_right_token_is_401(client, db_session, token, headers):
    response = client.put("/api/v1/sites/news/articles", json=BODY, headers=headers)
    assert response.status_code == 401
    assert "API token" in response.get_json()["error"]
    assert db_session.scalar(select(func.count()).select_from(Article)) == 0


def test_a_token_for_another_site_is_refused(client, db_session, token):
    create_site(db_session, "other", base_url="https://other.example", body_selector="article")
    db_session.commit()
    assert push(client, token, BODY, site="other").status_code == 401


@pytest.mark.parametrize("body, status, field", [
    ({**BODY, "title": ""}, 400, "title"),
    ({k: v for k, v in BODY.items() if k != "html"}, 400, "html"),
    ({**BODY, "url": 5}, 400, "url"),
    ({**BODY, "modified": "yesterday"}, 400, "modified"),
])
def test_bad_fields_get_field_level_errors(client, db_session, token, body, status, field):
    response = push(client, token, body)
    assert response.status_code == status
    assert field in response.get_json()["fields"]


def test_not_json_and_empty_bodies_are_4xx(client, db_session, token):
    headers = {"Authorization": f"Bearer {token}"}
    assert client.put("/api/v1/sites/news/articles", data="url=x", headers=headers).status_code == 415
    broken = client.put("/api/v1/sites/news/articles", data="{broken",
                        headers={**headers, "Content-Type": "application/json"})
    assert broken.status_code == 400
    empty = push(client, token, {**BODY, "html": "<div class='ad'>only an ad</div>"})
    assert empty.status_code == 400 and "empty" in empty.get_json()["error"]
    assert push(client, token, {**BODY, "url": "ftp://x"}).status_code == 400


def test_moving_an_article_onto_another_articles_url_is_a_409(client, db_session, token):
    push(client, token, {**BODY, "url": "https://news.example/a", "external_id": 42})
    push(client, token, {**BODY, "url": "https://news.example/b", "html": "<p>Other story.</p>"})
    moved = push(client, token, {**BODY, "url": "https://news.example/b", "external_id": 42, "html": "<p>New.</p>"})
    assert moved.status_code == 409
    assert "already has that URL" in moved.get_json()["error"]
    assert [a.url for a in db_session.scalars(select(Article).order_by(Article.id))] == [
        "https://news.example/a", "https://news.example/b"]


def test_a_non_ascii_site_name_with_a_valid_token_is_a_401_not_a_500(client, db_session, token):
    assert push(client, token, BODY, site="é").status_code == 401


def test_a_wrong_method_says_which_are_allowed(client):
    response = client.delete("/api/v1/corrections")
    assert response.status_code == 405 and response.headers["Allow"] == "OPTIONS, POST"


def cyrillic_article(characters: int) -> str:
    """An article in Ukrainian of about ``characters`` characters, in paragraphs."""
    sentence = "Міська рада ухвалила бюджет на наступний рік після восьмигодинного засідання. "
    paragraph = sentence * 8
    count = characters // len(paragraph) + 1
    return "".join(f"<p>{paragraph.strip()} Абзац {n}.</p>" for n in range(count))


def test_a_fifty_thousand_character_article_in_cyrillic_pushes(client, db_session, token):
    html = cyrillic_article(50_000)
    # A CMS escapes non-ASCII in JSON (\u0431...): the body is several times the readers' 64 KB limit.
    response = client.put("/api/v1/sites/news/articles", data=json.dumps({**BODY, "html": html}),
                          content_type="application/json", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_json()
    text = db_session.scalar(select(ArticleRevision.text))
    assert len(text) >= 50_000 and text.startswith("Міська рада")


@pytest.mark.app_config(MAX_ARTICLE_BYTES=100_000)
def test_an_article_over_max_article_bytes_is_refused_naming_the_setting(client, db_session, token):
    response = push(client, token, {**BODY, "html": cyrillic_article(50_000)})
    assert response.status_code == 413
    assert "MAX_ARTICLE_BYTES (100,000 bytes)" in response.get_json()["error"]
    assert db_session.scalar(select(func.count()).select_from(Article)) == 0


def test_readers_reports_keep_their_own_smaller_limit(client, db_session, token):
    response = client.post("/api/v1/corrections", json={"comment": "x" * 70_000})
    assert response.status_code == 413 and "MAX_ARTICLE_BYTES" not in response.get_json()["error"]




def test_the_push_api_refuses_urls_outside_the_sites_base_url(client, db_session):
    created = create_site(db_session, "courier", base_url="https://news.example/courier/", body_selector="article")
    create_site(db_session, "other", base_url="https://other.example", body_selector="article")
    db_session.commit()
    for url in ("http://127.0.0.1:8080/admin", "http://169.254.169.254/latest/meta-data/",
                "https://other.example/2026/story", "https://news.example/courierx/story",
                "http://news.example/courier/story"):
        response = push(client, created.api_token, {"url": url, "title": "T", "html": "<p>Text.</p>"}, "courier")
        assert response.status_code == 400 and "not under the site's base URL" in response.get_json()["error"], url
    story = {"url": "https://news.example/courier/2026/story", "title": "T", "html": "<p>Text.</p>"}
    assert push(client, created.api_token, story, "courier").status_code == 201
    assert db_session.scalar(select(Article.url)) == "https://news.example/courier/2026/story"
