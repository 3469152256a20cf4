"""Keeping corrections on their passage when an article gets a new revision.

``reanchor_open_corrections`` runs whenever a revision is stored (import, push, WordPress sync, an
applied correction): it diffs the previous and the new text once, follows every open correction's
span through it (readerdesk.anchoring), and appends a :class:`CorrectionAnchor` to each
correction's history. States are relative to the passage *as the reader reported it*: a passage
edited in revision 2 and untouched in revision 3 is still "edited" in revision 3, so the desk can
say "possibly already fixed".
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import NamedTuple

from rapidfuzz.distance import Indel
from sqlalchemy import Dialect, Table, select
from sqlalchemy.orm import object_session

from readerdesk.anchoring import (
    NOT_FOUND,
    Anchor,
    InvalidSelector,
    RevisionDiff,
    Selector,
    TextPositionSelector,
    TextQuoteSelector,
    anchor,
    selectors_from_json,
)
from readerdesk.models import (
    AnchorState,
    Article,
    ArticleRevision,
    Correction,
    CorrectionAnchor,
    CorrectionNote,
    Status,
)
from readerdesk.models.correction import mark_reports_changed
from readerdesk.models.types import DbSession, table_of

# Anchor states that carry a span to follow into the next revision.
FOLLOWABLE = (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.MOVED, AnchorState.EDITED)


def reported_passage(correction: Correction) -> str:
    """The passage as the reader reported it, in the revision it was anchored in."""
    if correction.revision is not None and correction.start is not None and correction.end is not None:
        return correction.revision.part_text(correction.part)[correction.start:correction.end]
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


def quote_is_found(selectors: list, text: str) -> bool:
    """Whether the engine anchors these selectors in ``text`` (a part of a revision; nothing is recorded)."""
    return ENGINE_STATES[anchor(selectors, text).state] == AnchorState.ANCHORED


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


def anchor_in(correction: Correction, revision: ArticleRevision, *, now: datetime, found: Anchor | None = None) -> bool:
    """Resolve the reader's selectors in ``revision`` (in the report's part) with the anchoring
    engine, and record the attempt in the correction's history. True when anchored.

    Found: the correction is anchored in that revision (start/end set), and ``quote_verbatim`` says
    whether the reader's quote is there word for word. Otherwise it is "ambiguous" (several passages
    fit equally well) or "unanchored" (the text is not there, e.g. the reader saw a newer version).
    ``found`` is the engine's answer when the caller has it already."""
    text = revision.part_text(correction.part)
    if found is None:
        found = anchor(_quote_selectors(correction), text) if text else NOT_FOUND
    state = ENGINE_STATES[found.state]
    if state == AnchorState.ANCHORED:
        correction.revision = revision
        correction.start, correction.end = found.start, found.end
        correction.quote_verbatim = text[found.start:found.end] == correction.exact
    set_anchor(correction, revision, state, start=found.start, end=found.end,
               confidence=found.confidence, now=now)
    return state == AnchorState.ANCHORED


def anchor_new_report(session: DbSession, correction: Correction, article: Article, *, now: datetime) -> None:
    """Place a new report, recording the evidence: was the reader's quote in the current revision
    word for word (``quote_verbatim``)?

    When it was not, and it is word for word in an earlier revision, the reader was looking at an
    older copy of the page (a tab left open, a cache, an aggregator): the report is anchored in that
    revision and followed forward through each later one, every step in its history, so the desk can
    say what the passage reads now. Otherwise the engine's answer in the current revision stands (an
    approximate match, ambiguous, or unanchored)."""
    current = article.current_revision
    correction.captured_revision = current
    if current is None:
        correction.anchor_state = AnchorState.UNANCHORED
        return
    selectors = _quote_selectors(correction)
    text = current.part_text(correction.part)
    found = anchor(selectors, text) if text else NOT_FOUND
    if found.state == "anchored" and text[found.start:found.end] == correction.exact:
        anchor_in(correction, current, now=now, found=found)
        return
    older = _verbatim_in_earlier_revision(session, correction, current, selectors)
    if older is None:
        anchor_in(correction, current, now=now, found=found)
        correction.quote_verbatim = False
        return
    revision, start, end = older
    correction.revision = revision
    correction.start, correction.end = start, end
    correction.quote_verbatim = True
    set_anchor(correction, revision, AnchorState.ANCHORED, start=start, end=end, confidence=1.0, now=now)
    later = session.scalars(select(ArticleRevision).where(
        ArticleRevision.article_id == article.id, ArticleRevision.number > revision.number,
        ArticleRevision.number <= current.number).order_by(ArticleRevision.number)).all()
    previous = revision
    for step in later:
        if correction.anchor_state not in FOLLOWABLE:
            break
        follow(correction, previous, step, _diff(previous, step, correction.part), now=now)
        previous = step


