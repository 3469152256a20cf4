"""Publishing a correction: the public note, and the new wording in the article's text.

``publish`` is the one decision that readers see. It moves the correction to "published" through
services.moderation (state, version check, audit event), stores a :class:`CorrectionNote` and,
when the editor chose to, writes the suggested wording into the article: for a hosted article a new
revision (services.articles.add_revision, which re-anchors the other open corrections); for an
article from a CMS readerdesk can write to, the post itself, through its connector
(services.articles.cms), with a conditional write, then the post as the CMS now publishes it stored
as the next revision. Either way the report's anchor history gets a row naming the editor the edit
was made for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import or_, select

from readerdesk.anchoring import describe, selectors_to_json
from readerdesk.models import (
    AnchorState,
    Article,
    ArticleRevision,
    Correction,
    CorrectionAnchor,
    CorrectionNote,
    NoteType,
    User,
)
from readerdesk.models.moderation import ModerationEvent
from readerdesk.models.publication import (
    DATE_MODIFYING_NOTE_TYPES,
    PUBLIC_NOTE_TYPES,
    SECOND_APPROVAL_NOTE_TYPES,
    STATED_NOTE_TYPES,
)
from readerdesk.models.site import BODY, PART_LABELS
from readerdesk.models.types import DbSession
from readerdesk.services.articles import ingest as article_service
from readerdesk.services.articles.cms import CmsConflict, CmsConnector, RawDocument
from readerdesk.services.corrections.duplicates import members
from readerdesk.services.corrections.reanchoring import set_anchor
from readerdesk.services.desk import moderation
from readerdesk.services.desk.moderation import ModerationError
from readerdesk.text.canonical import BLOCK_SEPARATOR, canonical_text, normalise_plain_text
from readerdesk.text.diff import DiffPart, word_diff
from readerdesk.text.languages import ENGLISH, N_, Translator, translator_for
from readerdesk.text.rawmap import RawEdit, RawMappingError, edit_raw, fold
from readerdesk.text.textmap import MappingError, replace_passage
from readerdesk.text.translatable import Phrase

MAX_NOTE_LENGTH = 5000
MAX_WORDING_LENGTH = 5000
# Anchor states whose offsets are valid in the anchor's revision.
LOCATED = (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.MOVED, AnchorState.EDITED)


class PublishError(ModerationError):
    """The note or the wording cannot be published as asked; the message says why."""


class WordingNotMappable(PublishError):
    """The passage cannot be placed exactly in the CMS's content: the editor copies the sentence and
    changes it in the CMS by hand (``edit_url``). readerdesk never writes a guess."""

    def __init__(self, reason: str, *, passage: str, wording: str, edit_url: str):
        self.passage, self.wording, self.edit_url = passage, wording, edit_url
        super().__init__(N_("readerdesk cannot place the passage exactly in the post (%(reason)s), so it will "
                            "not change it there. Copy the new wording and change the post in WordPress."),
                         reason=reason)


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    text: str
    revision: ArticleRevision  # the article's current revision, which start and end index


@dataclass(frozen=True)
class WordingPreview:
    passage: Passage  # what the wording replaces, in the current revision
    wording: str
    old_paragraphs: str
    new_paragraphs: str
    diff: list[DiffPart]
    html: str  # the article's new sanitized HTML
    text: str  # its canonical text


@dataclass(frozen=True)
class CmsWordingPreview:
    """What the post's raw content in the CMS becomes with the wording; nothing is written."""

    passage: Passage
    wording: str
    document: RawDocument  # the post as read, with the version marker the write is conditional on
    edit: RawEdit
    old_lines: str  # the raw lines the change touches, before and after
    new_lines: str
    diff: list[DiffPart]


@dataclass(frozen=True)
class CmsEdit:
    """Apply the wording in the CMS through ``connector``, if the post is still at ``expected_version``
    (the :attr:`RawDocument.version` the editor's preview was made on)."""

    connector: CmsConnector
    expected_version: str


@dataclass(frozen=True)
class Publication:
    note: CorrectionNote
    event: ModerationEvent  # the published report's
    group_events: list[ModerationEvent] = field(default_factory=list)  # its open duplicates'

    @property
    def events(self) -> list[ModerationEvent]:
        return [self.event, *self.group_events]


