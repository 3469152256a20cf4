"""Checks every request passes before any view: input no database can store is refused up front.

The body limit is ``MAX_CONTENT_LENGTH`` (readers' reports, forms), except where a CMS sends whole
articles: there it is ``MAX_ARTICLE_BYTES`` (``ARTICLE_ENDPOINTS``), set before any body is read.

PostgreSQL text cannot hold NUL (U+0000): a query string, form field or JSON string with one would
reach the database and fail there (a 500). Here it is a 400 that says why. The Stripe webhook is
left alone: its body is verified byte for byte, and Stripe sends no NULs.
"""

from __future__ import annotations

from flask import Flask, request

from readerdesk.views.errors import error_response

NUL = "\x00"
UNCHECKED_ENDPOINTS = {"webhooks.stripe_webhook"}
ARTICLE_ENDPOINTS = {"api.push_article"}
NUL_REFUSED = "Text cannot contain NUL (U+0000) characters."


def _has_nul() -> bool:
    if NUL in request.path or any(NUL in k or NUL in v for k, v in request.args.items(multi=True)):
        return True
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return any(NUL in k or NUL in v for k, v in request.form.items(multi=True))
    if request.is_json:
        raw = request.get_data(cache=True)
        return b"\\u0000" in raw or b"\x00" in raw
    return False


def register_request_guards(app: Flask) -> None:
    @app.before_request
    def allow_whole_articles():
        if request.endpoint in ARTICLE_ENDPOINTS:
            request.max_content_length = app.config["MAX_ARTICLE_BYTES"]

    @app.before_request
    def refuse_nul_characters():
        if request.endpoint not in UNCHECKED_ENDPOINTS and _has_nul():
            return error_response(400, NUL_REFUSED)
