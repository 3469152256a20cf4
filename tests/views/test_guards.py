"""Input no database can store (NUL, a lone surrogate) or JSON nested too deep is a 400, wherever it comes in."""

import json

import pytest
from sqlalchemy import func, select

from readerdesk.models import Correction
from tests.factories import make_article, make_site, make_user, paragraphs
from tests.helpers import sign_in


@pytest.mark.parametrize("method, path, kwargs", [
    ("get", "/api/v1/corrections/abc%00def", {}),
    ("get", "/api/v1/widget-config?url=https://a.example/%00", {}),
    ("get", "/api/v1/notes?url=https://a.example/x%00", {}),
    ("post", "/api/v1/corrections", {"json": {"idempotency_key": "nul-0000-key", "comment": "a\u0000b"}}),
    ("post", "/auth/login", {"data": {"email": "a\u0000@example.com", "password": "x"}}),
    ("get", "/sites/demo%00/", {}),
    ("get", "/status/x%00", {}),
])
def test_nul_characters_are_refused_with_a_reason(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_the_desk_search_refuses_nul_too(client, db_session):
    sign_in(client, make_user(db_session, "ed@example.com"))
    db_session.commit()
    assert client.get("/desk/?q=bridge%00").status_code == 400


def test_ordinary_text_passes(client):
    assert client.get("/api/v1/notes?url=https://a.example/x").status_code == 200


@pytest.fixture
def article(db_session):
    site = make_site(db_session, base_url="https://news.example")
    article = make_article(db_session, site, html=paragraphs("The mayor said twelve bridges."))
    db_session.commit()
    return article


NESTED = "[" * 1000 + "]" * 1000


def report(article, **extra) -> dict:
    return {"idempotency_key": "inputs-000001", "article_url": article.url, "kind": "typo",
            "selectors": [{"type": "TextQuoteSelector", "exact": "twelve bridges"}], **extra}


@pytest.mark.parametrize("body", [NESTED, '{"a":' * 1000 + "1" + "}" * 1000], ids=["arrays", "objects"])
def test_json_nested_a_thousand_deep_is_a_400_on_the_reader_api(client, article, body):
    response = client.post("/api/v1/corrections", data=body, content_type="application/json")
    assert response.status_code == 400 and "nested too deeply" in response.get_json()["error"]


def test_json_nested_a_thousand_deep_is_a_400_on_the_push_api(client, db_session):
    from readerdesk.services.articles.sites import create_site

    created = create_site(db_session, "pushy", base_url="https://news.example", body_selector="article")
    db_session.commit()
    response = client.put("/api/v1/sites/pushy/articles", data=NESTED, content_type="application/json",
                          headers={"Authorization": f"Bearer {created.api_token}"})
    assert response.status_code == 400 and "nested too deeply" in response.get_json()["error"]


def test_a_lone_surrogate_is_refused_like_nul_in_the_readers_language(client, db_session, article):
    body = json.dumps(report(article, comment="broken \ud800 text", language="uk"))
    assert "\\ud800" in body
    response = client.post("/api/v1/corrections", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Текст не може містити непарних сурогатів")
    english = client.post("/api/v1/corrections", data=body.replace('"uk"', '"en"'), content_type="application/json")
    assert english.status_code == 400 and "unpaired surrogates" in english.get_json()["error"]
    key_surrogate = client.post("/api/v1/corrections", data='{"\\udfff": 1}', content_type="application/json")
    assert key_surrogate.status_code == 400
    assert db_session.scalar(select(func.count(Correction.id))) == 0


def test_a_lone_surrogate_in_a_pushed_article_is_a_400(client, db_session):
    from readerdesk.services.articles.sites import create_site

    created = create_site(db_session, "pushy", base_url="https://news.example", body_selector="article")
    db_session.commit()
    body = '{"url": "https://news.example/a", "title": "T \\ud83d", "html": "<p>x</p>"}'
    response = client.put("/api/v1/sites/pushy/articles", data=body, content_type="application/json",
                          headers={"Authorization": f"Bearer {created.api_token}"})
    assert response.status_code == 400 and "surrogates" in response.get_json()["error"]
