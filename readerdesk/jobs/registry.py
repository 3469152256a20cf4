"""Every job function, by name: services ask for jobs by name (``services.effects.Job``).

A job that can do nothing with the app's settings is not queued at all (``is_wanted``): without
``MAIL_SERVER`` no mail job is written to the outbox, so a report does not wait on, or leave behind,
work that can only fail.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from readerdesk.jobs.articles import refetch_and_anchor
from readerdesk.jobs.mail import after_decision, new_correction
from readerdesk.jobs.patrons import (
    send_dispute_notice,
    send_payment_failed_notice,
    send_portal_link,
    send_receipt,
    send_year_end_summary,
)
from readerdesk.jobs.polls import send_poll_announcements, send_poll_link, send_topic_covered
from readerdesk.jobs.privacy import daily_purge
from readerdesk.jobs.reminders import send_target_reminders
from readerdesk.services.effects import Job

JOBS: dict[str, Callable[..., Any]] = {
    func.__name__: func
    for func in (refetch_and_anchor, after_decision, new_correction, send_receipt, send_payment_failed_notice,
                 send_portal_link, send_dispute_notice, send_year_end_summary, daily_purge,
                 send_poll_link, send_poll_announcements, send_topic_covered, send_target_reminders)
}


def mail_configured(config: Mapping) -> bool:
    return bool(config.get("MAIL_SERVER"))


def editors_are_told(config: Mapping) -> bool:
    """A new report goes out by email (``EDITOR_NOTIFICATIONS=each``) or to Slack."""
    by_email = mail_configured(config) and config.get("EDITOR_NOTIFICATIONS", "each") == "each"
    return by_email or bool(config.get("SLACK_WEBHOOK_URL"))


WANTED: dict[str, Callable[[Mapping], bool]] = {
    "after_decision": mail_configured,
    "new_correction": editors_are_told,
    "send_receipt": mail_configured,
    "send_payment_failed_notice": mail_configured,
    "send_portal_link": mail_configured,
    "send_dispute_notice": mail_configured,
    "send_year_end_summary": mail_configured,
    "send_poll_link": mail_configured,
    "send_poll_announcements": mail_configured,
    "send_topic_covered": mail_configured,
}


def is_wanted(job: Job, config: Mapping) -> bool:
    """False for a job the settings make pointless (mail jobs without ``MAIL_SERVER``)."""
    return WANTED.get(job.name, lambda _config: True)(config)
