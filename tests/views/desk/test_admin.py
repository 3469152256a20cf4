import html as html_lib
import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import Role, SecurityEvent, Site, User
from readerdesk.services.articles.sites import hash_token
from tests.factories import PASSWORD, TOTP_SECRET, make_article, make_site, make_user
from tests.helpers import english_left, enrol, next_totp_code, on_desk, password_step, security_actions, sign_in


def test_admin_creates_an_editor_who_can_then_sign_in(as_admin, app):
    response = as_admin.post("/desk/admin/users", data={"email": "New@Example.com", "name": "New", "password": PASSWORD,
                                                        "role": "editor"})
    assert response.status_code == 303
    assert "new@example.com" in as_admin.get("/desk/admin/users").get_data(as_text=True)
    sign_in(app.test_client(), "new@example.com")


def test_user_creation_errors_are_shown_on_the_form(as_admin):
    response = as_admin.post("/desk/admin/users",
                             data={"email": "x@example.com", "password": "short", "role": "editor"})
    assert response.status_code == 400 and "at least 10 characters" in response.get_data(as_text=True)


def test_deactivate_reactivate_and_change_role(as_admin, db_session, app):
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    assert as_admin.post(f"/desk/admin/users/{editor.id}/active", data={"active": "0"}).status_code == 303
    db_session.expire_all()
    assert not editor.active
    assert app.test_client().post("/auth/login", data={"email": editor.email, "password": PASSWORD}).status_code == 401
    as_admin.post(f"/desk/admin/users/{editor.id}/active", data={"active": "1"})
    as_admin.post(f"/desk/admin/users/{editor.id}/role", data={"role": "admin"})
    db_session.expire_all()
    assert editor.active and editor.role == Role.ADMIN


def test_an_admin_cannot_deactivate_or_demote_themselves(as_admin, admin, db_session):
    response = as_admin.post(f"/desk/admin/users/{admin.id}/active", data={"active": "0"})
    assert response.status_code == 400 and "cannot deactivate your own account" in response.get_data(as_text=True)
    assert as_admin.post(f"/desk/admin/users/{admin.id}/role", data={"role": "editor"}).status_code == 400
    db_session.expire_all()
    assert admin.active and admin.role == Role.ADMIN


def test_a_deactivated_editor_loses_their_session(client, db_session):
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, editor)
    assert client.get("/desk/").status_code == 200
    editor.active = False
    db_session.commit()
    assert client.get("/desk/").status_code == 302


def test_create_a_site_shows_its_token_once_and_stores_only_the_hash(as_admin, db_session):
    response = as_admin.post("/desk/admin/sites", data={
        "name": "kyiv-daily", "base_url": "https://kyiv.example/", "body_selector": "article .body",
        "exclude_selectors": ".ad\n.related", "allowed_origins": "https://m.kyiv.example", "language": "uk",
        "currency": "uah"})
    assert response.status_code == 201
    token = re.search(r'class="token">(rdk_[\w-]+)<', response.get_data(as_text=True))[1]
    site = db_session.scalar(select(Site).where(Site.name == "kyiv-daily"))
    assert site.api_token_hash == hash_token(token) and site.exclude_selectors == [".ad", ".related"]
    assert site.allowed_origins == ["https://kyiv.example", "https://m.kyiv.example"] and site.currency == "UAH"
    assert token not in as_admin.get("/desk/admin/sites").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({"name": "Bad Name!", "base_url": "https://x.example", "body_selector": "article"}, "lower-case letters"),
    ({"name": "ok", "base_url": "ftp://x.example", "body_selector": "article"}, "http(s) URL"),
    ({"name": "ok", "base_url": "https://x.example", "body_selector": "[[["}, "invalid CSS selector"),
])
def test_site_creation_uses_the_same_validation_as_the_cli(as_admin, data, message):
    response = as_admin.post("/desk/admin/sites", data={"language": "en", "currency": "EUR", **data})
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_rotate_token_and_edit_settings(as_admin, db_session):
    site = make_site(db_session, "courier", base_url="https://courier.example")
    db_session.commit()
    old_hash = site.api_token_hash
    html = as_admin.post(f"/desk/admin/sites/{site.id}/token").get_data(as_text=True)
    token = re.search(r'class="token">(rdk_[\w-]+)<', html)[1]
    db_session.expire_all()
    assert site.api_token_hash == hash_token(token) != old_hash
    assert as_admin.get(f"/desk/admin/sites/{site.id}").status_code == 200
    response = as_admin.post(f"/desk/admin/sites/{site.id}", data={
        **support_form(as_admin, site), "allowed_origins": "https://amp.courier.example", "exclude_selectors": "aside",
        "connector": "wordpress", "connector_url": "https://courier.example"})
    assert response.status_code == 303
    db_session.expire_all()
    assert (site.connector, site.exclude_selectors) == ("wordpress", ["aside"])
    assert "https://amp.courier.example" in site.allowed_origins
    bad = as_admin.post(f"/desk/admin/sites/{site.id}", data={**support_form(as_admin, site), "connector": "wordpress",
                                                               "connector_url": ""})
    assert bad.status_code == 400 and "needs the site&#39;s URL" in bad.get_data(as_text=True)


