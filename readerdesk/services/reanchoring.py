"""Keeping corrections on their passage when an article gets a new revision.

``reanchor_open_corrections`` runs whenever a revision is stored (import, push, WordPress sync, an
applied correction): it diffs the previous and the new text once, follows every open correction's
span through it (readerdesk.anchoring), and appends a :class:`CorrectionAnchor` to each
correction's history. States are relative to the passage *as the reader reported it*: a passage
edited in revision 2 and untouched in revision 3 is still "edited" in revision 3, so the desk can
say "possibly already fixed".
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from readerdesk.anchoring import RevisionDiff, TextPositionSelector, TextQuoteSelector, anchor
from readerdesk.anchoring import selectors_from_json, InvalidSelector
from readerdesk.models import AnchorState, Article, ArticleRevision, Correction, CorrectionAnchor, Status

OPEN_STATUSES = (Status.NEW, Status.IN_REVIEW, Status.ACCEPTED)
# Anchor states that carry a span to follow into the next revision.
FOLLOWABLE = (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.EDITED)


def reported_passage(correction: Correction) -> str:
    """The passage as the reader reported it, in the revision it was anchored in."""
    if correction.revision is not None and correction.start is not None and correction.end is not None:
        return correction.revision.text[correction.start:correction.end]
    return correction.exact


def _quote_selectors(correction: Correction) -> list:
    """The reader's selectors as sent, or the quote and its context when those are unusable."""
    try:
        selectors = selectors_from_json(correction.selectors or [])
    except InvalidSelector:
        selectors = []
    if not any(isinstance(s, TextQuoteSelector) for s in selectors):
        selectors.append(TextQuoteSelector(exact=correction.exact, prefix=correction.prefix, suffix=correction.suffix))
    return selectors


def set_anchor(session: Session, correction: Correction, revision: ArticleRevision, state: AnchorState, *,
               start: int | None, end: int | None, confidence: float | None, now: datetime,
               before: str | None = None, after: str | None = None) -> CorrectionAnchor:
    """Record where the correction points in ``revision`` (history row + the denormalised current anchor)."""
    correction.anchor_state = state
    correction.anchor_revision_id = revision.id
    correction.anchor_start, correction.anchor_end = start, end
    correction.anchor_confidence = confidence
    row = CorrectionAnchor(correction_id=correction.id, revision_id=revision.id, state=state, start=start, end=end,
                           confidence=confidence, before=before, after=after, created_at=now)
    session.add(row)
    return row


def anchor_in_revision(session: Session, correction: Correction, revision: ArticleRevision, *, now: datetime) -> bool:
    """Try to anchor a correction that has no span yet (unanchored) in ``revision``; True when found."""
    found = anchor(_quote_selectors(correction), revision.text)
    if found.state != "anchored":
        return False
    correction.revision_id = revision.id
    correction.start, correction.end = found.start, found.end
    set_anchor(session, correction, revision, AnchorState.ANCHORED, start=found.start, end=found.end,
               confidence=found.confidence, now=now)
    return True


def reanchor_open_corrections(session: Session, article: Article, previous: ArticleRevision,
                              revision: ArticleRevision, now: datetime) -> int:
    """Follow every open correction of ``article`` into ``revision``. Returns how many were updated."""
    corrections = session.scalars(
        select(Correction).where(Correction.article_id == article.id, Correction.status.in_(OPEN_STATUSES))
    ).all()
    diffs: dict[int, RevisionDiff] = {}  # one diff per old revision (normally just ``previous``)
    updated = 0
    for correction in corrections:
        if correction.anchor_state == AnchorState.UNANCHORED:
            updated += anchor_in_revision(session, correction, revision, now=now)
            continue
        if correction.anchor_state not in FOLLOWABLE or correction.anchor_revision_id == revision.id:
            continue
        old = previous if correction.anchor_revision_id == previous.id else session.get(
            ArticleRevision, correction.anchor_revision_id)
        if old is None:
            continue
        diff = diffs.get(old.id)
        if diff is None:
            diff = diffs[old.id] = RevisionDiff(old.text, revision.text)
        span = (correction.anchor_start, correction.anchor_end)
        selectors = [TextQuoteSelector(correction.exact, correction.prefix, correction.suffix),
                     TextPositionSelector(*span)]
        result = diff.reanchor(span if old.text[span[0]:span[1]] else selectors)
        if result.state in ("unchanged", "edited"):
            reported = reported_passage(correction)
            now_text = revision.text[result.start:result.end]
            state = AnchorState.UNCHANGED if now_text == reported else AnchorState.EDITED
            set_anchor(session, correction, revision, state, start=result.start, end=result.end,
                       confidence=result.confidence, now=now,
                       before=reported if state == AnchorState.EDITED else None,
                       after=now_text if state == AnchorState.EDITED else None)
        else:
            state = AnchorState.REMOVED if result.state == "removed" else AnchorState.AMBIGUOUS
            set_anchor(session, correction, revision, state, start=None, end=None,
                       confidence=result.confidence, now=now)
        updated += 1
    session.flush()
    return updated
