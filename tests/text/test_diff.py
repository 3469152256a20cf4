from flask import render_template_string
from hypothesis import given
from hypothesis import strategies as st

from readerdesk.text.diff import DiffPart, word_diff


def test_a_replaced_word_is_deleted_then_inserted_whole():
    assert word_diff("voted twelve to five", "voted eleven to five") == [
        DiffPart("equal", "voted "), DiffPart("delete", "twelve"), DiffPart("insert", "eleven"),
        DiffPart("equal", " to five")]


def test_only_what_changed_is_marked():
    parts = word_diff("The council voted twelve to five.", "The council voted eleven to four.")
    assert [p.text for p in parts if p.op == "insert"] == ["eleven", "four"]
    assert [p.text for p in parts if p.op == "delete"] == ["twelve", "five"]


def test_from_or_to_nothing():
    assert word_diff("", "new words") == [DiffPart("insert", "new words")]
    assert word_diff("old words", "") == [DiffPart("delete", "old words")]
    assert word_diff("", "") == []


def test_runs_of_the_same_kind_are_one_part():
    assert word_diff("twelve to five", "seventeen") == [DiffPart("delete", "twelve to five"),
                                                        DiffPart("insert", "seventeen")]


@given(st.text(alphabet="ab ,.\n—é", max_size=40), st.text(alphabet="ab ,.\n—é", max_size=40))
def test_both_texts_come_back_from_the_parts(old, new):
    parts = word_diff(old, new)
    assert "".join(p.text for p in parts if p.op != "insert") == old
    assert "".join(p.text for p in parts if p.op != "delete") == new
    assert all(p.text for p in parts)
    assert all(a.op != b.op for a, b in zip(parts, parts[1:], strict=False))


def test_the_macro_marks_the_changes_and_escapes_the_text(app):
    with app.test_request_context():
        html = render_template_string(
            '{% from "macros/diff.html" import word_diff %}{{ word_diff(parts, "Before and after") }}',
            parts=word_diff("<b>twelve</b> votes", "<b>eleven</b> votes"))
    assert html == ('<div class="diff" aria-label="Before and after">&lt;b&gt;<del>twelve</del><ins>eleven</ins>'
                    "&lt;/b&gt; votes</div>")


def test_in_markup_mode_tags_are_shown_deleted_or_inserted_whole():
    old = '<p>The council <em>voted</em> twelve to <a href="https://x.example/m">five</a> on Tuesday.</p>'
    new = "<p>The council <em>voted eleven to five</em> on Tuesday.</p>"
    parts = word_diff(old, new, markup=True)
    assert "".join(p.text for p in parts if p.op != "insert") == old
    assert "".join(p.text for p in parts if p.op != "delete") == new
    deleted = "".join(p.text for p in parts if p.op == "delete")
    assert '<a href="https://x.example/m">' in deleted and "</a>" in deleted
    assert all(p.text.count("<") == p.text.count(">") for p in parts)  # no tag cut in two
