import io
import re
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import (
    Interval,
    Patron,
    PatronStatus,
    Payment,
    PaymentStatus,
    Pledge,
    PledgeStatus,
    PortalLinkUse,
    WallStatus,
)
from tests.conftest import mail_settings
from tests.factories import make_site
from tests.fakes.stripe import CARD_DECLINED, make_event, signed
from tests.helpers import run_jobs


def form(**kwargs):
    data = {"choice": "coffee", "email": "reader@example.com", "form_key": "f" * 24, "frequency": "month"}
    data.update(kwargs)
    return data


def test_without_stripe_keys_the_page_says_payments_are_off(client, db_session):
    make_site(db_session, "demo")
    db_session.commit()
    page = client.get("/support")
    assert page.status_code == 200
    assert b"Payments are not set up yet" in page.data
    response = client.post("/support", data=form())
    assert response.status_code == 503 and b"Payments are not set up yet" in response.data
    assert db_session.scalar(select(Pledge)) is None


UAH_TIERS = [{"id": "kava", "name": "Кава", "amount": 10000, "interval": "month", "description": ""},
             {"id": "rik", "name": "Рік", "amount": 150000, "interval": "year", "description": ""}]
JPY_TIERS = [{"id": "ocha", "name": "Tea", "amount": 500, "interval": "month", "description": ""}]


def test_each_site_lists_its_own_tiers_in_its_own_currency(client, db_session, fake_stripe):
    make_site(db_session, "kyiv", currency="UAH", support_tiers=UAH_TIERS)
    make_site(db_session, "tokyo", currency="JPY", support_tiers=JPY_TIERS)
    db_session.commit()
    kyiv = client.get("/sites/kyiv/support").get_data(as_text=True)
    assert "Кава" in kyiv and "UAH\N{NO-BREAK SPACE}100.00" in kyiv and "UAH\N{NO-BREAK SPACE}1,500.00" in kyiv
    assert "at least UAH\N{NO-BREAK SPACE}25.00" in kyiv  # Babel writes money the page's language's way
    assert "A cup of coffee" not in kyiv and "Payments are not set up" not in kyiv
    tokyo = client.get("/sites/tokyo/support").get_data(as_text=True)
    assert "¥500" in tokyo and "at least ¥100" in tokyo and "Кава" not in tokyo
    assert client.get("/sites/nowhere/support").status_code == 404


def test_a_site_whose_tiers_stripe_cannot_charge_offers_only_its_own_amount(client, db_session, fake_stripe):
    make_site(db_session, "kyiv", currency="UAH")  # SUPPORT_TIERS: 3.00 UAH is below Stripe's minimum
    db_session.commit()
    page = client.get("/sites/kyiv/support").get_data(as_text=True)
    # Only the yearly 30.00 UAH is chargeable.
    assert "UAH\N{NO-BREAK SPACE}3.00" not in page and "UAH\N{NO-BREAK SPACE}30.00" in page
    response = client.post("/sites/kyiv/support", data=form(choice="custom", custom_amount="3"))
    assert response.status_code == 400 and "The smallest amount we can accept is UAH\N{NO-BREAK SPACE}25.00." in (
        response.get_data(as_text=True))


