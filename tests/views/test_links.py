"""A forged Host header never reaches a link: every absolute link comes from PUBLIC_URL, and a Host
outside TRUSTED_HOSTS gets 400 before any view runs."""

from __future__ import annotations

import re

import pytest

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import CorrectionNote, Interval, NoteType, Patron
from tests.conftest import mail_settings
from tests.factories import make_article, make_site, paragraphs
from tests.helpers import run_jobs

PUBLIC = "https://desk.example"
# A second name the proxy may use (TRUSTED_HOSTS): it is trusted, yet links still say PUBLIC_URL.
pytestmark = pytest.mark.app_config(PUBLIC_URL=PUBLIC, TRUSTED_HOSTS=["localhost", "internal.example"])


def _patron(site) -> Patron:
    patron = Patron(site_id=site.id, email="ann@example.com", currency="EUR", interval=Interval.MONTH, amount=300,
                    supporter_since=utcnow(), stripe_customer_id="cus_ann")
    db.session.add(patron)
    db.session.commit()
    return patron


def test_an_unknown_host_gets_400_and_no_email_goes_out(app, client, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    _patron(make_site(db_session, "demo"))
    response = client.post("/support/manage", data={"email": "ann@example.com"},
                           headers={"Host": "attacker.example"})
    assert response.status_code == 400 and b"TRUSTED_HOSTS" in response.data
    run_jobs()
    assert smtp_server.messages == []


def test_the_magic_link_comes_from_public_url_with_its_token_out_of_the_path(app, client, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    _patron(make_site(db_session, "demo"))
    response = client.post("/support/manage", data={"email": "ann@example.com"}, headers={"Host": "internal.example"})
    run_jobs()
    assert response.status_code == 200
    body = smtp_server.messages[0].get_content()
    link = re.search(r"https?://\S+", body).group(0)
    assert link.startswith(PUBLIC + "/support/manage/open#"), link
    assert "internal.example" not in body


def test_stripe_return_addresses_come_from_public_url(client, db_session, fake_stripe):
    make_site(db_session, "demo")
    db_session.commit()
    data = {"choice": "coffee", "email": "reader@example.com", "form_key": "f" * 24, "frequency": "month"}
    assert client.post("/support?site=demo", data=data, headers={"Host": "internal.example"}).status_code == 303
    [sent] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert sent.params["success_url"] == PUBLIC + "/support/success?session_id={CHECKOUT_SESSION_ID}"
    assert sent.params["cancel_url"] == PUBLIC + "/support/cancel?site=demo"


def test_the_portal_return_address_comes_from_public_url(app, client, db_session, fake_stripe, smtp_server):
    app.config.update(mail_settings(smtp_server))
    _patron(make_site(db_session, "demo"))
    client.post("/support/manage", data={"email": "ann@example.com"})
    run_jobs()
    token = re.search(r"#(\S+)", smtp_server.messages[0].get_content()).group(1)
    opened = client.post("/support/manage/open", data={"token": token, "open": "1"},
                         headers={"Host": "internal.example"})
    assert opened.status_code == 303
    assert fake_stripe.portal_sessions[0]["return_url"] == PUBLIC + "/support?site=demo"


def test_the_apis_status_links_come_from_public_url(client, db_session):
    site = make_site(db_session, base_url="https://news.example")
    article = make_article(db_session, site, html=paragraphs("The mayor said twelve bridges."))
    db_session.commit()
    response = client.post("/api/v1/corrections", headers={"Host": "internal.example"}, json={
        "idempotency_key": "host-header-0001", "article_url": article.url, "kind": "typo",
        "selectors": [{"type": "TextQuoteSelector", "exact": "twelve bridges"}]})
    data = response.get_json()
    assert data["status_url"].startswith(PUBLIC + "/api/v1/corrections/")
    assert data["status_page"].startswith(PUBLIC + "/status/")
    assert response.headers["Location"] == data["status_url"]


def test_the_atom_feed_and_json_ld_name_no_request_host(client, db_session):
    site = make_site(db_session, base_url="https://news.example")
    article = make_article(db_session, site)
    db_session.add(CorrectionNote(site_id=site.id, article_id=article.id, note_type=NoteType.CORRECTION,
                                  body="An earlier version misspelt a name.", published_at=utcnow()))
    db_session.commit()
    feed = client.get(f"/corrections.atom?site={site.name}", headers={"Host": "internal.example"})
    feed = feed.get_data(as_text=True)
    assert f'href="{PUBLIC}/corrections.atom?site={site.name}"' in feed
    assert f'href="{PUBLIC}/corrections?site={site.name}"' in feed
    assert "tag:desk.example," in feed and "internal.example" not in feed
    page = client.get(f"/sites/{site.name}/articles/{article.id}", headers={"Host": "internal.example"})
    json_ld = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page.get_data(as_text=True), re.S)
    assert json_ld and "internal.example" not in json_ld.group(1) and "localhost" not in json_ld.group(1)


