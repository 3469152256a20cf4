"""readerdesk/text/translatable.py: what Flask-free code hands the desk to say in its language."""

import pytest

from readerdesk.services.polls.editing import PollError
from readerdesk.text.languages import translator_for
from readerdesk.text.translatable import N_plural, Phrase, Sentence, Sentences, TranslatableError


def test_the_error_keeps_its_catalogue_id_and_values_and_reads_as_english():
    error = PollError("Topic %(number)d: give it a title of at most 200 characters.", number=3)
    assert str(error) == "Topic 3: give it a title of at most 200 characters."  # the CLI and the logs
    assert error.message == "Topic %(number)d: give it a title of at most 200 characters."
    assert error.values == {"number": 3} and isinstance(error, ValueError)
    with pytest.raises(TranslatableError):
        raise error


def test_a_sentence_without_values_may_hold_a_percent_sign():
    assert str(TranslatableError("Between 0 and 20 %.")) == "Between 0 and 20 %."


def test_phrases_and_plural_pairs_are_marked_strings():
    assert Phrase("the headline") == "the headline" and isinstance(Phrase("x"), str)
    assert N_plural("%(num)d report", "%(num)d reports") == ("%(num)d report", "%(num)d reports")


def test_a_sentence_as_data_reads_as_english_and_is_said_in_a_language_with_its_values():
    said = Sentences(Sentence("The passage now reads (revision %(number)s): “%(passage)s”.", number=2,
                              passage="50 % <b>more</b>"),
                     Sentence("That is what the reader suggested."))
    assert str(said) == "The passage now reads (revision 2): “50 % <b>more</b>”. That is what the reader suggested."
    assert said.say(translator_for("uk")) == ("Тепер фрагмент звучить так (редакція 2): «50 % <b>more</b>». "
                                              "Саме це й запропонував читач.")  # escaped by the page, not here
    assert Sentence("Unchanged").say(translator_for("uk")) == "Без змін"
    nested = Sentence("Revision %(number)s: %(edit)s.", number=3,
                      edit=Sentence("edited by readerdesk on behalf of %(editor)s, in the article", editor="Ann"))
    assert nested.say(translator_for("uk")) == "Редакція 3: змінено readerdesk від імені Ann, у статті."
