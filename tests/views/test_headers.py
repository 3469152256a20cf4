"""Browser security headers on every route of the URL map, for visitors and for signed-in staff."""

from __future__ import annotations

import re

import pytest

from tests.factories import make_article, make_correction, make_poll, make_site, make_user
from tests.helpers import sign_in

pytestmark = pytest.mark.app_config(PUBLIC_URL="https://localhost")


@pytest.fixture
def values(db_session):
    site = make_site(db_session, "demo")
    article = make_article(db_session, site)
    correction = make_correction(db_session, article)
    admin = make_user(db_session, "boss@example.com", "admin")
    poll = make_poll(db_session, site)
    db_session.commit()
    return {"poll_id": poll.id, "topic_id": poll.topics[0].id, "suggestion_id": 1,
            "site_name": site.name, "site_id": site.id, "article_id": article.id, "correction_id": correction.id,
            "user_id": admin.id, "patron_id": 1, "public_id": correction.public_id, "slug": "x", "filename": "site.css",
            "member": correction.id, "token": "not-a-token", "admin": admin, "year": 2026, "note_id": 1}


def every_route(app, values):
    for rule in app.url_map.iter_rules():
        method = "GET" if "GET" in rule.methods else sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        url = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m[1]]), rule.rule)
        yield rule, method, url


def check(response, method, url):
    where = (method, url, response.status_code)
    headers = response.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
    assert headers.get("Strict-Transport-Security", "").startswith("max-age="), where
    assert "Cross-Origin-Resource-Policy" not in headers, where  # the widget loads from publishers' pages
    if response.mimetype == "text/html":
        policy = headers.get("Content-Security-Policy", "")
        assert re.search(r"script-src 'self' 'nonce-[\w-]+'", policy) and "object-src 'none'" in policy, where
        assert "unsafe-eval" not in policy and "base-uri 'none'" in policy, where
        staff = url.startswith(("/desk", "/auth"))
        assert ("frame-ancestors 'none'" in policy) == staff, where
        if staff:
            assert "'unsafe-inline'" not in policy and headers.get("X-Frame-Options") == "DENY", where


def test_every_route_carries_the_headers_for_visitors(app, client, values):
    seen = 0
    for _, method, url in every_route(app, values):
        check(client.open(url, method=method, base_url="https://localhost"), method, url)
        seen += 1
    assert seen > 40


def test_every_route_carries_the_headers_for_signed_in_admins(app, client, values):
    sign_in(client, values["admin"])
    for rule, method, url in every_route(app, values):
        if rule.endpoint in ("auth.logout", "account.end_sessions"):
            continue
        check(client.open(url, method=method, base_url="https://localhost"), method, url)


def test_the_nonce_is_new_on_each_page_and_marks_the_inline_json_ld(client, values, db_session):
    url = f"/sites/demo/articles/{values['article_id']}"
    first, second = client.get(url), client.get(url)
    nonce = re.search(r"'nonce-([\w-]+)'", first.headers["Content-Security-Policy"]).group(1)
    assert nonce != re.search(r"'nonce-([\w-]+)'", second.headers["Content-Security-Policy"]).group(1)
    assert f'<script type="application/ld+json" nonce="{nonce}">' in first.get_data(as_text=True)


def test_no_hsts_when_public_url_is_plain_http(app, client):
    app.config["PUBLIC_URL"] = "http://localhost"
    assert "Strict-Transport-Security" not in client.get("/healthz").headers
