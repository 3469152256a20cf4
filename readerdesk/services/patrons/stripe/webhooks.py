"""Stripe webhook events: verified, recorded once, applied in any order.

How order is made not to matter:

* Every object is upserted on its Stripe id (patron on the subscription id or (site, email); payment
  on the invoice id or the checkout session id), so an event about an object that does not exist yet
  creates it, and a redelivery updates the same row.
* A patron's status and amount carry ``state_as_of``, the Stripe timestamp (``event.created``) of
  the newest state applied. An older event arriving late never overwrites a newer state; a
  subscription's deletion is final.
* Refunds only grow (``amount_refunded`` is Stripe's running total, kept at its maximum).

Only objects carrying readerdesk's metadata marker and a known pledge (or tied to a known patron or
payment) count; everything else on the Stripe account is acknowledged and ignored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

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
    StripeEvent,
    WallStatus,
)
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.services.patrons.stripe.checkout import pledge_from_metadata

log = logging.getLogger("readerdesk.stripe.webhooks")
SIGNATURE_TOLERANCE = 300  # seconds
HANDLED_EVENTS = (
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "invoice.paid",
    "invoice.payment_failed",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "charge.refunded",
)
SUBSCRIPTION_STATUS = {
    "active": PatronStatus.ACTIVE,
    "trialing": PatronStatus.ACTIVE,
    "past_due": PatronStatus.PAST_DUE,
    "unpaid": PatronStatus.PAST_DUE,
    "incomplete": PatronStatus.PAST_DUE,
    "paused": PatronStatus.PAST_DUE,
    "canceled": PatronStatus.CANCELED,
    "incomplete_expired": PatronStatus.CANCELED,
}


class InvalidWebhook(ValueError):
    """Bad signature, stale timestamp or a body that is not an event."""


class RetryLater(RuntimeError):
    """The event is about one of our objects that has not reached us yet (its own event is still on
    the way): the caller rolls back and answers 500, so Stripe delivers it again later."""


class EventAlreadyProcessed(Exception):
    """This event id is recorded: the caller rolls back and acknowledges."""


@dataclass
class EventResult:
    outcome: str
    # Jobs for the caller's unit of work to run after commit.
    jobs: list[Job] = field(default_factory=list)


def verify_event(payload: bytes, sig_header: str | None, secret: str) -> dict:
    """The event in a webhook body, once its signature checks out (HMAC-SHA256, 300 s tolerance)."""
    if not sig_header:
        raise InvalidWebhook("missing Stripe-Signature header")
    try:
        stripe.Webhook.construct_event(payload, sig_header, secret, tolerance=SIGNATURE_TOLERANCE)
        event = json.loads(payload)
    except stripe.SignatureVerificationError as exc:
        raise InvalidWebhook(f"invalid signature: {exc.user_message or exc}") from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidWebhook("the body is not a JSON event") from None
    if not isinstance(event, dict) or not isinstance(event.get("id"), str) or not isinstance(event.get("data"), dict):
        raise InvalidWebhook("the body is not a Stripe event")
    return event


def plain(value):
    """A StripeObject (a dict subclass) as plain dicts and lists, like a webhook body."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _ts(value) -> datetime | None:
    return datetime.fromtimestamp(int(value), UTC) if isinstance(value, (int, float)) and value else None


def is_recorded(session: DbSession, event_id: str) -> bool:
    return session.scalar(select(StripeEvent.id).where(StripeEvent.event_id == event_id)) is not None


def process_event(session: DbSession, event: dict, *, now: datetime,
                  client: stripe.StripeClient | None = None) -> EventResult:
    """Record the event, then apply it. Raises EventAlreadyProcessed for a known event id (the
    unique constraint decides under concurrency: the flush raises IntegrityError, which the caller
    treats the same way). Never commits."""
    if is_recorded(session, event["id"]):
        raise EventAlreadyProcessed(event["id"])
    record = StripeEvent(event_id=event["id"], type=str(event.get("type", ""))[:100],
                         stripe_created_at=_ts(event.get("created")) or now, received_at=now)
    session.add(record)
    session.flush()  # claims the event id first: a concurrent delivery fails here
    handler = HANDLERS.get(record.type)
    obj = (event.get("data") or {}).get("object")
    if handler is None or not isinstance(obj, dict):
        result = EventResult("ignored: not an event readerdesk handles")
    else:
        try:
            with session.begin_nested():  # a malformed object leaves nothing half-applied
                result = handler(session, obj, record.stripe_created_at, record.type, client)
        except (AttributeError, TypeError, ValueError, KeyError):
            # Signed, so from Stripe, but not the shape readerdesk knows (e.g. metadata that is not
            # an object): recorded and acknowledged; retrying the same body would fail the same way.
            log.exception("Stripe event %s (%s) has an unexpected shape; ignored", event["id"], record.type)
            result = EventResult("ignored: an object readerdesk cannot read")
    record.outcome = result.outcome[:200]
    return result


