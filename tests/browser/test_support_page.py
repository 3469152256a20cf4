"""A reader picks a tier in the embedded support box, fills in the support page and lands on
Checkout (the fake Stripe's local Checkout page)."""

import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.factories import make_site
from tests.fakes.stripe import WEBHOOK_SECRET, FakeStripeServer

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.real_commits]  # a live server in a thread
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture
def stripe_server():
    server = FakeStripeServer().start()
    yield server
    server.stop()


@pytest.fixture
def live_app(app, db_session, stripe_server):
    app.config.update(STRIPE_SECRET_KEY="sk_test_browser", STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
                      STRIPE_API_BASE=stripe_server.url)
    make_site(db_session, "demo", title="Demo Daily")
    db_session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    app.config.update(PUBLIC_URL=url, TRUSTED_HOSTS=["127.0.0.1"])
    yield url
    server.shutdown()


@pytest.fixture
def page():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        kwargs = {"executable_path": CHROMIUM} if os.path.exists(CHROMIUM) else {}
        browser = p.chromium.launch(args=ARGS, **kwargs)
        page = browser.new_page()
        page.set_default_timeout(10_000)
        yield page
        browser.close()


def test_from_the_support_box_to_checkout(live_app, stripe_server, page):
    page.set_content(
        f'<h1>A news article</h1><div data-readerdesk-support data-site="demo" data-base="{live_app}"></div>'
        f'<script src="{live_app}/static/readerdesk-support.js"></script>')
    page.get_by_role("link", name="Regular reader").click()  # inside the shadow root
    page.wait_for_url(f"{live_app}/support?site=demo&tier=reader")
    assert page.get_by_label("Regular reader").is_checked()
    assert page.locator("#payments-off").count() == 0
    page.get_by_label("Email").fill("Reader@Example.com")
    page.get_by_label("Add the card fee").check()
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{stripe_server.url}/checkout/cs_*")
    assert page.locator("h1").inner_text() == "Fake Stripe Checkout"
    [sent] = stripe_server.fake.sent("POST", "/v1/checkout/sessions")
    assert sent.params["mode"] == "subscription"
    price = stripe_server.fake.prices[sent.params["line_items"][0]["price"]]
    assert (price["unit_amount"], price["lookup_key"]) == (838, "readerdesk:demo:reader:month:fee")  # 8.00 + fee
    assert "{CHECKOUT_SESSION_ID}" in sent.params["success_url"]


def test_the_support_box_shows_where_keyboard_focus_is(live_app, page):
    page.set_content(
        f'<h1>A news article</h1><div data-readerdesk-support data-site="demo" data-base="{live_app}"></div>'
        f'<script src="{live_app}/static/readerdesk-support.js"></script>')
    page.get_by_role("link", name="Regular reader").wait_for()
    page.keyboard.press("Tab")  # the first control in the box
    ring = page.evaluate("""() => { const box = document.querySelector('[data-readerdesk-support]');
      const el = box.shadowRoot.activeElement; const s = getComputedStyle(el);
      return [el.textContent, s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }""")
    assert ring[0].startswith("A cup of coffee")  # the first tier
    assert ring[1:] == ["solid", 2.0, "rgb(11, 92, 173)"]  # #0b5cad: 6.6:1 on the white page


def test_a_bad_amount_is_explained_on_the_page(live_app, page):
    page.goto(f"{live_app}/support?amount=0.30&frequency=once")
    page.get_by_label("Email").fill("reader@example.com")
    page.get_by_role("button", name="Continue to payment").click()
    assert "The smallest amount we can accept is €1.00." in page.locator(".field-error").inner_text()


