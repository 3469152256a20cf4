import random

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import (
    Dispute,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Pledge,
    PledgeStatus,
    StripeEvent,
    Subscription,
    SubscriptionAmount,
)
from readerdesk.services.patrons.stripe import webhooks as stripe_webhooks
from readerdesk.services.patrons.stripe.client import stripe_client_for
from readerdesk.services.patrons.stripe.webhooks import (
    EventAlreadyProcessed,
    InvalidWebhook,
    RetryLater,
    process_event,
    verify_event,
)
from tests.factories import make_site
from tests.fakes.stripe import WEBHOOK_SECRET, make_event, make_invoice, signature_header, signed
from tests.patron_scenarios import T0, apply_event, checkout, outcome, patron_histories


def test_a_valid_signature_gives_the_event(app):
    payload, headers = signed(make_event("invoice.paid", {"id": "in_1"}))
    assert verify_event(payload.encode(), headers["Stripe-Signature"], WEBHOOK_SECRET)["type"] == "invoice.paid"


def test_tampered_expired_and_missing_signatures_are_refused(app):
    payload, headers = signed(make_event("invoice.paid", {"id": "in_1", "amount_paid": 300}))
    with pytest.raises(InvalidWebhook):
        verify_event(payload.replace("300", "30000").encode(), headers["Stripe-Signature"], WEBHOOK_SECRET)
    old = signature_header(payload, timestamp=int(utcnow().timestamp()) - 301)
    with pytest.raises(InvalidWebhook):
        verify_event(payload.encode(), old, WEBHOOK_SECRET)
    with pytest.raises(InvalidWebhook):
        verify_event(payload.encode(), None, WEBHOOK_SECRET)
    with pytest.raises(InvalidWebhook):
        verify_event(payload.encode(), headers["Stripe-Signature"], "whsec_other")


def test_a_subscription_checkout_then_its_invoice_make_an_active_patron_with_one_payment(app, fake_stripe):
    site = make_site(db.session)
    pledge, session, sub = checkout(app, fake_stripe, site, "Ann@Example.com", tier_id="coffee", cover_fee=True)
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    invoice = make_event("invoice.paid", make_invoice(sub), created=T0 + 1)
    apply_event(app, invoice)
    with pytest.raises(EventAlreadyProcessed):
        process_event(db.session, invoice, now=utcnow())
    db.session.rollback()
    patron = db.session.scalar(select(Patron))
    assert (patron.email, patron.status, patron.amount, patron.tier) == (
        "ann@example.com", PatronStatus.ACTIVE, 330, "coffee")
    assert patron.stripe_subscription_id == sub["id"] and patron.stripe_customer_id == session["customer"]
    assert [(p.amount, p.status) for p in patron.payments] == [(330, PaymentStatus.PAID)]
    assert pledge.status is PledgeStatus.COMPLETED


def test_events_without_our_marker_are_acknowledged_and_ignored(app, fake_stripe):
    site = make_site(db.session)
    foreign = {"id": "cs_foreign", "object": "checkout.session", "mode": "payment", "payment_status": "paid",
               "metadata": {"pledge_id": "1"}, "amount_total": 999, "currency": "eur", "customer": "cus_x"}
    assert apply_event(app, make_event("checkout.session.completed", foreign)).outcome.startswith("ignored")
    marked_elsewhere = {**foreign, "metadata": {"readerdesk": "1", "pledge_id": "77", "site": site.name}}
    assert apply_event(app, make_event("checkout.session.completed", marked_elsewhere)).outcome.startswith("ignored")
    assert apply_event(app, make_event("customer.created", {"id": "cus_1"})).outcome.startswith("ignored")
    assert db.session.scalar(select(db.func.count(Patron.id))) == 0
    assert db.session.scalar(select(db.func.count(StripeEvent.id))) == 3


def test_a_processing_error_leaves_nothing_behind(app, fake_stripe, monkeypatch):
    site = make_site(db.session)
    _, session, _ = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    event = make_event("checkout.session.completed", session)

    def broken(*args):
        raise RuntimeError("database hiccup")

    monkeypatch.setitem(stripe_webhooks.HANDLERS, "checkout.session.completed", broken)
    with pytest.raises(RuntimeError):
        process_event(db.session, event, now=utcnow())
    db.session.rollback()
    assert db.session.scalar(select(db.func.count(StripeEvent.id))) == 0
    monkeypatch.undo()
    apply_event(app, event)  # Stripe's retry is processed afresh
    assert db.session.scalar(select(Patron)).status is PatronStatus.ACTIVE


def replay(app, events):
    """Deliver like Stripe: an event answered "retry later" comes again after the others."""
    queue = list(events)
    for _ in range(len(events) * 3):
        if not queue:
            return
        event = queue.pop(0)
        try:
            process_event(db.session, event, now=utcnow(), client=stripe_client_for(app))
            db.session.commit()
        except EventAlreadyProcessed:
            db.session.rollback()
        except RetryLater:
            db.session.rollback()
            queue.append(event)
    assert not queue, f"never applied: {[e['type'] for e in queue]}"


def test_histories_end_as_expected(app, fake_stripe):
    site = make_site(db.session)
    replay(app, patron_histories(app, fake_stripe, site))
    result = outcome()
    assert [(p[0], p[1], p[2], p[3]) for p in result["patrons"]] == [
        ("ann@example.com", "active", 300, "month"), ("ben@example.com", "canceled", 3000, "year"),
        ("cat@example.com", "active", 2000, "once")]
    assert result["mrr"] == {"EUR": 300}
    assert ("ann@example.com", "in_ann_3", 300, "paid", 0) in result["payments"]
    assert ("cat@example.com", "gift", 2000, "paid", 2000) in result["payments"]
    assert len(result["payments"]) == 5


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_duplicated_shuffled_delivery_ends_like_ordered_delivery(app, fake_stripe, seed):
    site = make_site(db.session)
    events = patron_histories(app, fake_stripe, site)
    replay(app, events)
    expected = outcome()
    # Same history again from scratch, on the same pledges: clear what the events built.
    for model in (StripeEvent, Dispute, Payment, SubscriptionAmount, Subscription):
        db.session.execute(model.__table__.delete())
    db.session.execute(Pledge.__table__.update().values(patron_id=None, status=PledgeStatus.OPEN))
    db.session.execute(Patron.__table__.delete())
    db.session.commit()
    db.session.expunge_all()  # forget the deleted rows (SQLite reuses their ids)
    shuffled = events + random.Random(seed).sample(events, k=len(events) // 2)
    random.Random(seed).shuffle(shuffled)
    replay(app, shuffled)
    assert outcome() == expected