def _verbatim_in_earlier_revision(session: DbSession, correction: Correction, current: ArticleRevision,
                                  selectors: list) -> tuple[ArticleRevision, int, int] | None:
    """The newest revision before ``current`` where the reader's selectors anchor on their quote word
    for word: (revision, start, end), or None."""
    older = session.scalars(select(ArticleRevision).where(
        ArticleRevision.article_id == current.article_id, ArticleRevision.number < current.number,
    ).order_by(ArticleRevision.number.desc())).all()
    for revision in older:
        text = revision.part_text(correction.part)
        if correction.exact not in text:  # cheap: most revisions are ruled out here
            continue
        found = anchor(selectors, text)
        if (found.state == "anchored" and found.start is not None and found.end is not None
                and text[found.start:found.end] == correction.exact):
            return revision, found.start, found.end
    return None


def _diff(old: ArticleRevision, new: ArticleRevision, part: str) -> RevisionDiff:
    return RevisionDiff(old.part_text(part), new.part_text(part))


def follow(correction: Correction, old: ArticleRevision, revision: ArticleRevision, diff: RevisionDiff, *,
           now: datetime) -> None:
    """Follow the correction's current span in ``old`` into ``revision`` through ``diff`` (of the
    report's part), and record where it stands. States are relative to the passage as reported:
    "unchanged" only when the text there equals it and the engine found its surroundings in place."""
    start, end = correction.anchor_start, correction.anchor_end
    assert start is not None and end is not None  # a followable report has a passage
    old_text = old.part_text(correction.part)
    selectors: list[Selector] = [TextQuoteSelector(correction.exact, correction.prefix, correction.suffix),
                                 TextPositionSelector(start, end)]
    result = diff.reanchor((start, end) if old_text[start:end] else selectors)
    if result.state in ("unchanged", "moved", "edited"):
        reported = reported_passage(correction)
        now_text = revision.part_text(correction.part)[result.start:result.end]
        if now_text != reported:
            set_anchor(correction, revision, AnchorState.EDITED, start=result.start, end=result.end,
                       confidence=result.confidence, now=now, before=reported, after=now_text)
        elif result.state == "moved" or correction.anchor_state == AnchorState.MOVED:
            set_anchor(correction, revision, AnchorState.MOVED, start=result.start, end=result.end,
                       confidence=min(result.confidence, correction.anchor_confidence or 1.0), now=now)
        else:
            set_anchor(correction, revision, AnchorState.UNCHANGED, start=result.start, end=result.end,
                       confidence=1.0, now=now)
    else:
        state = AnchorState.REMOVED if result.state == "removed" else AnchorState.AMBIGUOUS
        set_anchor(correction, revision, state, start=None, end=None, confidence=result.confidence, now=now)


