import json
import random
import threading
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from readerdesk.extensions import db
from readerdesk.models import (
    Dispute,
    Patron,
    PatronStatus,
    Payment,
    StripeEvent,
    Subscription,
)
from readerdesk.services.patrons.pledges import SupportSettings
from readerdesk.services.patrons.revenue import mrr_by_currency, total_paid
from readerdesk.services.patrons.stripe import webhooks as stripe_webhooks
from readerdesk.services.patrons.stripe.checkout import tier_price
from readerdesk.services.patrons.stripe.client import stripe_client_for
from tests.conftest import is_postgres, mail_settings
from tests.factories import make_site
from tests.fakes.stripe import make_charge, make_dispute, make_event, make_invoice, signature_header, signed
from tests.helpers import run_jobs
from tests.patron_scenarios import DAY, T0, Story, checkout, forget_stripe_state, outcome, patron_histories


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
    assert "we received €3.00" in smtp_server.messages[0].get_content()


def test_a_processing_error_is_a_500_and_the_retry_succeeds(app, client, db_session, fake_stripe, monkeypatch):
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
    site = make_site(db_session)
    events = patron_histories(app, fake_stripe, site)
    for event in events:
        assert post(client, event).status_code == 200
    expected = outcome()
    forget_stripe_state(db_session)
    db_session.commit()
    db_session.expunge_all()  # forget the deleted rows (SQLite reuses their ids)
    deliveries = events + events[::2]
    random.Random(7).shuffle(deliveries)
    for _ in range(len(deliveries) * 3):  # Stripe redelivers what got a 5xx
        if not deliveries:
            break
        event = deliveries.pop(0)
        if post(client, event).status_code >= 500:
            deliveries.append(event)
    assert outcome() == expected
    assert expected["mrr"] == {"EUR": 300} and len(expected["payments"]) == 5


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


# --- the defects of issue 18, replayed as signed events: in order, then shuffled and duplicated ----------

ORDERS = ["ordered", "shuffled-1", "shuffled-2"]


