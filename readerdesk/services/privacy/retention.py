"""Retention: personal data goes once it has served its purpose (``flask --app app privacy purge``,
daily from cron or the worker's scheduler).

* A reporter's email, name and page URL: ``RETENTION_READER_DAYS`` (180) days after the report was
  closed (published, rejected or spam). The quote, the comment and the suggestion stay: they are the
  newsroom's editorial record, and nothing in them identifies the reader once name and email are gone.
* IP hashes: after ``RETENTION_IP_DAYS`` (30) days, and the daily keys they were made with.
* The addresses notifications went to: ``RETENTION_READER_DAYS`` after sending. The rows stay, so an
  email is still never sent twice.
* Support-form details of a checkout never finished: ``RETENTION_READER_DAYS`` after the form.
* Used "manage my support" link nonces, once the link has expired anyway (``PORTAL_LINK_MAX_AGE``).

* Staff sessions (a signed-in browser's token hash and User-Agent): once expired or ended.
* Drafts of refused desk forms (services.desk.form_drafts): after ``DRAFT_LIFETIME`` (an hour).

Every step selects only what is still due, so running the purge again changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update

from readerdesk.models import (
    Correction,
    FormDraft,
    IpHashKey,
    NotificationSent,
    Pledge,
    PledgeStatus,
    PollLinkUse,
    PortalLinkUse,
    StaffSession,
    Status,
)
from readerdesk.models.moderation import ModerationEvent
from readerdesk.models.types import DbSession
from readerdesk.services.desk.form_drafts import DRAFT_LIFETIME

BATCH_SIZE = 500


@dataclass(frozen=True)
class RetentionSettings:
    reader_days: int = 180
    ip_days: int = 30
    portal_link_max_age: int = 1800  # seconds

    @classmethod
    def from_config(cls, config: Mapping) -> RetentionSettings:
        return cls(reader_days=config["RETENTION_READER_DAYS"], ip_days=config["RETENTION_IP_DAYS"],
                   portal_link_max_age=config["PORTAL_LINK_MAX_AGE"])


@dataclass
class PurgeStep:
    """One kind of data to remove: the rows due now (primary keys), and how to remove a batch of them."""

    name: str  # the key in counts and the audit log
    label: str  # for the progress bar
    pending: list[int]
    apply: Callable[[DbSession, list[int]], None]


def closed_at():
    """When a report was closed: its last move into a closed state (its last update, for reports
    closed without a logged decision)."""
    last_close = (select(func.max(ModerationEvent.created_at))
                  .where(ModerationEvent.correction_id == Correction.id,
                         ModerationEvent.to_status.not_in(Status.open()))
                  .scalar_subquery())
    return func.coalesce(last_close, Correction.updated_at)


def _ids(session: DbSession, statement) -> list[int]:
    return list(session.scalars(statement))


def _reader_contacts(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    due = _ids(session, select(Correction.id).where(
        Correction.status.not_in(Status.open()),
        or_(Correction.reader_email != "", Correction.reader_name != "", Correction.page_url != ""),
        closed_at() < now - timedelta(days=settings.reader_days),
    ).order_by(Correction.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        remove_contact(session, ids, reason="retention", now=now)

    return PurgeStep("reader_contacts", "Reporters' names and emails", due, apply)


def remove_contact(session: DbSession, ids: list[int], *, reason: str, now: datetime) -> int:
    """Empty the reader's name, email and page URL on these reports (and stop their emails)."""
    if not ids:
        return 0
    session.execute(update(Correction).where(Correction.id.in_(ids)).values(
        reader_email="", reader_name="", page_url="", notify_reader=False, contact_removed_at=now,
        contact_removed_by=reason, updated_at=Correction.updated_at))  # not an editorial change
    return len(ids)