def test_an_admin_ends_someones_sessions_and_deactivation_ends_them_too(app, client, db_session, editor):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    victim = app.test_client()
    sign_in(victim, editor)
    sign_in(client, admin)
    assert client.post(f"/desk/admin/users/{editor.id}/sessions/end").status_code == 303
    assert not on_desk(victim)
    sign_in(victim, editor)
    assert client.post(f"/desk/admin/users/{editor.id}/active", data={"active": "0"}).status_code == 303
    assert not on_desk(victim)


def test_another_admin_resets_a_lost_device_and_ends_the_sessions(app, client, db_session):
    boss = make_user(db_session, "boss@example.com", "admin")
    lost = make_user(db_session, "lost@example.com", "admin")
    db_session.commit()
    their_browser = app.test_client()
    sign_in(their_browser, lost)
    sign_in(client, boss)
    assert client.post(f"/desk/admin/users/{lost.id}/two-factor/reset").status_code == 303
    assert their_browser.get("/desk/").status_code == 302
    db_session.refresh(lost)
    assert not lost.has_two_factor
    # They sign in with the password and must enrol again.
    assert password_step(their_browser, lost).headers["Location"] == "/desk/"
    assert their_browser.get("/desk/").headers["Location"] == "/desk/account/two-factor"
    assert client.post(f"/desk/admin/users/{boss.id}/two-factor/reset").status_code == 400  # not your own
    log = client.get("/desk/admin/security-log").get_data(as_text=True)
    assert "reset the two-factor sign-in of lost@example.com" in log


def test_admins_can_require_two_factor_of_editors_and_editors_cannot_turn_it_off_then(client, db_session):
    boss = make_user(db_session, "boss@example.com", "admin")
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, editor)
    assert client.get("/desk/").status_code == 200  # optional for editors by default
    client.post("/auth/logout")
    sign_in(client, boss)
    assert client.post("/desk/admin/policy", data={"two_factor_for_all": "y"}).status_code == 303
    client.post("/auth/logout")
    sign_in(client, editor)
    assert client.get("/desk/").headers["Location"] == "/desk/account/two-factor"
    secret, _ = enrol(client)
    disabled = client.post("/desk/account/two-factor/disable", data={"code": next_totp_code(editor, secret)})
    assert disabled.status_code == 400 and b"required for your account" in disabled.data
    assert "policy_changed" in security_actions(db_session)


def test_the_security_log_keeps_no_secrets(client, db_session):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    sign_in(client, admin)
    details = " ".join(e.detail for e in db_session.scalars(select(SecurityEvent)))
    assert PASSWORD not in details and TOTP_SECRET not in details
    assert utcnow() - db_session.scalar(select(SecurityEvent.created_at)) < timedelta(minutes=1)


SUPPORT_FIELDS = ("currency", "support_tiers", "min_amount", "max_amount", "fee_percent", "fee_fixed",
                  "wall_grace_days", "legal_name", "legal_address", "tax_id", "receipt_statement")


def support_form(client, site) -> dict:
    """The support fields as the edit page shows them (inputs and text areas)."""
    html = client.get(f"/desk/admin/sites/{site.id}").get_data(as_text=True)
    values = {"connector": ""}
    for name in SUPPORT_FIELDS:
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
            rf'name="{name}"[^>]*>\s*([^<]*)</textarea>', html)
        values[name] = html_lib.unescape(found[1]) if found else ""
    return values