def reanchor_open_corrections(session: DbSession, article: Article, previous: ArticleRevision,
                              revision: ArticleRevision, now: datetime) -> int:
    """Follow every open correction of ``article`` into ``revision``. Returns how many were updated.

    In bulk, so that a revision of an article with a thousand open reports costs little more than the
    anchoring engine: one SELECT of the columns following needs (no ORM objects), one diff per old
    revision and part, then one UPDATE of the reports' anchor columns and one INSERT of their history
    (``_write_followed``: a report keeping its state is not stamped updated, and costs no index
    entry). Each report's new state is what ``follow`` would record (``_followed``). Unanchored
    reports (few) are anchored afresh through the ORM (``anchor_in``). A duplicate group's held
    passage follows its report (``_held_passage``)."""
    rows = session.execute(select(*_FOLLOW_COLUMNS).where(
        Correction.article_id == article.id, Correction.status.in_(Status.open()))).all()
    revisions = {previous.id: previous, revision.id: revision}
    diffs: dict[tuple[int, str], RevisionDiff] = {}  # one diff per old revision and part (normally one)
    followed: list[_Followed] = []
    updated = 0
    for row in rows:
        if row.anchor_state == AnchorState.UNANCHORED:
            correction = session.get(Correction, row.id)
            if correction is not None:
                updated += anchor_in(correction, revision, now=now)
            continue
        if row.anchor_state not in FOLLOWABLE or row.anchor_revision_id == revision.id:
            continue
        old = _revision(session, revisions, row.anchor_revision_id)
        if old is None:
            continue
        diff = diffs.get((old.id, row.part))
        if diff is None:
            diff = diffs[old.id, row.part] = _diff(old, revision, row.part)
        followed.append(_followed(row, diff, _revision(session, revisions, row.revision_id)))
    if followed:
        session.flush()  # pending ORM changes first: the statements below go around the unit of work
        _write_followed(session, followed, revision.id, now=now)
        _expire_loaded(session, {report.id for report in followed})
        if any(report.restated for report in followed):  # the queues' anchor filter may show others now
            mark_reports_changed(session)
    session.flush()
    return updated + len(followed)


class _Followed(NamedTuple):
    """A report's anchor in the new revision, as ``follow`` would record it: the columns the UPDATE
    sets (besides the revision and the time, the same for all) and its history row's."""

    id: int
    state: str  # an AnchorState's value
    start: int | None
    end: int | None
    confidence: float | None
    passage_start: int | None  # a duplicate group's held passage (the stored one when there is none)
    passage_end: int | None
    before: str | None  # "edited": the passage as reported, and the text there now
    after: str | None
    restated: bool  # whether the state differs from the report's before (only then is it stamped updated)


# What following a report needs, and nothing more (no ORM object per report).
_FOLLOW_COLUMNS = (
    Correction.id, Correction.part, Correction.anchor_state, Correction.anchor_revision_id, Correction.anchor_start,
    Correction.anchor_end, Correction.anchor_confidence, Correction.revision_id, Correction.start, Correction.end,
    Correction.exact, Correction.prefix, Correction.suffix, Correction.passage_start, Correction.passage_end,
)


def _revision(session: DbSession, known: dict[int, ArticleRevision], revision_id: int | None) -> ArticleRevision | None:
    if revision_id is None:
        return None
    if revision_id not in known:
        found = session.get(ArticleRevision, revision_id)
        if found is None:
            return None
        known[revision_id] = found
    return known[revision_id]


def _followed(row, diff: RevisionDiff, reported_in: ArticleRevision | None) -> _Followed:
    """``follow`` for one row, through ``diff`` (of the row's part, from its anchor revision)."""
    start, end = row.anchor_start, row.anchor_end
    if diff.old_text[start:end]:
        result = diff.reanchor((start, end))
    else:
        result = diff.reanchor([TextQuoteSelector(row.exact, row.prefix, row.suffix), TextPositionSelector(start, end)])
    before = after = None
    if result.state in ("unchanged", "moved", "edited"):
        if reported_in is not None and row.start is not None and row.end is not None:
            reported = reported_in.part_text(row.part)[row.start:row.end]
        else:
            reported = row.exact
        now_text = diff.new_text[result.start:result.end]
        new_start, new_end = result.start, result.end
        if now_text != reported:
            state, confidence, before, after = AnchorState.EDITED, result.confidence, reported, now_text
        elif result.state == "moved" or row.anchor_state == AnchorState.MOVED:
            state, confidence = AnchorState.MOVED, min(result.confidence, row.anchor_confidence or 1.0)
        else:
            state, confidence = AnchorState.UNCHANGED, 1.0
    else:
        state = AnchorState.REMOVED if result.state == "removed" else AnchorState.AMBIGUOUS
        new_start = new_end = None
        confidence = result.confidence
    passage = (row.passage_start, row.passage_end)
    if row.passage_start is not None:
        passage = _held_passage(diff, (start, end), (row.passage_start, row.passage_end), (new_start, new_end))
    return _Followed(row.id, state.value, new_start, new_end, confidence, *passage, before, after,
                     state != row.anchor_state)


