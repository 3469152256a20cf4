"""Every job function, by name: services ask for jobs by name (``services.effects.Job``)."""

from __future__ import annotations

from collections.abc import Callable
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

JOBS: dict[str, Callable[..., Any]] = {
    func.__name__: func
    for func in (refetch_and_anchor, after_decision, new_correction, send_receipt, send_payment_failed_notice,
                 send_portal_link, send_dispute_notice, send_year_end_summary)
}
