import pytest

from readerdesk.clock import utcnow
from readerdesk.models import ModerationEvent, Status
from readerdesk.services.corrections.duplicates import assign_group
from readerdesk.services.desk.moderation import StaleDecision
from readerdesk.services.desk.triage import bulk_decide, decide
from tests.factories import make_article, make_correction, make_user


def group_of_three(session):
    article = make_article(session)
    reports = [make_correction(session, article, exact="twelve to five") for _ in range(3)]
    for r in reports:
        assign_group(session, r)
    return reports


def test_deciding_the_lead_decides_every_open_member_each_with_its_own_event(db_session):
    editor = make_user(db_session)
    lead, second, third = group_of_three(db_session)
    events = decide(db_session, lead, "reject", actor=editor, now=utcnow(), expected_version=1, reason="Correct as is")
    assert [r.status for r in (lead, second, third)] == [Status.REJECTED] * 3
    assert sorted(e.correction_id for e in events) == [lead.id, second.id, third.id]
    assert {e.reason for e in db_session.query(ModerationEvent)} == {"Correct as is"}


def test_reopen_undoes_the_group_decision(db_session):
    editor = make_user(db_session)
    lead, second, third = group_of_three(db_session)
    decide(db_session, lead, "spam", actor=editor, now=utcnow(), expected_version=1)
    decide(db_session, lead, "reopen", actor=editor, now=utcnow(), expected_version=2)
    assert {r.status for r in (lead, second, third)} == {Status.IN_REVIEW}


def test_a_stale_version_changes_nothing_in_the_group(db_session):
    editor = make_user(db_session)
    lead, second, _ = group_of_three(db_session)
    decide(db_session, lead, "claim", actor=editor, now=utcnow(), expected_version=1)
    with pytest.raises(StaleDecision):
        decide(db_session, lead, "accept", actor=editor, now=utcnow(), expected_version=1)
    assert (lead.status, second.status) == (Status.IN_REVIEW, Status.IN_REVIEW)
    assert lead.assignee_id == second.assignee_id == editor.id


def test_bulk_applies_the_fresh_and_reports_the_stale(db_session):
    editor = make_user(db_session)
    article = make_article(db_session)
    fresh, stale, gone_spam = (make_correction(db_session, article) for _ in range(3))
    gone_spam.status = Status.SPAM
    result = bulk_decide(db_session, [(fresh.id, 1), (stale.id, 7), (gone_spam.id, 1), (99999, 1)], "accept",
                         actor=editor, now=utcnow())
    assert [c.id for c in result.applied] == [fresh.id]
    refused = {correction_id: str(why) for correction_id, why in result.refused}
    assert "changed since you opened it" in refused[stale.id]
    assert "spam" in refused[gone_spam.id]
    assert refused[99999] == "It no longer exists."
    assert (fresh.status, stale.status) == (Status.ACCEPTED, Status.NEW)
