"""A pledge made with someone else's email cannot reach their Stripe customer or their subscription."""

from __future__ import annotations

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Interval, Patron, PatronStatus, Pledge
from tests.factories import make_site
from tests.fakes.stripe import make_event, signed


def test_a_stranger_using_a_patrons_email_stays_apart_from_that_patron(app, client, db_session, fake_stripe):
    app.config["STRIPE_WEBHOOK_SECRET"] = "whsec_test_readerdesk"
    site = make_site(db_session, "demo")
    ann = Patron(site_id=site.id, email="ann@example.com", currency="EUR", interval=Interval.MONTH, amount=300,
                 supporter_since=utcnow(), stripe_customer_id="cus_ann", stripe_subscription_id="sub_ann",
                 status=PatronStatus.ACTIVE)
    db.session.add(ann)
    db.session.commit()
    form = {"choice": "champion", "email": "ANN@example.com", "form_key": "s" * 24, "frequency": "month"}
    assert client.post("/support?site=demo", data=form).status_code == 303
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert checkout.params["customer"] != "cus_ann"
    assert fake_stripe.sent("GET", "/v1/customers") == []

    pledge = db_session.scalar(select(Pledge))
    completed = make_event("checkout.session.completed", {
        "id": pledge.stripe_checkout_session_id, "mode": "subscription", "payment_status": "paid",
        "customer": checkout.params["customer"], "subscription": "sub_stranger",
        "metadata": checkout.params["metadata"]})
    payload, headers = signed(completed)
    assert client.post("/stripe/webhook", data=payload, headers=headers).status_code == 200
    db_session.expire_all()
    ann = db_session.get(Patron, ann.id)
    assert (ann.stripe_customer_id, ann.stripe_subscription_id, ann.amount) == ("cus_ann", "sub_ann", 300)
    stranger = db_session.scalar(select(Patron).where(Patron.id != ann.id))
    assert stranger.stripe_subscription_id == "sub_stranger" and stranger.email == "ann@example.com"


def test_the_manage_link_goes_to_each_support_of_the_email(app, client, db_session, fake_stripe, smtp_server):
    from tests.conftest import mail_settings

    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session, "demo")
    for customer in ("cus_one", "cus_two"):
        db.session.add(Patron(site_id=site.id, email="ann@example.com", currency="EUR", interval=Interval.MONTH,
                              amount=300, supporter_since=utcnow(), stripe_customer_id=customer))
    db.session.commit()
    client.post("/support/manage", data={"email": "ann@example.com"})
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com", "ann@example.com"]
