"""Which language and time zone a page is drawn in (Flask-Babel's selectors): the one place that decides.

Readers and patrons get their page's or site's language: a public view calls :func:`use_page_language`
with the article's or site's language, which then wins over everything. The API speaks the reader's
language (:func:`reader_language`: the report's ``language``, the widget's ``?lang=``, then
Accept-Language). Staff see the desk in the language they chose on their account page; without a choice
(and for anyone signed out: the sign-in pages) the browser's Accept-Language decides among the languages
readerdesk ships catalogues for, else English. Emails and jobs, outside a request, use
``flask_babel.force_locale(site.language)``. Dates are shown in ``DESK_TIMEZONE``.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime

import flask_babel
from flask import Flask, current_app, g, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from readerdesk.extensions import babel
from readerdesk.text.languages import LANGUAGES, format_day, format_moment, pick_language


def use_page_language(language: str | None) -> None:
    """Draw the rest of this request in ``language`` (a page's or site's), else English."""
    g.page_language = pick_language(language)
    flask_babel.refresh()  # forget a locale chosen before the page knew its site


def reader_language(*, read_body: bool = True) -> str:
    """The reader's language on the API: the report's ``language``, the ``lang`` query argument (the
    widget's page language), then Accept-Language. ``read_body=False`` for a body too deep to parse."""
    data = None
    if read_body and request.is_json:
        with contextlib.suppress(ValueError, RecursionError, HTTPException):  # refused elsewhere: too deep, too large
            data = json.loads(request.get_data(cache=True))
    try:
        accepted = request.accept_languages.best_match(LANGUAGES)
    except ValueError:
        accepted = None
    return pick_language(data.get("language") if isinstance(data, dict) else None, request.args.get("lang"), accepted)


def select_locale() -> str:
    page_language = g.get("page_language")
    if page_language in LANGUAGES:
        return page_language
    if request.path.startswith("/api/"):
        return reader_language()
    chosen = getattr(current_user, "language", None) if current_user else None
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def select_timezone() -> str:
    return current_app.config["DESK_TIMEZONE"]


def when(moment: datetime | None) -> str:
    """A moment on the desk, in its language and time zone: "1 Dec 2026, 14:33", "1 груд. 2026 р., 14:33"."""
    return "" if moment is None else format_moment(moment, get_locale(), get_timezone())


def day(moment: datetime | None) -> str:
    """A day, written out: "1 December 2026", "1 грудня 2026 р."."""
    return "" if moment is None else format_day(moment, get_locale(), get_timezone())


def init_babel(app: Flask, translations_dir: str) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translations_dir
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters.update(when=when, day=day, number=flask_babel.format_decimal,
                                 percent=flask_babel.format_percent)
    app.jinja_env.globals.update(page_language=lambda: str(get_locale() or "en"))
