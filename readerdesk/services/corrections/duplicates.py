"""Duplicate reports: readers who flag the same passage share a group.

A group's ``group_id`` is the id of its lead, its earliest report: the one row the queue shows, with
the group's size as a badge. Every member keeps its own record, status and audit log; nothing a
reader sent is discarded.

**The lead's row stands for the group.** It carries the group's size (``group_size``, 0 on other
members) and, like every report that *holds a passage* (``holds_passage``), the passage new reports
are compared with. So a new report costs the same whatever the size of the group it joins: one
indexed look-up of the passages held on its article, its own INSERT, and one UPDATE of the lead
(``group_size = group_size + 1``). Nothing is rewritten on the other members.

**Same passage.** A report matches a held passage when both are on the same article, in the same
part of the page (the body, the headline...), anchored in the same revision, and they overlap by at
least half of the shorter of the two (``passage_overlap``).
When one of them is not anchored, their quotes must be equal after normalisation (case, spacing,
NFC). A report that matches several passages joins the one it covers best (overlap / longer span,
then the earliest group): two groups never fuse because one report touches both. When it joins, the
held passage narrows to what the two have in common, so a group's passage converges on the text all
its readers selected (the wrong word itself), however wide the first reader's selection was. The
rule and the threshold were chosen on ``bench/flood/grouping.py``; its README records the scores.

A new report only joins a group that is still undecided (new or in review): a report arriving after
the passage was accepted, rejected or published is new information and gets its own row.

**Editors** merge groups and split reports out by hand. A merged group keeps every passage its
groups held, so new reports on any of them keep joining it; a report split out holds its own passage
from then on, so new reports like it join it rather than the group it left (whose passage goes back
to its lead's own selection).

**Concurrency.** Every change to an article's groups first locks the article's row
(``lock_article``; ``SELECT ... FOR UPDATE`` on PostgreSQL, SQLite serialises writers anyway) and
then reads the passages, so two reports arriving at the same moment cannot both start a group for
one passage, and the counts stay equal to the members.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from sqlalchemy import BindParameter, Select, and_, bindparam, func, insert, inspect, literal, or_, select, true, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from readerdesk.models import Article, Correction, ModerationEvent, Status, User
from readerdesk.models.types import DbSession, table_of
from readerdesk.text.languages import N_
from readerdesk.text.translatable import Phrase, TranslatableError

# Two spans are the same passage when they share at least this much of the shorter one.
MIN_SHARE_OF_SHORTER = 0.5
MEMBERS_PAGE = 50


class DuplicateError(TranslatableError, ValueError):
    """A merge or split that cannot be done; the message says why."""


def normalise_quote(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip().casefold()


def passage_overlap(passage: tuple[int, int], span: tuple[int, int]) -> float | None:
    """How well a report's ``span`` matches a held ``passage`` (both half-open, in one revision's
    text): None when they are not the same passage, else overlap / the longer span's length."""
    overlap = min(passage[1], span[1]) - max(passage[0], span[0])
    shorter, longer = sorted((passage[1] - passage[0], span[1] - span[0]))
    if overlap <= 0 or overlap < MIN_SHARE_OF_SHORTER * shorter:
        return None
    return overlap / longer


@dataclass(frozen=True)
class Arrival:
    """Where a new report is: its anchored span (revision, start, end) or only its quote."""

    article_id: int
    revision_id: int | None
    part: str  # the reportable part of the page (models.site.PART_NAMES): spans count within it
    start: int | None
    end: int | None
    quote: str

    @classmethod
    def of(cls, correction: Correction) -> Arrival:
        anchored = correction.anchor_start is not None and correction.anchor_end is not None
        return cls(correction.article_id, correction.anchor_revision_id if anchored else None, correction.part,
                   correction.anchor_start if anchored else None, correction.anchor_end if anchored else None,
                   correction.exact)


@dataclass(frozen=True)
class GroupChoice:
    """The group a new report joins, through which held passage, and that passage once narrowed."""

    group_id: int
    holder_id: int
    passage: tuple[int, int] | None  # None: the holder matched by quote; its passage stays as it is

    @property
    def lead_narrowed(self) -> tuple[int, int] | None:
        """The passage the lead's row narrows to: when the lead itself holds the matched passage."""
        return self.passage if self.holder_id == self.group_id else None

    @property
    def holder_narrowed(self) -> tuple[int, int] | None:
        """The passage a merged-in group's holder (not the lead) narrows to."""
        return self.passage if self.holder_id != self.group_id else None


