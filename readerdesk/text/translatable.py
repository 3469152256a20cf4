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


class TranslatableError(Exception):
    def __init__(self, message: str, **values: object) -> None:
        self.message, self.values = message, values
        super().__init__(message % values if values else message)

    def say(self, translator: Translator) -> str:
        """The sentence in ``translator``'s language, with its values said there too (nested errors,
        Phrases, amounts: anything with a ``say``); other values as they are."""
        return translator.gettext(self.message, **{
            name: value.say(translator) if hasattr(value, "say") else str(value) if isinstance(value, Exception)
            else value for name, value in self.values.items()})


def N_plural(singular: str, plural: str) -> tuple[str, str]:
    """Marks a counted phrase for the catalogues (pybabel extract -k N_plural:1,2) where it is defined,
    e.g. ``N_plural("%(num)d report", "%(num)d reports")``; the desk says it with ``ngettext(*pair, count)``."""
    return singular, plural
