from datetime import UTC, datetime

from readerdesk.jobs.patrons import send_dispute_notice, send_receipt
from readerdesk.models import (
    Dispute,
    DisputeStatus,
    Interval,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Role,
)
from tests.conftest import mail_settings
from tests.factories import make_site, make_user

PAID_AT = datetime(2026, 3, 5, 9, tzinfo=UTC)


def newsroom(db_session, name="kyiv-daily"):
    site = make_site(db_session, name, title="Kyiv Daily")
    site.legal_name = "Kyiv Daily Foundation"
    site.legal_address = "1 Khreshchatyk St\nKyiv 01001"
    site.tax_id = "UA-44556677"
    site.receipt_statement = "No goods or services were provided in exchange for this contribution."
    return site


def paid(db_session, site, *, interval=Interval.MONTH, status=PatronStatus.ACTIVE, amount=800, currency="EUR"):
    patron = Patron(site=site, email="ann@example.com", name="Ann", currency=currency, amount=amount,
                    interval=interval, status=status, supporter_since=PAID_AT)
    payment = Payment(patron=patron, amount=amount, currency=currency, status=PaymentStatus.PAID, paid_at=PAID_AT,
                      stripe_invoice_id="in_receipt_1")
    db_session.add_all([patron, payment])
    db_session.commit()
    return payment


def test_a_receipt_carries_the_newsrooms_legal_details_and_a_manage_link_naming_the_site(app, db_session,
                                                                                       smtp_server):
    app.config.update(mail_settings(smtp_server), PUBLIC_URL="https://desk.example")
    payment = paid(db_session, newsroom(db_session))
    send_receipt(payment.id)
    [message] = smtp_server.messages
    text = message.get_content()
    assert "we received €8.00 on March 5, 2026" in text
    for line in ("Kyiv Daily Foundation", "1 Khreshchatyk St", "Kyiv 01001", "Tax id: UA-44556677",
                 "No goods or services were provided in exchange for this contribution."):
        assert line in text
    assert "Your support renews every month" in text
    assert "https://desk.example/sites/kyiv-daily/support/manage" in text


def test_a_receipt_never_tells_a_canceled_patron_it_renews(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    payment = paid(db_session, newsroom(db_session), interval=Interval.YEAR, status=PatronStatus.CANCELED)
    send_receipt(payment.id)
    text = smtp_server.messages[0].get_content()
    assert "renews" not in text and "This email is your receipt" in text


def opened_dispute(db_session, payment, *, reason: str) -> Dispute:
    """A dispute of the whole ``payment`` that needs a response, with evidence due on 20 March 2026."""
    dispute = Dispute(stripe_dispute_id=f"dp_{payment.id}", payment=payment, amount=payment.amount,
                      currency=payment.currency, reason=reason, stripe_status="needs_response",
                      status=DisputeStatus.OPEN, opened_at=PAID_AT, state_as_of=PAID_AT,
                      evidence_due_by=datetime(2026, 3, 20, tzinfo=UTC))
    db_session.add(dispute)
    db_session.commit()
    return dispute


def test_admins_hear_of_a_dispute_when_it_opens_and_when_it_closes_once_each(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    admin = make_user(db_session, "boss@example.com", role=Role.ADMIN)
    make_user(db_session, "editor@example.com", role=Role.EDITOR)
    payment = paid(db_session, newsroom(db_session), amount=2000)
    dispute = opened_dispute(db_session, payment, reason="fraudulent")
    send_dispute_notice(dispute.id)
    send_dispute_notice(dispute.id)  # a retried job sends nothing twice
    dispute.stripe_status, dispute.status = "lost", DisputeStatus.LOST
    db_session.commit()
    send_dispute_notice(dispute.id)
    assert [m["To"] for m in smtp_server.messages] == [admin.email, admin.email]
    opened, lost = (m.get_content() for m in smtp_server.messages)
    assert smtp_server.messages[0]["Subject"] == "Dispute needs a response: €20.00 from ann@example.com (Kyiv Daily)"
    assert "Evidence due by: Mar 20, 2026, 00:00 (submit" in opened and "Reason: fraudulent" in opened
    assert "counts as refunded" in lost


def test_a_dispute_notice_is_in_each_admins_desk_language(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), DESK_TIMEZONE="Europe/Kyiv")
    olena = make_user(db_session, "olena@example.com", role=Role.ADMIN)
    olena.language = "uk"
    make_user(db_session, "boss@example.com", role=Role.ADMIN)  # no choice: English
    payment = paid(db_session, newsroom(db_session), amount=123450, currency="UAH")
    dispute = opened_dispute(db_session, payment, reason="")
    send_dispute_notice(dispute.id)
    sent = {m["To"]: m for m in smtp_server.messages}
    assert set(sent) == {"olena@example.com", "boss@example.com"}
    ukrainian, english = sent["olena@example.com"], sent["boss@example.com"]
    amount = "1\N{NO-BREAK SPACE}234,50\N{NO-BREAK SPACE}₴"
    assert ukrainian["Subject"] == f"Спір (потрібна відповідь): {amount} від ann@example.com (Kyiv Daily)"
    text = ukrainian.get_content()
    assert "Платіж на підтримку Kyiv Daily оскаржено." in text and "Причина: не вказано" in text
    assert "Докази потрібно подати до 20 бер. 2026\N{NARROW NO-BREAK SPACE}р., 02:00" in text  # Kyiv time
    assert "Dispute" not in ukrainian["Subject"] and "Reason" not in text
    assert english["Subject"].startswith("Dispute needs a response: UAH\N{NO-BREAK SPACE}1,234.50")
    assert "Reason: not given" in english.get_content()


def test_a_ukrainian_sites_receipt_is_in_ukrainian_with_the_amount_and_day_written_its_way(app, db_session,
                                                                                          smtp_server):
    app.config.update(mail_settings(smtp_server), PUBLIC_URL="https://desk.example")
    site = newsroom(db_session)
    site.language = "uk"
    payment = paid(db_session, site, amount=123450, currency="UAH")
    send_receipt(payment.id)
    [message] = smtp_server.messages
    text = message.get_content()
    assert message["Subject"] == "Дякуємо за підтримку Kyiv Daily"
    assert "Вітаємо, Ann!" in text
    amount, day = "1\N{NO-BREAK SPACE}234,50\N{NO-BREAK SPACE}₴", "5 березня 2026\N{NARROW NO-BREAK SPACE}р."
    assert f"Дякуємо: ми отримали {amount} {day}" in text
    assert "Ваша підтримка поновлюється щомісяця" in text and "Thank you" not in text
    assert "Податковий номер: UA-44556677" in text and "Tax id" not in text
