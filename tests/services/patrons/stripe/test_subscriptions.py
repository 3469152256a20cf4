from sqlalchemy import select

from readerdesk.extensions import db
from readerdesk.models import Patron, PatronStatus, PaymentStatus, Subscription
from readerdesk.services.patrons.pledges import SupportSettings
from readerdesk.services.patrons.stripe.checkout import tier_price
from readerdesk.services.patrons.stripe.client import stripe_client_for
from tests.factories import make_site
from tests.fakes.stripe import make_event, make_invoice
from tests.patron_scenarios import DAY, T0, apply_event, at, checkout


def test_subscription_updated_before_checkout_completed_ends_in_the_right_state(app, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    # Stripe: checkout completes at T0, the subscription goes past_due at T0+5; delivered the other way round.
    apply_event(app, make_event("customer.subscription.updated", {**sub, "status": "past_due"}, created=T0 + 5))
    patron = db.session.scalar(select(Patron))
    assert patron.status is PatronStatus.PAST_DUE and patron.amount == 300
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    db.session.refresh(patron)
    assert patron.status is PatronStatus.PAST_DUE  # the older event did not overwrite the newer state
    assert patron.stripe_subscription_id == sub["id"] and patron.supporter_since == at(T0)
    assert db.session.scalar(select(db.func.count(Patron.id))) == 1


def test_the_tier_label_follows_the_price_and_an_inline_price_is_a_custom_amount(app, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee")
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    reader = SupportSettings.for_site(site).tier("reader")
    assert reader is not None
    price = tier_price(stripe_client_for(app), site, reader, reader.amount)
    db.session.commit()
    apply_event(app, make_event("customer.subscription.updated", fake_stripe.change_price(sub["id"], price),
                                created=T0 + DAY))
    patron = db.session.scalar(select(Patron))
    assert (patron.tier, patron.amount, patron.status) == ("reader", 800, PatronStatus.ACTIVE)
    inline = {**sub["items"]["data"][0]["price"], "id": "price_inline", "lookup_key": None, "unit_amount": 1250}
    sub["items"]["data"][0]["price"] = inline
    apply_event(app, make_event("customer.subscription.updated", sub, created=T0 + 2 * DAY))
    db.session.refresh(patron)
    assert (patron.tier, patron.amount) == (None, 1250)
    history = db.session.scalar(select(Subscription)).amounts
    assert [(a.tier, a.amount) for a in history] == [("coffee", 300), ("reader", 800), (None, 1250)]


def test_a_subscription_that_expired_unpaid_stays_ended(app, fake_stripe):
    site = make_site(db.session)
    _, session, sub = checkout(app, fake_stripe, site, "ann@example.com", tier_id="coffee", paid=False)
    apply_event(app, make_event("checkout.session.completed", session, created=T0))
    patron = db.session.scalar(select(Patron))
    assert patron.status is PatronStatus.PENDING
    apply_event(app, make_event("customer.subscription.updated", {**sub, "status": "incomplete_expired"},
                                created=T0 + DAY))
    # Stripe's money arriving afterwards (an invoice it paid late) records the payment, revives nothing.
    apply_event(app, make_event("invoice.paid", make_invoice(sub, invoice_id="in_late"), created=T0 + 2 * DAY))
    apply_event(app, make_event("customer.subscription.updated", {**sub, "status": "active"}, created=T0 + 3 * DAY))
    db.session.refresh(patron)
    assert (patron.status, patron.canceled_at) == (PatronStatus.CANCELED, at(T0 + DAY))
    assert [(p.stripe_invoice_id, p.status) for p in patron.payments] == [("in_late", PaymentStatus.PAID)]
