import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Dispute, DisputeStatus, Payment
from readerdesk.services.patrons.stripe.client import stripe_client_for
from readerdesk.services.patrons.stripe.webhooks import RetryLater, process_event
from tests.factories import make_site
from tests.fakes.stripe import make_charge, make_dispute, make_event, make_invoice
from tests.patron_scenarios import DAY, T0, apply_event, checkout


def gift(app, fake_stripe, amount="20"):
    """A one-time gift, paid: (its checkout session, its charge as Stripe would send it)."""
    site = make_site(db.session)
    _, session, _ = checkout(app, fake_stripe, site, "cat@example.com", custom_amount=amount, custom_interval="once")
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    return session, make_charge(payment_intent=session["payment_intent"], amount=session["amount_total"], refunded=0)


def test_a_refund_is_recorded_on_the_payment_and_only_grows(app, fake_stripe):
    session, charge = gift(app, fake_stripe)
    apply_event(app, make_event("charge.refunded", {**charge, "amount_refunded": 2000}, created=T0 + 9))
    apply_event(app, make_event("charge.refunded", {**charge, "amount_refunded": 500}, created=T0 + 5))
    payment = db.session.scalar(select(Payment))
    assert (payment.amount, payment.amount_refunded, payment.refunded) == (2000, 2000, True)


def test_a_refund_of_a_subscription_payment_is_traced_through_invoice_payments(app, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    invoice = make_invoice(sub, payment_intent="pi_invoice_1")
    fake_stripe.invoices[invoice["id"]] = invoice
    apply_event(app, make_event("invoice.paid", invoice, created=T0))
    apply_event(app, make_event("charge.refunded", make_charge(payment_intent="pi_invoice_1", amount=300,
                                                               refunded=300), created=T0 + 1))
    payment = db.session.scalar(select(Payment))
    assert payment.amount_refunded == 300 and payment.stripe_payment_intent_id == "pi_invoice_1"


def test_a_refund_before_its_gift_is_deferred_not_lost(app, fake_stripe):
    site = make_site(db.session)
    _, session, _ = checkout(app, fake_stripe, site, "cat@example.com", custom_amount="20", custom_interval="once")
    refund = make_event("charge.refunded", make_charge(payment_intent=session["payment_intent"], amount=2000,
                                                       refunded=2000), created=T0 + 5)
    with pytest.raises(RetryLater):
        process_event(db.session, refund, now=utcnow(), client=stripe_client_for(app))
    db.session.rollback()
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    apply_event(app, refund)
    assert db.session.scalar(select(Payment)).amount_refunded == 2000


def test_a_won_dispute_keeps_the_money_and_admins_hear_when_it_opens_and_when_it_closes(app, fake_stripe):
    session, charge = gift(app, fake_stripe)
    dispute = make_dispute(charge, dispute_id="dp_won")
    notices = []
    for event_type, status, when in [("charge.dispute.created", "needs_response", T0 + DAY),
                                     ("charge.dispute.updated", "under_review", T0 + 2 * DAY),
                                     ("charge.dispute.updated", "needs_response", T0 + DAY + 1),  # late, older
                                     ("charge.dispute.closed", "won", T0 + 9 * DAY)]:
        result = apply_event(app, make_event(event_type, {**dispute, "status": status}, created=when))
        notices += [job.name for job in result.jobs]
    stored = db.session.scalar(select(Dispute))
    payment = db.session.scalar(select(Payment))
    assert (stored.status, stored.stripe_status, stored.reason) == (DisputeStatus.WON, "won", "fraudulent")
    assert (payment.amount_lost_in_disputes, payment.net) == (0, 2000)
    assert notices == ["send_dispute_notice", "send_dispute_notice"]


def test_a_lost_dispute_counts_like_a_refund_of_what_it_took(app, fake_stripe):
    session, charge = gift(app, fake_stripe, amount="50")
    apply_event(app, make_event("charge.refunded", {**charge, "amount_refunded": 1000}, created=T0 + DAY))
    dispute = make_dispute(charge, dispute_id="dp_lost", amount=4000)
    apply_event(app, make_event("charge.dispute.created", dispute, created=T0 + 2 * DAY))
    payment = db.session.scalar(select(Payment))
    assert payment.net == 4000  # an open dispute takes nothing yet
    apply_event(app, make_event("charge.dispute.closed", {**dispute, "status": "lost"}, created=T0 + 20 * DAY))
    db.session.refresh(payment)
    assert (payment.amount_refunded, payment.amount_lost_in_disputes, payment.net) == (1000, 4000, 0)
