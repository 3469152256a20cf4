import io
from datetime import UTC, datetime

from pypdf import PdfReader

from readerdesk.models import Interval, Patron, PatronStatus, Payment, PaymentStatus
from readerdesk.services.patrons.receipts import (
    patrons_to_summarise,
    summary_lines,
    year_end_pdf,
    year_summary,
    years_with_payments,
)
from readerdesk.services.privacy.erasure import ERASED_DOMAIN
from readerdesk.text.languages import ENGLISH, translator_for
from tests.factories import make_site

NBSP = "\N{NO-BREAK SPACE}"


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
    lines = summary_lines(summary, ENGLISH)
    assert "€13.00 (3 payments; €24.00 paid, €11.00 refunded)" in lines
    assert f"UAH{NBSP}500.00 (1 payment)" in lines
    assert "February 10, 2026: €8.00 (refunded €3.00)" in lines
    ukrainian = summary_lines(summary, translator_for("uk"))
    assert ukrainian[0] == "Внески за 2026 рік: Ann Lee"
    assert f"13,00{NBSP}EUR (3 платежі; сплачено 24,00{NBSP}EUR, повернено 11,00{NBSP}EUR)" in ukrainian
    assert f"500,00{NBSP}₴ (1 платіж)" in ukrainian
    assert f"10 лютого 2026\N{NARROW NO-BREAK SPACE}р.: 8,00{NBSP}EUR (повернено 3,00{NBSP}EUR)" in ukrainian
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
    text = text_of(year_end_pdf(year_summary(db_session, ann, 2026), ENGLISH))
    for expected in ("Harbour Post Inc.", "12 Quay Road", "Tax id: EIN 12-3456789", "Contributions of Ann Lee in 2026",
                     "€8.00 (1 payment)", "January 10, 2026", "No goods or services were provided"):
        assert expected in text


# The Cyrillic PDFs need DejaVu (Debian's fonts-dejavu-core, which .ci/run installs): without it they fail here.
def test_the_pdf_writes_cyrillic_names(app, db_session):
    site = make_site(db_session, currency="UAH")
    site.legal_name = "ГО «Київський щоденник»"
    olena = giver(db_session, site)
    olena.name = "Олена Коваль"
    pay(db_session, olena, 50000, "UAH", at(2))
    db_session.flush()
    text = text_of(year_end_pdf(year_summary(db_session, olena, 2026), ENGLISH))
    assert "ГО «Київський щоденник»" in text and "Contributions of Олена Коваль in 2026" in text


def test_a_ukrainian_site_gets_its_year_end_pdf_in_ukrainian_with_its_money_and_dates(app, db_session):
    site = make_site(db_session, currency="UAH", language="uk")
    site.legal_name, site.tax_id = "ГО «Київський щоденник»", "12345678"
    olena = giver(db_session, site)
    olena.name = "Олена Коваль"
    pay(db_session, olena, 123450, "UAH", at(2))
    db_session.flush()
    text = text_of(year_end_pdf(year_summary(db_session, olena, 2026), translator_for("uk")))
    text = text.replace(NBSP, " ").replace("\N{NARROW NO-BREAK SPACE}", " ")  # as the text layer gives them back
    for expected in ("Видавець:", "Податковий номер: 12345678", "Внески за 2026 рік: Олена Коваль",
                     "1 234,50 ₴ (1 платіж)", "10 лютого 2026 р.: 1 234,50 ₴"):
        assert expected in text
    assert "Contributions" not in text and "Tax id" not in text
