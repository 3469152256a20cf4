"""Static files and compression: what a browser, a CDN and a publisher's page get."""

import gzip
import re

import pytest


def test_pages_link_versioned_assets_that_are_cached_for_a_year(client):
    home = client.get("/").get_data(as_text=True)
    css = re.search(r'href="(/static/site\.css\?v=\w+)"', home)
    assert css, home[:500]
    response = client.get(css.group(1))
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert response.cache_control.max_age == 365 * 24 * 3600 and response.cache_control.immutable
    # A version that is not the file's current one is not cached for long.
    assert client.get("/static/site.css?v=0123456789abcdef").cache_control.max_age == 300


def test_the_embedded_widget_url_is_cached_briefly_and_revalidated_with_its_etag(client):
    response = client.get("/static/readerdesk.js")
    assert response.status_code == 200 and response.mimetype in ("text/javascript", "application/javascript")
    assert response.cache_control.max_age == 300 and not response.cache_control.immutable
    etag = response.headers["ETag"]
    again = client.get("/static/readerdesk.js", headers={"If-None-Match": etag})
    assert again.status_code == 304 and not again.data


def test_assets_are_gzipped_for_clients_that_accept_it(client):
    plain = client.get("/static/readerdesk.js")
    zipped = client.get("/static/readerdesk.js", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data and len(zipped.data) < len(plain.data) / 2
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert client.get("/static/readerdesk.js", headers={"Accept-Encoding": "identity"}).data == plain.data


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_public_pages_are_gzipped_but_pages_with_a_csrf_token_are_not(client):
    page = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip" and gzip.decompress(page.data).startswith(b"{")
    login = client.get("/auth/login", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in login.headers and b'name="csrf_token"' in login.data


def test_static_paths_cannot_leave_the_static_folder(client):
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nothing-here.js").status_code == 404
