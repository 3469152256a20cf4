from readerdesk.models import Status
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