def test_an_admin_sets_a_sites_currency_tiers_bounds_fee_and_receipt_details(as_admin, db_session):
    site = make_site(db_session, "kyiv", base_url="https://kyiv.example")
    db_session.commit()
    shown = support_form(as_admin, site)
    assert shown["currency"] == "EUR" and "coffee | A cup of coffee | 3.00 | month" in shown["support_tiers"]
    response = as_admin.post(f"/desk/admin/sites/{site.id}", data={
        **shown, "currency": "uah", "support_tiers": "kava | Кава | 100 | month | На каву\nrik | Рік | 1500 | year",
        "min_amount": "50", "max_amount": "100000", "fee_percent": "2.9", "fee_fixed": "5", "wall_grace_days": "7",
        "legal_name": "Kyiv Daily NGO", "tax_id": "UA-1234", "receipt_statement": "A donation, not a purchase."})
    assert response.status_code == 303
    db_session.expire_all()
    assert site.currency == "UAH" and site.support_tiers == [
        {"id": "kava", "name": "Кава", "amount": 10000, "interval": "month", "description": "На каву"},
        {"id": "rik", "name": "Рік", "amount": 150000, "interval": "year", "description": ""}]
    assert (site.support_min_amount, site.support_max_amount, site.fee_percent_bp, site.fee_fixed) == (
        5000, 10_000_000, 290, 500)
    assert (site.wall_grace_days, site.legal_name, site.tax_id) == (7, "Kyiv Daily NGO", "UA-1234")
    assert "kava | Кава | 100.00 | month | На каву" in support_form(as_admin, site)["support_tiers"]


@pytest.mark.parametrize("change, message", [
    ({"support_tiers": "coffee | Coffee | 3 | month"}, "Tier line 1 (Coffee): The smallest amount we can accept is "
                                                       "UAH\u00a025.00."),  # the desk writes money as Babel does
    ({"support_tiers": "coffee | Coffee | 100 | week"}, "Tier line 1: the interval is month or year."),
    ({"min_amount": "1"}, "Smallest custom amount: The smallest amount we can accept is UAH\u00a025.00."),
    ({"currency": "JPY", "support_tiers": "ocha | Tea | 300.5 | month"}, "Tier line 1 (Tea): Use a whole amount."),
    ({"currency": "BHD", "support_tiers": "a | A | 1.505 | month"}, "Tier line 1 (A): Use at most 2 decimal places."),
    ({"fee_percent": "45"}, "Card fee: between 0 and 20 %."),
])
def test_support_settings_stripe_cannot_charge_are_refused_with_a_sentence(as_admin, db_session, change, message):
    site = make_site(db_session, "kyiv", currency="UAH")
    db_session.commit()
    data = {**support_form(as_admin, site), "support_tiers": "kava | Кава | 100 | month", "min_amount": "50",
            **change}
    response = as_admin.post(f"/desk/admin/sites/{site.id}", data=data)
    assert response.status_code == 400
    assert html_lib.escape(message, quote=True) in response.get_data(as_text=True)
    db_session.expire_all()
    assert site.currency == "UAH" and site.support_min_amount == 100  # nothing was saved


def test_a_sites_privacy_policy_url_is_set_on_its_settings_page(as_admin, db_session):
    site = make_site(db_session, "courier", base_url="https://courier.example")
    db_session.commit()
    settings = support_form(as_admin, site)
    bad = as_admin.post(f"/desk/admin/sites/{site.id}", data={**settings, "privacy_url": "privacy page"})
    assert bad.status_code == 400 and "privacy policy URL must be an absolute http(s) URL" in bad.get_data(as_text=True)
    saved = as_admin.post(f"/desk/admin/sites/{site.id}",
                          data={**settings, "privacy_url": "https://courier.example/privacy#readers"})
    assert saved.status_code == 303
    db_session.expire_all()
    assert site.privacy_url == "https://courier.example/privacy#readers"
    assert 'value="https://courier.example/privacy#readers"' in as_admin.get(f"/desk/admin/sites/{site.id}").get_data(
        as_text=True)


