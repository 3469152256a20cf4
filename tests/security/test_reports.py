"""A reader's report: idempotency keys tied to the body, and a honeypot that cannot be detected."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from readerdesk.models import Correction, DecoyReport


def report(article, key="report-key-0001", **extra) -> dict:
    return {"idempotency_key": key, "article_url": article.url, "kind": "typo",
            "selectors": [{"type": "TextQuoteSelector", "exact": "twelve bridges"}], "suggestion": "eleven", **extra}


def count(db_session, model) -> int:
    return db_session.scalar(select(func.count(model.id)))


def test_the_same_key_with_another_body_is_a_422_with_a_sentence(client, db_session, article):
    first = client.post("/api/v1/corrections", json=report(article))
    assert first.status_code == 201
    again = client.post("/api/v1/corrections", json=report(article))  # an offline retry: the same body
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    other = client.post("/api/v1/corrections", json=report(article, suggestion="ten", language="uk"))
    assert other.status_code == 422
    assert other.get_json()["error"].startswith("Цей ключ ідемпотентності вже використано")
    assert "status_url" not in other.get_json()
    english = client.post("/api/v1/corrections", json=report(article, comment="a different report"))
    assert english.status_code == 422 and "used for a different report" in english.get_json()["error"]
    assert count(db_session, Correction) == 1


@pytest.mark.parametrize("filled", ["http://spam.example", " ", "\t", 0, 1, [], {}, False, ["x"]],
                         ids=repr)
def test_a_filled_honeypot_is_indistinguishable_from_a_real_report(client, db_session, article, filled):
    real = client.post("/api/v1/corrections", json=report(article, key="real-report-01"))
    trapped = client.post("/api/v1/corrections", json=report(article, key="trapped-rep-01", website=filled))
    assert trapped.status_code == real.status_code == 201
    real_body, trapped_body = real.get_json(), trapped.get_json()
    assert set(trapped_body) == set(real_body)
    assert (trapped_body["status"], trapped_body["anchored"]) == (real_body["status"], real_body["anchored"])
    assert trapped.headers["Location"] == trapped_body["status_url"]
    # Its status link answers like a new report's, in the API and as a page.
    real_status, trapped_status = client.get(real_body["status_url"]), client.get(trapped_body["status_url"])
    assert trapped_status.status_code == real_status.status_code == 200
    trapped_json = trapped_status.get_json()
    assert {k: v for k, v in trapped_json.items() if k not in ("id", "received_at")} == \
        {k: v for k, v in real_status.get_json().items() if k not in ("id", "received_at")}
    assert client.get(trapped_body["status_page"]).status_code == 200
    # The same key again: the same answer as for a real report.
    repeat = client.post("/api/v1/corrections", json=report(article, key="trapped-rep-01", website=filled))
    assert repeat.status_code == 200 and repeat.get_json()["id"] == trapped_body["id"]
    # Nothing reached the desk.
    assert count(db_session, Correction) == 1 and count(db_session, DecoyReport) == 1


def test_a_trapped_report_is_validated_like_a_real_one(client, db_session, article):
    bad = client.post("/api/v1/corrections", json=report(article, key="x", website="http://spam.example"))
    assert bad.status_code == 400 and "idempotency_key" in bad.get_json()["fields"]
    unknown = client.post("/api/v1/corrections", json={**report(article, website="y"),
                                                        "article_url": "https://nowhere.example/a"})
    assert unknown.status_code == 404


@pytest.mark.parametrize("empty", ["", None])
def test_an_empty_honeypot_is_a_real_report(client, db_session, article, empty):
    assert client.post("/api/v1/corrections", json=report(article, website=empty)).status_code == 201
    assert count(db_session, Correction) == 1 and count(db_session, DecoyReport) == 0
