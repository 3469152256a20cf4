"""Patrons from Stripe's checkout sessions and subscriptions, applied in any order (invoices:
``invoices``).

* A patron's status and amount carry ``state_as_of``, the Stripe timestamp of the newest state
  applied: an older event arriving late never overwrites a newer state.
* A subscription that ended (deleted, or ``canceled``/``incomplete_expired``) stays ended: no later
  invoice or update revives it. Only a new subscription makes the person a patron again.
* A patron follows one subscription at a time (``Patron.stripe_subscription_id``): the newest one that
  has not ended. Every subscription keeps its own amount history for the MRR chart.
* A checkout paid by a delayed method (SEPA Debit, bank transfer) leaves the patron ``pending`` until
  ``checkout.session.async_payment_succeeded`` (or its invoice is paid).
"""

from __future__ import annotations

from datetime import datetime

import stripe
from sqlalchemy import select

from readerdesk.models import (
    Interval,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Pledge,
    PledgeStatus,
    Subscription,
    SubscriptionAmount,
    WallStatus,
)
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.services.patrons.stripe.checkout import pledge_from_metadata, tier_of_price
from readerdesk.services.patrons.stripe.events import EventResult, stripe_time

SUBSCRIPTION_STATUS = {
    "active": PatronStatus.ACTIVE,
    "trialing": PatronStatus.ACTIVE,
    "past_due": PatronStatus.PAST_DUE,
    "unpaid": PatronStatus.PAST_DUE,
    "paused": PatronStatus.PAST_DUE,
    "incomplete": PatronStatus.PENDING,
    "canceled": PatronStatus.CANCELED,
    "incomplete_expired": PatronStatus.CANCELED,
}
PAID = ("paid", "no_payment_required")


def receipt_job(payment: Payment) -> Job:
    return Job("send_receipt", (payment.id,))


def failed_job(patron: Patron, amount: int, currency: str) -> Job:
    return Job("send_payment_failed_notice", (patron.id, amount, currency))


# --- patrons and their subscriptions --------------------------------------------------------------


def patron_for_pledge(session: DbSession, pledge: Pledge, customer_id: str | None, at: datetime) -> Patron:
    """The pledge's patron, created (pending, until a state applies) when this is the first we hear.

    Found by the Stripe customer the pledge paid as, never by its email alone: the email was typed on
    the support page and nobody proved it, so it may not take over another patron's record (each pledge
    gets a customer of its own, see ``checkout.create_customer``)."""
    patron = pledge.patron or (session.scalar(
        select(Patron).where(Patron.site_id == pledge.site_id, Patron.stripe_customer_id == customer_id))
        if customer_id else None)
    if patron is None:
        patron = Patron(site_id=pledge.site_id, email=pledge.email, name=pledge.name, tier=pledge.tier,
                        amount=pledge.total, currency=pledge.currency, interval=pledge.interval,
                        status=PatronStatus.PENDING, supporter_since=at, created_at=at)
        session.add(patron)
    elif pledge.interval.recurring and patron.interval is Interval.ONCE:
        # A one-time giver who now subscribes becomes a recurring patron.
        patron.interval, patron.amount, patron.tier = pledge.interval, pledge.total, pledge.tier
        patron.currency = pledge.currency
    if at < patron.supporter_since:
        patron.supporter_since = at
    if customer_id and not patron.stripe_customer_id:
        patron.stripe_customer_id = customer_id
    if pledge.name and not patron.name:
        patron.name = pledge.name
    if pledge.list_publicly and not patron.list_publicly:
        patron.list_publicly, patron.display_name, patron.wall_status = True, pledge.display_name, WallStatus.PENDING
    pledge.patron = patron
    session.flush()
    return patron


def subscription_row(session: DbSession, patron: Patron, subscription_id: str, at: datetime) -> Subscription:
    """The local record of a Stripe subscription, made on the first event about it. Its start is the
    earliest Stripe time seen, so it does not depend on the order events arrive in."""
    subscription = session.scalar(select(Subscription).where(Subscription.stripe_subscription_id == subscription_id))
    if subscription is None:
        subscription = Subscription(patron=patron, stripe_subscription_id=subscription_id, started_at=at)
        session.add(subscription)
        session.flush()
    elif at < subscription.started_at:
        subscription.started_at = at
    return subscription


def _current(session: DbSession, patron: Patron) -> Subscription | None:
    if not patron.stripe_subscription_id:
        return None
    return session.scalar(select(Subscription).where(
        Subscription.stripe_subscription_id == patron.stripe_subscription_id))


def follow(session: DbSession, patron: Patron, subscription: Subscription) -> bool:
    """Whether the patron's status follows ``subscription``: the first one, the one followed already,
    or a live one that started after the followed one (or after it ended). Switching starts the new
    subscription's own timeline."""
    current = _current(session, patron)
    if current is None or current.id == subscription.id:
        patron.stripe_subscription_id = subscription.stripe_subscription_id
        return True
    if subscription.ended_at is not None:
        return False
    if current.ended_at is not None or subscription.started_at > current.started_at:
        patron.stripe_subscription_id = subscription.stripe_subscription_id
        patron.state_as_of = None
        patron.canceled_at = None
        return True
    return False


