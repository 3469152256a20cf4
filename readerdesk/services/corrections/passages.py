"""What an editor reads on a report: the passage in its context, where its anchor stands, and the
reader's suggestion as a word diff (text.diff). Plain data; templates escape every piece of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from readerdesk.models import AnchorState, Correction, CorrectionAnchor
from readerdesk.models.types import DbSession
from readerdesk.text.diff import DiffPart, word_diff
from readerdesk.text.marks import N_
from readerdesk.text.translatable import Sentence, Sentences

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
    headline: Sentence  # said in the desk's language (views.locale's ``say`` filter)
    detail: Sentence | Sentences
    diff: list[DiffPart] | None = None  # for "edited": the passage before → after


def passage_context(correction: Correction, chars: int = CONTEXT_CHARS) -> PassageContext | None:
    """The anchored passage with up to ``chars`` characters either side, from its current anchor."""
    revision = correction.anchor_revision
    start, end = correction.anchor_start, correction.anchor_end
    if revision is None or start is None or end is None:
        return None
    text = revision.part_text(correction.part)
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    lo, hi = max(0, start - chars), min(len(text), end + chars)
    # Widen to word boundaries so the context does not start or end mid-word.
    while lo > 0 and not text[lo - 1].isspace() and start - lo < chars + 30:
        lo -= 1
    while hi < len(text) and not text[hi].isspace() and hi - end < chars + 30:
        hi += 1
    return PassageContext(before=text[lo:start], passage=text[start:end], after=text[end:hi],
                          revision_number=revision.number, clipped_before=lo > 0, clipped_after=hi < len(text))


def _same_words(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def _latest_edit(session: DbSession, correction: Correction) -> CorrectionAnchor | None:
    return session.scalar(select(CorrectionAnchor).where(
        CorrectionAnchor.correction_id == correction.id, CorrectionAnchor.state == AnchorState.EDITED,
    ).order_by(CorrectionAnchor.id.desc()).limit(1))


def anchor_history(session: DbSession, correction: Correction) -> list[CorrectionAnchor]:
    """Every place the report pointed to, oldest first: one row per revision it was followed into."""
    return list(session.scalars(select(CorrectionAnchor).where(CorrectionAnchor.correction_id == correction.id)
                                .order_by(CorrectionAnchor.id)))


def edit_label(row: CorrectionAnchor) -> Sentence | None:
    """Who changed the passage in this row's revision, when readerdesk made the edit itself."""
    if row.edited_by_id is None:
        return None
    if row.edited_by is None:
        return (Sentence(N_("edited by readerdesk on behalf of a deleted user, in the article"))
                if row.revision.article.hosted else
                Sentence(N_("edited by readerdesk on behalf of a deleted user, in the post in WordPress")))
    editor = row.edited_by.display_name
    return (Sentence(N_("edited by readerdesk on behalf of %(editor)s, in the article"), editor=editor)
            if row.revision.article.hosted else
            Sentence(N_("edited by readerdesk on behalf of %(editor)s, in the post in WordPress"), editor=editor))


def _edited_story(session: DbSession, correction: Correction, number: int | None, fixed: bool) -> AnchorStory:
    state = AnchorState.EDITED
    edit = _latest_edit(session, correction)
    diff = word_diff(edit.before or "", edit.after or "") if edit else None
    if edit is not None and edit.edited_by_id is not None and edit.revision_id == correction.anchor_revision_id:
        return AnchorStory(state, Sentence(N_("Fixed from the desk")),
                           Sentence(N_("Revision %(number)s: %(edit)s."), number=number, edit=edit_label(edit)), diff)
    if fixed:
        return AnchorStory(state, Sentence(N_("Edited since the report — possibly already fixed")),
                           Sentence(N_("The passage changed in revision %(number)s and now reads what the reader "
                                       "suggested."), number=number), diff)
    return AnchorStory(state, Sentence(N_("Edited since the report")),
                       Sentence(N_("The passage changed in revision %(number)s. Check whether the edit already fixes "
                                   "it."), number=number), diff)


