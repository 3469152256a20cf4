from datetime import timedelta

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Interval, Patron, PledgeStatus
from readerdesk.services.patrons.pledges import PledgeRequest, SupportSettings, create_pledge
from readerdesk.services.patrons.stripe.checkout import CheckoutFailed, checkout_outcome, start_checkout
from readerdesk.services.patrons.stripe.client import (
    STRIPE_API_VERSION,
    StripeNotConfigured,
    make_stripe_client,
    stripe_client_for,
)
from tests.factories import make_site
from tests.fakes.stripe import CARD_DECLINED

SUCCESS = "http://desk.test/support/success?session_id={CHECKOUT_SESSION_ID}"


def pledge_for(app, site, **kwargs):
    kwargs.setdefault("form_key", "k" * 24)
    kwargs.setdefault("email", "Reader@Example.com")
    pledge = create_pledge(db.session, site, PledgeRequest(**kwargs), SupportSettings.for_site(site), now=utcnow())
    db.session.commit()
    return pledge


def begin(app, pledge, now=None):
    return start_checkout(db.session, stripe_client_for(app), pledge, SupportSettings.for_site(pledge.site),
                          success_url=SUCCESS, cancel_url="http://desk.test/support/cancel", now=now or utcnow())


def test_the_client_pins_the_api_version_and_base(app, fake_stripe):
    site = make_site(db.session)
    begin(app, pledge_for(app, site, tier_id="coffee"))
    request = fake_stripe.requests[0]
    assert request.headers["Stripe-Version"] == STRIPE_API_VERSION
    assert request.headers["Authorization"] == "Bearer sk_test_readerdesk"


def test_no_key_means_no_client(app):
    with pytest.raises(StripeNotConfigured):
        make_stripe_client(app.config)


UAH_TIERS = [{"id": "kava", "name": "Кава", "amount": 10000, "interval": "month", "description": ""}]


def test_a_monthly_tier_starts_a_subscription_checkout_on_the_tiers_price(app, fake_stripe):
    site = make_site(db.session, currency="UAH", support_tiers=UAH_TIERS)
    pledge = pledge_for(app, site, tier_id="kava")
    url = begin(app, pledge)
    [sent] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    p = sent.params
    assert p["mode"] == "subscription"
    [price] = fake_stripe.prices.values()
    assert p["line_items"] == [{"price": price["id"], "quantity": "1"}]
    assert (price["unit_amount"], price["currency"], price["recurring"]["interval"]) == (10000, "uah", "month")
    assert price["lookup_key"] == f"readerdesk:{site.name}:kava:month"
    [product] = fake_stripe.products.values()
    assert price["product"] == product["id"] == site.stripe_product_id
    assert "{CHECKOUT_SESSION_ID}" in p["success_url"]
    assert p["metadata"] == {"readerdesk": "1", "pledge_id": str(pledge.id), "site": site.name, "tier": "kava"}
    assert p["subscription_data"]["metadata"] == p["metadata"] and "payment_intent_data" not in p
    assert sent.idempotency_key == f"pledge-{pledge.id}-checkout-v1"
    assert url.startswith("https://checkout.stripe.com/") and pledge.status is PledgeStatus.OPEN


def test_one_product_per_site_and_one_price_per_tier_found_by_lookup_key(app, fake_stripe):
    site = make_site(db.session)
    for n in range(3):
        begin(app, pledge_for(app, site, form_key=f"{n}" * 24, tier_id="coffee"))
    begin(app, pledge_for(app, site, form_key="c" * 24, custom_amount="7", custom_interval="month"))
    assert len(fake_stripe.products) == 1 and len(fake_stripe.prices) == 1  # the custom amount is inline
    custom = fake_stripe.sent("POST", "/v1/checkout/sessions")[-1].params["line_items"][0]
    assert custom["price_data"] == {"currency": "eur", "unit_amount": "700", "product": site.stripe_product_id,
                                    "recurring": {"interval": "month"}}
    # The tier's amount changes at the desk: a new Price takes the lookup key over.
    site.support_tiers = [{**site.support_tiers[0], "amount": 400}]
    begin(app, pledge_for(app, site, form_key="d" * 24, tier_id="coffee"))
    keyed = [p for p in fake_stripe.prices.values() if p["lookup_key"]]
    assert [(p["unit_amount"], p["lookup_key"]) for p in keyed] == [(400, f"readerdesk:{site.name}:coffee:month")]