def patron_for_subscription(session: DbSession, subscription_id: str, metadata: dict | None,
                            customer_id: str | None, at: datetime) -> tuple[Patron, Subscription] | None:
    """The patron and local subscription an event is about, or None when it is not readerdesk's."""
    subscription = session.scalar(select(Subscription).where(Subscription.stripe_subscription_id == subscription_id))
    if subscription is not None:
        if at < subscription.started_at:
            subscription.started_at = at
        return subscription.patron, subscription
    pledge = pledge_from_metadata(session, metadata)
    if pledge is None:
        return None
    patron = patron_for_pledge(session, pledge, customer_id, at)
    return patron, subscription_row(session, patron, subscription_id, at)


def apply_state(patron: Patron, at: datetime, status: PatronStatus) -> bool:
    """Set the status if ``at`` is not older than the state already applied."""
    if patron.state_as_of is not None and at < patron.state_as_of:
        return False
    patron.status = status
    patron.state_as_of = at
    if status is not PatronStatus.CANCELED:
        patron.canceled_at = None
    return True


def end_subscription(session: DbSession, subscription: Subscription, ended_at: datetime) -> None:
    """Final: the subscription ended, and its patron is canceled unless they follow another live one."""
    subscription.ended_at = min(subscription.ended_at or ended_at, ended_at)
    subscription.awaiting_payment = False
    patron = subscription.patron
    if patron.stripe_subscription_id != subscription.stripe_subscription_id:
        return
    other = next((s for s in patron.subscriptions if s.ended_at is None and s.id != subscription.id), None)
    if other is not None:  # a second, older subscription still running: follow it
        patron.stripe_subscription_id, patron.state_as_of = other.stripe_subscription_id, None
        return
    patron.status = PatronStatus.CANCELED
    patron.canceled_at = subscription.ended_at
    patron.state_as_of = max(patron.state_as_of or ended_at, ended_at)


def record_amount(session: DbSession, subscription: Subscription, at: datetime, amount: int, currency: str,
                  interval: Interval, tier: str | None) -> None:
    """Add to the subscription's amount history: one entry per Stripe timestamp (a second word about
    the same moment, such as a reconcile repair, replaces it)."""
    entry = next((e for e in subscription.amounts if e.effective_at == at), None)
    if entry is None:
        entry = SubscriptionAmount(subscription=subscription, effective_at=at)
        session.add(entry)
    entry.amount, entry.currency, entry.interval, entry.tier = amount, currency.upper(), interval, tier
    session.flush()


def show_amount(patron: Patron, subscription: Subscription, pledge: Pledge | None = None) -> None:
    """The patron shows the newest amount of the subscription they follow (by Stripe's timestamps, so
    the order events arrive in does not matter); before any is known, the pledge's."""
    latest = subscription.latest_amount
    if latest is not None:
        patron.amount, patron.interval, patron.currency, patron.tier = (
            latest.amount, latest.interval, latest.currency, latest.tier)
    elif pledge is not None:
        patron.amount, patron.interval, patron.currency, patron.tier = (
            pledge.total, pledge.interval, pledge.currency, pledge.tier)


# --- checkout sessions --------------------------------------------------------------------------


def _advance_pledge(pledge: Pledge, event_type: str, paid: bool, at: datetime) -> None:
    """Pledges only move forward: open → processing → completed or failed (events may come in any order)."""
    if event_type.endswith("async_payment_failed"):
        if pledge.status is not PledgeStatus.COMPLETED:
            pledge.status, pledge.error = PledgeStatus.FAILED, "The payment failed."
    elif paid:
        if pledge.status is not PledgeStatus.FAILED:
            pledge.status = PledgeStatus.COMPLETED
    elif pledge.status not in (PledgeStatus.COMPLETED, PledgeStatus.FAILED):
        pledge.status = PledgeStatus.PROCESSING
    pledge.completed_at = min(pledge.completed_at or at, at)


def handle_checkout_session(session: DbSession, obj: dict, at: datetime, event_type: str,
                            client: stripe.StripeClient | None = None) -> EventResult:
    pledge = pledge_from_metadata(session, obj.get("metadata"))
    if pledge is None:
        return EventResult("ignored: not a readerdesk checkout")
    patron = patron_for_pledge(session, pledge, obj.get("customer"), at)
    pledge.stripe_checkout_session_id = obj.get("id") or pledge.stripe_checkout_session_id
    paid = obj.get("payment_status") in PAID or event_type.endswith("async_payment_succeeded")
    _advance_pledge(pledge, event_type, paid, at)
    if obj.get("mode") == "subscription":
        return _subscription_checkout(session, obj, at, pledge, patron)
    return _gift_checkout(session, obj, at, pledge, patron)


