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
    settings = SupportSettings.from_config(app.config)
    pledge = create_pledge(db.session, site, PledgeRequest(**kwargs), settings, now=utcnow())
    db.session.commit()
    return pledge


def begin(app, pledge):
    return start_checkout(db.session, stripe_client_for(app), pledge, success_url=SUCCESS,
                          cancel_url="http://desk.test/support/cancel", product_name="Support for Demo: Coffee")


def test_the_client_pins_the_api_version_and_base(app, fake_stripe):
    site = make_site(db.session)
    begin(app, pledge_for(app, site, tier_id="coffee"))
    request = fake_stripe.requests[0]
    assert request.headers["Stripe-Version"] == STRIPE_API_VERSION
    assert request.headers["Authorization"] == "Bearer sk_test_readerdesk"


def test_no_key_means_no_client(app):
    with pytest.raises(StripeNotConfigured):
        make_stripe_client(app.config)


def test_a_monthly_tier_starts_a_subscription_checkout(app, fake_stripe):
    site = make_site(db.session, currency="UAH")
    pledge = pledge_for(app, site, tier_id="coffee")
    url = begin(app, pledge)
    [sent] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    p = sent.params
    assert p["mode"] == "subscription"
    price = p["line_items"][0]["price_data"]
    assert price == {"currency": "uah", "unit_amount": "300", "recurring": {"interval": "month"},
                     "product_data": {"name": "Support for Demo: Coffee",
                                      "metadata": {"readerdesk": "1", "site": site.name}}}
    assert "{CHECKOUT_SESSION_ID}" in p["success_url"]
    assert p["metadata"] == {"readerdesk": "1", "pledge_id": str(pledge.id), "site": site.name, "tier": "coffee"}
    assert p["subscription_data"]["metadata"] == p["metadata"] and "payment_intent_data" not in p
    assert sent.idempotency_key == f"pledge-{pledge.id}-checkout-v1"
    assert url.startswith("https://checkout.stripe.com/") and pledge.status is PledgeStatus.OPEN


def test_a_yearly_tier_recurs_yearly_and_a_gift_is_a_payment(app, fake_stripe):
    site = make_site(db.session)
    begin(app, pledge_for(app, site, tier_id="yearly"))
    begin(app, pledge_for(app, site, form_key="g" * 24, custom_amount="25", custom_interval="once", cover_fee=True))
    yearly, gift = (r.params for r in fake_stripe.sent("POST", "/v1/checkout/sessions"))
    assert yearly["line_items"][0]["price_data"]["recurring"] == {"interval": "year"}
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