def current_passage(correction: Correction) -> Passage:
    """The correction's passage in the article's current revision, or a PublishError saying why not."""
    article = correction.article
    revision = article.current_revision
    if (revision is None or correction.anchor_revision_id != revision.id or correction.anchor_state not in LOCATED
            or correction.anchor_start is None or correction.anchor_end is None):
        raise PublishError(N_("The reported passage is not located in the current version of the article, "
                           "so its wording cannot be changed here. Publish a note without changing the text."))
    if correction.part != BODY:
        raise PublishError(N_("The passage is in %(part)s, not the body: change it where the article is edited, "
                              "and publish a note without changing the text."),
                           part=Phrase(PART_LABELS.get(correction.part, correction.part)))
    start, end = correction.anchor_start, correction.anchor_end
    return Passage(start, end, revision.text[start:end], revision)


def _paragraphs_around(text: str, lo: int, hi: int) -> str:
    """The whole paragraphs of ``text`` that overlap ``[lo, hi]``."""
    start = text.rfind(BLOCK_SEPARATOR, 0, lo)
    start = 0 if start < 0 else start + len(BLOCK_SEPARATOR)
    end = text.find(BLOCK_SEPARATOR, hi)
    return text[start:] if end < 0 else text[start:end]


def _changed_paragraphs(old: str, new: str) -> tuple[str, str]:
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return _paragraphs_around(old, prefix, len(old) - suffix), _paragraphs_around(new, prefix, len(new) - suffix)


def preview_wording(correction: Correction, wording: str) -> WordingPreview:
    """What the article becomes with ``wording`` in place of the passage; nothing is stored."""
    article = correction.article
    if not article.hosted:
        raise PublishError(N_("This article is published by the site's own CMS; change its text there. "
                           "readerdesk can only change the text of articles it hosts."))
    passage = current_passage(correction)
    wording = _check_wording(wording, passage)
    revision = passage.revision
    try:
        html = replace_passage(revision.html, passage.start, passage.end, wording)
    except MappingError as exc:
        raise PublishError(N_("The wording cannot be applied: %(why)s."), why=exc) from None
    text = canonical_text(html)
    if not text:
        raise PublishError(N_("The article would be empty."))
    old_paragraphs, new_paragraphs = _changed_paragraphs(revision.text, text)
    return WordingPreview(passage=passage, wording=wording, old_paragraphs=old_paragraphs,
                          new_paragraphs=new_paragraphs, diff=word_diff(old_paragraphs, new_paragraphs),
                          html=html, text=text)


def _check_wording(wording: str, passage: Passage) -> str:
    wording = " ".join(normalise_plain_text(wording or "").split())
    if len(wording) > MAX_WORDING_LENGTH:
        raise PublishError(N_("The new wording can be at most %(count)s characters."), count=f"{MAX_WORDING_LENGTH:,}")
    if not wording:
        raise PublishError(N_("Write the new wording, or publish without changing the text."))
    if wording == passage.text:
        raise PublishError(N_("The new wording is the same as the current text."))
    return wording


def _lines_around(text: str, lo: int, hi: int) -> str:
    start = text.rfind("\n", 0, lo) + 1
    end = text.find("\n", hi)
    return text[start:] if end < 0 else text[start:end]


def preview_cms_wording(correction: Correction, wording: str, *, connector: CmsConnector,
                        expected_version: str | None = None) -> CmsWordingPreview:
    """Read the post from the CMS and show what its raw content becomes; nothing is written.

    With ``expected_version``, a post that changed since (another editor saved it) is a CmsConflict
    before anything else. Raises CmsError (the CMS refused or is unreachable), WordingNotMappable or
    PublishError."""
    passage = current_passage(correction)
    wording = _check_wording(wording, passage)
    document = connector.fetch_raw(correction.article.external_id or "")
    if expected_version is not None and document.version != expected_version:
        raise CmsConflict(N_("The post was changed in WordPress since your preview. Nothing was written."))
    try:
        edit = edit_raw(document.raw, passage.revision.text, passage.start, passage.end, wording)
    except RawMappingError as exc:
        raise WordingNotMappable(str(exc), passage=passage.text, wording=wording,
                                 edit_url=document.edit_url) from None
    shift = len(edit.new_raw) - len(document.raw)
    old_lines = _lines_around(document.raw, edit.start, edit.end)
    new_lines = _lines_around(edit.new_raw, edit.start, edit.end + shift)
    return CmsWordingPreview(passage=passage, wording=wording, document=document, edit=edit, old_lines=old_lines,
                             new_lines=new_lines, diff=word_diff(old_lines, new_lines, markup=True))


