"""Which language and time zone a page is drawn in (Flask-Babel's selectors): the one place that decides.

Readers and patrons get their page's or site's language: a public view calls :func:`use_page_language`
with the article's or site's language, which then wins over everything. The API speaks the reader's
language (:func:`reader_language`: the report's ``language``, the widget's ``?lang=``, then
Accept-Language). Staff see the desk in the language they chose on their account page; without a choice
(and for anyone signed out: the sign-in pages) the browser's Accept-Language decides among the languages
readerdesk ships catalogues for, else English. Emails and jobs, outside a request, use
``flask_babel.force_locale(site.language)``. Dates are shown in ``DESK_TIMEZONE``.

Also the one place the desk writes dates, months, numbers and money in the page's language (the
Jinja filters ``when``, ``day``, ``month``, ``number``, ``percent``, ``money``: "1 234,50 ₴", "1 грудня 2026 р."), and
says what Flask-free code handed it: a service's TranslatableError (``explain``), a label that comes
from data (``phrase``), the privacy records' counts (``counted_records``).
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime

import flask_babel
from babel.dates import format_skeleton
from babel.dates import get_timezone as babel_timezone
from flask import Flask, current_app, g, request
from flask_babel import get_locale, get_timezone, gettext, ngettext
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from readerdesk.extensions import TRANSLATOR, babel
from readerdesk.services.privacy.records import COUNT_NAMES
from readerdesk.text.languages import LANGUAGES, format_moment, pick_language
from readerdesk.text.translatable import Sentence, Sentences, TranslatableError


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


def when(moment: datetime | None, zone_name: str | None = None) -> str:
    """A moment on the desk, in its language and time zone (or ``zone_name``'s, e.g. a site's):
    "1 Dec 2026, 14:33", "1 груд. 2026 р., 14:33"."""
    if moment is None:
        return ""
    return format_moment(moment, get_locale(), babel_timezone(zone_name) if zone_name else get_timezone())


def day(moment: datetime | None) -> str:
    """A day, written out (``TRANSLATOR.day``): "1 December 2026", "1 грудня 2026 р."; nothing for no day."""
    return "" if moment is None else TRANSLATOR.day(moment)


def month(moment: datetime | None) -> str:
    """A month and its year: "Nov 2026", "лист. 2026 р."."""
    return "" if moment is None else format_skeleton("yMMM", moment, locale=get_locale())


# An amount in integer minor units, in the page's language, with as many decimals as Stripe counts:
# "€1,234.50", "1 234,50 ₴", "¥300", "1,250 BHD". The same words a service gets from the translator.
money = TRANSLATOR.money


def counted_records(counts: dict[str, int]) -> str:
    """services.privacy.records.describe_counts in the page's language: "2 звіти, 1 запис патрона"."""
    return ", ".join(ngettext(*COUNT_NAMES[name], count) if name in COUNT_NAMES else f"{count} {name}"
                     for name, count in counts.items() if count)


def phrase(text: str) -> str:
    """A catalogue id that comes from data (a Stripe word with a fallback, a stored label), translated
    as plain text: templates escape it, which they do not do to ``_()``'s result."""
    return gettext(text)


def say(sentence: Sentence | Sentences) -> str:
    """A sentence a service wrote as data (text.translatable), in the page's language; templates escape it."""
    return sentence.say(TRANSLATOR)


def explain(exc: Exception) -> str:
    """An error's sentence in the page's language: a TranslatableError through the catalogue (its values
    too when they are errors, Phrases or Amounts), any other error as it is."""
    return exc.say(TRANSLATOR) if isinstance(exc, TranslatableError) else str(exc)


def init_babel(app: Flask, translations_dir: str) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translations_dir
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.filters.update(when=when, day=day, month=month, money=money, number=flask_babel.format_decimal,
                                 phrase=phrase, say=say, percent=flask_babel.format_percent)
    app.jinja_env.globals.update(page_language=lambda: str(get_locale() or "en"))
