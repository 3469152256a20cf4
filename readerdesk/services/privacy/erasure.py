"""Erasure: every personal field for an address emptied or anonymised, in the caller's one transaction.

Reports keep their text and record that their reader was erased; payments keep amounts and dates for
accounting, with the patron anonymised; the address is also replaced wherever a reader or an editor
typed it into free text, and the person's names in the texts of their own reports
(services.privacy.inventory.FREE_TEXT). Deleting the Stripe customer is
services.privacy.stripe_customers, done by the caller before this.

A reader can also remove their own address from one report, with the link in their emails and on their
status page (:func:`remove_reader_contact`; the link itself is services.privacy.reader_links).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, func, or_, select, update

from readerdesk.extensions import Model
from readerdesk.models import (
    Correction,
    ModerationEvent,
    NotificationSent,
    Patron,
    PatronStatus,
    PollLinkUse,
    PollVoter,
    PortalLinkUse,
    SuggestionStatus,
    TopicSuggestion,
    User,
    WallStatus,
)
from readerdesk.models.types import DbSession
from readerdesk.services.mail.notifications import READER_DECISION
from readerdesk.services.privacy.audit import ERASURE, READER_REMOVAL, Actor, record
from readerdesk.services.privacy.inventory import ERASED_TEXT, FREE_TEXT
from readerdesk.services.privacy.records import PersonalRecords, describe_counts
from readerdesk.services.privacy.retention import empty_pledges, remove_contact
from readerdesk.services.privacy.stripe_customers import StripeDeletion
from readerdesk.text.languages import N_
from readerdesk.text.translatable import TranslatableError

ERASED_DOMAIN = "erased.invalid"  # .invalid never resolves: nothing can be sent there
MIN_NAME_TO_REDACT = 3  # shorter "names" ("Al", "J.") would match inside ordinary words


class ErasureBlocked(TranslatableError):
    """The erasure cannot go ahead as asked; the message says what to do first."""


def is_erased_address(email: str) -> bool:
    return email.endswith("@" + ERASED_DOMAIN)


def live_subscriptions(records: PersonalRecords) -> list[Patron]:
    """The address's patrons whose subscription still charges them."""
    return [p for p in records.patrons
            if p.stripe_subscription_id and p.status in (PatronStatus.ACTIVE, PatronStatus.PAST_DUE)]


def erasure_summary(records: PersonalRecords) -> str:
    """What an erasure of ``records`` will change, in words."""
    counts = records.counts()
    payments = counts.pop("payments")
    summary = describe_counts(counts) or "nothing"
    if payments:
        summary += f" ({describe_counts({'payments': payments})} kept for accounting, anonymised)"
    return summary


def is_staff_address(session: DbSession, address: str) -> bool:
    return session.scalar(select(User.id).where(func.lower(User.email) == address)) is not None


def erase_records(session: DbSession, records: PersonalRecords, *, now: datetime,
                  canceled_at_stripe: Collection[str] = ()) -> dict[str, int]:
    """Erase ``records`` (services.privacy.records.find_records); the rows changed, by kind.

    A patron whose subscription still charges them stops the erasure (ErasureBlocked) unless
    ``canceled_at_stripe`` names that subscription: an anonymous patron who keeps paying would get
    receipts nobody can read and no way to cancel."""
    names = _known_names(records)  # before they are emptied
    still_charging = [p for p in live_subscriptions(records) if p.stripe_subscription_id not in canceled_at_stripe]
    if still_charging:
        raise ErasureBlocked(N_("Active subscriptions at Stripe still charge this address (%(count)d): cancel them "
                                "first, or erase with the Stripe customer (--stripe / “also delete the Stripe "
                                "customer”)"), count=len(still_charging))
    remove_contact(session, [c.id for c in records.corrections], reason="erasure", now=now)
    session.execute(update(Correction).where(Correction.id.in_([c.id for c in records.corrections]))
                    .values(ip_hash="", updated_at=Correction.updated_at))
    session.execute(update(NotificationSent).where(NotificationSent.id.in_([n.id for n in records.notifications]))
                    .values(recipient=""))
    for patron in records.patrons:
        _anonymise_patron(patron, now=now, canceled=patron.stripe_subscription_id in canceled_at_stripe)
    empty_pledges(session, [p.id for p in records.pledges])
    for pledge in records.pledges:
        pledge.list_publicly = False
    session.execute(delete(PortalLinkUse).where(PortalLinkUse.id.in_([u.id for u in records.portal_link_uses])))
    _erase_poll_records(session, records)
    counts = records.counts()
    counts.pop("payments")  # kept for accounting, unchanged
    counts["texts"] = redact(session, records, names)
    session.flush()
    session.expire_all()  # the bulk updates above changed rows the session may hold
    return counts


