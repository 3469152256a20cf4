"""The reader's side: the delete link (status page, emails, the page it opens), the data page, and the
notices on the support form and in the widget's config."""

from __future__ import annotations

import re

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.jobs.mail import after_decision
from readerdesk.models import AuditEntry, Correction
from readerdesk.services.desk import moderation
from readerdesk.services.privacy.reader_links import forget_token
from tests.conftest import TEST_SECRET_KEY, mail_settings
from tests.factories import make_article, make_correction, make_site, make_user


def reader_report(db_session, **kwargs):
    kwargs.setdefault("reader_email", "nina@example.org")
    kwargs.setdefault("reader_name", "Nina")
    correction = make_correction(db_session, **kwargs)
    db_session.commit()
    return correction


def test_the_status_page_links_to_the_delete_page_which_asks_before_deleting(client, db_session):
    correction = reader_report(db_session, notify_reader=True)
    status = client.get(f"/status/{correction.public_id}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" id="forget">Delete my email from this report</a>', status).group(1)
    token = forget_token(TEST_SECRET_KEY, correction)
    assert link == f"/privacy/forget#{token}"  # the token in the fragment: never in a URL the server logs

    landing = client.get("/privacy/forget")  # what the server sees of the link: no token, nothing changes
    assert landing.status_code == 200 and 'data-fragment-token' in landing.get_data(as_text=True)
    page = client.post("/privacy/forget", data={"token": token})  # its script posts the token: it asks
    assert page.status_code == 200 and "will be removed from this report" in page.get_data(as_text=True)
    db_session.refresh(correction)
    assert correction.reader_email == "nina@example.org"

    done = client.post("/privacy/forget", data={"token": token, "confirm": "1"})
    assert done.status_code == 200 and "no longer stored with this report" in done.get_data(as_text=True)
    db_session.refresh(correction)
    assert (correction.reader_email, correction.reader_name, correction.notify_reader) == ("", "", False)
    assert db_session.scalar(select(AuditEntry.action)) == "reader-removal"
    assert 'id="forget"' not in client.get(f"/status/{correction.public_id}").get_data(as_text=True)
    # Used once: it says the address is gone, and changes nothing.
    again = client.post("/privacy/forget", data={"token": token, "confirm": "1"})
    assert again.status_code == 200 and "no longer stored" in again.get_data(as_text=True)
    assert len(db_session.scalars(select(AuditEntry)).all()) == 1


def test_the_delete_page_speaks_the_reports_language(client, db_session):
    correction = reader_report(db_session, language="uk")
    page = client.post("/privacy/forget", data={"token": forget_token(TEST_SECRET_KEY, correction)}).get_data(
        as_text=True)
    assert '<html lang="uk">' in page and "Видалити мій email" in page


def test_a_forged_link_is_a_404_a_reader_understands(client, db_session):
    correction = reader_report(db_session)
    response = client.post("/privacy/forget", data={"token": forget_token("someone-elses-key-entirely", correction)})
    assert response.status_code == 404 and "This link is not valid." in response.get_data(as_text=True)


def test_a_report_without_contact_details_offers_no_delete_link(client, db_session):
    correction = reader_report(db_session, reader_email="", reader_name="")
    assert 'id="forget"' not in client.get(f"/status/{correction.public_id}").get_data(as_text=True)


def test_the_data_page_lists_what_is_kept_with_the_settings_numbers(app, client, db_session):
    app.config.update(RETENTION_READER_DAYS=90, RETENTION_IP_DAYS=14)
    make_site(db_session, "courier", title="The Courier", privacy_url="https://courier.example/privacy")
    db_session.commit()
    page = client.get("/privacy?site=courier").get_data(as_text=True)
    assert "What The Courier keeps about readers and supporters" in page
    assert "90 days after the report is closed" in page and "14 days; the day&#39;s key is deleted" in page
    assert 'href="https://courier.example/privacy"' in page


def test_the_data_page_speaks_the_sites_language(client, db_session):
    make_site(db_session, "hromada", title="Громада", language="uk", privacy_url="https://hromada.example/privacy")
    db_session.commit()
    page = client.get("/privacy?site=hromada").get_data(as_text=True)
    assert '<html lang="uk">' in page and "Що Громада зберігає про читачів і прихильників" in page
    assert "180 днів після закриття повідомлення" in page and "Чому" in page
    assert '<a href="https://hromada.example/privacy">політиці конфіденційності</a>' in page
    assert "What Громада keeps" in client.get("/privacy?site=hromada&lang=en").get_data(as_text=True)


def test_the_support_form_says_what_is_kept_and_links_to_the_policy(client, db_session):
    make_site(db_session, "courier", language="uk", privacy_url="https://courier.example/privacy")
    db_session.commit()
    page = client.get("/sites/courier/support").get_data(as_text=True)
    notice = re.search(r'<p class="privacy-notice hint" id="privacy-notice">(.*?)</p>', page, re.S)
    assert "видаляємо через 180 днів" in notice.group(1)
    assert '<a href="https://courier.example/privacy">Політика конфіденційності</a>' in notice.group(1)


def test_the_widget_gets_its_notice_in_the_pages_language(client, db_session):
    site = make_site(db_session, "courier", language="en")
    article = make_article(db_session, site)
    db_session.commit()
    config = client.get("/api/v1/widget-config", query_string={"url": article.url, "lang": "uk-UA"}).get_json()
    assert "Ім’я та email необов’язкові" in config["privacy"]["notice"]
    assert config["privacy"]["policy_url"] == "http://localhost/privacy?site=courier"
    assert config["privacy"]["policy_label"] == "Політика конфіденційності"


def test_the_decision_email_carries_the_delete_link(app, client, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), PUBLIC_URL="https://desk.example")
    correction = reader_report(db_session, notify_reader=True)
    event = moderation.accept(db_session, correction, actor=make_user(db_session), now=utcnow(), expected_version=1)
    db_session.commit()
    after_decision(correction.id, event.id)
    [message] = smtp_server.messages
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    token = forget_token(TEST_SECRET_KEY, correction)
    assert f"Delete my email from this report:\nhttps://desk.example/privacy/forget#{token}" in text
    assert client.post("/privacy/forget", data={"token": token, "confirm": "1"}).status_code == 200
    assert db_session.scalar(select(Correction.reader_email)) == ""
