"""Outgoing HTTP (services/outbound.py): public addresses only, checked before connecting, on the address
really connected to, and at each redirect hop, which may not leave the host. ALLOWED_FETCH_NETWORKS opts in
an intranet CMS. Each case has a local listener (tests/fakes/http.py) that must see no request."""

from __future__ import annotations

from ipaddress import ip_network

import pytest

from readerdesk.services import outbound
from readerdesk.services.outbound import AddressRefused, FetchError, get, new_http_session
from tests.fakes.http import LocalServer


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
