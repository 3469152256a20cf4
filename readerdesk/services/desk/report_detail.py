"""Everything the desk's detail page shows about one report, gathered in one call."""

from __future__ import annotations

from dataclasses import dataclass

from readerdesk.models import Correction, CorrectionAnchor, InternalNote, ModerationEvent, User
from readerdesk.models.site import PART_LABELS
from readerdesk.models.types import DbSession
from readerdesk.services.corrections.duplicates import GroupCounts, MemberPage, group_counts, member_page
from readerdesk.services.corrections.passages import (
    AnchorStory,
    PassageContext,
    anchor_history,
    anchor_story,
    passage_context,
)
from readerdesk.services.desk import moderation
from readerdesk.services.desk.users import active_staff
from readerdesk.text.diff import DiffPart, word_diff


@dataclass
class ReportDetail:
    correction: Correction
    context: PassageContext | None
    story: AnchorStory
    anchors: list[CorrectionAnchor]  # the anchor history, oldest first
    suggestion_diff: list[DiffPart] | None
    group: MemberPage  # a page of the members, this report's group, oldest first
    group_counts: GroupCounts  # the whole group: its size, by state, and readers waiting for an answer
    notes: list[InternalNote]
    events: list[ModerationEvent]
    actions: list[str]
    staff: list[User]
    can_assign: bool
    part_label: str  # where on the page the passage is: "the headline", "a photo caption"...


def report_detail(session: DbSession, correction: Correction, *, members_after: int | None = None) -> ReportDetail:
    """The page's data; its size does not grow with the group: members come a page at a time
    (``members_after``: the id the previous page ended on), with the group's counts."""
    group_id = correction.group_id or correction.id
    context = passage_context(correction)
    passage = context.passage if context else correction.exact
    suggestion = correction.suggestion.strip()
    return ReportDetail(
        correction=correction,
        context=context,
        story=anchor_story(session, correction),
        anchors=anchor_history(session, correction),
        suggestion_diff=word_diff(passage, suggestion) if suggestion and passage else None,
        group=member_page(session, group_id, after=members_after),
        group_counts=group_counts(session, group_id),
        notes=moderation.internal_notes(session, correction),
        events=moderation.history(session, correction),
        actions=[a for a in moderation.allowed_actions(correction.status)
                 if a not in ("unassign", "assign", "propose_note")],
        staff=active_staff(session),
        can_assign="assign" in moderation.allowed_actions(correction.status),
        part_label=PART_LABELS.get(correction.part, correction.part),
    )
