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

from rapidfuzz.distance import Indel
from sqlalchemy import Column, Dialect, Table, bindparam, insert, select, text, update
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
    revision and part, then one executemany UPDATE per set of columns and one multi-row INSERT of the
    history. Each report's new state is what ``follow`` would record (``_followed``). Unanchored
    reports (few) are anchored afresh through the ORM (``anchor_in``). A duplicate group's held
    passage follows its report (``_follow_held_passage``)."""
    rows = session.execute(select(*_FOLLOW_COLUMNS).where(
        Correction.article_id == article.id, Correction.status.in_(Status.open()))).all()
    revisions = {previous.id: previous, revision.id: revision}
    diffs: dict[tuple[int, str], RevisionDiff] = {}  # one diff per old revision and part (normally one)
    changes: list[dict] = []
    history: list[dict] = []
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
        key = (old.id, row.part)
        if key not in diffs:
            diffs[key] = _diff(old, revision, row.part)
        change, entry = _followed(row, old, revision, diffs[key], _revision(session, revisions, row.revision_id),
                                  now=now)
        changes.append(change)
        history.append(entry)
        updated += 1
    if changes:
        session.flush()  # pending ORM changes first: the statements below go around the unit of work
        _write_followed(session, changes, history, now=now)
        _expire_loaded(session, {change["row_id"] for change in changes})
    session.flush()
    return updated


def _write_followed(session: DbSession, changes: list[dict], history: list[dict], *, now: datetime) -> None:
    """The reports' new anchor columns and their history rows. On PostgreSQL each set of columns is
    one UPDATE joined to the rows unnested from one array per column, and the history one INSERT
    from arrays: a single statement each, where an executemany runs one statement per report. On
    SQLite (in the process, no round trips) an executemany per set of columns and a multi-row INSERT."""
    corrections, anchors = table_of(Correction), table_of(CorrectionAnchor)
    if session.get_bind().dialect.name != "postgresql":
        for same_columns in _by_columns(changes):
            session.execute(update(corrections).where(corrections.c.id == bindparam("row_id")), same_columns)
        session.execute(insert(anchors), history)
        return
    dialect = session.get_bind().dialect
    for same_columns in _by_columns(changes):
        names = [name for name in same_columns[0] if name != "row_id"]
        rows, arrays = _unnested(dialect, corrections, same_columns, names, ids=("row_id", corrections.c.id))
        assignments = ", ".join(f'"{name}" = u."{name}"' for name in names)
        session.execute(text(f'UPDATE {corrections.name} SET {assignments}, updated_at = :updated_at FROM {rows} '
                             f'WHERE {corrections.name}.id = u.row_id').bindparams(
                                 bindparam("updated_at", type_=corrections.c.updated_at.type)),
                        {**arrays, "updated_at": now})
    names = list(history[0])
    rows, arrays = _unnested(dialect, anchors, history, names)
    quoted = ", ".join(f'"{name}"' for name in names)
    session.execute(text(f'INSERT INTO {anchors.name} ({quoted}) SELECT {quoted} FROM {rows}'), arrays)


def _unnested(dialect: Dialect, table: Table, rows: list[dict], names: list[str],
              ids: tuple[str, Column] | None = None) -> tuple[str, dict]:
    """``unnest(CAST(:a AS type[]), ...) AS u(...)``: ``rows`` as one array parameter per column,
    each value as the column's type binds it (an enum as its string), sent as text for PostgreSQL to
    read as the column's type (a list of Python ints and floats, or of Nones only, has no one array
    type of its own). ``ids``: the key holding the row's id, and the id column whose type it has."""
    columns = [*([ids] if ids else []), *((name, table.c[name]) for name in names)]
    arrays: dict[str, list[str | None]] = {}
    casts = []
    for name, column in columns:
        process = column.type.bind_processor(dialect)
        values = [process(row[name]) for row in rows] if process else [row[name] for row in rows]
        arrays[f"a_{name}"] = [None if value is None else str(value) for value in values]
        casts.append(f"CAST(:a_{name} AS {column.type.compile(dialect=dialect)}[])")
    aliases = ", ".join(f'"{name}"' for name, _ in columns)
    return f"unnest({', '.join(casts)}) AS u({aliases})", arrays


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


def _followed(row, old: ArticleRevision, revision: ArticleRevision, diff: RevisionDiff,
              reported_in: ArticleRevision | None, *, now: datetime) -> tuple[dict, dict]:
    """``follow`` for one row: the report's new anchor columns (with "row_id") and its history row."""
    start, end = row.anchor_start, row.anchor_end
    old_text = old.part_text(row.part)
    selectors: list[Selector] = [TextQuoteSelector(row.exact, row.prefix, row.suffix), TextPositionSelector(start, end)]
    result = diff.reanchor((start, end) if old_text[start:end] else selectors)
    before = after = None
    if result.state in ("unchanged", "moved", "edited"):
        if reported_in is not None and row.start is not None and row.end is not None:
            reported = reported_in.part_text(row.part)[row.start:row.end]
        else:
            reported = row.exact
        now_text = revision.part_text(row.part)[result.start:result.end]
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
    change = {"row_id": row.id, "anchor_state": state, "anchor_revision_id": revision.id, "anchor_start": new_start,
              "anchor_end": new_end, "anchor_confidence": confidence}
    if row.passage_start is not None:
        change["passage_start"], change["passage_end"] = _held_passage(
            diff, (start, end), (row.passage_start, row.passage_end), (new_start, new_end))
    entry = {"correction_id": row.id, "revision_id": revision.id, "state": state, "start": new_start,
             "end": new_end, "confidence": confidence, "before": before, "after": after, "edited_by_id": None,
             "created_at": now}
    return change, entry


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


def _by_columns(changes: list[dict]) -> list[list[dict]]:
    """Changes grouped by the columns they set: one executemany each."""
    groups: dict[frozenset, list[dict]] = {}
    for change in changes:
        groups.setdefault(frozenset(change), []).append(change)
    return list(groups.values())


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
