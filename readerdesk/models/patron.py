"""Supporters: the pledge a reader starts on the support page, the patron it becomes, their payments,
the Stripe events already processed, and the single-use magic links to the customer portal.

Money is integer minor units in ``currency``; Stripe ids are unique where Stripe makes them unique,
so a redelivered or re-fetched object updates the row it made before instead of adding a second one.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.site import Site
from readerdesk.models.types import UTCDateTime, string_enum
from readerdesk.text.languages import N_


class Interval(enum.StrEnum):
    MONTH = "month"
    YEAR = "year"
    ONCE = "once"  # a one-time gift

    @property
    def label(self) -> str:
        return {"month": N_("month"), "year": N_("year"), "once": N_("once")}[self.value]

    @property
    def recurring(self) -> bool:
        return self is not Interval.ONCE


class PatronStatus(enum.StrEnum):
    PENDING = "pending"  # paid by a delayed method (SEPA Debit, bank transfer) that has not arrived yet
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"

    @property
    def label(self) -> str:
        return {"pending": N_("pending"), "active": N_("active"), "past_due": N_("past due"),
                "canceled": N_("canceled")}[self.value]


class PledgeStatus(enum.StrEnum):
    NEW = "new"  # stored, no Checkout Session yet
    OPEN = "open"  # a Checkout Session exists; the reader is paying
    PROCESSING = "processing"  # the checkout finished; a delayed payment method has not paid yet
    COMPLETED = "completed"  # Stripe says the checkout finished and was paid
    FAILED = "failed"  # checkout could not start, or an async payment failed


class WallStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": N_("waiting for approval"), "approved": N_("approved"),
                "rejected": N_("rejected")}[self.value]


class PaymentStatus(enum.StrEnum):
    PAID = "paid"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"paid": N_("paid"), "failed": N_("failed")}[self.value]


def monthly(amount: int, interval: Interval) -> int:
    """An amount's contribution to MRR: monthly as it is, yearly ÷ 12 (floored), one-time gifts 0."""
    if interval is Interval.MONTH:
        return amount
    if interval is Interval.YEAR:
        return amount // 12
    return 0