def test_an_admin_sets_the_standards_links_that_every_article_page_carries(as_admin, client, db_session):
    site = make_site(db_session, "courier", base_url="https://courier.example")
    article = make_article(db_session, site)
    db_session.commit()
    settings = support_form(as_admin, site)
    bad = as_admin.post(f"/desk/admin/sites/{site.id}", data={**settings, "corrections_policy_url": "our policy"})
    assert bad.status_code == 400 and "corrections policy URL must be an absolute http(s) URL" in bad.text
    saved = as_admin.post(f"/desk/admin/sites/{site.id}", data={
        **settings, "principles_url": "https://courier.example/ethics",
        "corrections_policy_url": "https://courier.example/corrections", "feedback_policy_url":
        "https://courier.example/contact", "second_approval": "y", "target_decision_hours": "24",
        "target_correction_hours": "48"})
    assert saved.status_code == 303
    db_session.expire_all()
    assert site.second_approval is True
    assert (site.target_decision_hours, site.target_correction_hours) == (24, 48)
    page = as_admin.get(f"/sites/{site.name}/articles/{article.id}").text
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert (data["publishingPrinciples"], data["correctionsPolicy"], data["actionableFeedbackPolicy"]) == (
        "https://courier.example/ethics", "https://courier.example/corrections", "https://courier.example/contact")
    assert client.get("/api/v1/notes", query_string={"url": article.url}).json["policies"]["correctionsPolicy"] == (
        "https://courier.example/corrections")


def test_wordpress_write_access_is_set_at_the_sites_page_and_the_password_never_shown_again(as_admin, db_session,
                                                                                             app):
    from readerdesk.services.articles.credentials import wordpress_credentials

    site = make_site(db_session, "courier", base_url="https://courier.example")
    db_session.commit()
    url = f"/desk/admin/sites/{site.id}/wordpress"
    needs_connector = as_admin.post(url, data={"user": "desk", "application_password": "abcd efgh"})
    assert needs_connector.status_code == 400 and "Choose the WordPress connector" in needs_connector.text
    site.connector, site.connector_url = "wordpress", "https://courier.example"
    db_session.commit()
    no_password = as_admin.post(url, data={"user": "desk", "application_password": ""})
    assert no_password.status_code == 400 and "give the application password" in no_password.text
    saved = as_admin.post(url, data={"user": "desk", "application_password": "abcd efgh ijkl"})
    assert saved.status_code == 303
    db_session.expire_all()
    assert wordpress_credentials(site, secret_key=app.config["SECRET_KEY"]).application_password == "abcd efgh ijkl"
    page = as_admin.get(f"/desk/admin/sites/{site.id}").text
    assert "Set for the WordPress user <strong>desk</strong>" in page
    assert "abcd" not in page and site.wordpress_secret not in page
    removed = as_admin.post(url, data={"remove": "y"})
    assert removed.status_code == 303
    db_session.expire_all()
    assert site.wordpress_user is None and site.wordpress_secret is None


def test_editors_cannot_set_wordpress_access(client, db_session):
    site = make_site(db_session)
    editor = make_user(db_session)
    db_session.commit()
    sign_in(client, editor)
    response = client.post(f"/desk/admin/sites/{site.id}/wordpress", data={"user": "x", "application_password": "y"})
    assert response.status_code == 403
    db_session.expire_all()
    assert site.wordpress_secret is None