def _held_passage(diff: RevisionDiff, old_span: tuple[int, int], held: tuple[int, int],
                  new_span: tuple[int | None, int | None]) -> tuple[int | None, int | None]:
    """A duplicate group's held passage (services.corrections.duplicates: inside its report's span,
    narrowed as readers joined) in the new revision: at the same place in the span when the span
    kept its length, else mapped through the diff and kept inside the new span. (None, None), the
    report's own span again, when nothing of it is left."""
    start, end = new_span
    if start is None or end is None:
        return None, None
    if end - start == old_span[1] - old_span[0]:
        shift = start - old_span[0]
        return held[0] + shift, held[1] + shift
    new_start = max(start, min(end, diff.map.start(held[0])))
    new_end = max(new_start, min(end, diff.map.end(held[1])))
    return (new_start, new_end) if new_end > new_start else (None, None)


def _write_followed(session: DbSession, followed: list[_Followed], revision_id: int, *, now: datetime) -> None:
    """The reports' new anchor columns, and their history rows: one UPDATE and one INSERT (on SQLite,
    one UPDATE for the reports that keep their state and one for the others).

    ``updated_at`` moves only for a report whose anchor state changes: it is what the desk's open
    queues notice changes by (``services.desk.live_queue``), and what a queue shows of an anchor is
    its state (the anchor filter and its counts); the caller marks the session for the queues'
    version in Redis (``mark_reports_changed``). A report keeping its state then writes no indexed
    column with a new value: PostgreSQL updates it in place when its page has room (a HOT update, no
    new entry in any of the table's indexes; ``models.correction.FILLFACTOR``), and SQLite, which
    rewrites an index's entries whenever the SET names one of its columns, is not asked to
    (``ix_corrections_counts``, ``ix_corrections_updated``).

    Values go to the driver as they are, not through SQLAlchemy's per-value processing (the only
    typed values, the time and the state, are converted here once). On SQLite, in the process, an
    executemany of plain tuples is the fastest (faster than one statement over json_each); on
    PostgreSQL every row is in one JSON parameter, so that each statement is one statement on the
    server (an executemany runs one per report)."""
    corrections, anchors = table_of(Correction), table_of(CorrectionAnchor)
    dialect = session.get_bind().dialect
    process = corrections.c.updated_at.type.bind_processor(dialect)
    stamp = process(now) if process else now
    connection = session.connection()
    update_sql = (f"UPDATE {corrections.name} SET anchor_revision_id = {{revision}}, anchor_start = {{start}}, "
                  f"anchor_end = {{end}}, anchor_confidence = {{confidence}}, passage_start = {{passage_start}}, "
                  f"passage_end = {{passage_end}}")
    insert_sql = (f'INSERT INTO {anchors.name} (correction_id, revision_id, state, start, "end", confidence, '
                  f'before, after, created_at) ')
    if dialect.name != "postgresql":
        # SQLite rewrites the entries of every index on a column the SET names, whatever the value:
        # the reports keeping their state are written without it (nor updated_at), the others with.
        update = update_sql.format(revision="?", start="?", end="?", confidence="?", passage_start="?",
                                   passage_end="?")
        for restated in (False, True):
            values = [(revision_id, f.start, f.end, f.confidence, f.passage_start, f.passage_end)
                      + ((f.state, stamp, f.id) if restated else (f.id,)) for f in followed if f.restated == restated]
            if values:
                connection.exec_driver_sql(
                    update + (", anchor_state = ?, updated_at = ?" if restated else "") + " WHERE id = ?", values)
        connection.exec_driver_sql(
            insert_sql + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(f.id, revision_id, f.state, f.start, f.end, f.confidence, f.before, f.after, stamp) for f in followed])
        return
    rows = _json_rows(dialect, corrections)
    params = {"rows": json.dumps(followed), "revision": revision_id, "now": stamp}
    connection.exec_driver_sql(
        update_sql.format(revision="%(revision)s", start="u.start", end='u."end"', confidence="u.confidence",
                          passage_start="u.passage_start", passage_end="u.passage_end")
        + ", anchor_state = u.state, updated_at = CASE WHEN u.restated THEN %(now)s ELSE updated_at END"
        + f" FROM {rows} WHERE {corrections.name}.id = u.id", params)
    connection.exec_driver_sql(
        insert_sql + f'SELECT u.id, %(revision)s, u.state, u.start, u."end", u.confidence, u.before, u.after, '
                     f'%(now)s FROM {rows}', params)