# --- finding our objects ------------------------------------------------------------------------


def _patron_for_pledge(session: DbSession, pledge: Pledge, customer_id: str | None, at: datetime) -> Patron:
    """The pledge's patron, created when this is the first we hear of them.

    Found by the Stripe customer the pledge paid as, never by its email alone: the email was typed on
    the support page and nobody proved it, so it may not take over another patron's record."""
    patron = pledge.patron or (session.scalar(
        select(Patron).where(Patron.site_id == pledge.site_id, Patron.stripe_customer_id == customer_id))
        if customer_id else None)
    if patron is None:
        patron = Patron(site_id=pledge.site_id, email=pledge.email, name=pledge.name, tier=pledge.tier,
                        amount=pledge.total, currency=pledge.currency, interval=pledge.interval,
                        status=PatronStatus.ACTIVE, supporter_since=at, created_at=at)
        session.add(patron)
    elif pledge.interval.recurring and patron.interval is Interval.ONCE:
        # A one-time giver who now subscribes becomes a recurring patron.
        patron.interval, patron.amount, patron.tier = pledge.interval, pledge.total, pledge.tier
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


def _apply_state(patron: Patron, at: datetime, status: PatronStatus, **fields) -> bool:
    """Set status (and amount, interval...) if ``at`` is not older than the state already applied."""
    if patron.state_as_of is not None and at < patron.state_as_of:
        return False
    patron.status = status
    patron.state_as_of = at
    for name, value in fields.items():
        if value is not None:
            setattr(patron, name, value)
    if status is PatronStatus.CANCELED and patron.canceled_at is None:
        patron.canceled_at = at
    elif status is not PatronStatus.CANCELED:
        patron.canceled_at = None
    return True


def _receipt_job(payment: Payment) -> Job:
    return Job("send_receipt", (payment.id,))


def _failed_job(patron: Patron, amount: int, currency: str) -> Job:
    return Job("send_payment_failed_notice", (patron.id, amount, currency))


# --- checkout sessions --------------------------------------------------------------------------


def handle_checkout_session(session: DbSession, obj: dict, at: datetime, event_type: str,
                            client: stripe.StripeClient | None = None) -> EventResult:
    pledge = pledge_from_metadata(session, obj.get("metadata"))
    if pledge is None:
        return EventResult("ignored: not a readerdesk checkout")
    patron = _patron_for_pledge(session, pledge, obj.get("customer"), at)
    pledge.stripe_checkout_session_id = obj.get("id") or pledge.stripe_checkout_session_id
    result = EventResult("checkout recorded")
    if event_type.endswith("async_payment_failed"):
        pledge.status = PledgeStatus.FAILED
        pledge.error = "The payment failed."
        result.outcome = "checkout payment failed"
        result.jobs.append(_failed_job(patron, pledge.total, pledge.currency))
        return result
    pledge.status = PledgeStatus.COMPLETED
    pledge.completed_at = pledge.completed_at or at
    paid = obj.get("payment_status") in ("paid", "no_payment_required")
    if obj.get("mode") == "subscription":
        if obj.get("subscription"):
            patron.stripe_subscription_id = obj["subscription"]
        if paid:
            _apply_state(patron, at, PatronStatus.ACTIVE, amount=pledge.total, interval=pledge.interval,
                         tier=pledge.tier, currency=pledge.currency)
        result.outcome = "subscription checkout completed" + ("" if paid else " (payment processing)")
        return result
    if not paid:
        result.outcome = "gift checkout completed (payment processing)"
        return result
    payment = session.scalar(select(Payment).where(Payment.stripe_checkout_session_id == obj["id"]))
    if payment is None:
        payment = Payment(patron=patron, pledge_id=pledge.id, amount=obj.get("amount_total") or pledge.total,
                          currency=(obj.get("currency") or pledge.currency).upper(), status=PaymentStatus.PAID,
                          stripe_checkout_session_id=obj["id"], stripe_payment_intent_id=obj.get("payment_intent"),
                          paid_at=at, created_at=at)
        session.add(payment)
        session.flush()
        result.jobs.append(_receipt_job(payment))
    if patron.status is PatronStatus.CANCELED and patron.interval is Interval.ONCE:
        patron.status = PatronStatus.ACTIVE
    result.outcome = "gift paid"
    return result


# --- subscriptions ------------------------------------------------------------------------------


