"""Realistic Stripe histories for patron tests: pledges checked out through the fake, and the events
Stripe would send as those patrons pay, fail, cancel and get refunds."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Dispute, Patron, Payment, Pledge, StripeEvent, Subscription, SubscriptionAmount
from readerdesk.services.patrons.pledges import PledgeRequest, SupportSettings, create_pledge
from readerdesk.services.patrons.revenue import mrr_by_currency
from readerdesk.services.patrons.stripe.checkout import start_checkout
from readerdesk.services.patrons.stripe.client import stripe_client_for
from readerdesk.services.patrons.stripe.webhooks import EventResult, process_event
from tests.fakes.stripe import make_charge, make_event, make_invoice

T0 = 1_780_000_000  # a fixed Stripe timestamp (2026-05-28); events are spaced from it
DAY = 86400


def apply_event(app, event: dict) -> EventResult:
    """Process one event as the webhook view would and commit: what it did, and the jobs it left."""
    result = process_event(db.session, event, now=utcnow(), client=stripe_client_for(app))
    db.session.commit()
    return result


def at(ts: int) -> datetime:
    """A Stripe timestamp as the aware datetime readerdesk stores."""
    return datetime.fromtimestamp(ts, UTC)


def checkout(app, fake, site, email: str, **request) -> tuple:
    """A pledge checked out and paid on the fake's Checkout: (pledge, checkout session, subscription|None)."""
    request.setdefault("form_key", f"key-{email}-{len(fake.sessions)}-padding")
    paid = request.pop("paid", True)
    settings = SupportSettings.for_site(site, app.config["SUPPORT_TIERS"])
    pledge = create_pledge(db.session, site, PledgeRequest(email=email, **request), settings, now=utcnow())
    start_checkout(db.session, stripe_client_for(app), pledge, settings,
                   success_url="http://t/s?session_id={CHECKOUT_SESSION_ID}", cancel_url="http://t/c", now=utcnow())
    db.session.commit()
    session = fake.complete_session(pledge.stripe_checkout_session_id, paid=paid)
    subscription = fake.subscriptions.get(session["subscription"]) if session["subscription"] else None
    return pledge, session, subscription


@dataclass
class Story:
    events: list[dict] = field(default_factory=list)

    def add(self, event_type: str, obj: dict, at: int) -> dict:
        event = make_event(event_type, obj, created=at)
        self.events.append(event)
        return event


def patron_histories(app, fake, site) -> list[dict]:
    """Three patrons' events, in the order Stripe created them:

    * ann: coffee tier monthly; pays twice, a renewal fails (past_due) and is then paid (active);
    * ben: yearly tier; pays, then cancels;
    * cat: a one-time gift of 20.00, refunded in two steps (5.00, then in full).
    """
    story = Story()
    _, s_ann, sub_ann = checkout(app, fake, site, "ann@example.com", tier_id="coffee", list_publicly=True,
                                 display_name="Ann")
    story.add("checkout.session.completed", s_ann, T0)
    story.add("invoice.paid", make_invoice(sub_ann, invoice_id="in_ann_1"), T0 + 1)
    story.add("invoice.paid", make_invoice(sub_ann, invoice_id="in_ann_2"), T0 + 30 * DAY)
    story.add("invoice.payment_failed", make_invoice(sub_ann, paid=False, invoice_id="in_ann_3"), T0 + 60 * DAY)
    story.add("customer.subscription.updated", {**sub_ann, "status": "past_due"}, T0 + 60 * DAY + 1)
    story.add("invoice.paid", make_invoice(sub_ann, invoice_id="in_ann_3"), T0 + 63 * DAY)
    story.add("customer.subscription.updated", {**sub_ann, "status": "active"}, T0 + 63 * DAY + 1)

    _, s_ben, sub_ben = checkout(app, fake, site, "Ben@Example.com", tier_id="yearly")
    story.add("checkout.session.completed", s_ben, T0 + 2 * DAY)
    story.add("invoice.paid", make_invoice(sub_ben, invoice_id="in_ben_1"), T0 + 2 * DAY + 1)
    story.add("customer.subscription.deleted", {**sub_ben, "status": "canceled", "ended_at": T0 + 40 * DAY},
              T0 + 40 * DAY)

    _, s_cat, _ = checkout(app, fake, site, "cat@example.com", custom_amount="20", custom_interval="once")
    story.add("checkout.session.completed", s_cat, T0 + 3 * DAY)
    pi = s_cat["payment_intent"]
    story.add("charge.refunded", make_charge(payment_intent=pi, amount=2000, refunded=500), T0 + 5 * DAY)
    story.add("charge.refunded", make_charge(payment_intent=pi, amount=2000, refunded=2000), T0 + 6 * DAY)
    return story.events


def forget_stripe_state(session) -> None:
    """Delete what Stripe's events made (events, patrons, payments, subscriptions, disputes), keeping the
    pledges, so the same events can be delivered again from nothing. Does not commit."""
    for model in (StripeEvent, Dispute, Payment, SubscriptionAmount, Subscription):
        session.execute(model.__table__.delete())
    session.execute(Pledge.__table__.update().values(patron_id=None))
    session.execute(Patron.__table__.delete())


def outcome() -> dict:
    """What the desk would show: patrons, payments and MRR, independent of row ids."""
    patrons = db.session.scalars(select(Patron).order_by(Patron.email)).all()
    payments = db.session.scalars(select(Payment)).all()
    return {
        "patrons": [(p.email, p.status.value, p.amount, p.interval.value, p.tier, bool(p.stripe_subscription_id),
                     p.stripe_customer_id is not None, p.list_publicly, p.supporter_since, p.canceled_at)
                    for p in patrons],
        "payments": sorted((p.patron.email, p.stripe_invoice_id or "gift", p.amount, p.status.value, p.amount_refunded)
                           for p in payments),
        "mrr": mrr_by_currency(patrons),
        "events": db.session.scalar(select(db.func.count(StripeEvent.id))),
    }
