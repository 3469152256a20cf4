"""Inputs that once answered 500: every one is now a 4xx with a sentence (or, for Stripe, handled)."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from readerdesk.models import Correction, StripeEvent
from tests.factories import make_correction, make_site, make_user
from tests.fakes.stripe import make_event, signed
from tests.helpers import sign_in

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


def test_desk_merge_and_bulk_forms_with_400_digit_ids_are_400(client, db_session):
    correction = make_correction(db_session)
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, editor)
    huge = "9" * 400
    merge = client.post(f"/desk/corrections/{correction.id}/merge", data={"others": huge})
    assert merge.status_code == 400
    bulk = client.post("/desk/bulk", data={"action": "reject", "item": [f"{huge}:1"]})
    assert bulk.status_code == 400 and b"not report numbers" in bulk.data
    also_huge_version = client.post("/desk/bulk", data={"action": "reject", "item": [f"{correction.id}:{huge}"]})
    assert also_huge_version.status_code == 400


@pytest.mark.app_config(STRIPE_WEBHOOK_SECRET="whsec_test_readerdesk")
@pytest.mark.parametrize("metadata", ["a string", ["readerdesk"], 7])
def test_a_signed_webhook_whose_metadata_is_not_an_object_is_handled(client, db_session, metadata):
    make_site(db_session, "demo")
    db_session.commit()
    for event_type, obj in [
        ("checkout.session.completed", {"id": "cs_x", "mode": "subscription", "metadata": metadata}),
        ("customer.subscription.updated", {"id": "sub_x", "status": "active", "metadata": metadata}),
        ("invoice.paid", {"id": "in_x", "parent": {"subscription_details": {"subscription": "sub_x",
                                                                            "metadata": metadata}}}),
    ]:
        payload, headers = signed(make_event(event_type, obj))
        response = client.post("/stripe/webhook", data=payload, headers=headers)
        assert response.status_code == 200, (event_type, response.get_json())
    assert db_session.scalar(select(func.count(StripeEvent.id))) == 3