def lock_article(session: DbSession, article_id: int) -> int | None:
    """Serialise changes to the article's duplicate groups until the transaction ends (a row lock on
    PostgreSQL). Returns the article's current revision id, read under the lock.

    The lock is ``FOR NO KEY UPDATE``: it excludes the other callers, but not the key-share locks that
    inserts referencing the article (its reports) take, which a plain ``FOR UPDATE`` would wait on."""
    # Core statements on the session's connection (here and in find_group): each report runs them, and
    # the ORM's execution adds more than the statement costs. Callers flush what they added first.
    return session.connection().scalar(_LOCK_ARTICLE, {"article_id": article_id})


_LOCK_ARTICLE = (select(Article.current_revision_id).where(Article.id == bindparam("article_id"))
                 .with_for_update(key_share=True))  # built once: each report runs it


@cache
def _held_passages(before: bool, spanned: bool) -> Select:
    """The passages held on an article (``find_group``'s one query), built once: each report runs it.
    Only the arrival's part (a headline's offsets and the body's are not comparable); ``spanned``: for
    an anchored arrival, only the passages it could match: overlapping its span in its revision, or
    unanchored (those match by quote)."""
    held = select(
        Correction.id, Correction.group_id, Correction.anchor_revision_id, Correction.anchor_start,
        Correction.anchor_end, Correction.passage_start, Correction.passage_end, Correction.exact, Correction.part,
    ).where(Correction.article_id == bindparam("article_id"), Correction.part == bindparam("part"),
            Correction.holds_passage == true(), Correction.status.in_(Status.undecided()))
    if spanned:
        held = held.where(or_(
            Correction.anchor_start.is_(None), Correction.anchor_end.is_(None),
            and_(Correction.anchor_revision_id == bindparam("revision_id"),
                 func.coalesce(Correction.passage_start, Correction.anchor_start) < bindparam("end"),
                 func.coalesce(Correction.passage_end, Correction.anchor_end) > bindparam("start"))))
    return held.where(Correction.id < bindparam("before_id")) if before else held


def find_group(session: DbSession, arrival: Arrival, *, before_id: int | None = None) -> GroupChoice | None:
    """The undecided group whose held passage ``arrival`` matches best, if any (call under
    ``lock_article``). One indexed query: the passages held on the article, never the members (for
    an anchored arrival, only those it could match). ``before_id``: only passages of reports older
    than that one (a stored report joins earlier ones)."""
    quote = normalise_quote(arrival.quote)
    if arrival.start is None and not quote:
        return None  # a general message: nothing to compare
    spanned = arrival.start is not None and arrival.end is not None and arrival.revision_id is not None
    parameters: dict = {"article_id": arrival.article_id, "part": arrival.part}
    if spanned:
        parameters.update(revision_id=arrival.revision_id, start=arrival.start, end=arrival.end)
    if before_id is not None:
        parameters["before_id"] = before_id
    best: tuple[float, int] | None = None
    choice = None
    for row in session.connection().execute(_held_passages(before_id is not None, spanned), parameters):
        group_id = row.group_id or row.id
        passage = None
        if row.anchor_start is not None and row.anchor_end is not None:
            passage = ((row.passage_start, row.passage_end) if row.passage_start is not None
                       else (row.anchor_start, row.anchor_end))
        if passage is not None and arrival.start is not None and arrival.end is not None:
            if row.anchor_revision_id != arrival.revision_id:
                continue
            score = passage_overlap(passage, (arrival.start, arrival.end))
            narrowed = (max(passage[0], arrival.start), min(passage[1], arrival.end))
        else:  # one of the two is not anchored: the same quote
            score = 1.0 if quote and normalise_quote(row.exact) == quote else None
            narrowed = None
        if score is not None and (best is None or (score, -group_id) > best):
            best = (score, -group_id)
            choice = GroupChoice(group_id, row.id, narrowed)
    return choice


def membership(choice: GroupChoice | None) -> dict:
    """A new report's group columns: a member of the chosen group, or the lead of a new one."""
    if choice is None:
        return {"is_lead": True, "group_size": 1, "holds_passage": True}
    return {"group_id": choice.group_id, "is_lead": False, "group_size": 0, "holds_passage": False}


