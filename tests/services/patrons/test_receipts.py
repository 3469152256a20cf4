import io
import os
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from readerdesk.models import Interval, Patron, PatronStatus, Payment, PaymentStatus
from readerdesk.services.patrons.receipts import (
    UNICODE_FONTS,
    patrons_to_summarise,
    summary_lines,
    year_end_pdf,
    year_summary,
    years_with_payments,
)
from readerdesk.services.privacy.erasure import ERASED_DOMAIN
from tests.factories import make_site


def at(month: int, year: int = 2026) -> datetime:
    return datetime(year, month, 10, tzinfo=UTC)


def giver(db_session, site, email="ann@example.com"):
    patron = Patron(site=site, email=email, name="Ann Lee", currency="EUR", amount=800, interval=Interval.MONTH,
                    status=PatronStatus.ACTIVE, supporter_since=at(1))
    db_session.add(patron)
    return patron


def pay(db_session, patron, amount, currency, when, **kwargs):
    db_session.add(Payment(patron=patron, amount=amount, currency=currency, status=PaymentStatus.PAID, paid_at=when,
                           **kwargs))


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_year_is_summed_per_currency_net_of_refunds_and_lost_disputes(app, db_session):
    site = make_site(db_session)
    ann = giver(db_session, site)
    pay(db_session, ann, 800, "EUR", at(1))
    pay(db_session, ann, 800, "EUR", at(2), amount_refunded=300)
    pay(db_session, ann, 800, "EUR", at(3), amount_lost_in_disputes=800)
    pay(db_session, ann, 50000, "UAH", at(4))
    pay(db_session, ann, 800, "EUR", at(12, 2025))  # another year
    db_session.add(Payment(patron=ann, amount=800, currency="EUR", status=PaymentStatus.FAILED, failed_at=at(5)))
    db_session.flush()
    summary = year_summary(db_session, ann, 2026)
    assert [(t.currency, t.gross, t.returned, t.net, t.payments) for t in summary.totals] == [
        ("EUR", 2400, 1100, 1300, 3), ("UAH", 50000, 0, 50000, 1)]
    lines = summary_lines(summary)
    assert "13.00 EUR (3 payments; 24.00 EUR paid, 11.00 EUR refunded)" in lines
    assert "500.00 UAH (1 payment)" in lines
    assert years_with_payments(db_session, ann) == [2026, 2025]
    assert patrons_to_summarise(db_session, 2026) == [ann] and patrons_to_summarise(db_session, 2024) == []


def test_an_erased_patron_gets_no_summary_though_their_payments_stay(app, db_session):
    site = make_site(db_session)
    ann = giver(db_session, site)
    pay(db_session, ann, 800, "EUR", at(2))
    erased = giver(db_session, site, "someone@example.com")
    pay(db_session, erased, 500, "EUR", at(3))
    db_session.flush()
    erased.email = f"erased-{erased.id}@{ERASED_DOMAIN}"  # as services.privacy.erasure leaves a patron
    assert patrons_to_summarise(db_session, 2026) == [ann]
    assert year_summary(db_session, erased, 2026).totals[0].net == 500  # still there for accounting


def test_the_year_end_pdf_carries_the_newsrooms_legal_details(app, db_session):
    site = make_site(db_session, title="Harbour Post")
    site.legal_name, site.legal_address, site.tax_id = "Harbour Post Inc.", "12 Quay Road\nPortsmouth", "EIN 12-3456789"
    site.receipt_statement = "No goods or services were provided in exchange for this contribution."
    ann = giver(db_session, site)
    pay(db_session, ann, 800, "EUR", at(1))
    db_session.flush()
    text = text_of(year_end_pdf(year_summary(db_session, ann, 2026)))
    for expected in ("Harbour Post Inc.", "12 Quay Road", "EIN 12-3456789", "Contributions of Ann Lee in 2026",
                     "8.00 EUR (1 payment)", "2026-01-10", "No goods or services were provided"):
        assert expected in text


@pytest.mark.skipif(not os.path.exists(UNICODE_FONTS["DejaVuSans"]), reason="needs fonts-dejavu-core")
def test_the_pdf_writes_cyrillic_names(app, db_session):
    site = make_site(db_session, currency="UAH")
    site.legal_name = "ГО «Київський щоденник»"
    olena = giver(db_session, site)
    olena.name = "Олена Коваль"
    pay(db_session, olena, 50000, "UAH", at(2))
    db_session.flush()
    text = text_of(year_end_pdf(year_summary(db_session, olena, 2026)))
    assert "ГО «Київський щоденник»" in text and "Contributions of Олена Коваль in 2026" in text
