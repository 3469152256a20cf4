"""Duplicate reports: readers who flag the same or an overlapping passage share a group.

A group's ``group_id`` is the id of its earliest report, its *lead*: the one row the queue shows,
with the group size as a badge. Every member keeps its own record, status and audit log; nothing a
reader sent is discarded. ``is_lead`` and ``group_size`` are denormalised on every member so the
queue can page through leads by priority with an index.

Two reports are duplicates when they are on the same article and either
- both are anchored in the same revision and their ranges ``[anchor_start, anchor_end)`` overlap, or
- one of them is not anchored and their quotes are equal after normalisation (case, spacing, NFC).

A new report only joins a group that is still undecided (new or in review): a report arriving after
the passage was accepted, rejected or published is new information and gets its own row.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import inspect, or_, select

from readerdesk.models import Article, Correction, ModerationEvent, Status, User
from readerdesk.models.types import DbSession


class DuplicateError(ValueError):
    """A merge or split that cannot be done; the message says why."""


def normalise_quote(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().casefold()


def _anchored_span(c: Correction) -> tuple[int, int, int] | None:
    """(revision id, start, end) of the passage a report is anchored to; None when it has none."""
    if c.anchor_revision_id is None or c.anchor_start is None or c.anchor_end is None:
        return None
    return c.anchor_revision_id, c.anchor_start, c.anchor_end


def _is_anchored(c: Correction) -> bool:
    return _anchored_span(c) is not None


def overlaps(a: Correction, b: Correction) -> bool:
    """Whether two reports are about the same passage (see the module docstring)."""
    if a.article_id != b.article_id:
        return False
    span_a, span_b = _anchored_span(a), _anchored_span(b)
    if span_a is not None and span_b is not None:
        (revision_a, start_a, end_a), (revision_b, start_b, end_b) = span_a, span_b
        return revision_a == revision_b and start_a < end_b and start_b < end_a
    quote = normalise_quote(a.exact)
    return bool(quote) and quote == normalise_quote(b.exact)


def members(session: DbSession, group_id: int) -> list[Correction]:
    return list(session.scalars(select(Correction).where(Correction.group_id == group_id).order_by(Correction.id)))


def _set_group(session: DbSession, reports: Iterable[Correction]) -> int:
    """Make ``reports`` one group led by the earliest; returns the group id."""
    reports = sorted(set(reports), key=lambda c: c.id)
    group_id = reports[0].id
    for report in reports:
        report.group_id = group_id
        report.is_lead = report.id == group_id
        report.group_size = len(reports)
    session.flush()
    return group_id


def assign_group(session: DbSession, correction: Correction) -> int:
    """Put a newly stored correction in the group of the reports it duplicates (or its own).

    Call it after the correction is flushed (it needs an id). When the new report bridges two
    groups (it overlaps both), they become one. Returns the group id.

    Reports on one article are grouped one transaction at a time: each takes the article's row lock
    (held to its commit) before it reads the groups, so a report sent at the same moment as another
    sees it and the stored group sizes stay equal to the members. The lock is ``FOR NO KEY UPDATE``,
    which does not wait on the key-share locks the reports' own inserts hold on the article.
    """
    if inspect(correction).pending:  # added but not flushed yet, so without an id
        session.flush()
    session.execute(select(Article.id).where(Article.id == correction.article_id).with_for_update(key_share=True))
    candidates = select(Correction).where(
        Correction.article_id == correction.article_id, Correction.id != correction.id,
        Correction.status.in_(Status.undecided()),
    )
    if _is_anchored(correction):
        # Anchored duplicates overlap in the same revision; unanchored ones may share the quote.
        candidates = candidates.where(or_(
            (Correction.anchor_revision_id == correction.anchor_revision_id)
            & (Correction.anchor_start < correction.anchor_end)
            & (Correction.anchor_end > correction.anchor_start),
            Correction.anchor_start.is_(None),
        ))
    elif not normalise_quote(correction.exact):
        return _set_group(session, [correction])  # a general message: nothing to compare
    matches = [c for c in session.scalars(candidates) if overlaps(correction, c)]
    group_ids = {c.group_id or c.id for c in matches}
    leads = session.scalars(select(Correction).where(Correction.id.in_(group_ids))).all() if group_ids else []
    open_groups = {lead.id for lead in leads if lead.status in Status.undecided()}
    if not open_groups:
        return _set_group(session, [correction])
    reports = session.scalars(select(Correction).where(Correction.group_id.in_(open_groups))).all()
    return _set_group(session, [*reports, correction])


def _log(session: DbSession, report: Correction, action: str, actor: User, now: datetime, reason: str) -> None:
    session.add(ModerationEvent(
        correction_id=report.id, actor_id=actor.id, action=action, from_status=report.status,
        to_status=report.status, from_version=report.version, to_version=report.version, reason=reason,
        assignee_id=report.assignee_id, created_at=now,
    ))


def merge(session: DbSession, corrections: Iterable[Correction], *, actor: User, now: datetime) -> int:
    """Merge the groups of ``corrections`` into one (an editor says they are the same issue).

    Each report that moves to another group gets a "merge" event in its audit log.
    """
    corrections = list(corrections)
    group_ids = {c.group_id or c.id for c in corrections}
    if len(group_ids) < 2:
        raise DuplicateError("These reports are already in one group.")
    if len({c.article_id for c in corrections}) > 1:
        raise DuplicateError("Only reports on the same article can be merged.")
    reports = session.scalars(select(Correction).where(
        or_(Correction.group_id.in_(group_ids), Correction.id.in_(group_ids)))).all()
    closed = [r for r in reports if r.is_lead and not r.status.is_open]
    if closed:
        raise DuplicateError(
            f"Report #{closed[0].id} is {closed[0].status.label}: reopen it before merging.")
    old_groups = {r.id: r.group_id for r in reports}
    group_id = _set_group(session, reports)
    for report in reports:
        if old_groups[report.id] != group_id:
            _log(session, report, "merge", actor, now, f"Merged into the group of report #{group_id}.")
    session.flush()
    return group_id


def split(session: DbSession, correction: Correction, *, actor: User, now: datetime) -> int:
    """Take one report out of its group; it becomes a group of its own. Returns the rest's group id."""
    group = members(session, correction.group_id or correction.id)
    rest = [c for c in group if c.id != correction.id]
    if not rest:
        raise DuplicateError("This report is not grouped with any other.")
    _set_group(session, [correction])
    rest_id = _set_group(session, rest)
    _log(session, correction, "split", actor, now, f"Taken out of the group of report #{rest_id}.")
    session.flush()
    return rest_id