def record_arrival(session: DbSession, correction_id: int, choice: GroupChoice | None) -> None:
    """After the new report is stored with ``membership(choice)``: one UPDATE, of the lead of the
    group it joined (its size, and the passage narrowed when the lead held it), or of the report
    itself when it starts a group (its group is its own id, known only now)."""
    if choice is None:
        session.execute(_START_GROUP, {"row_id": correction_id})
        return
    if lead := choice.lead_narrowed:
        session.execute(_GROW_GROUP_AND_NARROW, {"row_id": choice.group_id, "narrowed_start": lead[0],
                                                 "narrowed_end": lead[1]})
    else:
        session.execute(_GROW_GROUP, {"row_id": choice.group_id})
    if holder := choice.holder_narrowed:  # a merged-in group's passage
        session.execute(_NARROW, {"row_id": choice.holder_id, "narrowed_start": holder[0], "narrowed_end": holder[1]})
    expire_if_loaded(session, choice.group_id, choice.holder_id)


# ``record_arrival``'s statements, built once (each report runs one): its group, its lead's size, a
# held passage narrowed to the part its reports share.
_CORRECTIONS = table_of(Correction)
_ONE_ROW = _CORRECTIONS.c.id == bindparam("row_id")
_START_GROUP = update(_CORRECTIONS).where(_ONE_ROW).values(group_id=bindparam("row_id"))
_GROW_GROUP = update(_CORRECTIONS).where(_ONE_ROW).values(group_size=_CORRECTIONS.c.group_size + 1)
_NARROWED: dict[str, BindParameter[int]] = {"passage_start": bindparam("narrowed_start"),
                                             "passage_end": bindparam("narrowed_end")}
_GROW_GROUP_AND_NARROW = _GROW_GROUP.values(**_NARROWED)
_NARROW = update(_CORRECTIONS).where(_ONE_ROW).values(**_NARROWED)


def expire_if_loaded(session: DbSession, *ids: int) -> None:
    """Statements on the table bypass the session: a lead already loaded is read again on next use."""
    for correction_id in ids:
        loaded = session.identity_map.get(identity_key(Correction, correction_id))
        if loaded is not None:
            session.expire(loaded)


def assign_group(session: DbSession, correction: Correction) -> int:
    """Put a stored correction that is in no group yet into the group of the passage it matches (or
    its own). For reports made outside the reader's API (the demo, tests); the API does the same in
    fewer statements (``services.corrections.capture``). Returns the group id."""
    if inspect(correction).pending:  # added but not flushed yet, so without an id
        session.flush()
    lock_article(session, correction.article_id)
    choice = find_group(session, Arrival.of(correction), before_id=correction.id)
    for name, value in membership(choice).items():
        setattr(correction, name, value)
    record_arrival(session, correction.id, choice)
    if choice is None:
        set_committed_value(correction, "group_id", correction.id)
    session.flush()
    return choice.group_id if choice is not None else correction.id


# --- reading a group ---------------------------------------------------------------------------

def members(session: DbSession, group_id: int) -> list[Correction]:
    """Every member, oldest first (decisions on a group use it; pages use ``member_page``)."""
    return list(session.scalars(select(Correction).where(Correction.group_id == group_id).order_by(Correction.id)))


@dataclass
class MemberPage:
    rows: list[Correction]
    next_after: int | None  # the id to continue after, when there are more


def member_page(session: DbSession, group_id: int, *, after: int | None = None,
                limit: int = MEMBERS_PAGE) -> MemberPage:
    """Up to ``limit`` members after id ``after``, oldest first: a keyset page (index on group, id)."""
    stmt = select(Correction).where(Correction.group_id == group_id)
    if after is not None:
        stmt = stmt.where(Correction.id > after)
    rows = list(session.scalars(stmt.order_by(Correction.id).limit(limit + 1)))
    return MemberPage(rows[:limit], rows[limit - 1].id if len(rows) > limit else None)


@dataclass
class GroupCounts:
    total: int = 0
    by_status: dict[Status, int] = field(default_factory=dict)
    want_reply: int = 0  # readers who asked to be told the outcome


