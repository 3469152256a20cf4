from sqlalchemy import inspect, select, update

from readerdesk.models import Correction, Status
from readerdesk.models.correction import size_class
from tests.factories import make_correction


def test_open_reports_are_the_ones_still_waiting_for_the_desk():
    assert Status.open() == {Status.NEW, Status.IN_REVIEW, Status.ACCEPTED}
    assert Status.undecided() == {Status.NEW, Status.IN_REVIEW}
    assert [s for s in Status if s.is_open] == [Status.NEW, Status.IN_REVIEW, Status.ACCEPTED]


def test_a_correction_is_open_while_its_status_is(db_session):
    assert make_correction(db_session).is_open
    assert not make_correction(db_session, status=Status.PUBLISHED).is_open


def test_every_state_has_a_label():
    assert [s.label for s in Status] == ["new", "in review", "accepted", "published", "rejected", "spam"]


def test_a_group_size_s_class_is_the_size_up_to_16_then_one_per_doubling():
    assert [size_class(n) for n in (0, 1, 2, 16)] == [0, 1, 2, 16]
    assert [size_class(n) for n in (17, 32, 33, 64, 65, 10_000)] == [17, 17, 18, 18, 19, 26]
    assert size_class(2 ** 30) < size_class(2 ** 30 + 1) == size_class(2 ** 40)


def test_the_database_computes_the_same_class(db_session):
    sizes = [0, 1, 16, 17, 32, 33, 1000, 2 ** 30, 2 ** 30 + 1]
    for n in sizes:
        report = make_correction(db_session)
        db_session.execute(update(Correction).where(Correction.id == report.id).values(group_size=n))
    classes = db_session.execute(select(Correction.group_size, Correction.size_class).order_by(Correction.id)).all()
    assert classes == [(n, size_class(n)) for n in sizes]


def test_no_index_holds_a_group_s_size_so_a_joining_report_updates_its_lead_in_place(db_session):
    # PostgreSQL writes a row's new version in place (HOT) only when no indexed value changes: a report
    # joining a group changes its lead's size and passage, so none of them may be in an index (or in a
    # partial index's condition); the priority order reads the size's class instead.
    changed = {"group_size", "passage_start", "passage_end"}
    indexes = inspect(db_session.get_bind()).get_indexes("corrections")
    assert {"ix_corrections_queue_priority", "ix_corrections_lead_priority"} <= {i["name"] for i in indexes}
    for index in indexes:
        named = set(index["column_names"]) | set(index.get("include_columns") or [])
        options = index.get("dialect_options", {})
        condition = " ".join(str(options[key]) for key in ("postgresql_where", "sqlite_where") if key in options)
        assert not named & changed and not any(name in condition for name in changed), index["name"]