def refresh_from_cms(session: DbSession, article: Article, *, connector: CmsConnector,
                     now: datetime) -> ArticleRevision | None:
    """Read the article again from its CMS and store it (a new revision re-anchors the open reports).
    Used after a conflict, so the next preview is made on the text as it is now."""
    document = connector.fetch_raw(article.external_id or "")
    return connector.store(session, document, now=now)


def _locate_wording(revision: ArticleRevision, passage: Passage, wording: str) -> tuple[int, int] | None:
    """Where the applied wording stands in the revision made with it: at the passage's offset, or
    (when the CMS rendered text around it differently, e.g. curly quotes) its first occurrence from a
    little before there, compared with quotes and dashes folded."""
    start = passage.start
    if revision.text[start:start + len(wording)] == wording:
        return start, start + len(wording)
    at = fold(revision.text).find(fold(wording), max(0, start - len(passage.text) - 200))
    return (at, at + len(wording)) if at >= 0 else None


def _record_edit(session: DbSession, correction: Correction, revision: ArticleRevision, passage: Passage,
                 wording: str, *, actor: User, now: datetime) -> CorrectionAnchor:
    """The anchor history's row for readerdesk's own edit of the passage, naming the editor."""
    row = session.scalar(select(CorrectionAnchor).where(
        CorrectionAnchor.correction_id == correction.id, CorrectionAnchor.revision_id == revision.id,
    ).order_by(CorrectionAnchor.id.desc()).limit(1))
    if row is None:
        span = _locate_wording(revision, passage, wording)
        row = set_anchor(correction, revision, AnchorState.EDITED, start=span[0] if span else None,
                         end=span[1] if span else None, confidence=1.0 if span else None, now=now,
                         before=passage.text, after=wording)
    row.edited_by_id = actor.id
    session.flush()
    return row


# "An earlier version of this article said <what was wrong>. <what is right>", in the site's language.
EARLIER_VERSION_SAID = N_("An earlier version of this article said %(wrong)s.")


def _sentence(text: str) -> str:
    text = " ".join(normalise_plain_text(text or "").split())
    return text if not text or text[-1] in ".!?…»”\"" else text + "."


def stated_body(was_wrong: str, is_right: str, extra: str = "", *, language: str = "en") -> str:
    """The public text of a correction or clarification: what the article said, then what is right,
    then anything else the editor wrote."""
    wrong = " ".join(normalise_plain_text(was_wrong or "").split()).rstrip(".")
    said = translator_for(language).gettext(EARLIER_VERSION_SAID, wrong=wrong)
    return " ".join(part for part in (said, _sentence(is_right), extra.strip()) if part)


@dataclass(frozen=True)
class NoteText:
    note_type: NoteType
    body: str
    was_wrong: str | None = None
    is_right: str | None = None


def check_note(note_type: NoteType | str, body: str, *, was_wrong: str = "", is_right: str = "",
               language: str = "en") -> NoteText:
    """The note as readers will read it, or a PublishError saying what is missing."""
    try:
        note_type = NoteType(note_type)
    except ValueError:
        raise PublishError(N_("Choose a note type.")) from None
    body = normalise_plain_text(body or "").strip()
    wrong, right = (normalise_plain_text(was_wrong or "").strip(), normalise_plain_text(is_right or "").strip())
    if note_type in STATED_NOTE_TYPES:
        if not wrong or not right:
            raise PublishError(N_("%(note_type)s: say what the article said and what is right; fill in both."),
                               note_type=Phrase(note_type.label))
        text = NoteText(note_type, stated_body(wrong, right, body, language=language), wrong, right)
    else:
        if note_type in PUBLIC_NOTE_TYPES and not body:
            raise PublishError(N_("%(note_type)s: write the text readers will see."), note_type=Phrase(note_type.label))
        text = NoteText(note_type, body)
    if len(text.body) > MAX_NOTE_LENGTH:
        raise PublishError(N_("A note can be at most %(count)s characters."), count=f"{MAX_NOTE_LENGTH:,}")
    return text


