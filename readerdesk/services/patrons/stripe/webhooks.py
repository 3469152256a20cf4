"""Stripe webhook events: verified, recorded once, applied in any order.

How order is made not to matter:

* Every object is upserted on its Stripe id (patron on the subscription id or (site, email); payment
  on the invoice id or the checkout session id; dispute on its id), so an event about an object that
  does not exist yet creates it, and a redelivery updates the same row.
* A patron's status and amount carry ``state_as_of``, the Stripe timestamp (``event.created``) of
  the newest state applied. An older event arriving late never overwrites a newer state; a
  subscription's end is final (``subscriptions``).
* Refunds only grow (``amount_refunded`` is Stripe's running total, kept at its maximum); disputes
  follow their own timestamps (``charges``).

Only objects carrying readerdesk's metadata marker and a known pledge (or tied to a known patron or
payment) count; everything else on the Stripe account is acknowledged and ignored.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime

import stripe
from sqlalchemy import select

from readerdesk.models import StripeEvent
from readerdesk.models.types import DbSession
from readerdesk.services.patrons.stripe.charges import handle_charge_refunded, handle_dispute
from readerdesk.services.patrons.stripe.events import EventResult, RetryLater, stripe_time
from readerdesk.services.patrons.stripe.invoices import handle_invoice
from readerdesk.services.patrons.stripe.subscriptions import handle_checkout_session, handle_subscription

__all__ = ["EventAlreadyProcessed", "EventResult", "InvalidWebhook", "RetryLater", "process_event", "verify_event"]

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
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
)


class InvalidWebhook(ValueError):
    """Bad signature, stale timestamp or a body that is not an event."""


class EventAlreadyProcessed(Exception):
    """This event id is recorded: the caller rolls back and acknowledges."""


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
                         stripe_created_at=stripe_time(event.get("created")) or now, received_at=now)
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


HANDLERS: dict[str, Callable[..., EventResult]] = {
    "checkout.session.completed": handle_checkout_session,
    "checkout.session.async_payment_succeeded": handle_checkout_session,
    "checkout.session.async_payment_failed": handle_checkout_session,
    "invoice.paid": handle_invoice,
    "invoice.payment_failed": handle_invoice,
    "customer.subscription.updated": handle_subscription,
    "customer.subscription.deleted": handle_subscription,
    "charge.refunded": handle_charge_refunded,
    "charge.dispute.created": handle_dispute,
    "charge.dispute.updated": handle_dispute,
    "charge.dispute.closed": handle_dispute,
}
