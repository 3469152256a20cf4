"""What an open queue learns when it polls: the rows that arrived in its tab, the rows it shows that
changed (and whether they left the tab), the rows gone; and the version that says whether to ask."""

from datetime import timedelta

import pytest

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, Status
from readerdesk.services.articles.ingest import add_revision
from readerdesk.services.desk.live_queue import (
    QueueChanges,
    database_version,
    parse_seen,
    parse_shown,
    queue_changes,
    row_stamp,
)
from readerdesk.services.desk.queue import QueueError, parse_filters
from readerdesk.services.desk.triage import decide
from tests.factories import make_article, make_correction, make_site, make_user, paragraphs


def changes(session, actor, shown_rows=(), *, seen, **args) -> QueueChanges:
    return queue_changes(session, parse_filters(args), actor=actor, seen=seen,
                         shown={c.id: row_stamp(c) for c in shown_rows}, now=utcnow())


def test_a_report_that_arrives_after_the_page_looked_is_new_to_it(db_session):
    editor = make_user(db_session, "ed@example.com")
    old = make_correction(db_session, created_at=utcnow() - timedelta(days=1))
    old.updated_at = utcnow() - timedelta(days=1)
    looked = utcnow()
    new = make_correction(db_session, old.article)
    db_session.flush()
    result = changes(db_session, editor, [old], seen=looked)
    assert [c.id for c in result.arrived] == [new.id]
    assert result.changed == [] and result.gone == []
    # The page now shows it: it is not new again.
    assert changes(db_session, editor, [old, new], seen=looked).arrived == []


def test_arrivals_respect_the_tab_and_the_filters(db_session):
    editor = make_user(db_session, "ed@example.com")
    here = make_site(db_session, name="here", base_url="https://here.example")
    there = make_site(db_session, name="there", base_url="https://there.example")
    looked = utcnow()
    on_here = make_correction(db_session, make_article(db_session, site=here, url="https://here.example/a"))
    make_correction(db_session, make_article(db_session, site=there, url="https://there.example/b"))
    make_correction(db_session, on_here.article, status=Status.ACCEPTED)
    db_session.flush()
    result = changes(db_session, editor, seen=looked, site=str(here.id))
    assert [c.id for c in result.arrived] == [on_here.id]


def test_a_shown_row_another_editor_claimed_changes_and_leaves_the_new_tab(db_session):
    editor, other = make_user(db_session, "ed@example.com"), make_user(db_session, "bo@example.com")
    report, untouched = make_correction(db_session), make_correction(db_session)
    db_session.flush()
    shown = {report.id: row_stamp(report), untouched.id: row_stamp(untouched)}
    decide(db_session, report, "claim", actor=other, now=utcnow() + timedelta(seconds=1),
           expected_version=report.version)
    for tab, in_tab in (("new", False), ("in_review", True)):
        result = queue_changes(db_session, parse_filters({"tab": tab}), actor=editor, seen=None, shown=shown,
                               now=utcnow())
        assert [(c.id, c.status, c.assignee_id, kept) for c, kept in result.changed] == [
            (report.id, Status.IN_REVIEW, other.id, in_tab)]
        assert result.arrived == []  # no arrivals looked for (seen None: a later page)


def test_a_shown_row_that_no_longer_exists_is_gone(db_session):
    editor = make_user(db_session, "ed@example.com")
    report = make_correction(db_session)
    db_session.flush()
    result = queue_changes(db_session, parse_filters({}), actor=editor, seen=utcnow(),
                           shown={report.id: row_stamp(report), report.id + 1000: "1.1"}, now=utcnow())
    assert result.gone == [report.id + 1000] and result.changed == []


def test_the_database_version_moves_with_a_new_report_and_a_decision(db_session):
    editor = make_user(db_session, "ed@example.com")
    first = database_version(db_session)
    report = make_correction(db_session)
    db_session.flush()
    second = database_version(db_session)
    # A decision stamped with a clock behind the latest change still moves it (the event's id).
    decide(db_session, report, "claim", actor=editor, now=utcnow() - timedelta(hours=1),
           expected_version=report.version)
    assert len({first, second, database_version(db_session)}) == 3


def test_a_revision_that_changes_a_report_s_anchor_state_reaches_the_open_queues(db_session):
    """A new revision stamps a report only when its anchor state changes, all that a queue shows of
    an anchor (the anchor filter): then the version moves, the report arrives in the filtered tab,
    and a page showing it redraws it. One that keeps every state changes nothing a queue shows."""
    editor = make_user(db_session, "ed@example.com")
    lead, figure = "The council met on Monday.", "The work would cost 4.2 million euros."
    article = make_article(db_session, html=paragraphs(lead, figure))
    report = make_correction(db_session, article, exact="4.2 million euros")
    base = utcnow()
    add_revision(db_session, article, paragraphs("Updated.", lead, figure), now=base)  # anchored -> unchanged
    db_session.expire_all()
    version, seen = database_version(db_session), base + timedelta(minutes=1)
    stamp = row_stamp(report)

    add_revision(db_session, article, paragraphs("Updated.", lead, figure, "Closing line."),
                 now=base + timedelta(minutes=2))
    db_session.expire_all()
    assert report.anchor_state == AnchorState.UNCHANGED
    assert database_version(db_session) == version and row_stamp(report) == stamp
    assert changes(db_session, editor, seen=seen, anchor_state="unchanged").arrived == []

    add_revision(db_session, article, paragraphs("Updated.", lead, figure.replace("4.2", "4.5"), "Closing line."),
                 now=base + timedelta(minutes=3))
    db_session.expire_all()
    assert report.anchor_state == AnchorState.EDITED
    assert database_version(db_session) != version
    assert [c.id for c in changes(db_session, editor, seen=seen, anchor_state="edited").arrived] == [report.id]
    result = queue_changes(db_session, parse_filters({"anchor_state": "unchanged"}), actor=editor, seen=None,
                           shown={report.id: stamp}, now=utcnow())
    assert [(c.id, in_tab) for c, in_tab in result.changed] == [(report.id, False)]


@pytest.mark.parametrize("raw", ["12", "12:1.2,x:3", "-1:1", "1:" + "9" * 50])
def test_a_broken_list_of_shown_rows_is_a_queue_error(raw):
    with pytest.raises(QueueError):
        parse_shown(raw)


def test_the_list_of_shown_rows_and_the_time_seen_are_read_back():
    assert parse_shown("3:2.100,7:1.5,") == {3: "2.100", 7: "1.5"}
    assert parse_seen("1764547200000000").isoformat() == "2025-12-01T00:00:00+00:00"
    for raw in ("", "soon", "1" * 30):
        with pytest.raises(QueueError):
            parse_seen(raw)