def _ip_hashes(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    due = _ids(session, select(Correction.id).where(
        Correction.ip_hash != "", Correction.created_at < now - timedelta(days=settings.ip_days),
    ).order_by(Correction.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        session.execute(update(Correction).where(Correction.id.in_(ids))
                        .values(ip_hash="", updated_at=Correction.updated_at))

    return PurgeStep("ip_hashes", "IP hashes", due, apply)


def _ip_keys(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    # A day's key goes once every hash made with it has gone: the day ends before the cutoff.
    cutoff_day = (now - timedelta(days=settings.ip_days)).date()
    due = _ids(session, select(IpHashKey.id).where(IpHashKey.day < cutoff_day).order_by(IpHashKey.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        session.execute(delete(IpHashKey).where(IpHashKey.id.in_(ids)))

    return PurgeStep("ip_keys", "Daily IP keys", due, apply)


def _notification_recipients(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    due = _ids(session, select(NotificationSent.id).where(
        NotificationSent.recipient != "", NotificationSent.sent_at < now - timedelta(days=settings.reader_days),
    ).order_by(NotificationSent.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        session.execute(update(NotificationSent).where(NotificationSent.id.in_(ids)).values(recipient=""))

    return PurgeStep("notification_recipients", "Notification recipients", due, apply)


def _unfinished_pledges(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    due = _ids(session, select(Pledge.id).where(
        Pledge.status != PledgeStatus.COMPLETED,
        or_(Pledge.email != "", Pledge.name != "", Pledge.display_name != "", Pledge.checkout_url.is_not(None)),
        Pledge.created_at < now - timedelta(days=settings.reader_days),
    ).order_by(Pledge.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        empty_pledges(session, ids)

    return PurgeStep("unfinished_pledges", "Unfinished checkouts", due, apply)


def empty_pledges(session: DbSession, ids: list[int]) -> int:
    if ids:
        session.execute(update(Pledge).where(Pledge.id.in_(ids))
                        .values(email="", name="", display_name="", checkout_url=None))
    return len(ids)


def _portal_link_uses(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    # A link's signature expires after PORTAL_LINK_MAX_AGE: its used nonce no longer protects anything.
    due = _ids(session, select(PortalLinkUse.id).where(
        PortalLinkUse.used_at < now - timedelta(seconds=settings.portal_link_max_age)).order_by(PortalLinkUse.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        session.execute(delete(PortalLinkUse).where(PortalLinkUse.id.in_(ids)))

    return PurgeStep("portal_link_nonces", "Used magic-link nonces", due, apply)


def _poll_link_uses(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    # A voting link carries its own expiry (at the latest, its poll's closing time).
    due = _ids(session, select(PollLinkUse.id).where(PollLinkUse.expires_at < now).order_by(PollLinkUse.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        session.execute(delete(PollLinkUse).where(PollLinkUse.id.in_(ids)))

    return PurgeStep("poll_link_nonces", "Used voting-link nonces", due, apply)


def _ended_staff_sessions(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    # An expired or ended session signs nobody in; its User-Agent has served its purpose.
    due = _ids(session, select(StaffSession.id).where(
        or_(StaffSession.expires_at < now, StaffSession.revoked_at < now)).order_by(StaffSession.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        session.execute(delete(StaffSession).where(StaffSession.id.in_(ids)))

    return PurgeStep("staff_sessions", "Ended staff sessions", due, apply)


def _expired_form_drafts(session: DbSession, settings: RetentionSettings, now: datetime) -> PurgeStep:
    # What an editor typed into a refused form may quote a reader; it was kept only to be handed back.
    due = _ids(session, select(FormDraft.id).where(FormDraft.created_at < now - DRAFT_LIFETIME).order_by(FormDraft.id))

    def apply(session: DbSession, ids: list[int]) -> None:
        session.execute(delete(FormDraft).where(FormDraft.id.in_(ids)))

    return PurgeStep("form_drafts", "Expired form drafts", due, apply)


STEPS = (_reader_contacts, _ip_hashes, _ip_keys, _notification_recipients, _unfinished_pledges, _portal_link_uses,
         _ended_staff_sessions, _poll_link_uses, _expired_form_drafts)


def plan_purge(session: DbSession, settings: RetentionSettings, *, now: datetime) -> list[PurgeStep]:
    """What is due for removal at ``now``, step by step."""
    return [step(session, settings, now) for step in STEPS]


def run_purge(session: DbSession, plan: list[PurgeStep], *,
              batch_size: int = BATCH_SIZE) -> Iterator[tuple[PurgeStep, int]]:
    """Remove what ``plan`` found, a batch at a time, yielding (step, rows in the batch) after each:
    the caller commits there (a long purge holds no long transaction) and moves its progress bar."""
    for step in plan:
        for start in range(0, len(step.pending), batch_size):
            batch = step.pending[start:start + batch_size]
            step.apply(session, batch)
            yield step, len(batch)


def counts(plan: list[PurgeStep]) -> dict[str, int]:
    return {step.name: len(step.pending) for step in plan}