def deliver(client, events, order: str) -> None:
    """Post every event signed, like Stripe: in order, or shuffled with some twice over; an event
    answered 5xx ("not yet") comes again after the others."""
    deliveries = list(events)
    if order != "ordered":
        rng = random.Random(int(order.rsplit("-", 1)[1]))
        deliveries += rng.sample(events, k=max(1, len(events) // 2))
        rng.shuffle(deliveries)
    for _ in range(len(deliveries) * 3):
        if not deliveries:
            return
        event = deliveries.pop(0)
        if post(client, event).status_code >= 500:
            deliveries.append(event)
    raise AssertionError(f"events never applied: {[e['type'] for e in deliveries]}")


def patron_of(db_session, site, email="ann@example.com") -> Patron:
    db_session.expire_all()
    return db_session.scalar(select(Patron).where(Patron.site_id == site.id, Patron.email == email))


@pytest.mark.parametrize("order", ORDERS)
def test_a_canceled_subscription_stays_canceled_whatever_comes_after(app, client, db_session, fake_stripe, order):
    site = make_site(db_session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    story = Story()
    story.add("checkout.session.completed", session, T0)
    story.add("invoice.paid", make_invoice(sub, invoice_id="in_1"), T0 + 1)
    story.add("customer.subscription.deleted", {**sub, "status": "canceled", "ended_at": T0 + 40 * DAY},
              T0 + 40 * DAY)
    # After the deletion: a final invoice paid, a retry failing, a stale "active" update.
    story.add("invoice.paid", make_invoice(sub, invoice_id="in_2"), T0 + 41 * DAY)
    story.add("invoice.payment_failed", make_invoice(sub, paid=False, invoice_id="in_3"), T0 + 42 * DAY)
    story.add("customer.subscription.updated", {**sub, "status": "active"}, T0 + 43 * DAY)
    deliver(client, story.events, order)
    patron = patron_of(db_session, site)
    assert patron.status is PatronStatus.CANCELED
    assert patron.canceled_at == datetime.fromtimestamp(T0 + 40 * DAY, UTC)
    assert sorted(p.stripe_invoice_id for p in patron.payments if p.status.value == "paid") == ["in_1", "in_2"]


@pytest.mark.parametrize("order", ORDERS)
def test_a_returning_supporters_new_subscription_is_a_patron_of_its_own(app, client, db_session, fake_stripe, order):
    """Ann cancels, then subscribes again from the support page. The email she typed is not proven
    (issue 11): the new subscription gets a customer and a patron record of its own, and the canceled
    record stays canceled, even when a late invoice about the old subscription arrives."""
    site = make_site(db_session)
    _, first, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    _, second, new_sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="reader")
    story = Story()
    story.add("checkout.session.completed", first, T0)
    story.add("customer.subscription.deleted", {**sub, "status": "canceled", "ended_at": T0 + 40 * DAY},
              T0 + 40 * DAY)
    story.add("checkout.session.completed", second, T0 + 60 * DAY)
    story.add("invoice.paid", make_invoice(new_sub, invoice_id="in_new"), T0 + 60 * DAY + 1)
    story.add("invoice.paid", make_invoice(sub, invoice_id="in_old_late"), T0 + 61 * DAY)  # about the old one
    deliver(client, story.events, order)
    db_session.expire_all()
    patrons = {p.stripe_customer_id: p for p in db_session.scalars(select(Patron).where(Patron.site_id == site.id))}
    assert len(patrons) == 2  # in whatever order the events came
    old, new = patrons[sub["customer"]], patrons[new_sub["customer"]]
    assert (new.status, new.stripe_subscription_id, new.amount, new.tier, new.canceled_at) == (
        PatronStatus.ACTIVE, new_sub["id"], 800, "reader", None)
    assert (old.status, old.stripe_subscription_id) == (PatronStatus.CANCELED, sub["id"])
    assert old.stripe_customer_id != new.stripe_customer_id and old.email == new.email


@pytest.mark.parametrize("order", ORDERS)
def test_a_plan_change_in_the_portal_moves_the_tier_label_and_keeps_the_history(app, client, db_session, fake_stripe,
                                                                              order):
    site = make_site(db_session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    reader = SupportSettings.for_site(site).tier("reader")
    price = tier_price(stripe_client_for(app), site, reader, 800)
    db_session.commit()
    story = Story()
    story.add("checkout.session.completed", session, T0)
    story.add("customer.subscription.updated", json.loads(json.dumps(fake_stripe.change_price(sub["id"], price))),
              T0 + 10 * DAY)
    deliver(client, story.events, order)
    patron = patron_of(db_session, site)
    assert (patron.tier, patron.amount) == ("reader", 800)
    history = db_session.scalar(select(Subscription)).amounts
    assert [(a.effective_at, a.amount) for a in history] == [
        (datetime.fromtimestamp(T0, UTC), 300), (datetime.fromtimestamp(T0 + 10 * DAY, UTC), 800)]


@pytest.mark.parametrize("order", ORDERS)
def test_a_late_failure_of_a_paid_invoice_changes_nothing(app, client, db_session, fake_stripe, smtp_server, order):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    story = Story()
    story.add("checkout.session.completed", session, T0)
    story.add("invoice.paid", make_invoice(sub, invoice_id="in_1"), T0 + 30 * DAY)
    deliver(client, story.events, order)
    # Stripe retried an older attempt of in_1 that failed; its event arrives after the invoice was paid.
    post(client, make_event("invoice.payment_failed", make_invoice(sub, paid=False, invoice_id="in_1"),
                            created=T0 + 30 * DAY - 5))
    patron = patron_of(db_session, site)
    assert patron.status is PatronStatus.ACTIVE
    assert [p.status.value for p in patron.payments] == ["paid"]
    run_jobs()
    assert [m["Subject"] for m in smtp_server.messages] == [f"Thank you for supporting {site.title or site.name}"]


@pytest.mark.parametrize("order", ORDERS)
def test_a_delayed_payment_keeps_the_patron_pending_until_it_succeeds(app, client, db_session, fake_stripe, order):
    site = make_site(db_session)
    pledge, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee", paid=False)
    story = Story()
    story.add("checkout.session.completed", session, T0)
    story.add("customer.subscription.updated", {**sub, "status": "active"}, T0 + 1)
    succeeded = fake_stripe.settle_session(session["id"], succeeded=True)
    story.add("checkout.session.async_payment_succeeded", succeeded, T0 + 3 * DAY)
    deliver(client, story.events[:2], order)
    assert patron_of(db_session, site).status is PatronStatus.PENDING
    assert mrr_of(db_session) == {}
    deliver(client, story.events, order)
    assert patron_of(db_session, site).status is PatronStatus.ACTIVE
    assert mrr_of(db_session) == {"EUR": 300}


def test_a_failed_delayed_payment_tells_the_supporter(app, client, db_session, fake_stripe, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session)
    pledge, session, _ = checkout(app, fake_stripe, site, "cat@example.com", custom_amount="20",
                                  custom_interval="once", paid=False)
    post(client, make_event("checkout.session.completed", session, created=T0))
    assert patron_of(db_session, site, "cat@example.com").status is PatronStatus.PENDING
    failed = fake_stripe.settle_session(session["id"], succeeded=False)
    post(client, make_event("checkout.session.async_payment_failed", failed, created=T0 + 86400))
    patron = patron_of(db_session, site, "cat@example.com")
    assert patron.status is PatronStatus.CANCELED and patron.payments == []
    assert db_session.get(type(pledge), pledge.id).status.value == "failed"
    run_jobs()
    [message] = smtp_server.messages
    assert "could not collect your payment of €20.00" in message.get_content()


@pytest.mark.parametrize("order", ORDERS)
def test_a_lost_dispute_counts_like_a_refund(app, client, db_session, fake_stripe, order):
    site = make_site(db_session)
    _, session, _ = checkout(app, fake_stripe, site, "cat@example.com", custom_amount="20", custom_interval="once")
    charge = make_charge(payment_intent=session["payment_intent"], amount=2000, refunded=0)
    dispute = make_dispute(charge, dispute_id="dp_1")
    story = Story()
    story.add("checkout.session.completed", session, T0)
    story.add("charge.dispute.created", dispute, T0 + 5 * DAY)
    story.add("charge.dispute.updated", {**dispute, "status": "under_review"}, T0 + 6 * DAY)
    story.add("charge.dispute.closed", {**dispute, "status": "lost"}, T0 + 20 * DAY)
    deliver(client, story.events, order)
    patron = patron_of(db_session, site, "cat@example.com")
    [payment] = patron.payments
    stored = db_session.scalar(select(Dispute))
    assert (stored.status.value, stored.stripe_status, stored.amount, stored.reason) == (
        "lost", "lost", 2000, "fraudulent")
    assert payment.amount_lost_in_disputes == 2000 and payment.net == 0
    assert total_paid(db_session, patron) == {"EUR": 0}


def mrr_of(db_session) -> dict:
    return mrr_by_currency(db_session.scalars(select(Patron)).all())
