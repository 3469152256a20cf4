"""Who may vote in a poll, at a given moment, following Stripe's state of the patron.

- Active patrons (a recurring subscription Stripe reports as active) may vote.
- A past-due patron may vote for the site's ``past_due_grace_days`` after Stripe reported the failed
  renewal; a canceled or pending one may not.
- Polls open to donors also admit one-time donors with a payment (not fully refunded) in the last
  12 months.

One person is every patron record of the site linked by a shared address or a shared Stripe customer
(two addresses on one customer, or one address with two customers, are one person), named after the
oldest of those records (:func:`person_of`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from readerdesk.models import Eligibility, Interval, Patron, PatronStatus, Payment, PaymentStatus, Poll
from readerdesk.models.types import DbSession
from readerdesk.text.languages import N_

DONOR_WINDOW = timedelta(days=365)


class NotEligible(Exception):
    """This person may not vote in this poll now; the message says why, politely."""


def person_of(session: DbSession, patron: Patron) -> str:
    """The person behind ``patron``: the records of the site reachable through shared addresses and
    Stripe customers, named by the oldest record's customer (or the oldest record). A later, newer
    record joins the person without renaming it, so their ballot stays theirs."""
    emails, customers = {patron.email}, {patron.stripe_customer_id} - {None}
    records: dict[int, Patron] = {patron.id: patron}
    while True:
        linked = session.scalars(select(Patron).where(
            Patron.site_id == patron.site_id,
            or_(Patron.email.in_(emails), Patron.stripe_customer_id.in_(customers)))).all()
        new = [r for r in linked if r.id not in records]
        if not new:
            break
        for record in new:
            records[record.id] = record
            emails.add(record.email)
            if record.stripe_customer_id:
                customers.add(record.stripe_customer_id)
    oldest = sorted(records.values(), key=lambda r: r.id)
    with_customer = [r for r in oldest if r.stripe_customer_id]
    return f"customer:{with_customer[0].stripe_customer_id}" if with_customer else f"patron:{oldest[0].id}"


def _recent_donor(session: DbSession, patron: Patron, now: datetime) -> bool:
    payments = session.scalars(select(Payment).where(Payment.patron_id == patron.id,
                                                     Payment.status == PaymentStatus.PAID,
                                                     Payment.paid_at >= now - DONOR_WINDOW))
    return any(p.net > 0 for p in payments)


def why_not_eligible(session: DbSession, poll: Poll, patron: Patron, *, now: datetime) -> str | None:
    """None when ``patron`` may vote in ``poll`` at ``now``; else the reason, for the patron."""
    if patron.site_id != poll.site_id:
        return N_("This poll is for another publication's patrons.")
    if patron.interval.recurring:
        if patron.status is PatronStatus.ACTIVE:
            return None
        if patron.status is PatronStatus.PAST_DUE:
            since = patron.state_as_of or patron.supporter_since
            if now - since <= timedelta(days=poll.site.past_due_grace_days):
                return None
            return (N_("Your last payment did not go through, so you cannot vote until it does. You can update your "
                    "card from the “manage my support” page."))
        if patron.status is PatronStatus.PENDING:
            return N_("Your payment has not arrived yet. You can vote as soon as it does.")
    elif (poll.eligibility is Eligibility.PATRONS_AND_DONORS and patron.status is not PatronStatus.CANCELED
          and _recent_donor(session, patron, now)):
        return None
    if poll.eligibility is Eligibility.PATRONS:
        return N_("This poll is for active patrons. Become a patron to vote in the next one.")
    return N_("This poll is for active patrons and for donors of the last 12 months. Become a patron to vote.")


def eligible_patrons(session: DbSession, poll: Poll, *, now: datetime) -> list[Patron]:
    """The site's patrons who may vote now, one per person (the oldest record of a Stripe customer)."""
    candidates: Iterable[Patron] = session.scalars(
        select(Patron).where(Patron.site_id == poll.site_id, Patron.status != PatronStatus.CANCELED)
        .order_by(Patron.id))
    seen: set[str] = set()
    eligible = []
    for patron in candidates:
        person = person_of(session, patron)
        if person in seen or why_not_eligible(session, poll, patron, now=now) is not None:
            continue
        seen.add(person)
        eligible.append(patron)
    return eligible


def tier_label(patron: Patron) -> str:
    """The voter's tier for the results' breakdown: the tier id, or "custom", or "one-time"."""
    if patron.interval is Interval.ONCE:
        return "one-time"
    return patron.tier or "custom"
