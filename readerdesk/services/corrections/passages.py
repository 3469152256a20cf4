"""What an editor reads on a report: the passage in its context, where its anchor stands, and the
reader's suggestion as a word diff (text.diff). Plain data; templates escape every piece of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from readerdesk.models import AnchorState, Correction, CorrectionAnchor
from readerdesk.models.types import DbSession
from readerdesk.text.diff import DiffPart, word_diff

CONTEXT_CHARS = 300


@dataclass(frozen=True)
class PassageContext:
    before: str
    passage: str
    after: str
    revision_number: int
    clipped_before: bool
    clipped_after: bool


@dataclass(frozen=True)
class AnchorStory:
    state: AnchorState
    headline: str
    detail: str
    diff: list[DiffPart] | None = None  # for "edited": the passage before → after


def passage_context(correction: Correction, chars: int = CONTEXT_CHARS) -> PassageContext | None:
    """The anchored passage with up to ``chars`` characters either side, from its current anchor."""
    revision = correction.anchor_revision
    start, end = correction.anchor_start, correction.anchor_end
    if revision is None or start is None or end is None:
        return None
    text = revision.text
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    # Widen to word boundaries so the context does not start or end mid-word.
    while lo > 0 and not text[lo - 1].isspace() and start - lo < chars + 30:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < chars + 30:
        hi += 1
    return PassageContext(before=text[lo:start], passage=text[start:end], after=text[end:hi],
                          revision_number=revision.number, clipped_before=lo > 0, clipped_after=hi < len(text))


def anchor_history(session: DbSession, correction: Correction) -> list[CorrectionAnchor]:
    """Every place the report pointed to, oldest first: one row per revision it was followed into."""
    return list(session.scalars(select(CorrectionAnchor).where(CorrectionAnchor.correction_id == correction.id)
                                .order_by(CorrectionAnchor.id)))


def edit_label(row: CorrectionAnchor) -> str | None:
    """Who changed the passage in this row's revision, when readerdesk made the edit itself."""
    if row.edited_by_id is None:
        return None
    editor = row.edited_by.display_name if row.edited_by else "a deleted user"
    where = "in the article" if row.revision.article.hosted else "in the post in WordPress"
    return f"edited by readerdesk on behalf of {editor}, {where}"


def anchor_story(session: DbSession, correction: Correction) -> AnchorStory:
    """Where the report's passage stands now, in words an editor can act on."""
    state = correction.anchor_state
    revision = correction.anchor_revision
    current = correction.article.current_revision
    number = revision.number if revision else None
    if state in (AnchorState.ANCHORED, AnchorState.UNCHANGED):
        detail = f"The passage is in revision {number} exactly as the reader saw it."
        if current is not None and revision is not None and current.id != revision.id:
            detail += f" The article now has revision {current.number}; the report has not been followed there yet."
        return AnchorStory(state, "Unchanged", detail)
    if state == AnchorState.EDITED:
        edit = session.scalar(select(CorrectionAnchor).where(
            CorrectionAnchor.correction_id == correction.id, CorrectionAnchor.state == AnchorState.EDITED,
        ).order_by(CorrectionAnchor.id.desc()).limit(1))
        diff = word_diff(edit.before or "", edit.after or "") if edit else None
        if edit is not None and edit.edited_by_id is not None and edit.revision_id == correction.anchor_revision_id:
            return AnchorStory(state, "Fixed from the desk",
                               f"Revision {number}: {edit_label(edit)}.", diff)
        return AnchorStory(state, "Edited since the report — possibly already fixed",
                           f"The passage changed in revision {number}. Check whether the edit already fixes it.",
                           diff)
    if state == AnchorState.REMOVED:
        return AnchorStory(state, "Removed", "The passage is no longer in the article.")
    if state == AnchorState.AMBIGUOUS:
        return AnchorStory(state, "Ambiguous",
                           "The quoted text appears more than once; we could not tell which place the reader meant.")
    if state == AnchorState.UNANCHORED:
        return AnchorStory(state, "Not found",
                           "The quoted text is not in any version of the article we have. The article may have "
                           "changed before we saw it, or the reader's copy differed.")
    return AnchorStory(state, "General message", "The reader wrote about the article as a whole, not a passage.")