class Pledge(Model):
    """What a reader asked for on the support page, stored before anything is sent to Stripe."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    # Generated when the form is shown: a double submission of the same form finds this pledge.
    form_key: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200), default="")
    tier: Mapped[str | None] = mapped_column(String(40), default=None)
    amount: Mapped[int]  # what the reader pledged
    fee_covered: Mapped[bool] = mapped_column(default=False)
    total: Mapped[int]  # what is charged: amount, grossed up when the reader covers the fee
    currency: Mapped[str] = mapped_column(String(3))
    interval: Mapped[Interval] = mapped_column(string_enum(Interval, "interval"))
    list_publicly: Mapped[bool] = mapped_column(default=False)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[PledgeStatus] = mapped_column(string_enum(PledgeStatus, "pledge_status"), default=PledgeStatus.NEW)
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    checkout_url: Mapped[str | None] = mapped_column(String(2000), default=None)
    # When Stripe expires the open session (24 h by default): after it, a new session is made, with
    # the next attempt number in its idempotency key.
    checkout_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    checkout_attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(500), default="")
    patron_id: Mapped[int | None] = mapped_column(ForeignKey("patrons.id"), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    site: Mapped[Site] = relationship()
    patron: Mapped[Patron | None] = relationship(back_populates="pledges")


class Patron(Model):
    """A supporter of one site, one row per Stripe customer. Patrons have no password. The same email
    can have two rows: a pledge never joins an existing patron by an email nobody verified."""

    __tablename__ = "patrons"
    __table_args__ = (
        Index("ix_patrons_site_email", "site_id", "email"),
        Index("ix_patrons_site_status", "site_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    email: Mapped[str] = mapped_column(String(320))  # lower-cased, NFC
    name: Mapped[str] = mapped_column(String(200), default="")
    stripe_customer_id: Mapped[str | None] = mapped_column(String(255), index=True, default=None)
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    status: Mapped[PatronStatus] = mapped_column(
        string_enum(PatronStatus, "patron_status"), default=PatronStatus.ACTIVE
    )
    tier: Mapped[str | None] = mapped_column(String(40), default=None)
    amount: Mapped[int] = mapped_column(default=0)  # per interval, minor units
    currency: Mapped[str] = mapped_column(String(3))
    interval: Mapped[Interval] = mapped_column(string_enum(Interval, "interval"))
    supporter_since: Mapped[datetime] = mapped_column(UTCDateTime)
    canceled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Stripe's timestamp of the newest state applied to status/amount: an older event arriving
    # late never overwrites a newer one.
    state_as_of: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The supporters wall: opt-in, shown only once an admin approves.
    list_publicly: Mapped[bool] = mapped_column(default=False)
    display_name: Mapped[str] = mapped_column(String(120), default="")
    wall_status: Mapped[WallStatus] = mapped_column(string_enum(WallStatus, "wall_status"), default=WallStatus.PENDING)
    # Topic polls: False once the patron asked not to be emailed when a new poll opens.
    poll_announcements: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    pledges: Mapped[list[Pledge]] = relationship(back_populates="patron")
    payments: Mapped[list[Payment]] = relationship(back_populates="patron", order_by="Payment.id")
    subscriptions: Mapped[list[Subscription]] = relationship(back_populates="patron", order_by="Subscription.id")

    @property
    def monthly_amount(self) -> int:
        """This patron's contribution to MRR: yearly amounts ÷ 12 (floored), one-time gifts 0."""
        return monthly(self.amount, self.interval)

    def __repr__(self) -> str:
        return f"<Patron {self.email} {self.status.value} {self.amount}/{self.interval.value}>"