def test_the_magic_link_opens_the_portal_from_its_fragment(app, live_app, stripe_server, page):
    from readerdesk.clock import utcnow
    from readerdesk.extensions import db
    from readerdesk.models import Interval, Patron, Site
    from readerdesk.services.patrons.pledges import make_portal_token, portal_link

    with app.app_context():
        site = db.session.query(Site).filter_by(name="demo").one()
        patron = Patron(site_id=site.id, email="ann@example.com", currency="EUR", interval=Interval.MONTH,
                        amount=300, supporter_since=utcnow(), stripe_customer_id="cus_ann")
        db.session.add(patron)
        db.session.commit()
        link = portal_link(live_app, make_portal_token(app.config["SECRET_KEY"], patron))
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(link)
    # The landing page posts the token from the fragment; the page it gets back shows the button.
    page.locator("#open-portal").wait_for()
    with page.expect_response(lambda r: r.url.endswith("/support/manage/open") and r.request.method == "POST") as sent:
        page.get_by_role("button", name="Open my support settings").click()
    assert sent.value.status == 303 and sent.value.headers["location"].startswith("https://billing.stripe.com/")
    token = link.split("#", 1)[1]
    assert not any(token in url for url in requested)  # never in a URL the server (or its logs) saw
    assert stripe_server.fake.portal_sessions[0]["customer"] == "cus_ann"


def test_an_incomplete_magic_link_says_so(live_app, page):
    page.goto(f"{live_app}/support/manage/open")
    assert page.locator("#link-incomplete").is_visible()
    assert not page.locator("#open-portal").is_visible()


UAH_TIERS = [{"id": "kava", "name": "Кава щомісяця", "amount": 10000, "interval": "month", "description": ""},
             {"id": "rik", "name": "Рік підтримки", "amount": 150000, "interval": "year", "description": ""}]
JPY_TIERS = [{"id": "ocha", "name": "Green tea", "amount": 500, "interval": "month", "description": ""},
             {"id": "bento", "name": "Bento", "amount": 1500, "interval": "month", "description": ""}]


def test_a_uah_site_and_a_jpy_site_charge_their_own_tiers_in_their_own_currency(app, db_session, live_app,
                                                                               stripe_server, page):
    make_site(db_session, "kyiv", title="Kyiv Daily", currency="UAH", support_tiers=UAH_TIERS)
    make_site(db_session, "tokyo", title="Tokyo Times", currency="JPY", support_tiers=JPY_TIERS)
    db_session.commit()
    page.goto(f"{live_app}/sites/kyiv/support")
    tiers = page.locator(".tier").all_inner_texts()
    assert any("UAH\N{NO-BREAK SPACE}100.00 / month" in t for t in tiers)  # the page's language's way (English)
    assert any("UAH\N{NO-BREAK SPACE}1,500.00 / year" in t for t in tiers)
    assert not any("3.00" in t for t in tiers)
    page.get_by_label("Рік підтримки").check()
    page.get_by_label("Email").fill("olena@example.com")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{stripe_server.url}/checkout/cs_*")
    kyiv = stripe_server.fake.sent("POST", "/v1/checkout/sessions")[-1].params
    price = stripe_server.fake.prices[kyiv["line_items"][0]["price"]]
    assert (price["unit_amount"], price["currency"], price["recurring"]["interval"]) == (150000, "uah", "year")

    page.goto(f"{live_app}/sites/tokyo/support")
    tiers = page.locator(".tier").all_inner_texts()
    assert any("¥500 / month" in t for t in tiers) and any("¥1,500 / month" in t for t in tiers)
    page.get_by_label("Another amount").check()
    page.locator("#custom_amount").fill("30")
    page.get_by_label("One time").check()
    page.get_by_label("Email").fill("ken@example.com")
    page.get_by_role("button", name="Continue to payment").click()
    assert "The smallest amount we can accept is ¥100." in page.locator(".field-error").inner_text()
    page.locator("#custom_amount").fill("3000")
    page.get_by_label("One time").check()
    page.get_by_label("Email").fill("ken@example.com")
    page.get_by_role("button", name="Continue to payment").click()
    page.wait_for_url(f"{stripe_server.url}/checkout/cs_*")
    tokyo = stripe_server.fake.sent("POST", "/v1/checkout/sessions")[-1].params
    assert tokyo["mode"] == "payment"
    assert (tokyo["line_items"][0]["price_data"]["unit_amount"], tokyo["line_items"][0]["price_data"]["currency"]) == (
        "3000", "jpy")  # whole yen: not 300000
