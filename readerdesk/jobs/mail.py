"""Jobs that tell people what happened: readers about decisions, editors about new reports.

Every send is first recorded in ``notifications_sent`` under a unique (kind, key) and confirmed after
the mail server took it (``send_once``), so a retried or repeated job sends nothing twice, except when
its runner died during the SMTP call itself. A failed send raises, so the outbox retries it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from readerdesk.clock import utcnow
from readerdesk.extensions import TRANSLATOR, db
from readerdesk.jobs.outbox import rows_changed
from readerdesk.models import Correction, NotificationSent, Status, User
from readerdesk.models.moderation import ModerationEvent
from readerdesk.models.types import DbSession
from readerdesk.services.desk.users import active_staff
from readerdesk.services.mail.notifications import (
    DIGEST,
    DIGEST_RUN,
    EDITOR_NEW,
    READER_DECISION,
    SLACK_NEW,
    Email,
    corrections_between,
    decision_email,
    digest_email,
    digest_period_start,
    new_correction_email,
    post_to_slack,
    slack_text,
)
from readerdesk.services.mail.smtp import Attachment, SmtpSettings, send_email, stable_message_id
from readerdesk.services.outbound import http_session_for
from readerdesk.services.privacy.reader_links import forget_url
from readerdesk.services.publishing.publish import note_for_correction
from readerdesk.text.languages import pick_language


class SendInProgress(RuntimeError):
    """Another runner recorded this notification moments ago and may be sending it: try again later."""


def send_once(session: DbSession, kind: str, key: str, send: Callable[[], object], *, recipient: str = "",
              now: datetime, stale_after: timedelta = timedelta(seconds=60)) -> bool:
    """Send a notification at most once per (kind, key), and at least once if retried; True when sent now.

    The attempt is committed *before* ``send()``, and ``sent_at`` right after it, so the only window
    for a duplicate is the call itself: a runner that dies after the mail server took the message and
    before ``sent_at`` is committed leaves an unconfirmed attempt, and the retry sends again (with
    the same Message-ID, see ``smtp.stable_message_id``). A failed send removes its attempt and
    raises, so the job's retry sends afresh. An unconfirmed attempt younger than ``stale_after`` (more
    than a send can take) may still be in flight elsewhere: ``SendInProgress`` asks for a later retry.
    """
    row = session.scalar(select(NotificationSent).where(NotificationSent.kind == kind, NotificationSent.key == key))
    if row is None:
        row = NotificationSent(kind=kind, key=key, recipient=recipient, attempted_at=now, attempts=1)
        session.add(row)
        try:
            session.commit()
        except IntegrityError:  # recorded a moment ago by a concurrent duplicate, which sends it
            session.rollback()
            return False
    elif row.sent_at is not None:
        return False
    elif row.attempted_at > now - stale_after:
        raise SendInProgress(f"{kind} {key} was attempted at {row.attempted_at:%H:%M:%S}; not confirmed yet")
    else:  # an attempt whose runner died: take it over, unless another runner just did
        taken = rows_changed(session.execute(
            update(NotificationSent)
            .where(NotificationSent.id == row.id, NotificationSent.sent_at.is_(None),
                   NotificationSent.attempts == row.attempts)
            .values(attempts=row.attempts + 1, attempted_at=now)
            .execution_options(synchronize_session=False)))
        session.commit()
        if taken != 1:
            return False
    row_id = row.id
    try:
        send()
    except Exception:
        session.rollback()
        session.execute(delete(NotificationSent)
                        .where(NotificationSent.id == row_id, NotificationSent.sent_at.is_(None)))
        session.commit()
        raise
    session.execute(update(NotificationSent).where(NotificationSent.id == row_id).values(sent_at=utcnow())
                    .execution_options(synchronize_session=False))
    session.commit()
    return True


def send_mail_once(session: DbSession, settings: SmtpSettings, kind: str, key: str, message: Email, *,
                   now: datetime, public_url: str, attachments: tuple[Attachment, ...] = ()) -> bool:
    """``send_once`` for an email, with the Message-ID every attempt of it shares."""
    message_id = stable_message_id(kind, key, sender=settings.sender, namespace=public_url)
    return send_once(session, kind, key,
                     lambda: send_email(settings, message.to, message.subject, message.text, message.html,
                                        message_id=message_id, attachments=attachments),
                     recipient=message.to, now=now, stale_after=_stale_after(settings))


def by_desk_language(staff: Iterable[User]) -> dict[str, list[User]]:
    """Staff grouped by the desk language each chose (``users.language``, else English), so that a job
    words a message once per language and sends it to each member of the group."""
    groups: dict[str, list[User]] = {}
    for user in staff:
        groups.setdefault(pick_language(user.language), []).append(user)
    return groups


def _stale_after(settings: SmtpSettings) -> timedelta:
    # A send cannot outlast its connect, send and quit timeouts; beyond that an attempt is dead.
    return timedelta(seconds=3 * settings.timeout + 5)


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
    with force_locale(pick_language(correction.language)):  # the language the reader wrote in
        message = decision_email(
            correction, event, TRANSLATOR,
            forget_url=forget_url(current_app.config["PUBLIC_URL"], current_app.config["SECRET_KEY"], correction),
            note_text=note.body if note is not None and note.is_public else "",
            corrected_passage=note.wording if note is not None and note.wording is not None else None,
        )
    if message is None:
        return
    send_mail_once(session, _mail_settings(), READER_DECISION, str(event.id), message, now=utcnow(),
                   public_url=current_app.config["PUBLIC_URL"])


def new_correction(correction_id: int) -> None:
    """Tell editors about a new correction (an email each in their desk language, unless digest/off;
    Slack if set, in the site's language)."""
    session = db.session
    correction = session.get(Correction, correction_id)
    if correction is None or correction.status == Status.SPAM:
        return
    config = current_app.config
    public_url = config["PUBLIC_URL"]
    now = utcnow()
    if config.get("EDITOR_NOTIFICATIONS", "each") == "each" and config.get("MAIL_SERVER"):
        settings = _mail_settings()
        for language, staff in by_desk_language(active_staff(session)).items():
            with force_locale(language):
                message = new_correction_email(correction, TRANSLATOR, public_url=public_url)
            for user in staff:
                send_mail_once(session, settings, EDITOR_NEW, f"{correction.id}:{user.id}",
                               replace(message, to=user.email), now=now, public_url=public_url)
    if config.get("SLACK_WEBHOOK_URL"):
        with force_locale(slack_language(correction)):
            text = slack_text(correction, TRANSLATOR, public_url=public_url)
        send_once(session, SLACK_NEW, str(correction.id),
                  lambda: post_to_slack(http_session_for(config), config["SLACK_WEBHOOK_URL"], text,
                                        timeout=config.get("HTTP_TIMEOUT", 15)),
                  now=now)


def slack_language(correction: Correction) -> str:
    """Slack is one channel for the newsroom: its messages are in the report's site's language."""
    return pick_language(correction.article.site.language)


@dataclass(frozen=True)
class DigestReport:
    since: datetime
    corrections: int
    emails: int


def send_digest(session: DbSession, *, now: datetime, settings: SmtpSettings, public_url: str) -> DigestReport:
    """One email per active editor with the corrections received since the last digest, in their desk
    language.

    Commits as it goes (``readerdesk send-digest`` runs it). When a send fails the run is not
    recorded, so the next run covers the same period; editors already emailed for that period are
    not emailed again.
    """
    since = digest_period_start(session, now=now)
    corrections = corrections_between(session, since, now)
    emails = 0
    if corrections:
        for language, staff in by_desk_language(active_staff(session)).items():
            with force_locale(language):
                message = digest_email(corrections, TRANSLATOR, since=since, public_url=public_url)
            for user in staff:
                if send_mail_once(session, settings, DIGEST, f"{since.isoformat()}:{user.id}",
                                  replace(message, to=user.email), now=now, public_url=public_url):
                    emails += 1
    session.add(NotificationSent(kind=DIGEST_RUN, key=now.isoformat(), attempted_at=now, sent_at=now))
    session.commit()
    return DigestReport(since=since, corrections=len(corrections), emails=emails)