def test_a_ukrainian_page_refuses_a_small_amount_in_ukrainian_with_the_amount_as_ukrainian_writes_it(
        client, db_session, fake_stripe):
    site = make_site(db_session, "kyiv", currency="UAH", language="uk", support_tiers=UAH_TIERS)
    site.support_min_amount = 123450
    db_session.commit()
    response = client.post("/sites/kyiv/support", data=form(choice="custom", custom_amount="100"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Найменша сума, яку ми можемо прийняти, — 1\N{NO-BREAK SPACE}234,50\N{NO-BREAK SPACE}₴." in page
    assert "The smallest amount" not in page and db_session.scalar(select(Pledge)) is None


def test_the_embed_box_preselects_a_tier_or_amount(client, db_session, fake_stripe):
    make_site(db_session, "demo")
    db_session.commit()
    page = client.get("/support?site=demo&tier=champion").get_data(as_text=True)
    assert re.search(r'value="champion"[^>]*checked|checked[^>]*value="champion"', page)
    page = client.get("/support?amount=12&frequency=once").get_data(as_text=True)
    assert 'value="12"' in page and re.search(r'value="once"[^>]*checked|checked[^>]*value="once"', page)


def test_posting_redirects_to_checkout_and_a_double_click_makes_one_session(client, db_session, fake_stripe):
    make_site(db_session, "demo")
    db_session.commit()
    first = client.post("/support?site=demo", data=form())
    second = client.post("/support?site=demo", data=form())
    assert first.status_code == 303 and first.location.startswith("https://checkout.stripe.com/")
    assert second.location == first.location
    assert len(fake_stripe.sent("POST", "/v1/checkout/sessions")) == 1
    [sent] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert sent.params["success_url"] == "http://localhost/support/success?session_id={CHECKOUT_SESSION_ID}"
    assert db_session.scalar(select(Pledge)).status is PledgeStatus.OPEN


def test_form_errors_are_shown_not_raised(client, db_session, fake_stripe):
    make_site(db_session, "demo")
    db_session.commit()
    response = client.post("/support", data=form(choice="custom", custom_amount="0.20"))
    assert response.status_code == 400 and "The smallest amount we can accept is €1.00.".encode() in response.data
    response = client.post("/support", data=form(email="not-an-email"))
    assert response.status_code == 400 and b"Invalid email address" in response.data
    response = client.post("/support", data=form(choice="custom", custom_amount=""))
    assert response.status_code == 400 and b"Enter the amount you want to give" in response.data
    assert fake_stripe.sent("POST", "/v1/checkout/sessions") == []


def test_a_card_error_at_checkout_is_a_readable_message(client, db_session, fake_stripe):
    make_site(db_session, "demo")
    db_session.commit()
    fake_stripe.fail_next["POST /v1/checkout/sessions"] = CARD_DECLINED
    response = client.post("/support", data=form())
    assert response.status_code == 402
    assert b"Your card was declined. Nothing was charged." in response.data
    # The form offers a fresh try (a new pledge), which goes through.
    key = re.search(r'name="form_key" type="hidden" value="([^"]+)"', response.get_data(as_text=True)).group(1)
    assert key != "f" * 24
    assert client.post("/support", data=form(form_key=key)).status_code == 303


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_support_form_needs_its_csrf_token(client, db_session, fake_stripe):
    make_site(db_session, "demo")
    db_session.commit()
    assert client.post("/support", data=form()).status_code == 400
    page = client.get("/support").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post("/support", data=form(csrf_token=token)).status_code == 303


def test_the_success_page_shows_what_stripe_says(client, db_session, fake_stripe):
    make_site(db_session, "demo")
    db_session.commit()
    client.post("/support", data=form(choice="custom", custom_amount="15", frequency="once"))
    session_id = db_session.scalar(select(Pledge)).stripe_checkout_session_id
    page = client.get(f"/support/success?session_id={session_id}")
    assert b'data-state="not_completed"' in page.data
    fake_stripe.complete_session(session_id)
    page = client.get(f"/support/success?session_id={session_id}")
    assert b'data-state="paid"' in page.data and "gift of €15.00" in page.get_data(as_text=True)
    assert client.get("/support/success?session_id=cs_unknown").status_code == 404
    assert client.get("/support/success").status_code == 400
    assert b"No payment was made" in client.get("/support/cancel?site=demo").data


def _patron(site, email="ann@example.com", **kwargs):
    patron = Patron(site_id=site.id, email=email, currency="EUR", interval=Interval.MONTH, amount=300,
                    supporter_since=utcnow(), stripe_customer_id="cus_ann", **kwargs)
    db.session.add(patron)
    db.session.commit()
    return patron


def test_the_magic_link_opens_the_portal_once(app, client, db_session, fake_stripe, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session, "demo")
    _patron(site)
    for email in ("ANN@example.com", "nobody@example.com"):
        answer = client.post("/support/manage", data={"email": email})
        assert answer.status_code == 200 and b"If you are a patron, we sent a link" in answer.data
    run_jobs()
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com"]
    token = re.search(r"http://localhost/support/manage/open#(\S+)", smtp_server.messages[0].get_content()).group(1)
    assert client.get("/support/manage/open").status_code == 200  # a mail scanner opening the link uses nothing up
    shown = client.post("/support/manage/open", data={"token": token})  # the landing page's script posts it
    assert shown.status_code == 200 and b"Open my support settings" in shown.data
    opened = client.post("/support/manage/open", data={"token": token, "open": "1"})
    assert opened.status_code == 303 and opened.location.startswith("https://billing.stripe.com/")
    assert fake_stripe.portal_sessions[0]["customer"] == "cus_ann"
    # The portal offers the site's tiers as plan changes: one Price each, on the site's Product.
    [configuration] = fake_stripe.portal_configurations
    assert fake_stripe.portal_sessions[0]["configuration"] == configuration["id"]
    [offer] = configuration["features"]["subscription_update"]["products"]
    assert sorted(fake_stripe.prices[p]["lookup_key"] for p in offer["prices"]) == sorted(
        f"readerdesk:demo:{t}:{i}" for t, i in [("coffee", "month"), ("reader", "month"), ("champion", "month"),
                                                 ("yearly", "year")])
    again = client.post("/support/manage/open", data={"token": token, "open": "1"})
    assert again.status_code == 400 and b"used already" in again.data
    assert db_session.scalar(select(db.func.count(PortalLinkUse.id))) == 1
    assert client.post("/support/manage/open", data={"token": "garbage", "open": "1"}).status_code == 400
    assert client.post("/support/manage/open", data={"token": "garbage"}).status_code == 400


def test_the_wall_shows_approved_supporters_only(client, db_session):
    site = make_site(db_session, "demo")
    _patron(site, list_publicly=True, display_name="<b>Ann</b>", wall_status=WallStatus.APPROVED)
    _patron(site, email="bo@example.com", list_publicly=True, display_name="Bo")
    page = client.get("/supporters").get_data(as_text=True)
    assert "&lt;b&gt;Ann&lt;/b&gt;" in page and "Bo" not in page


def test_a_stranger_using_a_patrons_email_stays_apart_from_that_patron(app, client, db_session, fake_stripe):
    app.config["STRIPE_WEBHOOK_SECRET"] = "whsec_test_readerdesk"
    site = make_site(db_session, "demo")
    ann = Patron(site_id=site.id, email="ann@example.com", currency="EUR", interval=Interval.MONTH, amount=300,
                 supporter_since=utcnow(), stripe_customer_id="cus_ann", stripe_subscription_id="sub_ann",
                 status=PatronStatus.ACTIVE)
    db.session.add(ann)
    db.session.commit()
    form = {"choice": "champion", "email": "ANN@example.com", "form_key": "s" * 24, "frequency": "month"}
    assert client.post("/support?site=demo", data=form).status_code == 303
    [checkout] = fake_stripe.sent("POST", "/v1/checkout/sessions")
    assert checkout.params["customer"] != "cus_ann"
    assert fake_stripe.sent("GET", "/v1/customers") == []

    pledge = db_session.scalar(select(Pledge))
    completed = make_event("checkout.session.completed", {
        "id": pledge.stripe_checkout_session_id, "mode": "subscription", "payment_status": "paid",
        "customer": checkout.params["customer"], "subscription": "sub_stranger",
        "metadata": checkout.params["metadata"]})
    payload, headers = signed(completed)
    assert client.post("/stripe/webhook", data=payload, headers=headers).status_code == 200
    db_session.expire_all()
    ann = db_session.get(Patron, ann.id)
    assert (ann.stripe_customer_id, ann.stripe_subscription_id, ann.amount) == ("cus_ann", "sub_ann", 300)
    stranger = db_session.scalar(select(Patron).where(Patron.id != ann.id))
    assert stranger.stripe_subscription_id == "sub_stranger" and stranger.email == "ann@example.com"


def test_the_manage_link_goes_to_each_support_of_the_email(app, client, db_session, fake_stripe, smtp_server):
    from tests.conftest import mail_settings

    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session, "demo")
    for customer in ("cus_one", "cus_two"):
        db.session.add(Patron(site_id=site.id, email="ann@example.com", currency="EUR", interval=Interval.MONTH,
                              amount=300, supporter_since=utcnow(), stripe_customer_id=customer))
    db.session.commit()
    client.post("/support/manage", data={"email": "ann@example.com"})
    run_jobs()
    assert [m["To"] for m in smtp_server.messages] == ["ann@example.com", "ann@example.com"]


def test_the_manage_link_names_the_site_and_its_page_offers_the_year_summaries(app, client, db_session, fake_stripe,
                                                                               smtp_server):
    app.config.update(mail_settings(smtp_server))
    make_site(db_session, "first")
    site = make_site(db_session, "second", title="Second Post")
    site.legal_name = "Second Post Ltd"
    patron = _patron(site)
    db_session.add(Payment(patron=patron, amount=800, currency="EUR", status=PaymentStatus.PAID,
                           paid_at=datetime(2025, 4, 1, tzinfo=UTC)))
    db_session.commit()
    # A patron of the second site asks on that site's page: the first site's patrons are not the only ones.
    assert client.post("/sites/second/support/manage", data={"email": "ann@example.com"}).status_code == 200
    run_jobs()
    token = re.search(r"http://localhost/support/manage/open#(\S+)", smtp_server.messages[0].get_content()).group(1)
    page = client.post("/support/manage/open", data={"token": token}).get_data(as_text=True)
    assert "2025 (PDF)" in page and token not in re.sub(r'name="token" value="[^"]*"', "", page)  # in forms only

    def summary(year, token=token):
        return client.post("/support/manage/contributions", data={"token": token, "year": year})

    pdf = summary("2025")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Second Post Ltd" in text and "€8.00 (1 payment)" in text
    assert summary("2024").status_code == 404
    assert summary("99999").status_code == 404  # not a year we keep: no 500
    assert summary("9" * 400).status_code == 404
    assert summary("2025", token="forged").status_code == 403


@pytest.mark.parametrize(("seconds", "said"), [
    (60, "Воно діє один раз, 1 хвилину."), (180, "Воно діє один раз, 3 хвилини."),
    (300, "Воно діє один раз, 5 хвилин."),
])
def test_a_ukrainian_patron_is_told_how_long_the_link_works_with_the_right_plural(app, client, db_session, seconds,
                                                                                   said):
    app.config["PORTAL_LINK_MAX_AGE"] = seconds
    make_site(db_session, "hromada", language="uk")
    db_session.commit()
    page = client.post("/sites/hromada/support/manage", data={"email": "reader@example.org"},
                       headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<h1>Перевірте пошту</h1>" in page and said in page
