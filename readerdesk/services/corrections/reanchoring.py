"""Keeping corrections on their passage when an article gets a new revision.

``reanchor_open_corrections`` runs whenever a revision is stored (import, push, WordPress sync, an
applied correction): it diffs the previous and the new text once, follows every open correction's
span through it (readerdesk.anchoring), and appends a :class:`CorrectionAnchor` to each
correction's history. States are relative to the passage *as the reader reported it*: a passage
edited in revision 2 and untouched in revision 3 is still "edited" in revision 3, so the desk can
say "possibly already fixed".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import object_session

from readerdesk.anchoring import (
    InvalidSelector,
    RevisionDiff,
    TextPositionSelector,
    TextQuoteSelector,
    anchor,
    selectors_from_json,
)
from readerdesk.models import AnchorState, Article, ArticleRevision, Correction, CorrectionAnchor, Status
from readerdesk.models.types import DbSession, table_of

# Anchor states that carry a span to follow into the next revision.
FOLLOWABLE = (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.EDITED)


def _quote_selectors(selectors_json: list[dict], exact: str, prefix: str, suffix: str) -> list:
    """The reader's selectors as sent, or the quote and its context when those are unusable."""
    try:
        selectors = selectors_from_json(selectors_json or [])
    except InvalidSelector:
        selectors = []
    if not any(isinstance(s, TextQuoteSelector) for s in selectors):
        selectors.append(TextQuoteSelector(exact=exact, prefix=prefix, suffix=suffix))
    return selectors


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


@dataclass(frozen=True)
class Located:
    """Where the reader's selectors point in one revision."""

    revision_id: int
    state: AnchorState  # anchored, ambiguous (several passages fit equally well) or unanchored
    start: int | None
    end: int | None
    confidence: float | None


def locate(selectors: list[dict], exact: str, prefix: str, suffix: str, revision: ArticleRevision) -> Located:
    """Resolve a reader's selectors in ``revision`` with the anchoring engine. The one place a
    reader's selectors become a span."""
    found = anchor(_quote_selectors(selectors, exact, prefix, suffix), revision.text)
    return Located(revision.id, ENGINE_STATES[found.state], found.start, found.end, found.confidence)


def anchor_in(correction: Correction, revision: ArticleRevision, *, now: datetime) -> bool:
    """``locate`` a stored correction's selectors in ``revision`` and record the attempt in its
    history. Found: the correction is anchored in that revision (start/end set). Otherwise it is
    "ambiguous" or "unanchored" (the text is not there, e.g. the reader saw a newer version).
    True when anchored."""
    found = locate(correction.selectors, correction.exact, correction.prefix, correction.suffix, revision)
    if found.state == AnchorState.ANCHORED:
        correction.revision = revision
        correction.start, correction.end = found.start, found.end
    set_anchor(correction, revision, found.state, start=found.start, end=found.end,
               confidence=found.confidence, now=now)
    return found.state == AnchorState.ANCHORED


def reanchor_open_corrections(session: DbSession, article: Article, previous: ArticleRevision,
                              revision: ArticleRevision, now: datetime) -> int:
    """Follow every open correction of ``article`` into ``revision``. Returns how many were updated.

    In bulk, so a revision of an article with a thousand open reports costs little more than the
    anchoring engine itself: one SELECT of the columns it needs (no ORM objects), one diff per old
    revision, then one executemany UPDATE of the reports and one multi-row INSERT of their history
    (which records when: ``updated_at`` stays the time of the last change a person made). A held
    duplicate passage (services.corrections.duplicates) follows its report."""
    rows = session.execute(select(*_FOLLOW_COLUMNS).where(
        Correction.article_id == article.id, Correction.status.in_(Status.open()))).all()
    texts = _RevisionTexts(session, previous, revision)
    diffs: dict[int, RevisionDiff] = {}  # one diff per old revision (normally just ``previous``)
    changes: list[dict] = []  # column values by report (and "row_id"): few distinct sets of columns
    history: list[dict] = []
    revision_id, new_text = revision.id, revision.text
    updated = 0
    for row in rows:
        if row.anchor_state == AnchorState.UNANCHORED:
            found = _locate_again(session, row, revision)
            change = {"row_id": row.id, "anchor_state": found.state, "anchor_revision_id": revision_id,
                      "anchor_start": found.start, "anchor_end": found.end, "anchor_confidence": found.confidence}
            if found.state == AnchorState.ANCHORED:
                change.update(revision_id=revision_id, start=found.start, end=found.end)
                updated += 1
            changes.append(change)
            history.append(_history(row.id, revision_id, found.state, found.start, found.end, found.confidence, now))
            continue
        if row.anchor_state not in FOLLOWABLE or row.anchor_revision_id == revision_id:
            continue
        old_text = texts.get(row.anchor_revision_id)
        if old_text is None:
            continue
        diff = diffs.get(row.anchor_revision_id)
        if diff is None:
            diff = diffs[row.anchor_revision_id] = RevisionDiff(old_text, new_text)
        span = (row.anchor_start, row.anchor_end)
        result = diff.reanchor(span if old_text[span[0]:span[1]] else [
            _quote_of(session, row.id), TextPositionSelector(*span)])
        change = {"row_id": row.id, "anchor_revision_id": revision_id, "anchor_confidence": result.confidence,
                  **({"passage_start": None, "passage_end": None} if row.passage_start is not None else {})}
        if result.state in ("unchanged", "edited"):
            reported = _reported(session, row, texts)
            now_text = new_text[result.start:result.end]
            state = AnchorState.UNCHANGED if now_text == reported else AnchorState.EDITED
            change.update(anchor_state=state, anchor_start=result.start, anchor_end=result.end)
            passage = row.passage_start is not None and _follow_passage(
                diff, span, (row.passage_start, row.passage_end), result)
            if passage:
                change.update(passage_start=passage[0], passage_end=passage[1])
            history.append(_history(row.id, revision_id, state, result.start, result.end, result.confidence, now,
                                    before=reported if state == AnchorState.EDITED else None,
                                    after=now_text if state == AnchorState.EDITED else None))
        else:
            state = AnchorState.REMOVED if result.state == "removed" else AnchorState.AMBIGUOUS
            change.update(anchor_state=state, anchor_start=None, anchor_end=None)
            history.append(_history(row.id, revision_id, state, None, None, result.confidence, now))
        changes.append(change)
        updated += 1
    if history:
        session.flush()  # pending ORM changes first: the statements below go around the unit of work
        table = table_of(Correction)
        for same_columns in _by_columns(changes):
            session.execute(update(table).where(table.c.id == bindparam("row_id")), same_columns)
        session.execute(insert(table_of(CorrectionAnchor)), history)
        _expire_loaded(session, {change["row_id"] for change in changes})
    return updated


