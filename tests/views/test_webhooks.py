import json
import threading
import time

import pytest
from sqlalchemy import func, select

from readerdesk.extensions import db
from readerdesk.models import Patron, PatronStatus, Payment, StripeEvent
from tests.conftest import is_postgres, mail_settings
from tests.factories import make_site
from tests.fakes.stripe import make_event, make_invoice, signature_header, signed
from tests.helpers import run_jobs
from tests.patron_scenarios import T0, checkout, outcome, patron_histories


def post(client, event, **sign):
    payload, headers = signed(event, **sign)
    return client.post("/stripe/webhook", data=payload, headers=headers)


def test_no_webhook_secret_is_a_clear_503(client):
    response = client.post("/stripe/webhook", data="{}")
    assert response.status_code == 503 and "STRIPE_WEBHOOK_SECRET" in response.get_json()["error"]


def test_valid_tampered_and_expired_signatures(client, db_session, fake_stripe):
    event = make_event("customer.created", {"id": "cus_1"})
    assert post(client, event).status_code == 200
    payload, headers = signed(make_event("customer.created", {"id": "cus_2"}))
    tampered = client.post("/stripe/webhook", data=payload.replace("cus_2", "cus_3"), headers=headers)
    assert tampered.status_code == 400 and "signature" in tampered.get_json()["error"]
    old = {"Stripe-Signature": signature_header(payload, timestamp=int(time.time()) - 600)}
    assert client.post("/stripe/webhook", data=payload, headers=old).status_code == 400
    assert client.post("/stripe/webhook", data=payload).status_code == 400
    assert db_session.scalar(select(db.func.count(StripeEvent.id))) == 1


def test_a_large_event_is_not_refused_by_the_public_api_body_limit(app, client, db_session, fake_stripe):
    description = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1000)
    big = make_event("customer.created", {"id": "cus_big", "description": description})
    payload, headers = signed(big)
    assert client.post("/stripe/webhook", data=payload, headers=headers).status_code == 200


def test_a_duplicate_delivery_gives_one_payment_and_one_receipt(app, client, db_session, fake_stripe, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    assert post(client, make_event("checkout.session.completed", session, created=T0)).status_code == 200
    invoice = make_event("invoice.paid", make_invoice(sub), created=T0 + 1)
    assert post(client, invoice).get_json()["outcome"].startswith("invoice paid")
    again = post(client, invoice)
    assert again.status_code == 200 and again.get_json()["duplicate"] is True
    assert db_session.scalar(select(db.func.count(Payment.id))) == 1
    run_jobs()
    assert [m["Subject"] for m in smtp_server.messages] == [f"Thank you for supporting {site.title}"]
    assert "we received 3.00 EUR" in smtp_server.messages[0].get_content()


def test_a_processing_error_is_a_500_and_the_retry_succeeds(app, client, db_session, fake_stripe, monkeypatch):
    from readerdesk.services.patrons.stripe import webhooks as stripe_webhooks

    site = make_site(db_session)
    _, session, _ = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    event = make_event("checkout.session.completed", session, created=T0)

    def broken(*args):
        raise RuntimeError("boom")

    monkeypatch.setitem(stripe_webhooks.HANDLERS, "checkout.session.completed", broken)
    assert post(client, event).status_code == 500
    assert db_session.scalar(select(db.func.count(StripeEvent.id))) == 0
    monkeypatch.undo()
    assert post(client, event).status_code == 200
    assert db_session.scalar(select(Patron)).status is PatronStatus.ACTIVE


def test_a_failed_payment_over_http_makes_the_patron_past_due(app, client, db_session, fake_stripe):
    site = make_site(db_session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    post(client, make_event("checkout.session.completed", session, created=T0))
    post(client, make_event("invoice.payment_failed", make_invoice(sub, paid=False), created=T0 + 100))
    assert db_session.scalar(select(Patron)).status is PatronStatus.PAST_DUE


def test_replaying_signed_events_duplicated_and_out_of_order_matches_one_ordered_delivery(app, client, db_session,
                                                                                        fake_stripe):
    """Done when: the same Stripe history, delivered twice-over and shuffled, leaves the same patrons,
    payments and MRR as delivering it once, in order."""
    import random

    site = make_site(db_session)
    events = patron_histories(app, fake_stripe, site)
    for event in events:
        assert post(client, event).status_code == 200
    expected = outcome()
    db_session.execute(StripeEvent.__table__.delete())
    db_session.execute(Payment.__table__.delete())
    from readerdesk.models import Pledge

    db_session.execute(Pledge.__table__.update().values(patron_id=None))
    db_session.execute(Patron.__table__.delete())
    db_session.commit()
    db_session.expunge_all()  # forget the deleted rows (SQLite reuses their ids)
    deliveries = events + events[::2]
    random.Random(7).shuffle(deliveries)
    while deliveries:  # Stripe redelivers what got a 5xx
        event = deliveries.pop(0)
        if post(client, event).status_code >= 500:
            deliveries.append(event)
    assert outcome() == expected
    assert expected["mrr"] == 300 and len(expected["payments"]) == 5


@pytest.mark.postgres
@pytest.mark.real_commits  # six threads, six connections
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_the_same_event_delivered_concurrently_is_applied_once(app, db_session, fake_stripe):
    site = make_site(db_session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    payload, headers = signed(make_event("invoice.paid", make_invoice(sub), created=T0))
    barrier = threading.Barrier(6)
    statuses = []

    def deliver():
        client = app.test_client()
        with app.app_context():
            barrier.wait()
            response = client.post("/stripe/webhook", data=payload, headers=headers)
            statuses.append((response.status_code, json.loads(response.data).get("duplicate", False)))
            db.session.remove()

    threads = [threading.Thread(target=deliver) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [(200, False)] + [(200, True)] * 5
    db_session.expire_all()
    assert db_session.scalar(select(db.func.count(Payment.id))) == 1
    assert db_session.scalar(select(db.func.count(StripeEvent.id))) == 1


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