def test_a_sites_reportable_parts_are_set_on_its_settings_page(as_admin, db_session):
    site = make_site(db_session, "courier", base_url="https://courier.example")
    db_session.commit()
    settings = support_form(as_admin, site)
    bad = as_admin.post(f"/desk/admin/sites/{site.id}", data={**settings, "parts": "headline=h1\nfooter=footer"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "unknown part &#39;footer&#39;" in page
    assert page.index('name="parts"') < page.index("unknown part") < page.index('name="connector"')  # at its field
    saved = as_admin.post(f"/desk/admin/sites/{site.id}",
                          data={**settings, "parts": "headline=h1\ncaption=figure figcaption"})
    assert saved.status_code == 303
    db_session.expire_all()
    assert site.parts == {"headline": "h1", "caption": "figure figcaption"}
    assert "caption=figure figcaption" in as_admin.get(f"/desk/admin/sites/{site.id}").get_data(as_text=True)


def test_an_admin_puts_an_author_on_a_desk_and_an_editor_cannot(app, as_admin, db_session):
    assert "No author is on a desk yet." in as_admin.get("/desk/admin/author-desks").text
    response = as_admin.post("/desk/admin/author-desks", data={"author": "Olena <Koval>", "desk": "Politics"})
    assert response.status_code == 303
    page = as_admin.get("/desk/admin/author-desks").text
    assert "<td>Olena &lt;Koval&gt;</td><td>Politics</td>" in page
    response = as_admin.post("/desk/admin/author-desks", data={"author": "", "desk": "Politics"})
    assert response.status_code == 400
    editor = make_user(db_session, "desk-ed@example.com")
    db_session.commit()
    other = app.test_client()
    sign_in(other, editor)
    assert other.post("/desk/admin/author-desks", data={"author": "Bo", "desk": "Culture"}).status_code == 403
    # The table's cells, not the page: a random CSRF token can hold the letters "Bo".
    assert "<td>Bo</td>" not in as_admin.get("/desk/admin/author-desks").text
    assert "<td>Culture</td>" not in as_admin.get("/desk/admin/author-desks").text


def test_every_column_of_the_staff_and_sites_tables_has_a_header_name(as_admin, db_session, editor):
    """axe's empty-table-header: the action column's header is named for screen readers, not shown."""
    make_site(db_session)
    db_session.commit()
    for path in ("/desk/admin/users", "/desk/admin/sites"):
        page = as_admin.get(path).get_data(as_text=True)
        headers = re.findall(r"<th>(.*?)</th>", re.search(r"<thead>(.*?)</thead>", page, re.S).group(1))
        assert all(re.sub(r"<[^>]+>", "", h).strip() for h in headers), (path, headers)
        assert '<th><span class="visually-hidden">Actions</span></th>' in page


def test_an_admin_writes_the_hosted_policy_that_article_pages_link_to(as_admin, app, client, db_session):
    site = make_site(db_session, "kyiv", base_url="https://kyiv.example")
    site.principles_url = "https://kyiv.example/ethics"
    article = make_article(db_session, site)
    db_session.commit()
    assert client.get("/sites/kyiv/policy").status_code == 404  # none yet
    markdown = "# Corrections\n\nWrite to **us**. <script>alert(1)</script>\n\n[Ethics](javascript:alert(1))"
    response = as_admin.post(f"/desk/admin/sites/{site.id}", data={**support_form(as_admin, site),
                                                                   "principles_url": site.principles_url,
                                                                   "policy_markdown": markdown})
    assert response.status_code == 303
    assert "# Corrections" in as_admin.get(f"/desk/admin/sites/{site.id}").text  # shown again to edit
    page = client.get("/sites/kyiv/policy").text
    assert "<h1>Corrections</h1>" in page and "<strong>us</strong>" in page
    assert "<script>alert" not in page and 'href="javascript' not in page
    data = json.loads(re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>',
                                client.get(f"/sites/kyiv/articles/{article.id}").text, re.S).group(1))
    hosted = app.config["PUBLIC_URL"] + "/sites/kyiv/policy"
    assert (data["publishingPrinciples"], data["correctionsPolicy"], data["actionableFeedbackPolicy"]) == (
        "https://kyiv.example/ethics", hosted, hosted)
    notes = client.get("/api/v1/notes", query_string={"url": article.url}).get_json()
    assert notes["policies"]["correctionsPolicy"] == hosted


def test_a_policy_too_long_is_a_form_error(as_admin, db_session):
    site = make_site(db_session)
    db_session.commit()
    response = as_admin.post(f"/desk/admin/sites/{site.id}", data={**support_form(as_admin, site),
                                                                   "policy_markdown": "x" * 50_001})
    assert response.status_code == 400 and "cannot be longer than 50000 characters" in response.text
    assert db_session.get(Site, site.id).policy_markdown == ""


def test_a_policy_with_an_image_is_refused_with_why_and_the_text_kept(as_admin, admin, db_session):
    site = make_site(db_session)
    db_session.commit()
    markdown = "# Corrections\n\n![Our desk](https://cdn.example/desk.png)"
    response = as_admin.post(f"/desk/admin/sites/{site.id}", data={**support_form(as_admin, site),
                                                                   "policy_markdown": markdown})
    assert response.status_code == 400 and "The policy page shows no images" in response.text
    assert "![Our desk](https://cdn.example/desk.png)" in response.text  # the text is kept in the form
    assert db_session.get(Site, site.id).policy_markdown == ""
    admin.language = "uk"
    db_session.commit()
    response = as_admin.post(f"/desk/admin/sites/{site.id}", data={**support_form(as_admin, site),
                                                                   "policy_markdown": markdown})
    assert response.status_code == 400 and "Сторінка правил не показує зображень" in response.text


def test_an_admin_makes_an_author_with_a_byline_name(as_admin, app, db_session):
    refused = as_admin.post("/desk/admin/users", data={"email": "w@example.com", "password": PASSWORD,
                                                       "role": "author"})
    assert refused.status_code == 400 and "needs the name they sign articles with" in refused.text
    created = as_admin.post("/desk/admin/users", data={"email": "w@example.com", "password": PASSWORD,
                                                       "role": "author", "byline": " Olena Koval "})
    assert created.status_code == 303
    user = db_session.scalar(select(User).where(User.email == "w@example.com"))
    assert (user.role, user.byline) == (Role.AUTHOR, "Olena Koval")
    as_admin.post(f"/desk/admin/users/{user.id}/role", data={"role": "author", "byline": "Bo Chen"})
    db_session.refresh(user)
    assert user.byline == "Bo Chen"
    assert sign_in(app.test_client(), "w@example.com").headers["Location"] == "/desk/stats"


def test_a_ukrainian_admin_runs_staff_sites_and_their_settings_in_ukrainian(in_ukrainian, db_session, editor):
    site = make_site(db_session, "kyiv", base_url="https://kyiv.example", currency="UAH")  # the default tiers
    db_session.commit()
    data = ("redaktorka@example.com", "ed@example.com", "kyiv", "https://kyiv.example", ".article-body", "UAH",
            "A cup of coffee", "A month of news", "A year of news")

    users = in_ukrainian.get("/desk/admin/users").get_data(as_text=True)
    assert "<h1>Працівники</h1>" in users and ">Завершити сеанси</button>" in users and "(ви)" in users
    assert english_left(users, *data) == []
    ended = in_ukrainian.post(f"/desk/admin/users/{editor.id}/sessions/end", follow_redirects=True)
    assert "Завершено 0 сеансів ed@example.com." in ended.get_data(as_text=True)  # 0 takes the "many" form

    log = in_ukrainian.get("/desk/admin/security-log").get_data(as_text=True)
    assert "завершив(-ла) усі сеанси" in log and "2026\u202fр., " in log  # the date as Ukrainian writes it
    # The details are stored as they were written, in English (README, issue 13's "Not yet").
    details = db_session.scalars(select(SecurityEvent.detail)).all()
    assert english_left(log, *data, *details) == []

    for path in ("/desk/admin/sites", "/desk/admin/author-desks"):
        assert english_left(in_ukrainian.get(path).get_data(as_text=True), *data) == []

    settings = in_ukrainian.get(f"/desk/admin/sites/{site.id}").get_data(as_text=True)
    assert "A cup of coffee (3,00\u00a0₴) — менше за мінімальний платіж Stripe 25,00\u00a0₴" in settings
    tiers = [str(value) for tier in site.support_tiers for value in tier.values()]
    # Codes and names the form asks for as they are written (CSS part names, schema.org properties...).
    codes = ("headline, standfirst, caption", "(html)", "WordPress REST API", "publishingPrinciples",
             "correctionsPolicy", "actionableFeedbackPolicy", "EUR", "JPY", "BHD", "Europe/Kyiv", "UTC",
             "(Markdown)", "JSON-LD", "HTML")
    assert english_left(settings, *data, *tiers, *codes) == []

    refused = in_ukrainian.post(f"/desk/admin/sites/{site.id}", data={
        **support_form(in_ukrainian, site), "support_tiers": "kava | Кава | 3 | month", "min_amount": "50"})
    assert refused.status_code == 400
    assert "Рядок рівня 1 (Кава): Найменша сума, яку ми можемо прийняти, — 25,00\u00a0₴." in refused.get_data(
        as_text=True)