def _subscription_price(obj: dict) -> tuple[int | None, Interval | None]:
    items = ((obj.get("items") or {}).get("data")) or []
    if not items:
        return None, None
    item = items[0]
    price = item.get("price") or {}
    unit = price.get("unit_amount")
    interval = (price.get("recurring") or {}).get("interval")
    amount = unit * (item.get("quantity") or 1) if isinstance(unit, int) else None
    return amount, (Interval(interval) if interval in ("month", "year") else None)


def patron_for_subscription(session: DbSession, subscription_id: str | None, metadata: dict | None,
                            customer_id: str | None, at: datetime) -> Patron | None:
    patron = None
    if subscription_id:
        patron = session.scalar(select(Patron).where(Patron.stripe_subscription_id == subscription_id))
    pledge = pledge_from_metadata(session, metadata)
    if patron is None and pledge is not None:
        patron = _patron_for_pledge(session, pledge, customer_id, at)
    if (patron is not None and subscription_id and patron.stripe_subscription_id != subscription_id
            and (patron.stripe_subscription_id is None or patron.state_as_of is None or at >= patron.state_as_of)):
        # A late event about an older subscription does not take over from the newer one.
        patron.stripe_subscription_id = subscription_id
    return patron


def apply_subscription(session: DbSession, obj: dict, at: datetime) -> Patron | None:
    """Bring a patron in line with a subscription object (from an event, or re-fetched)."""
    patron = patron_for_subscription(session, obj.get("id"), obj.get("metadata"), obj.get("customer"), at)
    if patron is None:
        return None
    status = SUBSCRIPTION_STATUS.get(obj.get("status", ""), PatronStatus.PAST_DUE)
    amount, interval = _subscription_price(obj)
    items = (obj.get("items") or {}).get("data") or [{}]
    currency = (items[0].get("price") or {}).get("currency") or obj.get("currency")
    applied = _apply_state(patron, at, status, amount=amount, interval=interval,
                           currency=currency.upper() if currency else None)
    if applied and status is PatronStatus.CANCELED:
        patron.canceled_at = _ts(obj.get("ended_at")) or _ts(obj.get("canceled_at")) or at
    return patron


def handle_subscription(session: DbSession, obj: dict, at: datetime, event_type: str,
                        client: stripe.StripeClient | None = None) -> EventResult:
    if event_type.endswith("deleted"):
        obj = {**obj, "status": "canceled"}
    patron = apply_subscription(session, obj, at)
    if patron is None:
        return EventResult("ignored: not a readerdesk subscription")
    return EventResult(f"subscription {obj.get('status')}: patron {patron.id} is {patron.status.value}")


# --- invoices -----------------------------------------------------------------------------------


def _invoice_subscription(obj: dict) -> tuple[str | None, dict]:
    """(subscription id, subscription metadata) from an invoice: API 2025-03-31+ keeps them under
    ``parent.subscription_details``; older versions at the top level."""
    details = ((obj.get("parent") or {}).get("subscription_details")) or obj.get("subscription_details") or {}
    subscription = details.get("subscription") or obj.get("subscription")
    if isinstance(subscription, dict):
        subscription = subscription.get("id")
    metadata = details.get("metadata")
    return subscription, metadata if isinstance(metadata, dict) else {}


def _invoice_payment_ids(obj: dict) -> tuple[str | None, str | None]:
    """(payment intent, charge) of an invoice: from ``payments`` (2025-03-31+) or the old fields."""
    for entry in ((obj.get("payments") or {}).get("data")) or []:
        payment = entry.get("payment") or {}
        if payment.get("payment_intent") or payment.get("charge"):
            return payment.get("payment_intent"), payment.get("charge")
    return obj.get("payment_intent"), obj.get("charge")


def _invoice_payment(session: DbSession, obj: dict, patron: Patron, at: datetime, amount: int) -> Payment:
    payment = session.scalar(select(Payment).where(Payment.stripe_invoice_id == obj["id"]))
    if payment is None:
        payment = Payment(patron=patron, stripe_invoice_id=obj["id"], amount=amount,
                          currency=(obj.get("currency") or patron.currency).upper(), status=PaymentStatus.FAILED,
                          created_at=at)
        session.add(payment)
    intent, charge = _invoice_payment_ids(obj)
    payment.stripe_payment_intent_id = intent or payment.stripe_payment_intent_id
    payment.stripe_charge_id = charge or payment.stripe_charge_id
    return payment


