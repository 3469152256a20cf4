"""Catching up with Stripe: events whose delivery failed, and subscriptions that drifted.

Used by ``flask --app app stripe reconcile``; the command owns the transactions (one per event).
A repair is stamped with Stripe's own timestamps (the subscription's), never the local clock, so a
genuine event created before the repair ran still applies when it arrives.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import stripe
from sqlalchemy import select

from readerdesk.models import Patron, PatronStatus
from readerdesk.models.types import DbSession
from readerdesk.services.patrons.stripe.client import plain, plain_pages
from readerdesk.services.patrons.stripe.events import stripe_time
from readerdesk.services.patrons.stripe.subscriptions import apply_subscription
from readerdesk.services.patrons.stripe.webhooks import HANDLED_EVENTS, is_recorded


def events_since(client: stripe.StripeClient, since: datetime) -> Iterator[dict]:
    """Stripe's events of the handled types created at or after ``since`` (Stripe keeps 30 days),
    oldest first so they apply in the order they happened."""
    listing = client.v1.events.list({"created": {"gte": int(since.timestamp())}, "types": list(HANDLED_EVENTS),
                                     "limit": 100})
    return iter(sorted(plain_pages(listing), key=lambda e: (e.get("created", 0), e.get("id", ""))))


def unrecorded(session: DbSession, events) -> list[dict]:
    return [e for e in events if not is_recorded(session, e["id"])]


def _snapshot(patron: Patron) -> tuple:
    return (patron.status, patron.amount, patron.interval, patron.currency, patron.tier)


def subscription_as_of(subscription: dict) -> datetime | None:
    """The newest Stripe timestamp on a subscription object: when it started, its items changed or its
    period turned, or it was canceled or ended."""
    items = (subscription.get("items") or {}).get("data") or []
    stamps = [subscription.get(name) for name in ("created", "start_date", "canceled_at", "ended_at")]
    stamps += [item.get(name) for item in items for name in ("created", "current_period_start")]
    times = [t for t in (stripe_time(s) for s in stamps) if t is not None]
    return max(times) if times else None


def repair_subscription(session: DbSession, subscription, *, now: datetime) -> str | None:
    """Apply a freshly fetched subscription (the newest state there is). A line describing the
    repair, or None when the patron already matched (or is not ours)."""
    subscription = plain(subscription)
    patron = session.scalar(select(Patron).where(Patron.stripe_subscription_id == subscription.get("id")))
    before = _snapshot(patron) if patron is not None else None
    # Stripe's answer outranks every event applied so far; it is stamped no later than Stripe's own
    # newest time for the object, so an event created after that still applies when it comes.
    stamp = subscription_as_of(subscription) or now
    if patron is not None and patron.state_as_of is not None:
        stamp = max(stamp, patron.state_as_of)
    patron = apply_subscription(session, subscription, stamp)
    if patron is None or before == _snapshot(patron):
        return None
    was = f"{before[0].value} {before[1]}/{before[2].value}" if before else "missing"
    return f"{patron.email}: {was} -> {patron.status.value} {patron.amount}/{patron.interval.value}"


def active_subscriptions(client: stripe.StripeClient) -> Iterator[dict]:
    return plain_pages(client.v1.subscriptions.list({"status": "active", "limit": 100}))


def patrons_to_recheck(session: DbSession, active_ids: set[str]) -> list[Patron]:
    """Local patrons who look current but whose subscription Stripe did not list as active."""
    conditions = [
        Patron.stripe_subscription_id.is_not(None),
        Patron.status.in_([PatronStatus.ACTIVE, PatronStatus.PAST_DUE, PatronStatus.PENDING]),
    ]
    if active_ids:
        conditions.append(Patron.stripe_subscription_id.not_in(active_ids))
    return list(session.scalars(select(Patron).where(*conditions)))