# Only numbers: a report's text is read for the few that need it (``_quote_of``, ``_locate_again``).
_FOLLOW_COLUMNS = (
    Correction.id, Correction.anchor_state, Correction.anchor_revision_id, Correction.anchor_start,
    Correction.anchor_end, Correction.revision_id, Correction.start, Correction.end, Correction.passage_start,
    Correction.passage_end,
)


def _quote_of(session: DbSession, correction_id: int) -> TextQuoteSelector:
    exact, prefix, suffix = session.execute(select(Correction.exact, Correction.prefix, Correction.suffix)
                                            .where(Correction.id == correction_id)).one()
    return TextQuoteSelector(exact, prefix, suffix)


def _locate_again(session: DbSession, row, revision: ArticleRevision) -> Located:
    """``locate`` an unanchored report's selectors in the new revision."""
    selectors, exact, prefix, suffix = session.execute(
        select(Correction.selectors, Correction.exact, Correction.prefix, Correction.suffix)
        .where(Correction.id == row.id)).one()
    return locate(selectors, exact, prefix, suffix, revision)


def _by_columns(changes: list[dict]) -> list[list[dict]]:
    """Changes grouped by the columns they set: one executemany each."""
    groups: dict[frozenset, list[dict]] = {}
    for change in changes:
        groups.setdefault(frozenset(change), []).append(change)
    return list(groups.values())


class _RevisionTexts:
    """The texts of the revisions the open reports point into, each read once."""

    def __init__(self, session: DbSession, *known: ArticleRevision):
        self.session = session
        self.texts: dict[int, str | None] = {r.id: r.text for r in known}

    def get(self, revision_id: int | None) -> str | None:
        if revision_id is None:
            return None
        if revision_id not in self.texts:
            self.texts[revision_id] = self.session.scalar(
                select(ArticleRevision.text).where(ArticleRevision.id == revision_id))
        return self.texts[revision_id]


def _reported(session: DbSession, row, texts: _RevisionTexts) -> str:
    """The passage as the reader reported it, in the revision it was anchored in when it arrived."""
    text = texts.get(row.revision_id) if row.start is not None and row.end is not None else None
    return text[row.start:row.end] if text is not None else _quote_of(session, row.id).exact


def _follow_passage(diff: RevisionDiff, span: tuple[int, int], passage: tuple[int, int],
                    result) -> tuple[int, int] | None:
    """A held passage (inside its report's span) in the new revision: at the same place in the span
    when the span's text is unchanged, else mapped through the diff and kept inside the new span.
    None (the report's own span again) when nothing of it is left."""
    if result.state == "unchanged" and result.end - result.start == span[1] - span[0]:
        shift = result.start - span[0]
        return passage[0] + shift, passage[1] + shift
    start = max(result.start, min(result.end, diff.map.start(passage[0])))
    end = max(start, min(result.end, diff.map.end(passage[1])))
    return (start, end) if end > start else None


def _history(correction_id: int, revision_id: int, state: AnchorState, start: int | None,
             end: int | None, confidence: float | None, now: datetime, *, before: str | None = None,
             after: str | None = None) -> dict:
    return {"correction_id": correction_id, "revision_id": revision_id, "state": state, "start": start, "end": end,
            "confidence": confidence, "before": before, "after": after, "created_at": now}


def _expire_loaded(session: DbSession, ids: set[int]) -> None:
    """Bulk statements bypass the identity map: reports already loaded in this session (the one being
    published, say) are read again on their next use."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Correction) and obj.id in ids:
            session.expire(obj)