def test_an_expired_checkout_session_is_replaced_by_a_new_one(app, fake_stripe):
    site = make_site(db.session)
    pledge = pledge_for(app, site, tier_id="coffee")
    first = begin(app, pledge)
    db.session.commit()
    fake_stripe.expire_session(pledge.stripe_checkout_session_id)
    second = begin(app, pledge, now=utcnow() + timedelta(hours=25))
    assert second != first and len(fake_stripe.sent("POST", "/v1/checkout/sessions")) == 2
    assert fake_stripe.sent("POST", "/v1/checkout/sessions")[1].idempotency_key == f"pledge-{pledge.id}-checkout-v2"
    assert pledge.status is PledgeStatus.OPEN and pledge.checkout_url == second


def test_a_yearly_tier_recurs_yearly_and_a_gift_is_a_payment(app, fake_stripe):
    site = make_site(db.session)
    begin(app, pledge_for(app, site, tier_id="yearly"))
    begin(app, pledge_for(app, site, form_key="g" * 24, custom_amount="25", custom_interval="once", cover_fee=True))
    yearly, gift = (r.params for r in fake_stripe.sent("POST", "/v1/checkout/sessions"))
    assert fake_stripe.prices[yearly["line_items"][0]["price"]]["recurring"]["interval"] == "year"
    assert gift["mode"] == "payment" and "recurring" not in gift["line_items"][0]["price_data"]
    # ceil(2525 × 10000 / 9850): 25.00 grossed up for 1.5 % + 0.25
    assert gift["line_items"][0]["price_data"]["unit_amount"] == "2564"
    assert gift["payment_intent_data"]["metadata"]["readerdesk"] == "1"


def test_starting_twice_reuses_the_open_session(app, fake_stripe):
    site = make_site(db.session)
    pledge = pledge_for(app, site, tier_id="coffee")
    first = begin(app, pledge)
    db.session.commit()
    assert begin(app, pledge) == first
    assert len(fake_stripe.sent("POST", "/v1/checkout/sessions")) == 1


def test_an_unverified_email_never_reuses_an_existing_customer(app, fake_stripe):
    """Anyone can type a patron's email on the support page: Checkout must not run on their customer
    (it would show their saved cards), nor ask Stripe for customers by that email."""
    site = make_site(db.session)
    db.session.add(Patron(site_id=site.id, email="reader@example.com", currency="EUR", interval=Interval.MONTH,
                          amount=300, supporter_since=utcnow(), stripe_customer_id="cus_known"))
    begin(app, pledge_for(app, site, tier_id="coffee", email="Reader@Example.com"))
    begin(app, pledge_for(app, site, form_key="z" * 24, tier_id="reader", email="READER@example.COM"))
    assert fake_stripe.sent("GET", "/v1/customers") == []
    assert len(fake_stripe.sent("POST", "/v1/customers")) == 2
    first, second = (r.params["customer"] for r in fake_stripe.sent("POST", "/v1/checkout/sessions"))
    assert "cus_known" not in (first, second) and first != second


def test_a_card_error_becomes_a_readable_message(app, fake_stripe):
    site = make_site(db.session)
    pledge = pledge_for(app, site, tier_id="coffee")
    fake_stripe.fail_next["POST /v1/checkout/sessions"] = CARD_DECLINED
    with pytest.raises(CheckoutFailed) as failure:
        begin(app, pledge)
    assert str(failure.value) == "Your card was declined. Nothing was charged."
    assert failure.value.status == 402 and pledge.status is PledgeStatus.FAILED


def test_the_outcome_comes_from_stripe(app, fake_stripe):
    site = make_site(db.session)
    pledge = pledge_for(app, site, tier_id="coffee")
    begin(app, pledge)
    client = stripe_client_for(app)
    assert checkout_outcome(db.session, client, pledge.stripe_checkout_session_id).state == "not_completed"
    fake_stripe.complete_session(pledge.stripe_checkout_session_id, paid=False)
    assert checkout_outcome(db.session, client, pledge.stripe_checkout_session_id).state == "processing"
    fake_stripe.complete_session(pledge.stripe_checkout_session_id, paid=True)
    outcome = checkout_outcome(db.session, client, pledge.stripe_checkout_session_id)
    assert (outcome.state, outcome.amount_total, outcome.pledge.id) == ("paid", 300, pledge.id)
    assert db.session.scalar(select(Patron)) is None  # patrons come from webhooks, not from this page


def test_metadata_names_a_pledge_only_with_a_plain_id_and_the_right_site(db_session):
    from readerdesk.services.patrons.stripe.checkout import pledge_from_metadata

    for pledge_id in ("²", "99999999999999999999", "-1", "", None):
        assert pledge_from_metadata(db_session, {"readerdesk": "1", "pledge_id": pledge_id, "site": "x"}) is None
    assert pledge_from_metadata(db_session, {"pledge_id": "1"}) is None
