from sqlalchemy import select

from readerdesk.extensions import db
from readerdesk.models import Patron, PatronStatus, Payment, StripeEvent
from tests.factories import make_site
from tests.fakes.stripe import make_event, make_invoice
from tests.patron_scenarios import checkout


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
