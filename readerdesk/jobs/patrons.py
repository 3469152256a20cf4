"""Jobs that email patrons: receipts, failed-payment notices, portal magic links.

They run after the transaction that decided them has committed, take plain ids, and raise on
failure so the outbox retries them. Each email goes through the send-once ledger: a receipt once per
payment; a notice or a link once per outbox job (a patron may ask for several links).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, render_template

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.mail import send_mail_once
from readerdesk.jobs.outbox import current_entry_id
from readerdesk.models import Patron, Payment
from readerdesk.services.mail.notifications import Email
from readerdesk.services.mail.smtp import SmtpSettings, send_email
from readerdesk.services.patrons.pledges import format_amount
from readerdesk.services.privacy.erasure import is_erased_address

log = logging.getLogger("readerdesk.jobs.patrons")
RECEIPT = "patron-receipt"
PAYMENT_FAILED = "patron-payment-failed"
PORTAL_LINK = "patron-portal-link"


def _send(kind: str, key: str | None, to: str, subject: str, template: str, **context: Any) -> None:
    """Send once per (kind, key); ``key`` None (a job run outside the outbox) sends without the ledger."""
    settings = SmtpSettings.from_config(current_app.config)
    if not settings.server:  # email is off (README: MAIL_SERVER unset): nothing to retry
        log.info("MAIL_SERVER is not set; not sending %r to a patron", subject)
        return
    if is_erased_address(to):  # an erased patron whose payment Stripe reports late
        log.info("not sending %r: the patron was erased", subject)
        return
    message = Email(to=to, subject=subject, text=render_template(f"mail/patrons/{template}.txt", **context))
    if key is None:
        send_email(settings, message.to, message.subject, message.text)
        return
    send_mail_once(db.session, settings, kind, key, message, now=utcnow(), public_url=current_app.config["PUBLIC_URL"])


def _per_job_key() -> str | None:
    entry_id = current_entry_id()
    return None if entry_id is None else f"outbox:{entry_id}"


def _manage_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/support/manage"


def send_receipt(payment_id: int) -> None:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        return
    patron = payment.patron
    _send(RECEIPT, str(payment.id), patron.email, f"Thank you for supporting {patron.site.title or patron.site.name}",
          "receipt", patron=patron, payment=payment, amount=format_amount(payment.amount, payment.currency),
          manage_url=_manage_url())


def send_payment_failed_notice(patron_id: int, amount: int, currency: str) -> None:
    patron = db.session.get(Patron, patron_id)
    if patron is None:
        return
    _send(PAYMENT_FAILED, _per_job_key(), patron.email,
          f"Your support for {patron.site.title or patron.site.name}: the payment failed",
          "payment_failed", patron=patron, amount=format_amount(amount, currency), manage_url=_manage_url())


def send_portal_link(patron_id: int, link: str) -> None:
    patron = db.session.get(Patron, patron_id)
    if patron is None:
        return
    minutes = current_app.config["PORTAL_LINK_MAX_AGE"] // 60
    _send(PORTAL_LINK, _per_job_key(), patron.email, f"Manage your support for {patron.site.title or patron.site.name}",
          "portal_link", patron=patron, link=link, minutes=minutes)
