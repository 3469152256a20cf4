"""Receipts donors can use for tax: a year's contributions per currency, net of refunds and lost
disputes, and the year-end summary as a PDF (reportlab) carrying the newsroom's legal details.

Money is never added across currencies: a patron who gave in EUR and in UAH gets a line for each.
The words, dates and money are in a ``Translator``'s language: a patron reads their site's (the job
forces it, the download page draws in it).
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from sqlalchemy import select

from readerdesk.models import Patron, Payment, PaymentStatus, Site
from readerdesk.models.types import DbSession
from readerdesk.services.privacy.erasure import ERASED_DOMAIN
from readerdesk.text.languages import Translator

log = logging.getLogger("readerdesk.receipts")
YEAR_END = "patron-year-end"  # notifications_sent kind: one summary per (year, patron)
SUMMARY_YEARS = range(2000, 2101)  # the calendar years a summary can be asked for (CLI and download)
# PDF's built-in fonts (and reportlab's bundled Vera) cover Latin only: Ukrainian, and names and
# addresses in Cyrillic, need a Unicode font. DejaVu (Debian's fonts-dejavu-core, which .ci/run installs)
# is used where installed; without it the PDF falls back to Helvetica, which draws Cyrillic as boxes,
# and says so in the log.
UNICODE_FONTS = {"DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                 "DejaVuSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names for the PDF."""
    try:
        for name, path in UNICODE_FONTS.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path))
    except Exception:  # the font files are not installed
        log.warning("DejaVu fonts not found (%s): year-end PDFs use Helvetica, which has no Cyrillic",
                    UNICODE_FONTS["DejaVuSans"])
        return "Helvetica", "Helvetica-Bold"
    return "DejaVuSans", "DejaVuSans-Bold"


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    gross: int  # what was paid
    returned: int  # refunded, or taken back by a lost dispute
    payments: int

    @property
    def net(self) -> int:
        return self.gross - self.returned


@dataclass(frozen=True)
class YearSummary:
    patron: Patron
    year: int
    totals: list[CurrencyTotal]
    payments: list[Payment]


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def paid_in_year(session: DbSession, patron_id: int, year: int) -> list[Payment]:
    start, end = _year_bounds(year)
    return list(session.scalars(
        select(Payment).where(Payment.patron_id == patron_id, Payment.status == PaymentStatus.PAID,
                              Payment.paid_at >= start, Payment.paid_at < end)
        .order_by(Payment.paid_at, Payment.id)))


def year_summary(session: DbSession, patron: Patron, year: int) -> YearSummary:
    payments = paid_in_year(session, patron.id, year)
    totals: dict[str, CurrencyTotal] = {}
    for payment in payments:
        seen = totals.get(payment.currency, CurrencyTotal(payment.currency, 0, 0, 0))
        totals[payment.currency] = CurrencyTotal(payment.currency, seen.gross + payment.amount,
                                                 seen.returned + payment.amount - payment.net, seen.payments + 1)
    return YearSummary(patron=patron, year=year, totals=[totals[c] for c in sorted(totals)], payments=payments)


def patrons_to_summarise(session: DbSession, year: int, site: Site | None = None) -> list[Patron]:
    """Patrons with a payment in ``year`` (of one site, or all), in a stable order. An erased patron's
    payments stay for accounting, but there is nobody left to send a summary to."""
    start, end = _year_bounds(year)
    query = (select(Patron).join(Payment).where(Payment.status == PaymentStatus.PAID, Payment.paid_at >= start,
                                                Payment.paid_at < end, ~Patron.email.endswith("@" + ERASED_DOMAIN))
             .distinct().order_by(Patron.id))
    if site is not None:
        query = query.where(Patron.site_id == site.id)
    return list(session.scalars(query))


def years_with_payments(session: DbSession, patron: Patron) -> list[int]:
    """The years a patron paid in, newest first (for the download links on their magic-link page)."""
    moments = session.scalars(select(Payment.paid_at).where(Payment.patron_id == patron.id,
                                                            Payment.status == PaymentStatus.PAID))
    return sorted({m.year for m in moments if m is not None}, reverse=True)


def newsroom_lines(site: Site, translator: Translator) -> list[str]:
    """Who issues the receipt: legal name, address, tax id (what a donor's tax return asks for)."""
    lines = [site.legal_name or site.title or site.name]
    lines += [line.strip() for line in site.legal_address.splitlines() if line.strip()]
    if site.tax_id:
        lines.append(translator.gettext("Tax id: %(tax_id)s", tax_id=site.tax_id))
    return lines


def _total_line(total: CurrencyTotal, translator: Translator) -> str:
    _ = translator.gettext
    net = translator.money(total.net, total.currency)
    if not total.returned:
        return translator.ngettext("%(amount)s (%(num)s payment)", "%(amount)s (%(num)s payments)",
                                   total.payments, amount=net)
    return translator.ngettext("%(amount)s (%(num)s payment; %(paid)s paid, %(refunded)s refunded)",
                               "%(amount)s (%(num)s payments; %(paid)s paid, %(refunded)s refunded)",
                               total.payments, amount=net, paid=translator.money(total.gross, total.currency),
                               refunded=translator.money(total.returned, total.currency))


def _payment_line(payment: Payment, translator: Translator) -> str:
    assert payment.paid_at is not None
    day, amount = translator.day(payment.paid_at), translator.money(payment.amount, payment.currency)
    returned = payment.amount - payment.net
    if returned:
        return translator.gettext("%(day)s: %(amount)s (refunded %(refunded)s)", day=day, amount=amount,
                                  refunded=translator.money(returned, payment.currency))
    return translator.gettext("%(day)s: %(amount)s", day=day, amount=amount)


def summary_lines(summary: YearSummary, translator: Translator) -> list[str]:
    """The summary's body, the same in the email and in the PDF."""
    patron = summary.patron
    lines = [translator.gettext("Contributions of %(name)s in %(year)s", name=patron.name or patron.email,
                                year=summary.year), ""]
    lines += [_total_line(total, translator) for total in summary.totals]
    lines.append("")
    lines += [_payment_line(payment, translator) for payment in summary.payments]
    return lines


def year_end_pdf(summary: YearSummary, translator: Translator) -> bytes:
    """The year-end summary as a one- or multi-page A4 PDF."""
    site = summary.patron.site
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(translator.gettext("%(site)s: contributions in %(year)s", site=site.title or site.name,
                                    year=summary.year))
    height = A4[1]
    y = height - 25 * mm
    regular, bold = _fonts()

    def write(text: str, size: int = 11, gap: float = 6) -> None:
        nonlocal y
        if y < 25 * mm:
            pdf.showPage()
            y = height - 25 * mm
        pdf.setFont(bold if size > 11 else regular, size)
        pdf.drawString(20 * mm, y, text)
        y -= gap * mm

    write(translator.gettext("Issued by:"))
    for line in newsroom_lines(site, translator):
        write(line)
    y -= 6 * mm
    body = summary_lines(summary, translator)
    write(body[0], size=14, gap=9)
    for line in body[1:]:
        write(line)
    if site.receipt_statement:
        y -= 6 * mm
        for line in site.receipt_statement.splitlines():
            write(line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()
