"""Checks every request passes before any view: input no database can store is refused up front.

* PostgreSQL text cannot hold NUL (U+0000), and no database driver can encode a lone surrogate
  (``"\\ud800"`` in JSON): a query string, form field or JSON string with one would fail in the
  database (a 500). Here it is a 400 that says why, in the reader's language on the API.
* JSON nested deeper than :data:`MAX_JSON_DEPTH` is refused before it is parsed: Python's parser
  recurses, and a thousand levels would exhaust its stack.

The Stripe webhook is left alone: its body is verified byte for byte, and Stripe sends neither.

The body limit is ``MAX_CONTENT_LENGTH`` (readers' reports, forms), except where a CMS sends whole
articles: there it is ``MAX_ARTICLE_BYTES`` (``ARTICLE_ENDPOINTS``), set before any body is read.
"""

from __future__ import annotations

import re

from flask import Flask, request
from flask_babel import gettext

from readerdesk.text.languages import N_
from readerdesk.views.errors import error_response
from readerdesk.views.locale import reader_language, use_page_language

NUL = "\x00"
UNCHECKED_ENDPOINTS = {"webhooks.stripe_webhook"}
ARTICLE_ENDPOINTS = {"api.push_article"}
MAX_JSON_DEPTH = 32
NUL_REFUSED = N_("Text cannot contain NUL (U+0000) characters.")
SURROGATE_REFUSED = N_("Text cannot contain unpaired surrogates (such as \\ud800): send valid Unicode.")
TOO_DEEP = N_("The JSON is nested too deeply (at most %(depth)s levels).")
_SURROGATE = re.compile("[\ud800-\udfff]")


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in ``raw`` (strings skipped), without parsing it."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


def _strings(value):
    """Every string in a parsed JSON value, keys included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def has_surrogate(text: str) -> bool:
    return _SURROGATE.search(text) is not None


def _form_and_query_texts():
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in request.form.items(multi=True):
            yield key
            yield value


def problem_with_input() -> str | None:
    """The sentence refusing this request's input, or None when it is storable."""
    texts = list(_form_and_query_texts())
    if request.is_json:
        raw = request.get_data(cache=True)
        # Counting brackets is quick; the usual body has too few of them to nest deeper than the limit.
        if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and json_depth(raw) > MAX_JSON_DEPTH:
            return TOO_DEEP
        # Parsed once for the request (Flask keeps it): the view reads the same object. None when it
        # is not JSON, and the view says what is wrong with the body.
        texts.extend(_strings(request.get_json(silent=True)))
    if any(NUL in text for text in texts):
        return NUL_REFUSED
    if any(has_surrogate(text) for text in texts):
        return SURROGATE_REFUSED
    return None


def register_request_guards(app: Flask) -> None:
    @app.before_request
    def allow_whole_articles():
        if request.endpoint in ARTICLE_ENDPOINTS:
            request.max_content_length = app.config["MAX_ARTICLE_BYTES"]

    @app.before_request
    def refuse_unstorable_input():
        if request.endpoint in UNCHECKED_ENDPOINTS:
            return None
        problem = problem_with_input()
        if problem is None:
            return None
        if request.path.startswith("/api/"):  # the widget shows it to the reader
            use_page_language(reader_language(read_body=problem != TOO_DEEP))
        return error_response(400, gettext(problem, depth=MAX_JSON_DEPTH))
