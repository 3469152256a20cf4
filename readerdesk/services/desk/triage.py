"""Decisions from the desk: one decision on a queue row applies to its whole duplicate group.

The editor decides the report they saw, at the version they saw (a stale version raises
:class:`~readerdesk.services.desk.moderation.StaleDecision` before anything changes). The same decision
then goes to every other member of the group it is allowed for, each with its own audit event.
Bulk decisions do this for many rows and report the stale or illegal ones instead of failing all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from readerdesk.models import Correction, ModerationEvent, User
from readerdesk.models.types import DbSession
from readerdesk.services.corrections.duplicates import members
from readerdesk.services.desk import moderation
from readerdesk.services.desk.moderation import TRANSITIONS, ModerationError
from readerdesk.text.languages import N_

GROUP_ACTIONS = ("accept", "reject", "spam", "reopen", "claim")
BULK_ACTIONS = ("accept", "reject", "spam")


def _run(session: DbSession, report: Correction, action: str, *, actor: User, now: datetime, version: int,
         reason: str, assignee: User | None, reader_message: str = "", code: str | None = None) -> ModerationEvent:
    if action == "reject":
        return moderation.reject(session, report, actor=actor, now=now, expected_version=version, reason=reason,
                                 reader_message=reader_message, code=code)
    if action == "claim":
        return moderation.claim(session, report, actor=actor, now=now, expected_version=version)
    if action == "assign":
        return moderation.assign(session, report, assignee, actor=actor, now=now, expected_version=version)
    return moderation.DECISION_FUNCTIONS[action](session, report, actor=actor, now=now, expected_version=version,
                                                 reason=reason)


def decide(session: DbSession, correction: Correction, action: str, *, actor: User, now: datetime,
           expected_version: int, reason: str = "", assignee: User | None = None,
           reader_message: str = "", code: str | None = None) -> list[ModerationEvent]:
    """Apply ``action`` to ``correction`` and to the members of its group it is allowed for.

    ``reader_message`` and the reason ``code`` (RejectionCode) go with a rejection to every reader who
    asked to hear the outcome.

    Reopening goes to the members that were in the same state as the report being reopened; every
    other action to the open members. Returns the events, the decided report's first.
    """
    if action not in (*GROUP_ACTIONS, "assign"):
        raise ModerationError(N_("Unknown action “%(action)s”."), action=action)
    status_before = correction.status
    events = [_run(session, correction, action, actor=actor, now=now, version=expected_version, reason=reason,
                   assignee=assignee, reader_message=reader_message, code=code)]
    allowed_from = TRANSITIONS["unassign" if action == "assign" and assignee is None else action]
    for other in members(session, correction.group_id or correction.id):
        if other.id == correction.id or other.status not in allowed_from:
            continue
        if other.status != status_before if action == "reopen" else not other.status.is_open:
            continue
        try:
            events.append(_run(session, other, action, actor=actor, now=now, version=other.version,
                               reason=reason, assignee=assignee, reader_message=reader_message, code=code))
        except moderation.StaleDecision:
            continue  # changed by someone else this very moment: theirs stands
    return events


@dataclass
class BulkResult:
    applied: list[Correction] = field(default_factory=list)
    events: list[ModerationEvent] = field(default_factory=list)
    refused: list[tuple[int, ModerationError]] = field(default_factory=list)  # (report id, why)


def bulk_decide(session: DbSession, items: list[tuple[int, int]], action: str, *, actor: User,
                now: datetime) -> BulkResult:
    """Decide many queue rows, each ``(id, version seen)``; stale or illegal ones are refused, not fatal."""
    if action not in BULK_ACTIONS:
        raise ModerationError(N_("Bulk “%(action)s” is not possible; choose accept, reject or spam."), action=action)
    result = BulkResult()
    for correction_id, version in items:
        correction = session.get(Correction, correction_id)
        if correction is None:
            result.refused.append((correction_id, ModerationError(N_("It no longer exists."))))
            continue
        try:
            result.events += decide(session, correction, action, actor=actor, now=now, expected_version=version)
        except ModerationError as exc:
            result.refused.append((correction_id, exc))
        else:
            result.applied.append(correction)
    return result
