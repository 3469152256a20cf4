"""The languages readerdesk speaks, and how one is picked for a reader.

The words themselves are in the gettext catalogues (readerdesk/translations/<lang>/LC_MESSAGES/messages.po,
`make translations`); the widget's come from the same catalogues at build time (tools/widget_catalogues.py).
A language is spoken when it has a catalogue, so adding one is adding one .po file.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Protocol

from babel import Locale
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

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


def N_(message: str) -> str:
    """Marks ``message`` for the catalogues (pybabel extract -k N_) where it is defined, in code that
    cannot translate (models, services); the view, template or job that shows it translates it."""
    return message


class Translator(Protocol):
    """What a service that words a sentence for a reader needs: ``gettext``, ``ngettext`` and number
    formatting. Views and jobs pass ``extensions.TRANSLATOR`` (Flask-Babel's, in the request's or the
    forced locale), so services stay free of Flask; :func:`translator_for` serves code outside Flask."""

    def gettext(self, string: str, **variables) -> str: ...

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str: ...

    def number(self, number: int) -> str:
        """``number`` as the language writes it: "1,234", "1 234"."""
        ...


class CatalogueTranslator:
    """A :class:`Translator` for one language, straight from the compiled catalogues (the same .mo files
    Flask-Babel reads), for code that knows its language but runs in no request: a note's stored
    sentence in its site's language, the desk's English-only records (:data:`ENGLISH`)."""

    def __init__(self, language: str | None):
        self.language = pick_language(language)
        self._catalogue = _catalogue(self.language)

    def gettext(self, string: str, **variables) -> str:
        translated = self._catalogue.gettext(string)
        return translated % variables if variables else translated

    def ngettext(self, singular: str, plural: str, num: int, **variables) -> str:
        return self._catalogue.ngettext(singular, plural, num) % {"num": num, **variables}

    def number(self, number: int) -> str:
        return format_decimal(number, locale=self.language)


@functools.cache
def _catalogue(language: str) -> NullTranslations:
    return Translations.load(str(TRANSLATIONS), [language])


def translator_for(language: str | None) -> Translator:
    """Says things in ``language`` (else English), outside Flask."""
    return CatalogueTranslator(language)


ENGLISH: Translator = CatalogueTranslator(SOURCE_LANGUAGE)
