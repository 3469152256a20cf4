"""Money taken back: refunds (``charge.refunded``) and disputes (``charge.dispute.*``).

Both name a charge and its payment intent; the payment they are about is found by either, or, for a
subscription payment, through Stripe's invoice payments (invoices do not name their charge). Refunds
only grow (``amount_refunded`` is Stripe's running total); a dispute's state follows Stripe's
timestamps, and a lost dispute counts like a refund in every figure.
"""

from __future__ import annotations

from datetime import datetime

import stripe
from sqlalchemy import select

from readerdesk.models import Dispute, DisputeStatus, Payment
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.services.patrons.stripe.checkout import pledge_from_metadata
from readerdesk.services.patrons.stripe.client import plain
from readerdesk.services.patrons.stripe.events import EventResult, RetryLater, stripe_time
from readerdesk.services.patrons.stripe.invoices import invoice_subscription

DISPUTE_STATUS = {"won": DisputeStatus.WON, "warning_closed": DisputeStatus.WON, "lost": DisputeStatus.LOST}


def payment_for_charge(session: DbSession, client: stripe.StripeClient | None, charge_id: str | None,
                       intent: str | None) -> Payment | None:
    """The payment a charge belongs to. Raises RetryLater when it is ours but its own event (the
    checkout or the invoice) has not reached us yet."""
    payment = None
    if charge_id:
        payment = session.scalar(select(Payment).where(Payment.stripe_charge_id == charge_id))
    if payment is None and intent:
        payment = session.scalar(select(Payment).where(Payment.stripe_payment_intent_id == intent))
    if payment is None and client is not None and intent:
        payment = _payment_of_invoice_intent(session, client, intent)
        if payment is None and _intent_is_ours(session, client, intent):
            raise RetryLater(f"{intent} arrived before its payment")
    if payment is not None and charge_id:
        payment.stripe_charge_id = payment.stripe_charge_id or charge_id
    return payment


def _payment_of_invoice_intent(session: DbSession, client: stripe.StripeClient, intent: str) -> Payment | None:
    """The invoice payment a payment intent paid, traced through Stripe's invoice payments."""
    listing = plain(client.v1.invoice_payments.list({"payment": {"type": "payment_intent", "payment_intent": intent},
                                                     "limit": 1}))
    for entry in listing["data"]:
        invoice = entry.get("invoice")
        invoice_id = invoice.get("id") if isinstance(invoice, dict) else invoice
        if not invoice_id:
            continue
        payment = session.scalar(select(Payment).where(Payment.stripe_invoice_id == invoice_id))
        if payment is not None:
            payment.stripe_payment_intent_id = payment.stripe_payment_intent_id or intent
            return payment
        _, metadata = invoice_subscription(plain(client.v1.invoices.retrieve(invoice_id)))
        if pledge_from_metadata(session, metadata) is not None:
            raise RetryLater(f"{intent} of invoice {invoice_id} arrived before the invoice")
    return None


def _intent_is_ours(session: DbSession, client: stripe.StripeClient, intent: str) -> bool:
    """A one-time gift's payment intent carries the pledge metadata (payment_intent_data.metadata)."""
    try:
        payment_intent = plain(client.v1.payment_intents.retrieve(intent))
    except stripe.InvalidRequestError:
        return False
    return pledge_from_metadata(session, payment_intent.get("metadata")) is not None


def handle_charge_refunded(session: DbSession, obj: dict, at: datetime, event_type: str,
                           client: stripe.StripeClient | None = None) -> EventResult:
    payment = payment_for_charge(session, client, obj.get("id"), obj.get("payment_intent"))
    if payment is None:
        return EventResult("ignored: not a readerdesk payment")
    payment.amount_refunded = max(payment.amount_refunded, int(obj.get("amount_refunded") or 0))
    return EventResult(f"refund recorded: payment {payment.id} refunded {payment.amount_refunded}")


def handle_dispute(session: DbSession, obj: dict, at: datetime, event_type: str,
                   client: stripe.StripeClient | None = None) -> EventResult:
    """Record a dispute (created, updated, closed), count a lost one against its payment, and tell
    the admins when one opens and when it closes."""
    if not obj.get("id"):
        return EventResult("ignored: not a dispute")
    charge = obj.get("charge")
    charge_id = charge.get("id") if isinstance(charge, dict) else charge
    payment = payment_for_charge(session, client, charge_id, obj.get("payment_intent"))
    if payment is None:
        return EventResult("ignored: not a readerdesk payment")
    dispute = session.scalar(select(Dispute).where(Dispute.stripe_dispute_id == obj["id"]))
    before = dispute.stripe_status if dispute is not None else None
    if dispute is None:
        dispute = Dispute(stripe_dispute_id=obj["id"], payment=payment, amount=0, currency=payment.currency,
                          status=DisputeStatus.OPEN, opened_at=stripe_time(obj.get("created")) or at, state_as_of=at)
        session.add(dispute)
    elif at < dispute.state_as_of:
        return EventResult(f"dispute {dispute.id}: an older state, ignored")
    stripe_status = str(obj.get("status") or "")
    dispute.state_as_of = at
    dispute.amount = int(obj.get("amount") or dispute.amount)
    dispute.currency = str(obj.get("currency") or dispute.currency).upper()
    dispute.reason = str(obj.get("reason") or dispute.reason)[:100]
    dispute.stripe_status = stripe_status[:40]
    dispute.status = DISPUTE_STATUS.get(stripe_status, DisputeStatus.OPEN)
    dispute.evidence_due_by = stripe_time((obj.get("evidence_details") or {}).get("due_by")) or dispute.evidence_due_by
    dispute.closed_at = (dispute.closed_at or at) if dispute.status is not DisputeStatus.OPEN else None
    session.flush()
    payment.amount_lost_in_disputes = sum(d.amount for d in session.scalars(
        select(Dispute).where(Dispute.payment_id == payment.id, Dispute.status == DisputeStatus.LOST)))
    result = EventResult(f"dispute {dispute.id} {stripe_status}: payment {payment.id}")
    if before is None or (before != stripe_status and dispute.status is not DisputeStatus.OPEN):
        result.jobs.append(Job("send_dispute_notice", (dispute.id,)))
    return result
