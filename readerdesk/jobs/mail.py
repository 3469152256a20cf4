"""Jobs that tell people what happened: readers about decisions, editors about new reports.

Every send is first recorded in ``notifications_sent`` under a unique (kind, key), so a retried or
repeated job sends nothing twice. A failed send raises, so the runner retries it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import Correction, NotificationSent, Status
from readerdesk.models.moderation import ModerationEvent
from readerdesk.models.types import DbSession
from readerdesk.services.desk.users import active_staff
from readerdesk.services.mail.notifications import (
    DIGEST,
    DIGEST_RUN,
    EDITOR_NEW,
    READER_DECISION,
    SLACK_NEW,
    corrections_between,
    decision_email,
    digest_email,
    digest_period_start,
    new_correction_email,
    post_to_slack,
    slack_text,
)
from readerdesk.services.mail.smtp import SmtpSettings, send_email
from readerdesk.services.outbound import http_session_for
from readerdesk.services.privacy.reader_links import forget_url
from readerdesk.services.publishing.publish import note_for_correction


def send_once(session: DbSession, kind: str, key: str, send: Callable[[], object], *, recipient: str = "",
              now: datetime) -> bool:
    """Record (kind, key), call ``send()``, commit. False when it was sent before.

    The row is written before sending and committed after it: a failed send rolls the row back
    (so a retry sends again), and a concurrent duplicate waits on the unique key and then fails.
    """
    if session.scalar(select(NotificationSent.id).where(NotificationSent.kind == kind,
                                                        NotificationSent.key == key)) is not None:
        return False
    session.add(NotificationSent(kind=kind, key=key, recipient=recipient, sent_at=now))
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        return False
    try:
        send()
    except Exception:
        session.rollback()
        raise
    session.commit()
    return True


def _mail_settings() -> SmtpSettings:
    return SmtpSettings.from_config(current_app.config)


def after_decision(correction_id: int, event_id: int) -> None:
    """Email the reader the outcome of a decision, if they asked to hear (once per event)."""
    session = db.session
    correction = session.get(Correction, correction_id)
    event = session.get(ModerationEvent, event_id)
    if correction is None or event is None or event.correction_id != correction.id:
        return
    note = note_for_correction(session, correction) if event.action == "publish" else None
    message = decision_email(
        correction, event, forget_url=forget_url(current_app.config["PUBLIC_URL"], current_app.config["SECRET_KEY"],
                                                 correction),
        note_text=note.body if note is not None and note.is_public else "",
        corrected_passage=note.wording if note is not None and note.wording is not None else None,
    )
    if message is None:
        return
    settings = _mail_settings()
    send_once(session, READER_DECISION, str(event.id),
              lambda: send_email(settings, message.to, message.subject, message.text, message.html),
              recipient=message.to, now=utcnow())


def new_correction(correction_id: int) -> None:
    """Tell editors about a new correction (an email each, unless digest/off; Slack if set)."""
    session = db.session
    correction = session.get(Correction, correction_id)
    if correction is None or correction.status == Status.SPAM:
        return
    config = current_app.config
    public_url = config["PUBLIC_URL"]
    now = utcnow()
    if config.get("EDITOR_NOTIFICATIONS", "each") == "each":
        settings = _mail_settings()
        for user in active_staff(session):
            message = new_correction_email(correction, user.email, public_url=public_url)
            send_once(session, EDITOR_NEW, f"{correction.id}:{user.id}",
                      partial(send_email, settings, message.to, message.subject, message.text, message.html),
                      recipient=user.email, now=now)
    if config.get("SLACK_WEBHOOK_URL"):
        send_once(session, SLACK_NEW, str(correction.id),
                  lambda: post_to_slack(http_session_for(config), config["SLACK_WEBHOOK_URL"],
                                        slack_text(correction, public_url=public_url),
                                        timeout=config.get("HTTP_TIMEOUT", 15)),
                  now=now)


@dataclass(frozen=True)
class DigestReport:
    since: datetime
    corrections: int
    emails: int


def send_digest(session: DbSession, *, now: datetime, settings: SmtpSettings, public_url: str) -> DigestReport:
    """One email per active editor with the corrections received since the last digest.

    Commits as it goes (``readerdesk send-digest`` runs it). When a send fails the run is not
    recorded, so the next run covers the same period; editors already emailed for that period are
    not emailed again.
    """
    since = digest_period_start(session, now=now)
    corrections = corrections_between(session, since, now)
    emails = 0
    if corrections:
        subject, text, html = digest_email(corrections, since=since, public_url=public_url)
        for user in active_staff(session):
            if send_once(session, DIGEST, f"{since.isoformat()}:{user.id}",
                         partial(send_email, settings, user.email, subject, text, html),
                         recipient=user.email, now=now):
                emails += 1
    session.add(NotificationSent(kind=DIGEST_RUN, key=now.isoformat(), sent_at=now))
    session.commit()
    return DigestReport(since=since, corrections=len(corrections), emails=emails)