def handle_invoice(session: DbSession, obj: dict, at: datetime, event_type: str,
                   client: stripe.StripeClient | None = None) -> EventResult:
    subscription_id, metadata = _invoice_subscription(obj)
    if not obj.get("id") or not subscription_id:
        return EventResult("ignored: not a subscription invoice")
    patron = patron_for_subscription(session, subscription_id, metadata, obj.get("customer"), at)
    if patron is None:
        return EventResult("ignored: not a readerdesk subscription")
    result = EventResult("")
    if event_type == "invoice.paid":
        amount = obj.get("amount_paid") or 0
        if amount <= 0:
            return EventResult("ignored: nothing was paid")
        payment = _invoice_payment(session, obj, patron, at, amount)
        newly_paid = payment.status is not PaymentStatus.PAID
        payment.status, payment.amount = PaymentStatus.PAID, amount
        payment.paid_at = payment.paid_at or _ts((obj.get("status_transitions") or {}).get("paid_at")) or at
        _apply_state(patron, at, PatronStatus.ACTIVE)
        session.flush()
        if newly_paid:
            result.jobs.append(_receipt_job(payment))
        result.outcome = f"invoice paid: payment {payment.id}"
    else:
        amount = obj.get("amount_due") or 0
        payment = _invoice_payment(session, obj, patron, at, amount)
        payment.failed_at = payment.failed_at or at
        _apply_state(patron, at, PatronStatus.PAST_DUE)
        session.flush()
        result.jobs.append(_failed_job(patron, amount, (obj.get("currency") or patron.currency).upper()))
        result.outcome = f"invoice payment failed: patron {patron.id} is {patron.status.value}"
    return result


# --- refunds ------------------------------------------------------------------------------------


def handle_charge_refunded(session: DbSession, obj: dict, at: datetime, event_type: str,
                           client: stripe.StripeClient | None = None) -> EventResult:
    payment = None
    if obj.get("id"):
        payment = session.scalar(select(Payment).where(Payment.stripe_charge_id == obj["id"]))
    if payment is None and obj.get("payment_intent"):
        payment = session.scalar(select(Payment).where(Payment.stripe_payment_intent_id == obj["payment_intent"]))
    if payment is None and client is not None and obj.get("payment_intent"):
        payment = _payment_of_invoice_intent(session, client, obj["payment_intent"])
        if payment is None and _intent_is_ours(session, client, obj["payment_intent"]):
            raise RetryLater(f"refund of {obj['payment_intent']} arrived before its payment")
    if payment is None:
        return EventResult("ignored: not a readerdesk payment")
    payment.stripe_charge_id = payment.stripe_charge_id or obj.get("id")
    payment.amount_refunded = max(payment.amount_refunded, int(obj.get("amount_refunded") or 0))
    return EventResult(f"refund recorded: payment {payment.id} refunded {payment.amount_refunded}")


def _payment_of_invoice_intent(session: DbSession, client: stripe.StripeClient, intent: str) -> Payment | None:
    """The invoice payment a payment intent paid: invoices no longer name their charge (API 2025-03-31+),
    so a refund of a subscription payment is traced through Stripe's invoice payments."""
    listing = client.v1.invoice_payments.list({"payment": {"type": "payment_intent", "payment_intent": intent},
                                               "limit": 1})
    for entry in listing.data:
        invoice = entry.get("invoice")
        invoice_id = invoice.get("id") if isinstance(invoice, dict) else invoice
        if not invoice_id:
            continue
        payment = session.scalar(select(Payment).where(Payment.stripe_invoice_id == invoice_id))
        if payment is not None:
            payment.stripe_payment_intent_id = payment.stripe_payment_intent_id or intent
            return payment
        _, metadata = _invoice_subscription(plain(client.v1.invoices.retrieve(invoice_id)))
        if pledge_from_metadata(session, metadata) is not None:
            raise RetryLater(f"refund of invoice {invoice_id} arrived before the invoice")
    return None


def _intent_is_ours(session: DbSession, client: stripe.StripeClient, intent: str) -> bool:
    """A one-time gift's payment intent carries the pledge metadata (payment_intent_data.metadata)."""
    try:
        payment_intent = client.v1.payment_intents.retrieve(intent)
    except stripe.InvalidRequestError:
        return False
    return pledge_from_metadata(session, plain(payment_intent.get("metadata"))) is not None


HANDLERS: dict[str, Callable[..., EventResult]] = {
    "checkout.session.completed": handle_checkout_session,
    "checkout.session.async_payment_succeeded": handle_checkout_session,
    "checkout.session.async_payment_failed": handle_checkout_session,
    "invoice.paid": handle_invoice,
    "invoice.payment_failed": handle_invoice,
    "customer.subscription.updated": handle_subscription,
    "customer.subscription.deleted": handle_subscription,
    "charge.refunded": handle_charge_refunded,
}
