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
from sqlalchemy.orm import object_session

from readerdesk.anchoring import (
    InvalidSelector,
    RevisionDiff,
    Selector,
    TextPositionSelector,
    TextQuoteSelector,
    anchor,
    selectors_from_json,
)
from readerdesk.models import AnchorState, Article, ArticleRevision, Correction, CorrectionAnchor, Status
from readerdesk.models.types import DbSession

# Anchor states that carry a span to follow into the next revision.
FOLLOWABLE = (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.EDITED)


def reported_passage(correction: Correction) -> str:
    """The passage as the reader reported it, in the revision it was anchored in."""
    if correction.revision is not None and correction.start is not None and correction.end is not None:
        return correction.revision.text[correction.start:correction.end]
    return correction.exact


def quote_selectors(selectors_json: list | None, exact: str, prefix: str, suffix: str) -> list:
    """The reader's selectors as sent, or the quote and its context when those are unusable."""
    try:
        selectors = selectors_from_json(selectors_json or [])
    except InvalidSelector:
        selectors = []
    if not any(isinstance(s, TextQuoteSelector) for s in selectors):
        selectors.append(TextQuoteSelector(exact=exact, prefix=prefix, suffix=suffix))
    return selectors


def _quote_selectors(correction: Correction) -> list:
    return quote_selectors(correction.selectors, correction.exact, correction.prefix, correction.suffix)


def quote_is_found(selectors: list, revision: ArticleRevision) -> bool:
    """Whether the engine anchors these selectors in ``revision`` (nothing is recorded)."""
    return ENGINE_STATES[anchor(selectors, revision.text).state] == AnchorState.ANCHORED


def set_anchor(correction: Correction, revision: ArticleRevision, state: AnchorState, *,
               start: int | None, end: int | None, confidence: float | None, now: datetime,
               before: str | None = None, after: str | None = None) -> CorrectionAnchor:
    """Record where the correction points in ``revision``: a history row, and the denormalised
    current anchor the queue filters on. Works on a correction not flushed yet."""
    correction.anchor_state = state
    correction.anchor_revision = revision
    correction.anchor_start, correction.anchor_end = start, end
    correction.anchor_confidence = confidence
    row = CorrectionAnchor(correction=correction, revision=revision, state=state, start=start, end=end,
                           confidence=confidence, before=before, after=after, created_at=now)
    # A correction not stored yet takes the row along when it is added; a stored one's history is
    # not loaded just to append to it, so the row is added to the session directly.
    session = object_session(correction)
    if session is not None:
        session.add(row)
    return row


ENGINE_STATES = {"anchored": AnchorState.ANCHORED, "ambiguous": AnchorState.AMBIGUOUS,
                 "not_found": AnchorState.UNANCHORED}


def anchor_in(correction: Correction, revision: ArticleRevision, *, now: datetime) -> bool:
    """Resolve the reader's selectors in ``revision`` with the anchoring engine, and record the
    attempt in the correction's history. The one place a reader's selectors become a span.

    Found: the correction is anchored in that revision (start/end set). Otherwise it is
    "ambiguous" (several passages fit equally well) or "unanchored" (the text is not there, e.g.
    the reader saw a newer version). True when anchored."""
    found = anchor(_quote_selectors(correction), revision.text)
    state = ENGINE_STATES[found.state]
    if state == AnchorState.ANCHORED:
        correction.revision = revision
        correction.start, correction.end = found.start, found.end
    set_anchor(correction, revision, state, start=found.start, end=found.end,
               confidence=found.confidence, now=now)
    return state == AnchorState.ANCHORED


def reanchor_open_corrections(session: DbSession, article: Article, previous: ArticleRevision,
                              revision: ArticleRevision, now: datetime) -> int:
    """Follow every open correction of ``article`` into ``revision``. Returns how many were updated."""
    corrections = session.scalars(
        select(Correction).where(Correction.article_id == article.id, Correction.status.in_(Status.open()))
    ).all()
    diffs: dict[int, RevisionDiff] = {}  # one diff per old revision (normally just ``previous``)
    updated = 0
    for correction in corrections:
        if correction.anchor_state == AnchorState.UNANCHORED:
            updated += anchor_in(correction, revision, now=now)
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
        start, end = correction.anchor_start, correction.anchor_end
        assert start is not None and end is not None  # a followable report has a passage
        selectors: list[Selector] = [TextQuoteSelector(correction.exact, correction.prefix, correction.suffix),
                                     TextPositionSelector(start, end)]
        result = diff.reanchor((start, end) if old.text[start:end] else selectors)
        if result.state in ("unchanged", "edited"):
            reported = reported_passage(correction)
            now_text = revision.text[result.start:result.end]
            state = AnchorState.UNCHANGED if now_text == reported else AnchorState.EDITED
            set_anchor(correction, revision, state, start=result.start, end=result.end,
                       confidence=result.confidence, now=now,
                       before=reported if state == AnchorState.EDITED else None,
                       after=now_text if state == AnchorState.EDITED else None)
        else:
            state = AnchorState.REMOVED if result.state == "removed" else AnchorState.AMBIGUOUS
            set_anchor(correction, revision, state, start=None, end=None,
                       confidence=result.confidence, now=now)
        updated += 1
    session.flush()
    return updated