def _preview_again(correction: Correction, note_type: NoteType, apply_wording: str | None,
                   expected_passage: str | None, cms: CmsEdit | None) -> WordingPreview | CmsWordingPreview | None:
    """The preview the editor confirmed, made again on the text as it is now (None: no wording)."""
    if apply_wording is None:
        if note_type == NoteType.SILENT:
            raise PublishError(N_("A silent fix changes the text without a note: apply a new wording, "
                               "or choose a public note type."))
        return None
    preview: WordingPreview | CmsWordingPreview
    if cms is not None:
        preview = preview_cms_wording(correction, apply_wording, connector=cms.connector,
                                      expected_version=cms.expected_version)
    else:
        preview = preview_wording(correction, apply_wording)
    if expected_passage is None:
        raise PublishError(N_("Preview the new wording before publishing it."))
    if normalise_plain_text(expected_passage) != preview.passage.text:
        raise PublishError("The article changed since your preview: the passage now reads "
                           f"“{preview.passage.text}”. Preview the wording again.")
    return preview


def needs_second_approval(correction: Correction, note_type: NoteType) -> bool:
    return correction.article.site.second_approval and note_type in SECOND_APPROVAL_NOTE_TYPES


def publish(session: DbSession, correction: Correction, *, note_type: NoteType | str, body: str, actor: User,
            now: datetime, expected_version: int, apply_wording: str | None = None,
            expected_passage: str | None = None, cms: CmsEdit | None = None, was_wrong: str = "",
            is_right: str = "") -> Publication:
    """Publish ``correction``: state → published, the note stored, and optionally the wording applied.

    The open duplicates in its group are published with it (each with its own audit event): they
    reported the same passage, and their readers hear of the same note.

    ``expected_passage`` is the passage text the editor saw in the preview; when the article
    changed since, the wording is refused rather than written over text nobody reviewed.
    With ``cms``, the wording is written into the post in the CMS (conditional on the version the
    editor previewed) *after* the state change and *before* anything else: a failed write raises and
    the caller's rollback leaves the report as it was.
    Where the site requires a second editor's approval for this type (retractions, clarifications),
    the note is only proposed: stored awaiting approval, the report unpublished, the proposal in the
    audit log; :func:`approve` publishes it.
    Raises PublishError, CmsConflict, CmsError, IllegalTransition or StaleDecision; never commits.
    """
    text = check_note(note_type, body, was_wrong=was_wrong, is_right=is_right,
                      language=correction.article.site.language)
    if needs_second_approval(correction, text.note_type):
        return _propose(session, correction, text, actor=actor, now=now, expected_version=expected_version,
                        apply_wording=apply_wording)
    preview = _preview_again(correction, text.note_type, apply_wording, expected_passage, cms)
    event = moderation.mark_published(session, correction, actor=actor, now=now, expected_version=expected_version)
    group_events = _publish_group(session, correction, actor=actor, now=now)
    revision = None
    modified_before = correction.article.modified_at
    if preview is not None:
        if isinstance(preview, CmsWordingPreview):
            assert cms is not None
            written = cms.connector.write_raw(preview.document, preview.edit.new_raw)
            revision = cms.connector.store(session, written, now=now) or correction.article.current_revision
        else:
            revision = article_service.add_revision(session, correction.article, preview.html, now=now)
            if text.note_type not in DATE_MODIFYING_NOTE_TYPES:
                # A typo fix, a clarification or an editor's note is no reason to refresh the date.
                correction.article.modified_at = modified_before
        if revision is not None:
            _record_edit(session, correction, revision, preview.passage, preview.wording, actor=actor, now=now)
    passage = corrected_passage(correction, preview, revision)
    note = CorrectionNote(
        site_id=correction.article.site_id, article_id=correction.article_id, correction_id=correction.id,
        note_type=text.note_type, body=text.body, was_wrong=text.was_wrong, is_right=text.is_right,
        published_at=now, author_id=actor.id, wording=preview.wording if preview else None,
        revision_id=revision.id if revision else None,
        part=correction.part, passage_revision=passage[0] if passage else None,
        passage_start=passage[1] if passage else None, passage_end=passage[2] if passage else None,
    )
    session.add(note)
    session.flush()
    return Publication(note=note, event=event, group_events=group_events)


