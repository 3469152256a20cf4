"""Admins put authors on desks: set, move, remove, and names refused with a sentence."""

import pytest

from readerdesk.services.desk.author_desks import AuthorDeskError, desk_map, list_mappings, set_desk


def test_an_author_is_put_on_a_desk_moved_and_taken_off(db_session):
    set_desk(db_session, " Olena Koval ", "Politics")
    set_desk(db_session, "Bo Chen", "Culture")
    assert desk_map(db_session) == {"Olena Koval": "Politics", "Bo Chen": "Culture"}
    set_desk(db_session, "Olena Koval", "Investigations")
    assert desk_map(db_session)["Olena Koval"] == "Investigations" and len(list_mappings(db_session)) == 2
    assert set_desk(db_session, "Bo Chen", "  ") is None
    db_session.flush()
    assert desk_map(db_session) == {"Olena Koval": "Investigations"}


@pytest.mark.parametrize(("author", "desk", "message"), [
    ("  ", "Politics", "Name the author"), ("x" * 201, "Politics", "at most 200"), ("Bo", "y" * 201, "at most 200")])
def test_a_bad_name_is_refused_with_a_sentence(db_session, author, desk, message):
    with pytest.raises(AuthorDeskError, match=message):
        set_desk(db_session, author, desk)
