import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import ModerationEvent, Status
from readerdesk.models.moderation import AuditLogImmutable
from readerdesk.services.desk import moderation
from readerdesk.services.desk.moderation import IllegalTransition, StaleDecision
from tests.factories import make_correction, make_user


def test_accept_moves_a_new_report_to_accepted_and_logs_who_why_and_when(db_session):
    editor = make_user(db_session)
    correction = make_correction(db_session)
    now = utcnow()
    event = moderation.accept(db_session, correction, actor=editor, now=now, expected_version=1,
                              reason="Checked the minutes")
    assert correction.status == Status.ACCEPTED
    assert correction.version == 2
    assert correction.first_decision_at == now
    assert (event.actor_id, event.from_status, event.to_status, event.reason) == (
        editor.id, Status.NEW, Status.ACCEPTED, "Checked the minutes")


@pytest.mark.parametrize("status, action", [
    (Status.PUBLISHED, "reject"), (Status.PUBLISHED, "reopen"), (Status.REJECTED, "accept"),
    (Status.SPAM, "publish"), (Status.NEW, "reopen"),
])
def test_illegal_transitions_are_refused_and_change_nothing(db_session, status, action):
    editor = make_user(db_session)
    correction = make_correction(db_session, status=status)
    functions = {**moderation.DECISION_FUNCTIONS, "publish": moderation.mark_published}
    with pytest.raises(IllegalTransition):
        functions[action](db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    assert correction.status == status
    assert db_session.scalars(select(ModerationEvent)).all() == []


def test_reopen_undoes_a_rejection_but_keeps_both_decisions_in_the_log(db_session):
    editor = make_user(db_session)
    correction = make_correction(db_session)
    moderation.reject(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    moderation.reopen(db_session, correction, actor=editor, now=utcnow(), expected_version=2, reason="Mis-click")
    assert correction.status == Status.IN_REVIEW
    assert [(e.action, e.from_status, e.to_status) for e in moderation.history(db_session, correction)] == [
        ("reject", Status.NEW, Status.REJECTED), ("reopen", Status.REJECTED, Status.IN_REVIEW)]


def test_two_editors_deciding_the_same_item_one_wins_the_other_is_told(db_session):
    alice, bob = make_user(db_session), make_user(db_session)
    correction = make_correction(db_session)
    seen_by_both = correction.version
    moderation.accept(db_session, correction, actor=alice, now=utcnow(), expected_version=seen_by_both)
    with pytest.raises(StaleDecision) as stale:
        moderation.reject(db_session, correction, actor=bob, now=utcnow(), expected_version=seen_by_both)
    assert "changed since you opened it" in str(stale.value)
    assert correction.status == Status.ACCEPTED
    assert [e.actor_id for e in moderation.history(db_session, correction)] == [alice.id]


def test_the_conditional_update_catches_a_change_made_by_another_session(app, db_session):
    """The in-memory version can be stale too: the database row decides."""
    from sqlalchemy import update

    from readerdesk.models import Correction

    editor = make_user(db_session)
    correction = make_correction(db_session)
    db_session.commit()
    # Another process accepts it behind this session's back.
    db_session.execute(update(Correction).where(Correction.id == correction.id)
                       .values(status=Status.ACCEPTED, version=2).execution_options(synchronize_session=False))
    with pytest.raises(StaleDecision):
        moderation.reject(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    assert correction.status == Status.ACCEPTED


def test_claim_assigns_to_the_claimer_and_starts_review(db_session):
    editor = make_user(db_session)
    correction = make_correction(db_session)
    moderation.claim(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    assert (correction.status, correction.assignee_id) == (Status.IN_REVIEW, editor.id)
    assert correction.first_decision_at is None  # claiming is not a decision


def test_the_audit_log_cannot_be_edited(db_session):
    editor = make_user(db_session)
    correction = make_correction(db_session)
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    event.reason = "rewritten history"
    with pytest.raises(AuditLogImmutable):
        db_session.flush()


def test_internal_notes_form_a_thread(db_session):
    alice, bob = make_user(db_session), make_user(db_session)
    correction = make_correction(db_session)
    moderation.add_internal_note(db_session, correction, "Called the council press office.", author=alice, now=utcnow())
    moderation.add_internal_note(db_session, correction, "They confirm: eleven.", author=bob, now=utcnow())
    assert [(n.author_id, n.body) for n in moderation.internal_notes(db_session, correction)] == [
        (alice.id, "Called the council press office."), (bob.id, "They confirm: eleven.")]
    with pytest.raises(moderation.ModerationError):
        moderation.add_internal_note(db_session, correction, "   ", author=alice, now=utcnow())