def _publish_group(session: DbSession, correction: Correction, *, actor: User, now: datetime) -> list[ModerationEvent]:
    """Publish the open duplicates in the correction's group with it, each with its own audit event."""
    events = []
    for other in members(session, correction.group_id or correction.id):
        if other.id == correction.id or other.status not in moderation.TRANSITIONS["publish"]:
            continue
        try:
            events.append(moderation.mark_published(session, other, actor=actor, now=now,
                                                    expected_version=other.version))
        except moderation.StaleDecision:
            continue  # changed by someone else this very moment: theirs stands
    return events


def pending_note(session: DbSession, correction: Correction) -> CorrectionNote | None:
    """The note proposed for this report that awaits a second editor's approval, if any."""
    return session.scalar(select(CorrectionNote).where(CorrectionNote.correction_id == correction.id,
                                                       CorrectionNote.awaiting_approval.is_(True)))


def _propose(session: DbSession, correction: Correction, text: NoteText, *, actor: User, now: datetime,
             expected_version: int, apply_wording: str | None) -> Publication:
    if apply_wording is not None:
        raise PublishError(N_("%(note_type)s: on this site it needs a second editor's approval, and the text cannot "
                              "wait for it: propose the note without changing the text."),
                           note_type=Phrase(text.note_type.label))
    if pending_note(session, correction) is not None:
        raise PublishError(N_("A note for this report already awaits a second editor's approval."))
    event = moderation.propose_note(
        session, correction, actor=actor, now=now, expected_version=expected_version,
        reason=f"{text.note_type.label} proposed; it awaits a second editor's approval.")
    note = CorrectionNote(
        site_id=correction.article.site_id, article_id=correction.article_id, correction_id=correction.id,
        note_type=text.note_type, body=text.body, was_wrong=text.was_wrong, is_right=text.is_right,
        published_at=now, author_id=actor.id, awaiting_approval=True, part=correction.part,
    )
    session.add(note)
    session.flush()
    return Publication(note=note, event=event)


def approve(session: DbSession, note: CorrectionNote, *, actor: User, now: datetime,
            expected_version: int) -> Publication:
    """A second editor approves a proposed note: the report is published with it, the approval (the
    publish event by ``actor``, naming the proposer) in the audit log. The proposer cannot approve."""
    if not note.awaiting_approval or note.correction is None:
        raise PublishError(N_("This note does not await approval."))
    if note.author_id == actor.id:
        raise PublishError(N_("A second editor must approve this note: you proposed it."))
    correction = note.correction
    proposer = note.author.display_name if note.author else "a former editor"
    event = moderation.mark_published(
        session, correction, actor=actor, now=now, expected_version=expected_version,
        reason=f"Second approval of the {note.note_type.label.lower()} proposed by {proposer}.")
    group_events = _publish_group(session, correction, actor=actor, now=now)
    passage = corrected_passage(correction, None, None)
    note.awaiting_approval = False
    note.approved_by_id = actor.id
    note.published_at = now
    if passage is not None:
        note.passage_revision, note.passage_start, note.passage_end = passage
    session.flush()
    return Publication(note=note, event=event, group_events=group_events)


def corrected_passage(correction: Correction, preview: WordingPreview | CmsWordingPreview | None,
                      revision: ArticleRevision | None) -> tuple[ArticleRevision, int, int] | None:
    """Where the note's passage stands in the current revision: the new wording when it was applied,
    else the report's passage when it is located there; None when it is not (the note is then
    listed, never marked)."""
    if preview is not None and revision is not None:
        span = _locate_wording(revision, preview.passage, preview.wording)
        return (revision, *span) if span else None
    current = correction.article.current_revision
    if (current is None or correction.anchor_revision_id != current.id or correction.anchor_state not in LOCATED
            or correction.anchor_start is None or correction.anchor_end is None):
        return None
    return current, correction.anchor_start, correction.anchor_end


def public_notes(session: DbSession, article: Article) -> list[CorrectionNote]:
    """The article's public notes, oldest first (as they read at the end of the article)."""
    return list(session.scalars(
        select(CorrectionNote)
        .where(CorrectionNote.article_id == article.id, CorrectionNote.note_type.in_(PUBLIC_NOTE_TYPES),
               CorrectionNote.awaiting_approval.is_(False))
        .order_by(CorrectionNote.published_at, CorrectionNote.id)
    ))


