"""Catching up with Stripe: events whose delivery failed, and subscriptions that drifted.

Used by ``flask --app app stripe reconcile``; the command owns the transactions (one per event).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import stripe
from sqlalchemy import select

from readerdesk.models import Patron, PatronStatus
from readerdesk.models.types import DbSession
from readerdesk.services.patrons.stripe.webhooks import HANDLED_EVENTS, apply_subscription, is_recorded, plain


@dataclass
class ReconcileReport:
    events_seen: int = 0
    events_processed: int = 0
    subscriptions_checked: int = 0
    patrons_repaired: list[str] = field(default_factory=list)


def events_since(client: stripe.StripeClient, since: datetime) -> Iterator[dict]:
    """Stripe's events of the handled types created at or after ``since`` (Stripe keeps 30 days),
    oldest first so they apply in the order they happened."""
    listing = client.v1.events.list({"created": {"gte": int(since.timestamp())}, "types": list(HANDLED_EVENTS),
                                     "limit": 100})
    events = [plain(e) for e in listing.auto_paging_iter()]
    return iter(sorted(events, key=lambda e: (e.get("created", 0), e.get("id", ""))))


def unrecorded(session: DbSession, events) -> list[dict]:
    return [e for e in events if not is_recorded(session, e["id"])]


def _snapshot(patron: Patron) -> tuple:
    return (patron.status, patron.amount, patron.interval, patron.currency)


def repair_subscription(session: DbSession, subscription: dict, *, now: datetime) -> str | None:
    """Apply a freshly fetched subscription (the newest state there is). A line describing the
    repair, or None when the patron already matched (or is not ours)."""
    subscription = plain(subscription)
    patron = session.scalar(select(Patron).where(Patron.stripe_subscription_id == subscription.get("id")))
    before = _snapshot(patron) if patron is not None else None
    # Stripe's own answer now outranks every event seen so far.
    patron = apply_subscription(session, subscription, max(now, patron.state_as_of or now) if patron else now)
    if patron is None or before == _snapshot(patron):
        return None
    was = f"{before[0].value} {before[1]}/{before[2].value}" if before else "missing"
    return f"{patron.email}: {was} -> {patron.status.value} {patron.amount}/{patron.interval.value}"


def active_subscriptions(client: stripe.StripeClient) -> Iterator[dict]:
    return (plain(s) for s in client.v1.subscriptions.list({"status": "active", "limit": 100}).auto_paging_iter())


def patrons_to_recheck(session: DbSession, active_ids: set[str]) -> list[Patron]:
    """Local patrons who look current but whose subscription Stripe did not list as active."""
    conditions = [
        Patron.stripe_subscription_id.is_not(None),
        Patron.status.in_([PatronStatus.ACTIVE, PatronStatus.PAST_DUE]),
    ]
    if active_ids:
        conditions.append(Patron.stripe_subscription_id.not_in(active_ids))
    return list(session.scalars(select(Patron).where(*conditions)))
