"""Receipts donors can use for tax: a year's contributions per currency, net of refunds and lost
disputes, and the year-end summary as a PDF (reportlab) carrying the newsroom's legal details.

Money is never added across currencies: a patron who gave in EUR and in UAH gets a line for each.
"""

from __future__ import annotations

import io
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
from readerdesk.text.money import format_amount

YEAR_END = "patron-year-end"  # notifications_sent kind: one summary per (year, patron)
SUMMARY_YEARS = range(2000, 2101)  # the calendar years a summary can be asked for (CLI and download)
# PDF's built-in fonts cover Latin only: names and addresses in Cyrillic need a Unicode font. DejaVu
# (Debian's fonts-dejavu-core) is used where installed, else Helvetica.
UNICODE_FONTS = {"DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                 "DejaVuSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"}


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names for the PDF."""
    try:
        for name, path in UNICODE_FONTS.items():
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(TTFont(name, path))
    except Exception:  # the font files are not installed
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


def newsroom_lines(site: Site) -> list[str]:
    """Who issues the receipt: legal name, address, tax id (what a donor's tax return asks for)."""
    lines = [site.legal_name or site.title or site.name]
    lines += [line.strip() for line in site.legal_address.splitlines() if line.strip()]
    if site.tax_id:
        lines.append(f"Tax id: {site.tax_id}")
    return lines


def summary_lines(summary: YearSummary) -> list[str]:
    """The summary's body, the same in the email and in the PDF."""
    patron = summary.patron
    lines = [f"Contributions of {patron.name or patron.email} in {summary.year}", ""]
    for total in summary.totals:
        plural = "s" if total.payments != 1 else ""
        line = f"{format_amount(total.net, total.currency)} ({total.payments} payment{plural}"
        if total.returned:
            line += f"; {format_amount(total.gross, total.currency)} paid, "
            line += f"{format_amount(total.returned, total.currency)} refunded"
        lines.append(line + ")")
    lines.append("")
    for payment in summary.payments:
        assert payment.paid_at is not None
        returned = payment.amount - payment.net
        lines.append(f"{payment.paid_at:%Y-%m-%d}  {format_amount(payment.amount, payment.currency)}"
                     + (f"  (refunded {format_amount(returned, payment.currency)})" if returned else ""))
    return lines


def year_end_pdf(summary: YearSummary) -> bytes:
    """The year-end summary as a one- or multi-page A4 PDF."""
    site = summary.patron.site
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, invariant=True)
    pdf.setTitle(f"{site.title or site.name}: contributions in {summary.year}")
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

    for line in newsroom_lines(site):
        write(line)
    y -= 6 * mm
    body = summary_lines(summary)
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
