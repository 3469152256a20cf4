"""What Flask-free code (services, text helpers) hands the desk to say in the staff member's language.

A TranslatableError's sentence is a catalogue id, marked with ``N_`` where it is raised, with ``%(name)s`` placeholders
that ``values`` fill: ``PollError(N_("Topic %(number)d: give it a title."), number=3)``. ``str()`` is
the English sentence (the CLI, logs, the API); ``views.locale.explain`` gives it in the desk's
language, explaining nested errors among the values too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only the type: text.languages imports text.money, which imports this module
    from readerdesk.text.languages import Translator


class Phrase(str):
    """A catalogue id given as one of a TranslatableError's values (marked with ``N_`` where it is
    written): ``explain`` translates it too, e.g. the name of the field an amount was wrong in."""

    def say(self, translator: Translator) -> str:
        return translator.gettext(self)


def _say(message: str, values: dict[str, object], translator: Translator) -> str:
    """``message`` in ``translator``'s language, with its values said there too (nested errors,
    sentences, Phrases, amounts: anything with a ``say``); other values as they are."""
    return translator.gettext(message, **{
        name: value.say(translator) if hasattr(value, "say") else str(value) if isinstance(value, Exception)
        else value for name, value in values.items()})


class Sentence:
    """A sentence as data, for a page to say in its reader's language: a catalogue id marked with ``N_``
    where it is written, and the values of its ``%(name)s`` places. ``str()`` is the English."""

    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values

    def __str__(self) -> str:
        return self.message % {name: str(value) for name, value in self.values.items()} if self.values else self.message

    def __repr__(self) -> str:
        return f"Sentence({str(self)!r})"

    def say(self, translator: Translator) -> str:
        return _say(self.message, self.values, translator)


class Sentences:
    """Sentences said one after the other."""

    def __init__(self, *parts: Sentence) -> None:
        self.parts = parts

    def __str__(self) -> str:
        return " ".join(str(part) for part in self.parts)

    def say(self, translator: Translator) -> str:
        return " ".join(part.say(translator) for part in self.parts)


class TranslatableError(Exception):
    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values if values else message)

    def say(self, translator: Translator) -> str:
        return _say(self.message, self.values, translator)


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a counted phrase for the catalogues (pybabel extract -k N_plural:1,2) where it is defined,
    e.g. ``N_plural("%(num)d report", "%(num)d reports")``; the desk says it with ``ngettext(*pair, count)``."""
    return singular, plural
