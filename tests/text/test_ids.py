import pytest

from readerdesk.text.ids import MAX_ID, parse_id, parse_id_list


@pytest.mark.parametrize("raw, expected", [
    ("12", 12), (" 7 ", 7), (12, 12), (str(MAX_ID), MAX_ID),
    ("0", None), ("-3", None), ("²", None), ("١٢", None), ("1e3", None), ("", None), (None, None),
    (str(MAX_ID + 1), None), ("9" * 30, None), (True, None), (3.0, None),
])
def test_parse_id_accepts_only_ids_the_database_can_hold(raw, expected):
    assert parse_id(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("12, 15", [12, 15]), ("#12 #15", [12, 15]), ("12;15,12", [12, 15]), (" 7 ", [7]),
    ("12, x", None), ("12, ²", None), ("", None), (", #", None), (None, None), (str(MAX_ID + 1), None),
])
def test_parse_id_list_reads_what_an_editor_types(raw, expected):
    assert parse_id_list(raw) == expected