def note_for_correction(session: DbSession, correction: Correction) -> CorrectionNote | None:
    """The note published for this report, or for the duplicate group it belongs to."""
    published_for = [correction.id] + ([correction.group_id] if correction.group_id else [])
    return session.scalar(select(CorrectionNote).where(or_(*(CorrectionNote.correction_id == i for i in published_for)),
                                                       CorrectionNote.awaiting_approval.is_(False))
                          .order_by(CorrectionNote.id.desc()).limit(1))


def date_modified(article: Article, notes: list[CorrectionNote]) -> datetime | None:
    """When the article last changed for its readers: its own modified (or published) date, or the latest
    public correction, update or retraction if later. A clarification, an editor's note or a silent fix
    never refreshes it. The JSON-LD's ``dateModified`` and the page's "Updated" both say this."""
    modified = article.modified_at or article.published_at
    dated = [n.published_at for n in notes if n.is_public and n.note_type in DATE_MODIFYING_NOTE_TYPES]
    if dated and (modified is None or max(dated) > modified):
        return max(dated)
    return modified


def news_article_json_ld_with_notes(article: Article, notes: list[CorrectionNote], *,
                                   hosted_policy_url: str | None = None) -> dict:
    """services.articles.news_article_json_ld plus the site's standards (schema.org
    ``publishingPrinciples``, ``correctionsPolicy``, ``actionableFeedbackPolicy``, the ones it set),
    ``correction`` (CorrectionComment objects) and ``dateModified`` no earlier than the latest
    correction, update or retraction: a clarification or an editor's note never refreshes the date."""
    data = article_service.news_article_json_ld(article)
    data.update(site_policies(article.site, hosted_policy_url))
    public = [n for n in notes if n.is_public]
    if not public:
        return data
    data["correction"] = [correction_comment(n) for n in public]
    modified = date_modified(article, public)
    if modified is not None and modified != (article.modified_at or article.published_at):
        data["dateModified"] = modified.isoformat()
    if any(n.note_type == NoteType.RETRACTION for n in public):
        data["creativeWorkStatus"] = "Retracted"
    return data


def site_policies(site, hosted_policy_url: str | None = None) -> dict:
    """The site's standards links as schema.org NewsMediaOrganization properties (those set). Where
    the site set no URL and readerdesk hosts its policy page (``hosted_policy_url``, absolute; see
    services.publishing.policy_page), the property links to that page."""
    links = {"publishingPrinciples": site.principles_url, "correctionsPolicy": site.corrections_policy_url,
             "actionableFeedbackPolicy": site.feedback_policy_url}
    return {key: url or hosted_policy_url for key, url in links.items() if url or hosted_policy_url}


def correction_comment(note: CorrectionNote) -> dict:
    """A public note as a schema.org CorrectionComment."""
    return {"@type": "CorrectionComment", "text": note.body, "datePublished": note.published_at.isoformat()}


def note_as_json(note: CorrectionNote, translator: Translator = ENGLISH) -> dict:
    """A public note for the notes API; ``translator`` says the label in the site's language, for the
    widget to show.

    ``passage`` is where the corrected passage stands in the article's current revision: its part and
    W3C selectors (a quote with enough context to be unique, and its position, in that part's
    canonical text), or None when it cannot be located exactly. The widget marks it in the page only
    where it finds that quote exactly."""
    return {"id": note.id, "type": note.note_type.value, "label": translator.gettext(note.note_type.label),
            "text": note.body, "published_at": note.published_at.isoformat(), "passage": note_passage(note),
            "was_wrong": note.was_wrong, "is_right": note.is_right, "schema": correction_comment(note)}


def note_passage(note: CorrectionNote) -> dict | None:
    revision = note.passage_revision
    if (revision is None or revision.id != note.article.current_revision_id or note.passage_start is None
            or note.passage_end is None):
        return None
    text = revision.part_text(note.part)
    if not 0 <= note.passage_start < note.passage_end <= len(text):
        return None
    return {"part": note.part, "selectors": selectors_to_json(describe(text, note.passage_start, note.passage_end))}
