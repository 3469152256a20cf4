import io
from datetime import UTC, datetime

from pypdf import PdfReader

from readerdesk.models import Interval, Patron, PatronStatus, Payment, PaymentStatus
from tests.conftest import mail_settings
from tests.factories import make_site


def giver(db_session, site, email, payments):
    patron = Patron(site=site, email=email, currency=site.currency, amount=800, interval=Interval.MONTH,
                    status=PatronStatus.ACTIVE, supporter_since=datetime(2026, 1, 1, tzinfo=UTC))
    db_session.add(patron)
    for amount, currency, month, refunded in payments:
        db_session.add(Payment(patron=patron, amount=amount, currency=currency, status=PaymentStatus.PAID,
                               paid_at=datetime(2026, month, 3, tzinfo=UTC), amount_refunded=refunded))
    return patron


def pdf_text(message) -> str:
    [attachment] = list(message.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(attachment.get_content())).pages)


def test_year_end_emails_each_patron_a_summary_with_a_pdf_once(app, runner, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session, "harbour", title="Harbour Post")
    site.legal_name, site.tax_id = "Harbour Post Foundation", "EIN 12-3456789"
    site.receipt_statement = "No goods or services were provided in exchange for this contribution."
    other = make_site(db_session, "kyiv", title="Київський щоденник", currency="UAH", language="uk")
    giver(db_session, site, "ann@example.com", [(800, "EUR", 1, 0), (800, "EUR", 2, 800), (2000, "EUR", 3, 500)])
    giver(db_session, other, "oly@example.com", [(50000, "UAH", 4, 0)])
    db_session.commit()
    result = runner.invoke(args=["stripe", "year-end", "--year", "2026", "--site", "harbour"])
    assert result.exit_code == 0, result.output
    assert "1 patrons gave in 2026: 1 summaries sent now, 0 sent before, 0 failed" in result.output
    assert "Year-end 2026" in result.stderr  # the progress bar
    [message] = smtp_server.messages
    assert message["To"] == "ann@example.com" and message["Subject"] == "Your contributions to Harbour Post in 2026"
    assert "€23.00 (3 payments; €36.00 paid, €13.00 refunded)" in message.get_body(("plain",)).get_content()
    text = pdf_text(message)
    assert "Harbour Post Foundation" in text and "EIN 12-3456789" in text
    assert "€23.00 (3 payments" in text and "No goods or services were provided" in text
    again = runner.invoke(args=["stripe", "year-end", "--year", "2026"])
    assert "2 patrons gave in 2026: 1 summaries sent now, 1 sent before" in again.output
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com", "oly@example.com"]
    ukrainian = smtp_server.messages[1]  # a Ukrainian site's patron: the email and the PDF in Ukrainian
    assert ukrainian["Subject"] == "Ваші внески на підтримку Київський щоденник за 2026 рік"
    assert "дякуємо, що підтримали Київський щоденник у 2026 році" in ukrainian.get_body(("plain",)).get_content()
    text = pdf_text(ukrainian).replace("\N{NARROW NO-BREAK SPACE}", " ").replace("\N{NO-BREAK SPACE}", " ")
    assert "Внески за 2026 рік: oly@example.com" in text and "500,00 ₴ (1 платіж)" in text
    assert "3 квітня 2026 р.: 500,00 ₴" in text and "Contributions" not in text


def test_year_end_without_email_is_one_line_and_exit_1(runner):
    result = runner.invoke(args=["stripe", "year-end", "--year", "2026"])
    assert result.exit_code == 1
    assert result.output.strip() == ("Error: email is not set up: set MAIL_SERVER (and MAIL_FROM) to send the "
                                     "year-end summaries")
