"""Reminders at the sites' targets, as a job on the outbox's timetable: each run sends what
``services.desk.reminders.due_reminders`` finds, then schedules the next run at the next threshold
(or within ``RECHECK``, for reports that arrive or targets that change meanwhile). The worker puts the
first run on the outbox at its start.

A reminder goes to the report's assignee (when active), else to every active staff member, by email
(with ``MAIL_SERVER``) in each one's desk language, and to Slack (with ``SLACK_WEBHOOK_URL``) in the
site's language. Each send is recorded in the send-once ledger under the report and the target, so
no reminder is ever sent twice.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial

from flask import current_app
from flask_babel import force_locale

from readerdesk.clock import utcnow
from readerdesk.extensions import TRANSLATOR, db
from readerdesk.jobs.mail import by_desk_language, send_mail_once, send_once, slack_language
from readerdesk.jobs.outbox import schedule
from readerdesk.models import User
from readerdesk.models.types import DbSession
from readerdesk.services.desk.reminders import Threshold, due_reminders, next_reminder_at
from readerdesk.services.desk.users import active_staff
from readerdesk.services.effects import Job
from readerdesk.services.mail.notifications import (
    SLACK_REMINDER,
    TARGET_REMINDER,
    post_to_slack,
    reminder_email,
    slack_reminder_text,
)
from readerdesk.services.mail.smtp import SmtpSettings
from readerdesk.services.outbound import http_session_for

RECHECK = timedelta(minutes=15)


def recipients(session: DbSession, due: Threshold) -> list[User]:
    """The assignee, if active; else the desk's active staff."""
    assignee = session.get(User, due.correction.assignee_id) if due.correction.assignee_id else None
    return [assignee] if assignee is not None and assignee.active else active_staff(session)


def schedule_next_reminders(session: DbSession, now: datetime) -> datetime:
    """Put the next run on the outbox (replacing a pending one). Does not commit."""
    upcoming = next_reminder_at(session, now=now)
    at = min(upcoming, now + RECHECK) if upcoming is not None else now + RECHECK
    schedule(session, Job("send_target_reminders", ()), at=at, now=now)
    return at


def send_target_reminders() -> None:
    """The scheduled run: send the reminders due now, then schedule the next run (even after a failure)."""
    session, config = db.session, current_app.config
    try:
        now = utcnow()
        public_url = config["PUBLIC_URL"]
        for due in due_reminders(session, now=now):
            correction = due.correction
            if config.get("MAIL_SERVER"):
                settings = SmtpSettings.from_config(config)
                for language, staff in by_desk_language(recipients(session, due)).items():
                    with force_locale(language):
                        message = reminder_email(correction, due.target, due.hours, TRANSLATOR, public_url=public_url)
                    for user in staff:
                        send_mail_once(session, settings, TARGET_REMINDER, f"{due.key}:{user.id}",
                                       replace(message, to=user.email), now=now, public_url=public_url)
            if config.get("SLACK_WEBHOOK_URL"):
                with force_locale(slack_language(correction)):
                    text = slack_reminder_text(correction, due.target, due.hours, TRANSLATOR, public_url=public_url)
                send_once(session, SLACK_REMINDER, due.key, partial(
                    post_to_slack, http_session_for(config), config["SLACK_WEBHOOK_URL"], text,
                    timeout=config.get("HTTP_TIMEOUT", 15)), now=now)
    except Exception:
        session.rollback()
        raise
    finally:
        schedule_next_reminders(session, utcnow())
        session.commit()
