"""Fetching article pages over HTTP (through ``services.outbound``: public addresses only)."""

from __future__ import annotations

import requests

from readerdesk.services.outbound import MAX_PAGE_BYTES, FetchError, get

__all__ = ["MAX_PAGE_BYTES", "FetchError", "fetch_html", "get"]


def fetch_html(http: requests.Session, url: str, *, timeout: float) -> str:
    response = get(http, url, timeout=timeout)
    content_type = response.headers.get("Content-Type", "")
    if "html" not in content_type.lower():
        raise FetchError(f"{url} is not an HTML page (Content-Type: {content_type or 'none'})")
    response.encoding = response.encoding or response.apparent_encoding
    return response.text
