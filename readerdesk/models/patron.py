"""Supporters: the pledge a reader starts on the support page, the patron it becomes, their payments,
the Stripe events already processed, and the single-use magic links to the customer portal.

Money is integer minor units in ``currency``; Stripe ids are unique where Stripe makes them unique,
so a redelivered or re-fetched object updates the row it made before instead of adding a second one.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.site import Site
from readerdesk.models.types import UTCDateTime, string_enum


class Interval(enum.StrEnum):
    MONTH = "month"
    YEAR = "year"
    ONCE = "once"  # a one-time gift

    @property
    def recurring(self) -> bool:
        return self is not Interval.ONCE


class PatronStatus(enum.StrEnum):
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"


class PledgeStatus(enum.StrEnum):
    NEW = "new"  # stored, no Checkout Session yet
    OPEN = "open"  # a Checkout Session exists; the reader is paying
    COMPLETED = "completed"  # Stripe says the checkout finished (paid or processing)
    FAILED = "failed"  # checkout could not start, or an async payment failed


class WallStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class PaymentStatus(enum.StrEnum):
    PAID = "paid"
    FAILED = "failed"


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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    pledges: Mapped[list[Pledge]] = relationship(back_populates="patron")
    payments: Mapped[list[Payment]] = relationship(back_populates="patron", order_by="Payment.id")

    @property
    def monthly_amount(self) -> int:
        """This patron's contribution to MRR: yearly amounts ÷ 12 (floored), one-time gifts 0."""
        if self.interval is Interval.MONTH:
            return self.amount
        if self.interval is Interval.YEAR:
            return self.amount // 12
        return 0

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

    patron: Mapped[Patron] = relationship(back_populates="payments")

    @property
    def refunded(self) -> bool:
        return self.amount_refunded > 0


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
