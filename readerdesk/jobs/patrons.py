"""Jobs that email patrons and admins: receipts, failed-payment notices, portal magic links, dispute
notices and the year-end summaries.

They run after the transaction that decided them has committed, take plain ids, and raise on
failure so the outbox retries them. Each email goes through the send-once ledger: a receipt once per
payment; a notice or a link once per outbox job (a patron may ask for several links); a dispute
notice once per dispute, state and admin; a year-end summary once per year and patron.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale, gettext
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import TRANSLATOR, db
from readerdesk.jobs.mail import by_desk_language, send_mail_once
from readerdesk.jobs.outbox import current_entry_id
from readerdesk.models import Dispute, Patron, PatronStatus, Payment, Role, Site, User
from readerdesk.services.mail.notifications import Email
from readerdesk.services.mail.smtp import Attachment, SmtpSettings, send_email
from readerdesk.services.patrons.pledges import make_portal_token, portal_link
from readerdesk.services.patrons.receipts import YEAR_END, newsroom_lines, summary_lines, year_end_pdf, year_summary
from readerdesk.services.privacy.erasure import is_erased_address
from readerdesk.text.languages import N_, pick_language

log = logging.getLogger("readerdesk.jobs.patrons")
RECEIPT = "patron-receipt"
PAYMENT_FAILED = "patron-payment-failed"
PORTAL_LINK = "patron-portal-link"
DISPUTE_NOTICE = "patron-dispute"


def _mail_settings(what: str) -> SmtpSettings | None:
    settings = SmtpSettings.from_config(current_app.config)
    if not settings.server:  # email is off (README: MAIL_SERVER unset): nothing to retry
        log.info("MAIL_SERVER is not set; not sending %r", what)
        return None
    return settings


def _send_once(settings: SmtpSettings, kind: str, key: str, message: Email,
               attachments: tuple[Attachment, ...] = ()) -> bool:
    return send_mail_once(db.session, settings, kind, key, message, now=utcnow(),
                          public_url=current_app.config["PUBLIC_URL"], attachments=attachments)


def _send(kind: str, key: str | None, to: str, subject: str, template: str, **context: Any) -> None:
    """Send once per (kind, key); ``key`` None (a job run outside the outbox) sends without the ledger."""
    settings = _mail_settings(subject)
    if settings is None:
        return
    if is_erased_address(to):  # an erased patron whose payment Stripe reports late
        log.info("not sending %r: the patron was erased", subject)
        return
    message = Email(to=to, subject=subject, text=render_template(f"mail/patrons/{template}.txt", **context))
    if key is None:
        send_email(settings, message.to, message.subject, message.text)
        return
    _send_once(settings, kind, key, message)


def _per_job_key() -> str | None:
    entry_id = current_entry_id()
    return None if entry_id is None else f"outbox:{entry_id}"


def manage_url(site: Site) -> str:
    """Where a patron of ``site`` asks for a "manage my support" link (the site is named, so the page
    finds patrons of any site, not only the first one's)."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/sites/{site.name}/support/manage"


def _site_name(site: Site) -> str:
    return site.title or site.name


def send_receipt(payment_id: int) -> None:
    payment = db.session.get(Payment, payment_id)
    if payment is None:
        return
    patron = payment.patron
    renews = patron.interval.recurring and patron.status in (PatronStatus.ACTIVE, PatronStatus.PAST_DUE,
                                                            PatronStatus.PENDING)
    with force_locale(pick_language(patron.site.language)):  # a patron reads their site's language
        _send(RECEIPT, str(payment.id), patron.email,
              gettext("Thank you for supporting %(site)s", site=_site_name(patron.site)), "receipt",
              patron=patron, payment=payment, amount=TRANSLATOR.money(payment.amount, payment.currency),
              renews=renews, newsroom=newsroom_lines(patron.site, TRANSLATOR), manage_url=manage_url(patron.site))


def send_payment_failed_notice(patron_id: int, amount: int, currency: str) -> None:
    patron = db.session.get(Patron, patron_id)
    if patron is None:
        return
    with force_locale(pick_language(patron.site.language)):
        _send(PAYMENT_FAILED, _per_job_key(), patron.email,
              gettext("Your support for %(site)s: the payment failed", site=_site_name(patron.site)), "payment_failed",
              patron=patron, amount=TRANSLATOR.money(amount, currency), manage_url=manage_url(patron.site))


def send_portal_link(patron_id: int) -> None:
    """A single-use magic link to the patron's Stripe portal, made here: no token waits in a queue."""
    patron = db.session.get(Patron, patron_id)
    if patron is None:
        return
    config = current_app.config
    link = portal_link(config["PUBLIC_URL"], make_portal_token(config["SECRET_KEY"], patron))
    with force_locale(pick_language(patron.site.language)):
        _send(PORTAL_LINK, _per_job_key(), patron.email,
              gettext("Manage your support for %(site)s", site=_site_name(patron.site)),
              "portal_link", patron=patron, link=link, minutes=config["PORTAL_LINK_MAX_AGE"] // 60)


# Stripe's dispute statuses as an admin reads them (an unknown one is shown as Stripe writes it).
DISPUTE_STATUSES = {
    "warning_needs_response": N_("inquiry, needs a response"),
    "warning_under_review": N_("inquiry under review"),
    "warning_closed": N_("inquiry closed"),
    "needs_response": N_("needs a response"),
    "under_review": N_("under review"),
    "won": N_("won"),
    "lost": N_("lost"),
    "prevented": N_("prevented"),
}


def send_dispute_notice(dispute_id: int) -> None:
    """Tell every active admin that a payment is disputed (when it opens, and again when it closes), each
    in their desk language: one message per language, sent to each admin who reads it."""
    dispute = db.session.get(Dispute, dispute_id)
    settings = _mail_settings("a dispute notice")
    if dispute is None or settings is None:
        return
    patron = dispute.payment.patron
    admins = db.session.scalars(select(User).where(User.role == Role.ADMIN, User.active.is_(True)).order_by(User.id))
    for language, readers in by_desk_language(admins).items():
        with force_locale(language):
            status = DISPUTE_STATUSES.get(dispute.stripe_status)
            status = gettext(status) if status else dispute.stripe_status.replace("_", " ")
            amount = TRANSLATOR.money(dispute.amount, dispute.currency)
            subject = gettext("Dispute %(status)s: %(amount)s from %(email)s (%(site)s)", status=status,
                              amount=amount, email=patron.email, site=_site_name(patron.site))
            text = render_template("mail/patrons/dispute.txt", dispute=dispute, patron=patron, amount=amount,
                                   status=status, patron_url=f"{current_app.config['PUBLIC_URL'].rstrip('/')}"
                                                             f"/desk/patrons/{patron.id}")
        for admin in readers:
            _send_once(settings, DISPUTE_NOTICE, f"{dispute.id}:{dispute.stripe_status}:{admin.id}",
                       Email(to=admin.email, subject=subject, text=text))


def send_year_end_summary(patron_id: int, year: int) -> bool:
    """Email a patron the summary of their contributions in ``year``, with the PDF attached. Once per
    (year, patron): True when it was sent now, False when it had been sent before (or mail is off)."""
    patron = db.session.get(Patron, patron_id)
    settings = _mail_settings("a year-end summary")
    if patron is None or settings is None:
        return False
    summary = year_summary(db.session, patron, year)
    if not summary.payments:
        return False
    site = patron.site
    with force_locale(pick_language(site.language)):  # a patron reads their site's language
        text = render_template("mail/patrons/year_end.txt", patron=patron, year=year,
                               lines=summary_lines(summary, TRANSLATOR), newsroom=newsroom_lines(site, TRANSLATOR),
                               site=site, manage_url=manage_url(site))
        subject = gettext("Your contributions to %(site)s in %(year)s", site=_site_name(site), year=year)
        pdf = year_end_pdf(summary, TRANSLATOR)
    return _send_once(settings, YEAR_END, f"{year}:{patron.id}", Email(to=patron.email, subject=subject, text=text),
                      attachments=(Attachment(f"{site.name}-contributions-{year}.pdf", pdf),))
