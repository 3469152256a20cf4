"""The moderation workflow: an explicit state machine, one function per decision, an audit log.

Every decision names the version of the correction the editor saw. The update is conditional on
that version (``UPDATE ... WHERE version = :seen``), so of two editors deciding the same item at the
same moment exactly one wins; the other gets :class:`StaleDecision` and a message, never a silent
overwrite. Each decision appends a :class:`ModerationEvent`.
"""

from __future__ import annotations

from datetime import datetime
from types import EllipsisType

from sqlalchemy import CursorResult, select, update

from readerdesk.models import Correction, Status, User
from readerdesk.models.moderation import InternalNote, ModerationEvent, RejectionCode
from readerdesk.models.types import DbSession
from readerdesk.text.languages import N_
from readerdesk.text.translatable import Phrase, TranslatableError

S = Status
# action -> {from state: to state}. Anything not listed is an illegal transition.
TRANSITIONS: dict[str, dict[Status, Status]] = {
    "claim": {S.NEW: S.IN_REVIEW, S.IN_REVIEW: S.IN_REVIEW, S.ACCEPTED: S.ACCEPTED},
    "assign": {S.NEW: S.IN_REVIEW, S.IN_REVIEW: S.IN_REVIEW, S.ACCEPTED: S.ACCEPTED},
    "unassign": {S.IN_REVIEW: S.IN_REVIEW, S.ACCEPTED: S.ACCEPTED, S.NEW: S.NEW},
    "accept": {S.NEW: S.ACCEPTED, S.IN_REVIEW: S.ACCEPTED},
    "reject": {S.NEW: S.REJECTED, S.IN_REVIEW: S.REJECTED, S.ACCEPTED: S.REJECTED},
    "spam": {S.NEW: S.SPAM, S.IN_REVIEW: S.SPAM, S.ACCEPTED: S.SPAM, S.REJECTED: S.SPAM},
    "publish": {S.NEW: S.PUBLISHED, S.IN_REVIEW: S.PUBLISHED, S.ACCEPTED: S.PUBLISHED},
    "reopen": {S.ACCEPTED: S.IN_REVIEW, S.REJECTED: S.IN_REVIEW, S.SPAM: S.IN_REVIEW},
    # A note proposed for a second editor's approval (Site.second_approval): recorded, no state change.
    "propose_note": {S.NEW: S.NEW, S.IN_REVIEW: S.IN_REVIEW, S.ACCEPTED: S.ACCEPTED},
}
# Decisions that count as the "first decision" for the time-to-first-decision statistic.
DECISIONS = {"accept", "reject", "spam", "publish"}
MAX_REASON_LENGTH = 2000
# The verb for each action, as an error says it ("Cannot reject a report that is “published”.").
ACTION_VERBS = {"claim": N_("claim"), "assign": N_("assign"), "unassign": N_("unassign"), "accept": N_("accept"),
                "reject": N_("reject"), "spam": N_("mark as spam"), "publish": N_("publish"), "reopen": N_("reopen"),
                "propose_note": N_("propose a note for")}


class ModerationError(TranslatableError):
    """Base for errors a view turns into a 4xx with this message."""


class IllegalTransition(ModerationError):
    pass


class StaleDecision(ModerationError):
    """Someone changed the correction since the editor loaded it."""

    def __init__(self, correction: Correction, seen_version: int):
        self.correction = correction
        self.seen_version = seen_version
        super().__init__(N_("This report changed since you opened it (it is now “%(status)s”). This page shows "
                            "it as it is now: check it before deciding again."), status=Phrase(correction.status.label))


def allowed_actions(status: Status) -> list[str]:
    return [action for action, moves in TRANSITIONS.items() if status in moves]


