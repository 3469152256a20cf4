"""Outbound HTTP that cannot be turned against the inside: every fetch readerdesk makes (article
import and re-fetch, WordPress, Slack) goes through :func:`new_http_session` and :func:`get`.

* The host is resolved and every address it resolves to must be public: loopback, private,
  link-local (cloud metadata), shared, multicast, reserved and unspecified addresses are refused,
  unless they lie in one of ``allowed_networks`` (``ALLOWED_FETCH_NETWORKS``, for an intranet CMS).
* The check runs when each connection is made (every redirect hop is a new connection), and again
  on the address the socket really connected to, so DNS that changes its answer between the check
  and the connection (rebinding) gains nothing.
* Redirects are followed by :func:`get` itself, at most :data:`MAX_REDIRECTS`, and only on the
  host the fetch started at. Proxy settings from the environment are ignored.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable
from typing import TypeVar
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

MAX_PAGE_BYTES = 10 * 1024 * 1024
MAX_REDIRECTS = 5
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Connection = TypeVar("Connection", bound=HTTPConnection)


class FetchError(RuntimeError):
    """The resource could not be fetched; the message is one line."""


class AddressRefused(FetchError):
    """The host is (or resolves to) an address readerdesk does not fetch from."""


def is_refused(address: str, allowed_networks: Iterable[Network] = ()) -> bool:
    """True for an address that is not on the public internet and not explicitly allowed."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone ("fe80::1%eth0")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip.version == network.version and ip in network for network in allowed_networks):
        return False
    return not ip.is_global or ip.is_multicast or ip.is_reserved or ip.is_unspecified


def check_host(host: str, port: int, allowed_networks: Iterable[Network] = ()) -> None:
    """Resolve ``host``; raise AddressRefused when any address it has is refused."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        return  # the connection attempt reports the name error in its own words
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if is_refused(address, allowed_networks):
            raise AddressRefused(f"{host} is a non-public address ({address}); readerdesk does not fetch from "
                                 "those (an admin can allow a network with ALLOWED_FETCH_NETWORKS)")


def _guarded_connection(base: type[Connection], allowed_networks: tuple[Network, ...]) -> type[Connection]:
    class GuardedConnection(base):  # type: ignore[valid-type,misc]
        def _new_conn(self):
            check_host(self._dns_host, self.port, allowed_networks)
            sock = super()._new_conn()
            peer = sock.getpeername()[0]
            if is_refused(peer, allowed_networks):  # the name changed its answer since the check
                sock.close()
                raise AddressRefused(f"{self.host} connected to a non-public address ({peer}); refused")
            return sock

    return GuardedConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections refuse non-public addresses."""

    def __init__(self, allowed_networks: Iterable[Network] = (), **kwargs):
        self.allowed_networks = tuple(allowed_networks)
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        networks = self.allowed_networks

        class Pool(HTTPConnectionPool):
            ConnectionCls = _guarded_connection(HTTPConnection, networks)

        class TLSPool(HTTPSConnectionPool):
            ConnectionCls = _guarded_connection(HTTPSConnection, networks)

        self.poolmanager.pool_classes_by_scheme = {"http": Pool, "https": TLSPool}


def new_http_session(user_agent: str, allowed_networks: Iterable[Network] = ()) -> requests.Session:
    http = requests.Session()
    http.trust_env = False  # no proxies from the environment: a proxy would fetch on our behalf, unchecked
    http.headers["User-Agent"] = user_agent
    adapter = GuardedAdapter(allowed_networks)
    http.mount("http://", adapter)
    http.mount("https://", adapter)
    return http


def _request(http: requests.Session, method: str, url: str, *, timeout: float, **kwargs) -> requests.Response:
    try:
        return http.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except AddressRefused:
        raise
    except requests.exceptions.InvalidURL:
        raise FetchError(f"invalid URL: {url}") from None
    except requests.exceptions.Timeout:
        raise FetchError(f"timed out after {timeout:g}s fetching {url}") from None
    except requests.exceptions.ConnectionError:
        raise FetchError(f"cannot reach {url} (connection failed)") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"cannot fetch {url}: {exc.__class__.__name__}") from None


def get(http: requests.Session, url: str, *, timeout: float, params: dict | None = None,
        max_bytes: int = MAX_PAGE_BYTES) -> requests.Response:
    """GET ``url``, following redirects on its own host only. Raises FetchError (AddressRefused for
    a non-public address) with a one-line message; also for a body over ``max_bytes`` (a page; the
    WordPress connectors allow whole articles up to MAX_ARTICLE_BYTES)."""
    host = (urlsplit(url).hostname or "").lower()
    for _ in range(MAX_REDIRECTS + 1):
        response = _request(http, "GET", url, timeout=timeout, params=params)
        if not response.is_redirect:
            break
        target = urljoin(response.url or url, response.headers.get("Location", ""))
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() != host:
            raise FetchError(f"{url} redirects to {target}, away from {host}; readerdesk only follows redirects "
                             "on the same host")
        url, params = target, None
    else:
        raise FetchError(f"{url} redirects more than {MAX_REDIRECTS} times")
    if response.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {response.status_code}")
    if len(response.content) > max_bytes:
        raise FetchError(f"{url} is larger than {max_bytes:,} bytes")
    return response


def post_json(http: requests.Session, url: str, payload: dict, *, timeout: float) -> requests.Response:
    """POST JSON without following redirects. Raises FetchError."""
    response = _request(http, "POST", url, timeout=timeout, json=payload)
    if response.status_code >= 300:
        raise FetchError(f"{url} answered HTTP {response.status_code}")
    return response


def http_session_for(config) -> requests.Session:
    """The guarded session the app's settings describe (user agent, ALLOWED_FETCH_NETWORKS)."""
    return new_http_session(config["HTTP_USER_AGENT"], config.get("ALLOWED_FETCH_NETWORKS") or ())