def group_counts(session: DbSession, group_id: int) -> GroupCounts:
    """The group's size, its members by state (in workflow order) and how many readers wait for an
    answer: one aggregate over the group's index."""
    rows = {status: (n, want_reply) for status, n, want_reply in session.execute(
        select(Correction.status, func.count(), func.count().filter(Correction.notify_reader))
        .where(Correction.group_id == group_id).group_by(Correction.status))}
    return GroupCounts(total=sum(n for n, _ in rows.values()),
                       by_status={status: rows[status][0] for status in Status if status in rows},
                       want_reply=sum(w for _, w in rows.values()))


# --- editors: merge and split ------------------------------------------------------------------

def _recount(session: DbSession, lead_id: int) -> None:
    size = select(func.count()).where(Correction.group_id == lead_id).scalar_subquery()
    session.execute(update(Correction).where(Correction.id == lead_id).values(group_size=size))


def _log(session: DbSession, report: Correction, action: str, actor: User, now: datetime, reason: str) -> None:
    session.add(ModerationEvent(
        correction_id=report.id, actor_id=actor.id, action=action, from_status=report.status,
        to_status=report.status, from_version=report.version, to_version=report.version, reason=reason,
        assignee_id=report.assignee_id, created_at=now,
    ))


def merge(session: DbSession, corrections: Iterable[Correction], *, actor: User, now: datetime) -> int:
    """Merge the groups of ``corrections`` into one (an editor says they are the same issue), led
    by the earliest lead. Each report that moves to another group gets a "merge" event in its audit
    log; the groups' held passages keep drawing new reports into the merged group."""
    corrections = list(corrections)
    group_ids = {c.group_id or c.id for c in corrections}
    if len(group_ids) < 2:
        raise DuplicateError(N_("These reports are already in one group."))
    if len({c.article_id for c in corrections}) > 1:
        raise DuplicateError(N_("Only reports on the same article can be merged."))
    lock_article(session, corrections[0].article_id)
    leads = session.scalars(select(Correction).where(Correction.id.in_(group_ids))
                            .execution_options(populate_existing=True)).all()
    closed = [r for r in leads if not r.status.is_open]
    if closed:
        raise DuplicateError(N_("Report #%(id)s is %(status)s: reopen it before merging."), id=closed[0].id,
                             status=Phrase(closed[0].status.label))
    group_id = min(group_ids)
    moving = Correction.group_id.in_(group_ids - {group_id})
    # The audit events first, in one statement, while the reports still name their old group.
    session.execute(insert(ModerationEvent).from_select(
        ["correction_id", "actor_id", "action", "from_status", "to_status", "from_version", "to_version", "reason",
         "assignee_id", "created_at"],
        select(Correction.id, literal(actor.id), literal("merge"), Correction.status, Correction.status,
               Correction.version, Correction.version, literal(f"Merged into the group of report #{group_id}."),
               Correction.assignee_id, literal(now, type_=ModerationEvent.created_at.type))
        .where(moving),
    ))
    session.execute(update(Correction).where(moving)
                    .values(group_id=group_id, is_lead=False, group_size=0))
    _recount(session, group_id)
    session.flush()
    return group_id


def split(session: DbSession, correction: Correction, *, actor: User, now: datetime) -> int:
    """Take one report out of its group; it becomes a group of its own, holding its own passage.
    When it was the lead, the earliest of the rest leads them. Returns the rest's group id."""
    group_id = correction.group_id or correction.id
    lock_article(session, correction.article_id)
    rest_id = session.scalar(select(func.min(Correction.id)).where(Correction.group_id == group_id,
                                                                   Correction.id != correction.id))
    if rest_id is None:
        raise DuplicateError(N_("This report is not grouped with any other."))
    if correction.id == group_id:  # the lead leaves: the rest follow their earliest report
        session.execute(update(Correction).where(Correction.group_id == group_id, Correction.id != correction.id)
                        .values(group_id=rest_id))
    # The rest's passage goes back to its lead's own selection: the report that left may have
    # narrowed it towards itself.
    session.execute(update(Correction).where(Correction.id == rest_id)
                    .values(is_lead=True, holds_passage=True, passage_start=None, passage_end=None))
    session.execute(update(Correction).where(Correction.id == correction.id)
                    .values(group_id=correction.id, is_lead=True, group_size=1, holds_passage=True))
    _recount(session, rest_id)
    _log(session, correction, "split", actor, now, f"Taken out of the group of report #{rest_id}.")
    session.flush()
    return rest_id