def _json_rows(dialect: Dialect, corrections: Table) -> str:
    """``(SELECT ... FROM jsonb_array_elements(...)) AS u``: the ``_Followed`` rows sent as one JSON
    array in the parameter "rows", each field as the type of the column it is written to."""
    types = {"id": corrections.c.id, "state": corrections.c.anchor_state, "start": corrections.c.anchor_start,
             "end": corrections.c.anchor_end, "confidence": corrections.c.anchor_confidence,
             "passage_start": corrections.c.passage_start, "passage_end": corrections.c.passage_end,
             "before": table_of(CorrectionAnchor).c.before, "after": table_of(CorrectionAnchor).c.after,
             "restated": corrections.c.is_lead}  # a boolean
    fields = ", ".join(f'CAST(e->>{n} AS {types[name].type.compile(dialect=dialect)}) AS "{name}"'
                       for n, name in enumerate(_Followed._fields))
    return f"(SELECT {fields} FROM jsonb_array_elements(CAST(%(rows)s AS JSONB)) AS e) AS u"


def _expire_loaded(session: DbSession, ids: set[int]) -> None:
    """Bulk statements bypass the identity map: reports already loaded in this session (the one being
    published, say) are read again on their next use."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Correction) and obj.id in ids:
            session.expire(obj)


#: A published note's passage is marked on the page only where it can be found exactly: followed
#: through a later edit only while the text still resembles what was corrected (Indel similarity).
MIN_NOTE_PASSAGE_SIM = 0.75


def follow_note_passages(session: DbSession, article: Article, previous: ArticleRevision,
                         revision: ArticleRevision) -> None:
    """Follow each published note's passage from ``previous`` into ``revision``. A passage that is
    gone, ambiguous or rewritten beyond recognition is dropped for good: its note stays in the list
    after the article, unmarked, rather than marking a guess."""
    notes = session.scalars(select(CorrectionNote).where(
        CorrectionNote.article_id == article.id, CorrectionNote.passage_revision_id == previous.id)).all()
    diffs: dict[str, RevisionDiff] = {}
    for note in notes:
        if note.passage_start is None or note.passage_end is None:
            continue  # not written by publish(): a passage has both ends or neither
        if note.part not in diffs:
            diffs[note.part] = _diff(previous, revision, note.part)
        result = diffs[note.part].reanchor((note.passage_start, note.passage_end))
        recognisable = result.state == "edited" and (
            Indel.normalized_similarity(result.before or "", result.after or "") >= MIN_NOTE_PASSAGE_SIM)
        kept = result.state in ("unchanged", "moved") or recognisable
        note.passage_revision = revision if kept else None
        note.passage_start, note.passage_end = (result.start, result.end) if kept else (None, None)
    session.flush()
