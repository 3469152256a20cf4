"""Invoices of readerdesk's subscriptions: payments recorded once per invoice, receipts and failure
notices, and the patron's state (through ``subscriptions``: an ended subscription stays ended, and an
older attempt never overrides a newer state).
"""

from __future__ import annotations

from datetime import datetime

import stripe
from sqlalchemy import select

from readerdesk.models import Patron, PatronStatus, Payment, PaymentStatus, Subscription
from readerdesk.models.types import DbSession
from readerdesk.services.patrons.stripe.checkout import pledge_from_metadata
from readerdesk.services.patrons.stripe.client import plain
from readerdesk.services.patrons.stripe.events import EventResult, stripe_time
from readerdesk.services.patrons.stripe.subscriptions import (
    apply_state,
    failed_job,
    follow,
    patron_for_subscription,
    receipt_job,
    show_amount,
)


def invoice_subscription(obj: dict) -> tuple[str | None, dict]:
    """(subscription id, subscription metadata) of an invoice, under ``parent.subscription_details``."""
    details = ((obj.get("parent") or {}).get("subscription_details")) or {}
    subscription = details.get("subscription")
    if isinstance(subscription, dict):
        subscription = subscription.get("id")
    return subscription, details.get("metadata") or {}


def invoice_payment_ids(obj: dict, client: stripe.StripeClient | None) -> tuple[str | None, str | None]:
    """(payment intent, charge) that paid an invoice. Webhook invoices carry ``payments`` only when
    expanded, so they are fetched from Stripe's invoice payments."""
    entries = ((obj.get("payments") or {}).get("data")) or []
    if not entries and client is not None:
        try:
            entries = plain(client.v1.invoice_payments.list({"invoice": obj["id"], "limit": 10}))["data"]
        except stripe.StripeError:
            entries = []  # refunds can still be traced later, through the payment intent
    for entry in entries:
        payment = entry.get("payment") or {}
        if entry.get("status", "paid") == "paid" and (payment.get("payment_intent") or payment.get("charge")):
            return payment.get("payment_intent"), payment.get("charge")
    return None, None


def _invoice_payment(session: DbSession, obj: dict, patron: Patron, at: datetime, amount: int) -> Payment:
    payment = session.scalar(select(Payment).where(Payment.stripe_invoice_id == obj["id"]))
    if payment is None:
        payment = Payment(patron=patron, stripe_invoice_id=obj["id"], amount=amount,
                          currency=(obj.get("currency") or patron.currency).upper(), status=PaymentStatus.FAILED,
                          created_at=at)
        session.add(payment)
    return payment


def handle_invoice(session: DbSession, obj: dict, at: datetime, event_type: str,
                   client: stripe.StripeClient | None = None) -> EventResult:
    subscription_id, metadata = invoice_subscription(obj)
    if not obj.get("id") or not subscription_id:
        return EventResult("ignored: not a subscription invoice")
    found = patron_for_subscription(session, subscription_id, metadata, obj.get("customer"), at)
    if found is None:
        return EventResult("ignored: not a readerdesk subscription")
    patron, subscription = found
    if event_type == "invoice.paid":
        return _invoice_paid(session, obj, at, patron, subscription, client)
    return _invoice_failed(session, obj, at, patron, subscription)


def _invoice_paid(session: DbSession, obj: dict, at: datetime, patron: Patron, subscription: Subscription,
                  client: stripe.StripeClient | None) -> EventResult:
    amount = obj.get("amount_paid") or 0
    if amount <= 0:
        return EventResult("ignored: nothing was paid")
    payment = _invoice_payment(session, obj, patron, at, amount)
    newly_paid = payment.status is not PaymentStatus.PAID
    payment.status, payment.amount = PaymentStatus.PAID, amount
    payment.paid_at = payment.paid_at or stripe_time((obj.get("status_transitions") or {}).get("paid_at")) or at
    if newly_paid and not (payment.stripe_payment_intent_id or payment.stripe_charge_id):
        intent, charge = invoice_payment_ids(obj, client)
        payment.stripe_payment_intent_id, payment.stripe_charge_id = intent, charge
    session.flush()
    result = EventResult(f"invoice paid: payment {payment.id}", [receipt_job(payment)] if newly_paid else [])
    if subscription.ended_at is not None:
        result.outcome += " (the subscription has ended: the patron stays canceled)"
        return result
    subscription.awaiting_payment = False  # the money arrived
    if follow(session, patron, subscription):
        show_amount(patron, subscription, pledge_from_metadata(session, invoice_subscription(obj)[1]))
        apply_state(patron, at, PatronStatus.ACTIVE)
    return result


def _invoice_failed(session: DbSession, obj: dict, at: datetime, patron: Patron,
                    subscription: Subscription) -> EventResult:
    amount = obj.get("amount_due") or 0
    payment = _invoice_payment(session, obj, patron, at, amount)
    if payment.status is PaymentStatus.PAID:
        return EventResult("ignored: the invoice is paid already")
    payment.failed_at = payment.failed_at or at
    session.flush()
    if subscription.ended_at is not None or not follow(session, patron, subscription):
        return EventResult("invoice payment failed (recorded; the patron follows another state)")
    if not apply_state(patron, at, PatronStatus.PAST_DUE):
        return EventResult("invoice payment failed (older than the patron's state: recorded only)")
    return EventResult(f"invoice payment failed: patron {patron.id} is {patron.status.value}",
                       [failed_job(patron, amount, (obj.get("currency") or patron.currency).upper())])
