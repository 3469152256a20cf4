"""SSRF: outbound fetches reach public addresses only, on the site's own host, and pushed or imported
articles must lie under their site's base URL. Each case has a local listener that must see no request."""

from __future__ import annotations

from ipaddress import ip_network

import pytest
from sqlalchemy import select

from readerdesk.jobs.mail import new_correction
from readerdesk.models import AnchorState, Article, Correction
from readerdesk.services import outbound
from readerdesk.services.articles.sites import create_site
from readerdesk.services.outbound import AddressRefused, FetchError, get, new_http_session
from tests.factories import make_article, make_site, paragraphs
from tests.fakes.http import LocalServer


@pytest.fixture
def listener():
    page = (200, {"Content-Type": "text/html"}, b"<article><p>secret</p></article>")
    with LocalServer(lambda *request: page) as server:
        yield server


def push(client, token, site, url):
    return client.put(f"/api/v1/sites/{site}/articles", headers={"Authorization": f"Bearer {token}"},
                      json={"url": url, "title": "T", "html": "<p>Text.</p>"})


def test_the_push_api_refuses_urls_outside_the_sites_base_url(client, db_session):
    created = create_site(db_session, "courier", base_url="https://news.example/courier/", body_selector="article")
    create_site(db_session, "other", base_url="https://other.example", body_selector="article")
    db_session.commit()
    for url in ("http://127.0.0.1:8080/admin", "http://169.254.169.254/latest/meta-data/",
                "https://other.example/2026/story", "https://news.example/courierx/story",
                "http://news.example/courier/story"):
        response = push(client, created.api_token, "courier", url)
        assert response.status_code == 400 and "not under the site's base URL" in response.get_json()["error"], url
    assert push(client, created.api_token, "courier", "https://news.example/courier/2026/story").status_code == 201
    assert db_session.scalar(select(Article.url)) == "https://news.example/courier/2026/story"


def test_a_readers_unmatched_quote_does_not_fetch_a_loopback_article(client, db_session, listener):
    site = make_site(db_session, base_url=listener.url)
    site.connector = "html"
    article = make_article(db_session, site, url=listener.url + "/story", html=paragraphs("Old text."))
    db_session.commit()
    response = client.post("/api/v1/corrections", json={
        "idempotency_key": "ssrf-000001", "article_url": article.url, "kind": "typo",
        "selectors": [{"type": "TextQuoteSelector", "exact": "text nobody has seen"}]})
    assert response.status_code == 201
    assert listener.requests == []
    correction = db_session.scalar(select(Correction))
    assert correction.anchor_state == AnchorState.UNANCHORED and article.current_revision.number == 1


def test_allowed_fetch_networks_opts_in_an_intranet_cms(listener):
    assert get(new_http_session("t", [ip_network("127.0.0.1/32")]), listener.url + "/a", timeout=5).status_code == 200
    assert len(listener.requests) == 1


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "0.0.0.0", "10.1.2.3", "169.254.169.254",
                                  "100.64.0.1", "[::ffff:127.0.0.1]", "224.0.0.1", "[fe80::1]"])
def test_non_public_addresses_are_refused_before_connecting(host):
    with pytest.raises(AddressRefused, match="non-public address"):
        get(new_http_session("t"), f"http://{host}:9/x", timeout=2)


def test_a_redirect_may_not_leave_the_host(listener):
    elsewhere = f"http://localhost:{listener.url.rsplit(':', 1)[1]}/in"  # the same machine, another host name
    with LocalServer(lambda *r: (302, {"Location": elsewhere}, b"")) as start:
        http = new_http_session("t", [ip_network("127.0.0.0/8"), ip_network("::1/128")])
        with pytest.raises(FetchError, match="away from 127.0.0.1"):
            get(http, start.url + "/story", timeout=5)
    assert listener.requests == []


def test_a_redirect_on_the_same_host_is_followed_and_checked_at_each_hop(listener):
    with LocalServer(lambda *r: (301, {"Location": listener.url + "/moved"}, b"")) as start:
        # Allowed, the same host: followed.
        response = get(new_http_session("t", [ip_network("127.0.0.1/32")]), start.url + "/a", timeout=5)
        assert response.status_code == 200 and listener.requests[0][1] == "/moved"


def test_a_name_that_changes_its_answer_after_the_check_is_refused_on_the_connected_address(monkeypatch, listener):
    monkeypatch.setattr(outbound, "check_host", lambda *args: None)  # as if DNS had said "public" at first
    with pytest.raises(AddressRefused, match="connected to a non-public address"):
        get(new_http_session("t"), listener.url + "/a", timeout=5)
    assert listener.requests == []


def test_importing_from_a_loopback_url_is_refused(runner, db_session, listener):
    create_site(db_session, "courier", base_url=listener.url, body_selector="article")
    db_session.commit()
    result = runner.invoke(args=["articles", "import", listener.url + "/story"])
    assert result.exit_code == 1 and "non-public address" in result.output
    assert listener.requests == []


def test_a_wordpress_sync_against_a_private_address_is_refused(runner, db_session, listener):
    create_site(db_session, "courier", base_url=listener.url, body_selector="article")
    db_session.commit()
    result = runner.invoke(args=["articles", "sync-wordpress", listener.url])
    assert result.exit_code == 1 and "non-public address" in result.output
    assert listener.requests == []


def test_slack_at_a_loopback_address_gets_nothing(app, db_session, listener):
    from tests.factories import make_correction

    app.config.update(SLACK_WEBHOOK_URL=listener.url + "/hooks/x", EDITOR_NOTIFICATIONS="off")
    correction = make_correction(db_session)
    db_session.commit()
    with pytest.raises(AddressRefused):  # the job fails (the runner retries, then logs it)
        new_correction(correction.id)
    assert listener.requests == []
