"""Deleting an erased person's customers at Stripe, against the fake Stripe: which customers go, which
stay, and a customer Stripe no longer has (an erasure run again after its first try failed here)."""

from __future__ import annotations

import pytest
import stripe
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Patron, PatronStatus
from readerdesk.services.patrons.pledges import PledgeRequest, SupportSettings, create_pledge
from readerdesk.services.patrons.stripe.checkout import start_checkout
from readerdesk.services.patrons.stripe.client import stripe_client_for
from readerdesk.services.privacy.audit import Actor
from readerdesk.services.privacy.erasure import erase
from readerdesk.services.privacy.records import find_records
from readerdesk.services.privacy.stripe_customers import customers_to_delete, delete_stripe_customers
from tests.factories import make_site
from tests.privacy_scenarios import ADA, fill

ADMIN = Actor(label="test")


def unfinished_checkout(app, email: str) -> None:
    """A reader who filled in the support form and left Stripe's Checkout page (a customer, no patron)."""
    site = make_site(db.session)
    settings = SupportSettings.for_site(site, app.config["SUPPORT_TIERS"])
    pledge = create_pledge(db.session, site, PledgeRequest(form_key="left-checkout-0001", email=email,
                                                           tier_id="coffee"), settings, now=utcnow())
    start_checkout(db.session, stripe_client_for(app), pledge, settings,
                   success_url="http://t/s?session_id={CHECKOUT_SESSION_ID}", cancel_url="http://t/c", now=utcnow())
    db.session.commit()


def test_a_customer_readerdesk_made_for_an_unfinished_checkout_is_deleted(app, fake_stripe, db_session):
    unfinished_checkout(app, ADA)
    [customer] = fake_stripe.customers
    records = find_records(db_session, ADA)
    assert records.patrons == []  # no patron record names this customer
    [deletion] = delete_stripe_customers(stripe_client_for(app), records)
    assert (deletion.customer_id, deletion.deleted) == (customer, True)
    assert fake_stripe.deleted_customers == [customer] and fake_stripe.customers == {}


def test_a_customer_another_system_made_for_the_same_address_is_left_alone(app, fake_stripe, db_session):
    theirs = stripe_client_for(app).v1.customers.create({"email": ADA, "metadata": {"crm": "42"}})["id"]
    unfinished_checkout(app, ADA)
    ours = [c for c in fake_stripe.customers if c != theirs]
    assert customers_to_delete(stripe_client_for(app), find_records(db_session, ADA)) == ours
    delete_stripe_customers(stripe_client_for(app), find_records(db_session, ADA))
    assert list(fake_stripe.customers) == [theirs]


def test_an_erasure_run_again_after_stripe_deleted_the_customer_goes_through(app, client, fake_stripe,
                                                                               smtp_server):
    scene = fill(app, client, fake_stripe, smtp_server, with_bob=False)
    # The first try deleted the customer at Stripe (ending her subscription), then failed here.
    delete_stripe_customers(stripe_client_for(app), find_records(db.session, ADA))
    db.session.rollback()
    assert fake_stripe.subscriptions[scene.subscription["id"]]["status"] == "canceled"

    records = find_records(db.session, ADA)
    # Her two customers (a customer per pledge: the subscription's and the gift's) were both deleted.
    again = delete_stripe_customers(stripe_client_for(app), records)
    assert [d.deleted for d in again] == [False, False]
    assert again[0].describe() == f"Stripe customer {again[0].customer_id} was already deleted."
    changed = erase(db.session, records, actor=ADMIN, now=utcnow(), stripe_deletions=again)
    db.session.commit()
    patron = db.session.scalar(select(Patron).where(Patron.stripe_subscription_id == scene.subscription["id"]))
    assert patron.email.endswith("@erased.invalid") and patron.status is PatronStatus.CANCELED
    assert changed["patrons"] == 2 and changed["stripe_customers"] == 0


def test_stripe_refusing_a_deletion_is_raised_for_the_caller(app, fake_stripe, db_session):
    unfinished_checkout(app, ADA)
    [customer] = fake_stripe.customers
    fake_stripe.fail_next[f"DELETE /v1/customers/{customer}"] = (
        403, {"type": "invalid_request_error", "message": "This key may not delete customers."})
    with pytest.raises(stripe.StripeError):
        delete_stripe_customers(stripe_client_for(app), find_records(db_session, ADA))
    assert customer in fake_stripe.customers
