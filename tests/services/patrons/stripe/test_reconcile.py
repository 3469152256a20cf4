from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Patron, PatronStatus, Payment, StripeEvent
from readerdesk.services.patrons.stripe.reconcile import repair_subscription
from tests.factories import make_site
from tests.fakes.stripe import make_event, make_invoice
from tests.patron_scenarios import T0, apply_event, checkout


def test_reconcile_without_stripe_is_one_line_and_exit_1(runner):
    result = runner.invoke(args=["stripe", "reconcile"])
    assert result.exit_code == 1
    assert result.output.strip() == "Error: payments are not set up: STRIPE_SECRET_KEY is not set"


def test_reconcile_rejects_a_bad_date(runner, fake_stripe):
    result = runner.invoke(args=["stripe", "reconcile", "--since", "last tuesday"])
    assert result.exit_code == 1 and "--since must be a date" in result.output


def test_reconcile_processes_missed_events_and_repairs_drift(app, runner, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    # Stripe sent these, but our endpoint never got them.
    fake_stripe.add_event(make_event("checkout.session.completed", session))
    fake_stripe.add_event(make_event("invoice.paid", make_invoice(sub)))
    result = runner.invoke(args=["stripe", "reconcile"])
    assert result.exit_code == 0, result.output
    assert "2 events since" in result.output and "2 processed now" in result.output
    patron = db.session.scalar(select(Patron))
    assert patron.status is PatronStatus.ACTIVE and db.session.scalar(select(db.func.count(Payment.id))) == 1
    # The patron upgraded in the portal and the update event was lost: the subscription shows it.
    sub["items"]["data"][0]["price"]["unit_amount"] = 800
    again = runner.invoke(args=["stripe", "reconcile", "--since", "2020-01-01"])
    assert "0 processed now" in again.output and "1 patrons repaired" in again.output
    assert "ann@example.com: active 300/month -> active 800/month" in again.output
    db.session.expire_all()
    assert db.session.scalar(select(Patron)).amount == 800
    # A subscription Stripe no longer lists as active is re-fetched and its cancellation applied.
    sub["status"] = "canceled"
    runner.invoke(args=["stripe", "reconcile"])
    db.session.expire_all()
    assert db.session.scalar(select(Patron)).status is PatronStatus.CANCELED
    assert db.session.scalar(select(db.func.count(StripeEvent.id))) == 2


def test_a_repair_is_stamped_with_stripes_time_so_a_genuine_event_just_before_it_still_applies(app, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    for obj in (sub, sub["items"]["data"][0]):  # the subscription as Stripe made it, at T0
        obj.update({k: T0 for k in ("created", "start_date", "current_period_start") if k in obj})
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    apply_event(app, make_event("invoice.paid", make_invoice(sub), created=T0 + 1))
    sub["items"]["data"][0]["price"] = {**sub["items"]["data"][0]["price"], "unit_amount": 800}  # a lost update
    repaired_at = utcnow()
    assert repair_subscription(db.session, sub, now=repaired_at) == (
        "ann@example.com: active 300/month -> active 800/month")
    db.session.commit()
    # Stripe created this a second before the repair ran; its delivery comes after.
    late = make_event("customer.subscription.updated", {**sub, "status": "past_due"},
                      created=int(repaired_at.timestamp()) - 1)
    outcome = apply_event(app, late).outcome
    patron = db.session.scalar(select(Patron))
    assert patron.status is PatronStatus.PAST_DUE and patron.amount == 800, outcome
    assert patron.state_as_of < repaired_at
