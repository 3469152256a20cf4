"""The languages readerdesk speaks, and how one is picked for a reader.

The words themselves are in the gettext catalogues (readerdesk/translations/<lang>/LC_MESSAGES/messages.po,
`make translations`); the widget's come from the same catalogues at build time (tools/widget_catalogues.py).
A language is spoken when it has a catalogue, so adding one is adding one .po file.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from readerdesk.text.marks import N_ as N_  # re-exported: where most code finds it
from readerdesk.text.money import format_amount

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
SOURCE_LANGUAGE = "en"  # the msgids are English


def _languages_with_a_catalogue() -> tuple[str, ...]:
    found = sorted(folder.name for folder in TRANSLATIONS.iterdir()
                   if (folder / "LC_MESSAGES" / "messages.po").is_file() and folder.name != SOURCE_LANGUAGE)
    return (SOURCE_LANGUAGE, *found)


LANGUAGES = _languages_with_a_catalogue()


def language_name(code: str) -> str:
    """The language in itself, as a language picker shows it: "English", "Українська"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def pick_language(*candidates: str | None) -> str:
    """The first candidate (``uk``, ``uk-UA``, ``en_GB``...) readerdesk has a catalogue for; English
    otherwise. Readers get their page's or site's language: callers list the page's first."""
    for candidate in candidates:
        if isinstance(candidate, str) and candidate:
            primary = candidate.strip().lower().replace("_", "-").split("-")[0]
            if primary in LANGUAGES:
                return primary
    return SOURCE_LANGUAGE


def format_moment(moment: datetime, locale: Locale | str, zone: tzinfo) -> str:
    """A moment in a language and time zone: "1 Dec 2026, 14:33", "1 груд. 2026 р., 14:33"."""
    locale = Locale.parse(locale)
    day = format_skeleton("yMMMd", moment, tzinfo=zone, locale=locale)
    time = format_skeleton("Hm", moment, tzinfo=zone, locale=locale)
    return locale.datetime_formats["medium"].format(time, day)  # "{1}, {0}": the language's order


def format_day(moment: date | datetime, locale: Locale | str, zone: tzinfo) -> str:
    """A day, written out: "1 December 2026", "1 грудня 2026 р."; a moment counts in ``zone``."""
    if isinstance(moment, datetime):
        moment = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(zone).date()
    return format_date(moment, "long", locale=locale)


class Translator(Protocol):
    """What a service that words a sentence for a reader needs: ``gettext``, ``ngettext``, and numbers,
    money and dates as the language writes them. Views and jobs pass ``extensions.TRANSLATOR``
    (Flask-Babel's, in the request's or the forced locale and ``DESK_TIMEZONE``), so services stay free of
    Flask; :func:`translator_for` serves code outside Flask."""

    def gettext(self, string: str, **variables) -> str: ...

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str: ...

    def number(self, number: int) -> str:
        """``number`` as the language writes it: "1,234", "1 234"."""
        ...

    def money(self, minor: int, currency: str) -> str:
        """An amount in minor units as the language writes money: "€1,234.50", "1 234,50 ₴"."""
        ...

    def day(self, moment: date | datetime) -> str:
        """A day, written out: "1 December 2026", "1 грудня 2026 р."."""
        ...

    def moment(self, moment: datetime) -> str:
        """A date and time: "1 Dec 2026, 14:33", "1 груд. 2026 р., 14:33"."""
        ...


class CatalogueTranslator:
    """A :class:`Translator` for one language, straight from the compiled catalogues (the same .mo files
    Flask-Babel reads), for code that knows its language but runs in no request: a note's stored
    sentence in its site's language, the desk's English-only records (:data:`ENGLISH`)."""

    def __init__(self, language: str | None, timezone: str = "UTC"):
        self.language = pick_language(language)
        self.timezone = ZoneInfo(timezone)
        self._catalogue = _catalogue(self.language)

    def gettext(self, string: str, **variables) -> str:
        translated = self._catalogue.gettext(string)
        return translated % variables if variables else translated

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        return self._catalogue.ngettext(singular, plural, num) % {"num": num, **variables}

    def number(self, number: int) -> str:
        return format_decimal(number, locale=self.language)

    def money(self, minor: int, currency: str) -> str:
        return format_amount(minor, currency, self.language)

    def day(self, moment: date | datetime) -> str:
        return format_day(moment, self.language, self.timezone)

    def moment(self, moment: datetime) -> str:
        return format_moment(moment, self.language, self.timezone)


@functools.cache
def _catalogue(language: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [language])


def translator_for(language: str | None, timezone: str = "UTC") -> Translator:
    """Says things in ``language`` (else English), dates in ``timezone``, outside Flask."""
    return CatalogueTranslator(language, timezone)


ENGLISH: Translator = CatalogueTranslator(SOURCE_LANGUAGE)