def _subscription_checkout(session: DbSession, obj: dict, at: datetime, pledge: Pledge,
                           patron: Patron) -> EventResult:
    if not obj.get("subscription"):
        return EventResult("subscription checkout recorded (no subscription yet)")
    subscription = subscription_row(session, patron, obj["subscription"], at)
    record_amount(session, subscription, at, pledge.total, pledge.currency, pledge.interval, pledge.tier)
    if subscription.ended_at is not None:
        return EventResult("ignored: the subscription has ended")
    subscription.awaiting_payment = pledge.status is PledgeStatus.PROCESSING
    if not follow(session, patron, subscription):
        return EventResult("subscription checkout recorded (the patron follows a newer subscription)")
    show_amount(patron, subscription)
    if pledge.status is PledgeStatus.FAILED:
        apply_state(patron, at, PatronStatus.PAST_DUE)
        return EventResult("checkout payment failed", [failed_job(patron, pledge.total, pledge.currency)])
    status = PatronStatus.ACTIVE if pledge.status is PledgeStatus.COMPLETED else PatronStatus.PENDING
    apply_state(patron, at, status)
    if subscription.awaiting_payment and patron.status is PatronStatus.ACTIVE:
        # "active" came from an update that arrived first; the money has not: pending until it does.
        patron.status = PatronStatus.PENDING
    return EventResult(f"subscription checkout {pledge.status.value}: patron {patron.id} is {patron.status.value}")


def _gift_checkout(session: DbSession, obj: dict, at: datetime, pledge: Pledge, patron: Patron) -> EventResult:
    if pledge.status is PledgeStatus.FAILED:
        if patron.interval is Interval.ONCE and patron.status is PatronStatus.PENDING:
            apply_state(patron, at, PatronStatus.CANCELED)
            patron.canceled_at = at
        return EventResult("gift payment failed", [failed_job(patron, pledge.total, pledge.currency)])
    if pledge.status is PledgeStatus.PROCESSING:
        return EventResult("gift checkout completed (payment processing)")
    result = EventResult("gift paid")
    payment = session.scalar(select(Payment).where(Payment.stripe_checkout_session_id == obj["id"]))
    if payment is None:
        payment = Payment(patron=patron, pledge_id=pledge.id, amount=obj.get("amount_total") or pledge.total,
                          currency=(obj.get("currency") or pledge.currency).upper(), status=PaymentStatus.PAID,
                          stripe_checkout_session_id=obj["id"], stripe_payment_intent_id=obj.get("payment_intent"),
                          paid_at=at, created_at=at)
        session.add(payment)
        session.flush()
        result.jobs.append(receipt_job(payment))
    if patron.interval is Interval.ONCE or patron.status is PatronStatus.PENDING and not patron.stripe_subscription_id:
        apply_state(patron, at, PatronStatus.ACTIVE)
    return result


# --- subscriptions ------------------------------------------------------------------------------


def subscription_price(obj: dict) -> tuple[int | None, Interval | None, str | None, dict | None]:
    """(amount per interval, interval, currency, price) of a subscription's first item."""
    items = ((obj.get("items") or {}).get("data")) or []
    if not items:
        return None, None, obj.get("currency"), None
    item = items[0]
    price = item.get("price") or {}
    unit = price.get("unit_amount")
    interval = (price.get("recurring") or {}).get("interval")
    amount = unit * (item.get("quantity") or 1) if isinstance(unit, int) else None
    currency = price.get("currency") or obj.get("currency")
    return amount, (Interval(interval) if interval in ("month", "year") else None), currency, price


def apply_subscription(session: DbSession, obj: dict, at: datetime) -> Patron | None:
    """Bring a patron in line with a subscription object (from an event, or re-fetched)."""
    if not obj.get("id"):
        return None
    found = patron_for_subscription(session, obj["id"], obj.get("metadata"), obj.get("customer"), at)
    if found is None:
        return None
    patron, subscription = found
    status = SUBSCRIPTION_STATUS.get(obj.get("status", ""), PatronStatus.PAST_DUE)
    amount, interval, currency, price = subscription_price(obj)
    if amount is not None and interval is not None and currency:
        # The tier label follows the Price (a plan change in the portal too); an inline price is custom.
        record_amount(session, subscription, at, amount, currency, interval, tier_of_price(price))
    if subscription.ended_at is not None:
        return patron  # final: nothing revives an ended subscription
    followed = follow(session, patron, subscription)
    if status is PatronStatus.CANCELED:
        end_subscription(session, subscription,
                         stripe_time(obj.get("ended_at")) or stripe_time(obj.get("canceled_at")) or at)
        return patron
    if not followed:
        return patron
    show_amount(patron, subscription, pledge_from_metadata(session, obj.get("metadata")))
    if status is PatronStatus.ACTIVE and subscription.awaiting_payment:
        status = PatronStatus.PENDING
    apply_state(patron, at, status)
    return patron


def handle_subscription(session: DbSession, obj: dict, at: datetime, event_type: str,
                        client: stripe.StripeClient | None = None) -> EventResult:
    if event_type.endswith("deleted"):
        obj = {**obj, "status": "canceled"}
    patron = apply_subscription(session, obj, at)
    if patron is None:
        return EventResult("ignored: not a readerdesk subscription")
    return EventResult(f"subscription {obj.get('status')}: patron {patron.id} is {patron.status.value}")