class Payment(Model):
    """Money that arrived (or failed to): one row per invoice, or per one-time checkout."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_patron", "patron_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"))
    pledge_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"), default=None)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    status: Mapped[PaymentStatus] = mapped_column(string_enum(PaymentStatus, "payment_status"))
    amount_refunded: Mapped[int] = mapped_column(default=0)
    stripe_invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    stripe_charge_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    stripe_checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # What a dispute the newsroom lost took back: counted like a refund in every figure.
    amount_lost_in_disputes: Mapped[int] = mapped_column(default=0)

    patron: Mapped[Patron] = relationship(back_populates="payments")
    disputes: Mapped[list[Dispute]] = relationship(back_populates="payment", order_by="Dispute.opened_at")

    @property
    def refunded(self) -> bool:
        return self.amount_refunded > 0

    @property
    def net(self) -> int:
        """What the newsroom kept: the amount less refunds and lost disputes (never below zero)."""
        if self.status is not PaymentStatus.PAID:
            return 0
        return max(self.amount - self.amount_refunded - self.amount_lost_in_disputes, 0)


class Subscription(Model):
    """A Stripe subscription of a patron. Once ended it stays ended: no later event revives it, and
    only a new subscription makes the person a patron again."""

    __tablename__ = "patron_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"), index=True)
    # None for subscriptions that exist only here (the demo's).
    stripe_subscription_id: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The checkout was paid by a delayed method that has not succeeded yet: the patron stays pending.
    awaiting_payment: Mapped[bool] = mapped_column(default=False)

    patron: Mapped[Patron] = relationship(back_populates="subscriptions")
    amounts: Mapped[list[SubscriptionAmount]] = relationship(
        back_populates="subscription", order_by="SubscriptionAmount.effective_at")

    def amount_at(self, moment: datetime) -> SubscriptionAmount | None:
        """The amount in force at ``moment``: the newest change at or before it (else the first one)."""
        history = sorted(self.amounts, key=lambda a: a.effective_at)
        in_force = [a for a in history if a.effective_at <= moment]
        return in_force[-1] if in_force else (history[0] if history else None)

    @property
    def latest_amount(self) -> SubscriptionAmount | None:
        return max(self.amounts, key=lambda a: a.effective_at) if self.amounts else None


class SubscriptionAmount(Model):
    """A subscription's amount from a moment on (Stripe's timestamp of the event that carried it): the
    MRR history draws each month from the amounts in force then, so a plan change keeps the past."""

    __tablename__ = "subscription_amounts"
    __table_args__ = (UniqueConstraint("subscription_id", "effective_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("patron_subscriptions.id"))
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    interval: Mapped[Interval] = mapped_column(string_enum(Interval, "interval"))
    tier: Mapped[str | None] = mapped_column(String(40), default=None)  # from the Price; None: a custom amount

    subscription: Mapped[Subscription] = relationship(back_populates="amounts")

    @property
    def monthly_amount(self) -> int:
        return monthly(self.amount, self.interval)


# Stripe's words for a dispute's state and reason, as the desk shows them; a word Stripe adds later is
# shown as it comes, with its underscores as spaces.
DISPUTE_STATES = {"warning_needs_response": N_("inquiry: needs response"),
                  "warning_under_review": N_("inquiry: under review"), "warning_closed": N_("inquiry closed"),
                  "needs_response": N_("needs response"), "under_review": N_("under review"),
                  "won": N_("won"), "lost": N_("lost"), "prevented": N_("prevented")}
DISPUTE_REASONS = {"bank_cannot_process": N_("bank cannot process"), "check_returned": N_("check returned"),
                   "credit_not_processed": N_("credit not processed"), "customer_initiated": N_("customer initiated"),
                   "debit_not_authorized": N_("debit not authorized"), "duplicate": N_("duplicate"),
                   "fraudulent": N_("fraudulent"), "general": N_("general"),
                   "incorrect_account_details": N_("incorrect account details"),
                   "insufficient_funds": N_("insufficient funds"), "product_not_received": N_("product not received"),
                   "product_unacceptable": N_("product unacceptable"),
                   "subscription_canceled": N_("subscription canceled"), "unrecognized": N_("unrecognized")}


class DisputeStatus(enum.StrEnum):
    OPEN = "open"  # needs response / under review (Stripe's warning_* states too)
    WON = "won"
    LOST = "lost"


class Dispute(Model):
    """A cardholder's dispute of a payment (a chargeback), as Stripe reports it."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    stripe_dispute_id: Mapped[str] = mapped_column(String(255), unique=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    reason: Mapped[str] = mapped_column(String(100), default="")
    stripe_status: Mapped[str] = mapped_column(String(40), default="")  # Stripe's own word
    status: Mapped[DisputeStatus] = mapped_column(string_enum(DisputeStatus, "dispute_status"))
    evidence_due_by: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Stripe's timestamp of the newest event applied: an older one arriving late changes nothing.
    state_as_of: Mapped[datetime] = mapped_column(UTCDateTime)

    payment: Mapped[Payment] = relationship(back_populates="disputes")

    @property
    def state_label(self) -> str:
        """Stripe's state in the desk's words (a catalogue id: the template translates it)."""
        return DISPUTE_STATES.get(self.stripe_status, self.stripe_status.replace("_", " "))

    @property
    def reason_label(self) -> str:
        return DISPUTE_REASONS.get(self.reason, self.reason.replace("_", " "))


class StripeEvent(Model):
    """A Stripe event processed once: inserted first, in the transaction that applies it."""

    __tablename__ = "stripe_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), unique=True)
    type: Mapped[str] = mapped_column(String(100))
    stripe_created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(200), default="")  # what it did, or why it was ignored
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PortalLinkUse(Model):
    """A magic link to the customer portal that has been opened: each link works once."""

    __tablename__ = "portal_link_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), unique=True)
    patron_id: Mapped[int] = mapped_column(ForeignKey("patrons.id"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
