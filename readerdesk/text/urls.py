"""URL and origin normalisation (pure functions)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from readerdesk.text.languages import N_
from readerdesk.text.translatable import TranslatableError

# Query parameters that only track where a reader came from; they never change the article.
TRACKING_PARAMS = {
    "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid",
    "_ga", "_gl", "ref_src", "ref_url", "spm", "share", "cmpid", "ocid", "s_cid", "mkt_tok", "twclid",
}  # fmt: skip
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")
DEFAULT_PORTS = {"http": 80, "https": 443}


class InvalidURL(TranslatableError, ValueError):
    """Not an absolute http(s) URL."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _split(url: str):
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(N_("not a valid URL: %(url)r"), url=url) from exc
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise InvalidURL(N_("expected an absolute http(s) URL, got %(url)r"), url=url)
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return scheme, netloc, parts


def normalise_url(url: str) -> str:
    """Canonical form of an article URL: lower-case scheme and host, no default port, no fragment,
    no tracking parameters, no credentials; path and the remaining query kept in order."""
    scheme, netloc, parts = _split(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    return urlunsplit((scheme, netloc, parts.path or "/", urlencode(query, doseq=True), ""))


def normalise_origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL or origin, as browsers send it in the Origin header."""
    scheme, netloc, _ = _split(url)
    return f"{scheme}://{netloc}"


def is_under(url: str, base_url: str) -> bool:
    """``url`` lies under ``base_url``: the same scheme, host and port, and a path inside the base's
    path (``https://news.example/city/`` holds ``/city/x``, not ``/cityscape``)."""
    try:
        scheme, netloc, parts = _split(url)
        base_scheme, base_netloc, base_parts = _split(base_url)
    except InvalidURL:
        return False
    if (scheme, netloc) != (base_scheme, base_netloc):
        return False
    base_path = base_parts.path or "/"
    path = parts.path or "/"
    return path == base_path or path.startswith(base_path if base_path.endswith("/") else base_path + "/")


def absolute_link(url: str) -> str:
    """An absolute http(s) URL to link to, as given (fragment and all), or InvalidURL."""
    _split(url)
    return url.strip()
