"""Browser security headers on every response.

* ``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: strict-origin-when-cross-origin``
  everywhere; ``Strict-Transport-Security`` when ``PUBLIC_URL`` is https.
* HTML pages get a ``Content-Security-Policy``: scripts only from readerdesk itself or carrying the
  response's nonce (``csp_nonce()`` in templates), no plugins, no ``<base>`` tricks.
* The desk and the sign-in pages may not be framed (``frame-ancestors 'none'``), post forms only to
  readerdesk, and allow no inline styles. Public pages allow inline ``<style>``: the widget and the
  support box style their Shadow DOM with one, on readerdesk's article pages as on publishers'.

Static files (the widget, the support box) carry no Cross-Origin-Resource-Policy: publishers'
pages load them from another origin.
"""

from __future__ import annotations

import secrets

from flask import Flask, current_app, g, request

HSTS_SECONDS = 2 * 365 * 24 * 3600
STAFF_PREFIXES = ("/desk", "/auth")


def csp_nonce() -> str:
    """This response's nonce for inline ``<script>`` elements (one per request)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str, *, staff_page: bool) -> str:
    directives = [
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        "style-src 'self'" if staff_page else "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
    ]
    if staff_page:
        directives += ["frame-ancestors 'none'", "form-action 'self'"]
    return "; ".join(directives)


def is_staff_page(path: str) -> bool:
    return any(path == prefix or path.startswith(prefix + "/") for prefix in STAFF_PREFIXES)


def register_security_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        if current_app.config.get("PUBLIC_URL", "").startswith("https://"):
            headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_SECONDS}")
        if response.mimetype == "text/html":
            staff_page = is_staff_page(request.path)
            headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce(), staff_page=staff_page))
            if staff_page:
                headers.setdefault("X-Frame-Options", "DENY")
        return response
