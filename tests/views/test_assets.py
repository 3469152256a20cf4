"""Static files and compression: what a browser, a CDN and a publisher's page get."""

import gzip
import re

import brotli
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


def test_assets_are_sent_brotli_or_gzip_as_the_client_prefers(client):
    plain = client.get("/static/readerdesk.js")
    assert "Content-Encoding" not in plain.headers
    squeezed = client.get("/static/readerdesk.js", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert squeezed.headers["Content-Encoding"] == "br" and "Accept-Encoding" in squeezed.headers["Vary"]
    assert brotli.decompress(squeezed.data) == plain.data
    zipped = client.get("/static/readerdesk.js", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
    assert len(squeezed.data) < len(zipped.data) < len(plain.data) / 2
    # Each encoding is its own representation to a cache: its own ETag, revalidated on its own.
    assert len({plain.headers["ETag"], zipped.headers["ETag"], squeezed.headers["ETag"]}) == 3
    again = client.get("/static/readerdesk.js", headers={"Accept-Encoding": "br",
                                                         "If-None-Match": squeezed.headers["ETag"]})
    assert again.status_code == 304
    # A client that rates gzip higher gets gzip; one that refuses both gets the file as it is.
    rated = client.get("/static/readerdesk.js", headers={"Accept-Encoding": "br;q=0.5, gzip"})
    assert rated.headers["Content-Encoding"] == "gzip"
    assert client.get("/static/readerdesk.js", headers={"Accept-Encoding": "identity"}).data == plain.data
    assert client.get("/static/readerdesk.js", headers={"Accept-Encoding": "br;q=0, gzip;q=0"}).data == plain.data


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_public_pages_are_compressed_but_pages_with_a_csrf_token_are_not(client):
    page = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert page.headers.get("Content-Encoding") == "gzip" and gzip.decompress(page.data).startswith(b"{")
    page = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip, br"})
    assert page.headers.get("Content-Encoding") == "br" and brotli.decompress(page.data).startswith(b"{")
    assert "Accept-Encoding" in page.headers["Vary"]
    for encodings in ("gzip", "br"):
        login = client.get("/auth/login", headers={"Accept-Encoding": encodings})
        assert "Content-Encoding" not in login.headers and b'name="csrf_token"' in login.data


def test_static_paths_cannot_leave_the_static_folder(client):
    assert client.get("/static/../app.py").status_code == 404
    assert client.get("/static/nothing-here.js").status_code == 404
