import re

import pytest
from sqlalchemy import select

from readerdesk.models import Role, Site
from readerdesk.services.articles.sites import hash_token
from tests.factories import PASSWORD, make_site, make_user
from tests.helpers import sign_in


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
        "allowed_origins": "https://amp.courier.example", "exclude_selectors": "aside", "connector": "wordpress",
        "connector_url": "https://courier.example"})
    assert response.status_code == 303
    db_session.expire_all()
    assert (site.connector, site.exclude_selectors) == ("wordpress", ["aside"])
    assert "https://amp.courier.example" in site.allowed_origins
    bad = as_admin.post(f"/desk/admin/sites/{site.id}", data={"connector": "wordpress", "connector_url": ""})
    assert bad.status_code == 400 and "needs the site&#39;s URL" in bad.get_data(as_text=True)


def test_a_sites_privacy_policy_url_is_set_on_its_settings_page(as_admin, db_session):
    site = make_site(db_session, "courier", base_url="https://courier.example")
    db_session.commit()
    settings = {"allowed_origins": "", "exclude_selectors": "", "connector": ""}
    bad = as_admin.post(f"/desk/admin/sites/{site.id}", data={**settings, "privacy_url": "privacy page"})
    assert bad.status_code == 400 and "privacy policy URL must be an absolute http(s) URL" in bad.get_data(as_text=True)
    saved = as_admin.post(f"/desk/admin/sites/{site.id}",
                          data={**settings, "privacy_url": "https://courier.example/privacy#readers"})
    assert saved.status_code == 303
    db_session.expire_all()
    assert site.privacy_url == "https://courier.example/privacy#readers"
    assert 'value="https://courier.example/privacy#readers"' in as_admin.get(f"/desk/admin/sites/{site.id}").get_data(
        as_text=True)



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