def _apply(session: DbSession, correction: Correction, action: str, *, actor: User | None, now: datetime,
           expected_version: int, reason: str = "", assignee: User | None | EllipsisType = ...,
           reader_message: str = "", rejection_code: RejectionCode | None = None) -> ModerationEvent:
    """Apply one transition. ``assignee`` is left alone unless given; None unassigns."""
    moves = TRANSITIONS.get(action)
    if moves is None or correction.status not in moves:
        raise IllegalTransition(N_("Cannot %(action)s a report that is “%(status)s”."),
                                action=Phrase(ACTION_VERBS.get(action, action)), status=Phrase(correction.status.label))
    if expected_version != correction.version:
        raise StaleDecision(correction, expected_version)
    from_status, to_status = correction.status, moves[correction.status]
    values: dict = {"status": to_status, "version": Correction.version + 1, "updated_at": now}
    if assignee is not ...:
        values["assignee_id"] = assignee.id if assignee is not None else None
    if action in DECISIONS and correction.first_decision_at is None:
        values["first_decision_at"] = now
    # The conditional update is what makes concurrent decisions safe, not the check above.
    result = session.execute(
        update(Correction)
        .where(Correction.id == correction.id, Correction.version == expected_version)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    assert isinstance(result, CursorResult)  # an UPDATE's result, the kind that counts rows
    if result.rowcount != 1:
        session.refresh(correction)
        raise StaleDecision(correction, expected_version)
    session.refresh(correction)
    event = ModerationEvent(
        correction_id=correction.id, actor_id=actor.id if actor else None, action=action,
        from_status=from_status, to_status=to_status, from_version=expected_version,
        to_version=correction.version, reason=(reason or "").strip()[:MAX_REASON_LENGTH],
        reader_message=(reader_message or "").strip()[:MAX_REASON_LENGTH],
        assignee_id=correction.assignee_id, created_at=now, rejection_code=rejection_code,
    )
    session.add(event)
    session.flush()
    return event


def claim(session, correction, *, actor: User, now, expected_version) -> ModerationEvent:
    return _apply(session, correction, "claim", actor=actor, now=now, expected_version=expected_version,
                  assignee=actor)


def assign(session, correction, assignee: User | None, *, actor: User, now, expected_version) -> ModerationEvent:
    if assignee is None:
        return _apply(session, correction, "unassign", actor=actor, now=now, expected_version=expected_version,
                      assignee=None)
    if not assignee.active:
        raise ModerationError(N_("%(email)s is not an active staff member."), email=assignee.email)
    return _apply(session, correction, "assign", actor=actor, now=now, expected_version=expected_version,
                  assignee=assignee)


def accept(session, correction, *, actor, now, expected_version, reason="") -> ModerationEvent:
    return _apply(session, correction, "accept", actor=actor, now=now, expected_version=expected_version, reason=reason)


def reject(session, correction, *, actor, now, expected_version, reason="", reader_message="",
           code: RejectionCode | str | None = None) -> ModerationEvent:
    """``reason`` stays on the desk; ``reader_message`` and the reason ``code`` go into the email to the reader."""
    try:
        rejection_code = RejectionCode(code) if code else None
    except ValueError:
        raise ModerationError(N_("Choose a reason for the rejection from the list.")) from None
    return _apply(session, correction, "reject", actor=actor, now=now, expected_version=expected_version, reason=reason,
                  reader_message=reader_message, rejection_code=rejection_code)


def mark_spam(session, correction, *, actor, now, expected_version, reason="") -> ModerationEvent:
    return _apply(session, correction, "spam", actor=actor, now=now, expected_version=expected_version, reason=reason)


def reopen(session, correction, *, actor, now, expected_version, reason="") -> ModerationEvent:
    """Undo a decision: back to review."""
    return _apply(session, correction, "reopen", actor=actor, now=now, expected_version=expected_version, reason=reason)


def mark_published(session, correction, *, actor, now, expected_version, reason="") -> ModerationEvent:
    """The state change behind publishing a note (the note itself is services.publishing's)."""
    return _apply(session, correction, "publish", actor=actor, now=now, expected_version=expected_version,
                  reason=reason)


def propose_note(session, correction, *, actor, now, expected_version, reason="") -> ModerationEvent:
    """The audit record of a note proposed for a second editor's approval; the state stays."""
    return _apply(session, correction, "propose_note", actor=actor, now=now, expected_version=expected_version,
                  reason=reason)


DECISION_FUNCTIONS = {"accept": accept, "reject": reject, "spam": mark_spam, "reopen": reopen}


def add_internal_note(session: DbSession, correction: Correction, body: str, *, author: User,
                      now: datetime) -> InternalNote:
    body = (body or "").strip()
    if not body:
        raise ModerationError(N_("A note cannot be empty."))
    if len(body) > 10_000:
        raise ModerationError(N_("A note can be at most 10,000 characters."))
    note = InternalNote(correction_id=correction.id, author_id=author.id, body=body, created_at=now)
    session.add(note)
    session.flush()
    return note


def history(session: DbSession, correction: Correction) -> list[ModerationEvent]:
    return list(session.scalars(
        select(ModerationEvent).where(ModerationEvent.correction_id == correction.id).order_by(ModerationEvent.id)
    ))


def internal_notes(session: DbSession, correction: Correction) -> list[InternalNote]:
    return list(session.scalars(
        select(InternalNote).where(InternalNote.correction_id == correction.id).order_by(InternalNote.id)
    ))
