"""readerdesk/text/translatable.py: what Flask-free code hands the desk to say in its language."""

import pytest

from readerdesk.services.polls.editing import PollError
from readerdesk.text.translatable import N_plural, Phrase, TranslatableError


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