def anchor_story(session: DbSession, correction: Correction) -> AnchorStory:
    """Where the report's passage stands now, in words an editor can act on.

    Every sentence is literally true of the stored evidence: "exactly as the reader saw it" only
    when the text at the anchor is the reader's quote character for character; "reported on an
    older version" when the quote was found word for word only in a revision older than the one
    current when the report arrived; "possibly already fixed" only when the passage now reads
    what the reader suggested."""
    state = correction.anchor_state
    revision = correction.anchor_revision
    current = correction.article.current_revision
    number = revision.number if revision else None
    passage = None
    if revision is not None and correction.anchor_start is not None and correction.anchor_end is not None:
        passage = revision.part_text(correction.part)[correction.anchor_start:correction.anchor_end]
    as_seen = passage is not None and passage == correction.exact
    fixed = bool(correction.suggestion.strip()) and passage is not None and not as_seen and _same_words(
        passage, correction.suggestion)
    if correction.reported_on_older_revision and state != AnchorState.UNANCHORED:
        return _older_version_story(session, correction, passage, as_seen, fixed)
    if state == AnchorState.ANCHORED and not as_seen:
        return AnchorStory(state, Sentence(N_("Approximate match")),
                           Sentence(N_("The reader's quote is not in revision %(number)s word for word; this is the "
                                       "closest passage (confidence %(confidence)s). The reader's quote → the text:"),
                                    number=number, confidence=f"{correction.anchor_confidence or 0:.2f}"),
                           word_diff(correction.exact, passage or ""))
    if state in (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.MOVED):
        moved = state == AnchorState.MOVED
        headline = Sentence(N_("Moved")) if moved else Sentence(N_("Unchanged"))
        if as_seen:
            said = (Sentence(N_("The passage is in revision %(number)s in another place of the article exactly as "
                                "the reader saw it."), number=number) if moved else
                    Sentence(N_("The passage is in revision %(number)s exactly as the reader saw it."), number=number))
        else:
            said = (Sentence(N_("The passage is in revision %(number)s in another place of the article as it was "
                                "when the report was anchored; the reader's quote matched it only approximately. "
                                "The reader's quote → the text:"), number=number) if moved else
                    Sentence(N_("The passage is in revision %(number)s as it was when the report was anchored; the "
                                "reader's quote matched it only approximately. The reader's quote → the text:"),
                             number=number))
        detail = Sentences(said)
        if current is not None and revision is not None and current.id != revision.id:
            detail = Sentences(said, Sentence(N_("The article now has revision %(number)s; the report has not been "
                                                 "followed there yet."), number=current.number))
        return AnchorStory(state, headline, detail, None if as_seen else word_diff(correction.exact, passage or ""))
    if state == AnchorState.EDITED:
        return _edited_story(session, correction, number, fixed)
    if state == AnchorState.REMOVED:
        return AnchorStory(state, Sentence(N_("Removed")), Sentence(N_("The passage is no longer in the article.")))
    if state == AnchorState.AMBIGUOUS:
        return AnchorStory(state, Sentence(N_("Ambiguous")),
                           Sentence(N_("The quoted text appears more than once; we could not tell which place the "
                                       "reader meant.")))
    if state == AnchorState.UNANCHORED:
        return AnchorStory(state, Sentence(N_("Not found")),
                           Sentence(N_("The quoted text is not in any version of the article we have. The article "
                                       "may have changed before we saw it, or the reader's copy differed.")))
    return AnchorStory(state, Sentence(N_("General message")),
                       Sentence(N_("The reader wrote about the article as a whole, not a passage.")))


def _older_version_story(session: DbSession, correction: Correction, passage: str | None, as_seen: bool,
                         fixed: bool) -> AnchorStory:
    """The reader quoted a revision older than the current one (an open tab, a cache, an aggregator)."""
    state = correction.anchor_state
    assert correction.revision is not None  # reported_on_older_revision
    older = Sentence(N_("Reported on an older version of the article (revision %(number)s)"),
                     number=correction.revision.number)
    now = correction.anchor_revision.number if correction.anchor_revision else None
    if passage is None:
        detail = (Sentence(N_("The passage is no longer in the article.")) if state == AnchorState.REMOVED else
                  Sentence(N_("The passage could not be told apart from similar text in the current version.")))
        return AnchorStory(state, older, detail)
    if as_seen:
        return AnchorStory(state, older, Sentence(
            N_("The passage is unchanged in revision %(number)s, in another place: it reads exactly as the reader "
               "saw it.") if state == AnchorState.MOVED else
            N_("The passage is unchanged in revision %(number)s: it reads exactly as the reader saw it."), number=now))
    edit = _latest_edit(session, correction)
    diff = word_diff(edit.before or "", edit.after or "") if edit else word_diff(correction.exact, passage)
    headline = (Sentence(N_("Reported on an older version of the article (revision %(number)s) — possibly already "
                            "fixed"), number=correction.revision.number) if fixed else older)
    detail = Sentence(N_("The passage now reads (revision %(number)s): “%(passage)s”."), number=now, passage=passage)
    if fixed:
        return AnchorStory(state, headline, Sentences(detail, Sentence(N_("That is what the reader suggested."))),
                           diff)
    return AnchorStory(state, headline, detail, diff)