def erase(session: DbSession, records: PersonalRecords, *, actor: Actor, now: datetime,
          stripe_deletions: Sequence[StripeDeletion] = ()) -> dict[str, int]:
    """:func:`erase_records` after the Stripe customers were deleted, and its audit entry (counts only).

    A customer that is gone at Stripe, deleted now or by an earlier try whose erasure here failed, has
    no subscription left: deleting a customer ends its subscriptions at once."""
    canceled = {s for deletion in stripe_deletions for s in deletion.canceled_subscriptions}
    gone = {deletion.customer_id for deletion in stripe_deletions}
    canceled |= {p.stripe_subscription_id for p in records.patrons
                 if p.stripe_customer_id in gone and p.stripe_subscription_id}
    changed = erase_records(session, records, now=now, canceled_at_stripe=canceled)
    changed["stripe_customers"] = sum(deletion.deleted for deletion in stripe_deletions)
    record(session, ERASURE, actor, changed, now=now)
    return changed


def _erase_poll_records(session: DbSession, records: PersonalRecords) -> None:
    """Who voted goes (the secret ballots stay in the counts, linked to nobody); so do used voting
    links and suggestions no poll took up; accepted or merged suggestions stay without the patron."""
    session.execute(delete(PollVoter).where(PollVoter.id.in_([v.id for v in records.poll_votes])))
    session.execute(delete(PollLinkUse).where(PollLinkUse.id.in_([u.id for u in records.poll_link_uses])))
    ids = [t.id for t in records.topic_suggestions]
    session.execute(delete(TopicSuggestion).where(
        TopicSuggestion.id.in_(ids), TopicSuggestion.status.in_([SuggestionStatus.PENDING, SuggestionStatus.REJECTED])))
    session.execute(update(TopicSuggestion).where(TopicSuggestion.id.in_(ids)).values(patron_id=None))


def _anonymise_patron(patron: Patron, *, now: datetime, canceled: bool) -> None:
    patron.email = f"erased-{patron.id}@{ERASED_DOMAIN}"
    patron.name = patron.display_name = ""
    patron.list_publicly, patron.wall_status = False, WallStatus.REJECTED
    # The subscription id stays, as the payments' Stripe references do: later events for it (a refund,
    # the cancellation) still find this anonymous record instead of making a new one.
    patron.stripe_customer_id = None
    if canceled:
        patron.status, patron.canceled_at, patron.state_as_of = PatronStatus.CANCELED, now, now


def _known_names(records: PersonalRecords) -> set[str]:
    names = {c.reader_name for c in records.corrections}
    names |= {name for p in records.patrons for name in (p.name, p.display_name)}
    names |= {name for p in records.pledges for name in (p.name, p.display_name)}
    return {name.strip() for name in names if len(name.strip()) >= MIN_NAME_TO_REDACT}


def _contains(column, text: str):
    """``column`` holds ``text`` in any case: as typed, or lower-cased on both sides (SQLite lower-cases
    ASCII only, so a name in Cyrillic is also looked for as typed)."""
    return or_(column.contains(text, autoescape=True), func.lower(column).contains(text.lower(), autoescape=True))


def _redact(session: DbSession, needles: list[str], *, in_reports: list[int] | None, changed: set) -> None:
    """Replace each needle (any case) with [erased] in the free-text columns: everywhere, or only in the
    texts of the reports ``in_reports`` (and the notes and decisions on them)."""
    pattern = re.compile("|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)), re.IGNORECASE)
    for table_name, column_name in FREE_TEXT:
        table = Model.metadata.tables[table_name]
        column = table.c[column_name]
        statement = select(table.c.id, column).where(or_(*(_contains(column, n) for n in needles)))
        if in_reports is not None:
            report = table.c.id if table_name == "corrections" else table.c.correction_id
            statement = statement.where(report.in_(in_reports))
        for row_id, text in session.execute(statement).all():
            redacted = pattern.sub(ERASED_TEXT, text)
            session.execute(update(table).where(table.c.id == row_id).values({column_name: redacted}))
            changed.add((table_name, row_id))


def redact(session: DbSession, records: PersonalRecords, names: set[str]) -> int:
    """The address, wherever someone typed it into free text; the person's names, in the texts of their
    own reports (a name alone is too common to hunt for everywhere). Rows changed."""
    changed: set = set()
    _redact(session, [records.address], in_reports=None, changed=changed)
    if names:
        _redact(session, list(names), in_reports=[c.id for c in records.corrections], changed=changed)
    return len(changed)


def remove_reader_contact(session: DbSession, correction: Correction, *, actor: Actor, now: datetime) -> int:
    """The reader's own link: their name, email and page URL off this report, and their address off the
    emails sent about it, with an audit entry. Rows changed."""
    remove_contact(session, [correction.id], reason="reader", now=now)
    event_keys = [str(i) for i in session.scalars(select(ModerationEvent.id)
                                                  .where(ModerationEvent.correction_id == correction.id))]
    result = session.execute(update(NotificationSent).where(
        NotificationSent.kind == READER_DECISION, NotificationSent.key.in_(event_keys),
        NotificationSent.recipient != "").values(recipient=""))
    session.expire(correction)
    emails = result.rowcount or 0  # type: ignore[attr-defined]
    record(session, READER_REMOVAL, actor, {"reports": 1, "emails": emails}, now=now)
    return 1 + emails
