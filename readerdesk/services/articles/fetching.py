"""Fetching pages and JSON over HTTP, with errors a person can act on."""

from __future__ import annotations

import requests

MAX_PAGE_BYTES = 10 * 1024 * 1024


class FetchError(RuntimeError):
    """The resource could not be fetched; the message is one line."""


def get(http: requests.Session, url: str, *, timeout: float, params: dict | None = None,
        max_bytes: int = MAX_PAGE_BYTES) -> requests.Response:
    try:
        response = http.get(url, params=params, timeout=timeout)
    except requests.exceptions.InvalidURL:
        raise FetchError(f"invalid URL: {url}") from None
    except requests.exceptions.Timeout:
        raise FetchError(f"timed out after {timeout:g}s fetching {url}") from None
    except requests.exceptions.ConnectionError:
        raise FetchError(f"cannot reach {url} (connection failed)") from None
    except requests.exceptions.RequestException as exc:
        raise FetchError(f"cannot fetch {url}: {exc.__class__.__name__}") from None
    if response.status_code >= 400:
        raise FetchError(f"{url} answered HTTP {response.status_code}")
    if len(response.content) > max_bytes:
        raise FetchError(f"{url} is larger than {max_bytes:,} bytes")
    return response


def fetch_html(http: requests.Session, url: str, *, timeout: float) -> str:
    response = get(http, url, timeout=timeout)
    content_type = response.headers.get("Content-Type", "")
    if "html" not in content_type.lower():
        raise FetchError(f"{url} is not an HTML page (Content-Type: {content_type or 'none'})")
    response.encoding = response.encoding or response.apparent_encoding
    return response.text


def new_http_session(user_agent: str) -> requests.Session:
    http = requests.Session()
    http.headers["User-Agent"] = user_agent
    return http
