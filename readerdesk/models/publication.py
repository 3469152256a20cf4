"""What readers see of a decision: the dated note published under an article."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.article import Article, ArticleRevision
from readerdesk.models.correction import Correction
from readerdesk.models.site import BODY, Site
from readerdesk.models.types import UTCDateTime, string_enum
from readerdesk.models.user import User
from readerdesk.text.languages import N_


class NoteType(enum.StrEnum):
    CORRECTION = "correction"
    CLARIFICATION = "clarification"
    UPDATE = "update"
    EDITORS_NOTE = "editors_note"
    RETRACTION = "retraction"
    SILENT = "silent"  # a typo fix: the text changes, no public note

    @property
    def label(self) -> str:
        """In English, which is its catalogue key: a page shows ``_(note_type.label)``."""
        return LABELS[self]

    @property
    def definition(self) -> str:
        """What the type is for, shown to the editor choosing it."""
        return DEFINITIONS[self]


LABELS = {NoteType.CORRECTION: N_("Correction"), NoteType.CLARIFICATION: N_("Clarification"),
          NoteType.UPDATE: N_("Update"), NoteType.EDITORS_NOTE: N_("Editor's note"),
          NoteType.RETRACTION: N_("Retraction"), NoteType.SILENT: N_("Silent")}
DEFINITIONS = {
    NoteType.CORRECTION: N_("A factual error fixed: the article said something that was not true."),
    NoteType.CLARIFICATION: N_("The facts were right but the wording was misleading or incomplete."),
    NoteType.UPDATE: N_("New information since publication; nothing in the earlier version was wrong."),
    NoteType.EDITORS_NOTE: N_("Context from the editors about how the article was reported or edited."),
    NoteType.RETRACTION: N_("The article's central claim does not stand. The article stays online under a "
                         "retraction notice at the top; it is never removed."),
    NoteType.SILENT: N_("A typo or spelling fix that changes no meaning: the text changes, no public note."),
}
PUBLIC_NOTE_TYPES = (NoteType.CORRECTION, NoteType.CLARIFICATION, NoteType.UPDATE, NoteType.EDITORS_NOTE,
                     NoteType.RETRACTION)
# Notes that must say what the article said and what is right ("An earlier version ... said ...").
STATED_NOTE_TYPES = (NoteType.CORRECTION, NoteType.CLARIFICATION)
# Notes that change the article's dateModified (never a silent fix, a clarification or an editor's note:
# Google News asks publishers not to refresh dates artificially).
DATE_MODIFYING_NOTE_TYPES = (NoteType.CORRECTION, NoteType.UPDATE, NoteType.RETRACTION)
# Notes a site may require a second editor to approve before they are published (Site.second_approval).
SECOND_APPROVAL_NOTE_TYPES = (NoteType.RETRACTION, NoteType.CLARIFICATION)


class CorrectionNote(Model):
    """A published note (or the record of a silent fix). Public unless ``note_type`` is silent."""

    __tablename__ = "correction_notes"
    __table_args__ = (
        # The article page and the notes API: an article's notes by date.
        Index("ix_correction_notes_article", "article_id", "published_at"),
        # The public log, per site and across sites, newest first, keyset on (published_at, id).
        Index("ix_correction_notes_site_published", "site_id", "published_at", "id"),
        Index("ix_correction_notes_published", "published_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The article's site, copied so the per-site log needs no join.
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    correction_id: Mapped[int | None] = mapped_column(ForeignKey("corrections.id", ondelete="SET NULL"), default=None)
    note_type: Mapped[NoteType] = mapped_column(string_enum(NoteType, "note_type"))
    body: Mapped[str] = mapped_column(Text, default="")
    # For corrections and clarifications: what the article said, and what is right (the body reads
    # "An earlier version of this article said <was_wrong>. <is_right>").
    was_wrong: Mapped[str | None] = mapped_column(Text, default=None)
    is_right: Mapped[str | None] = mapped_column(Text, default=None)
    # A note proposed by one editor that the site requires a second editor to approve: not public, and
    # the report not yet published, until ``approved_by`` approves it (services.publishing.approve).
    awaiting_approval: Mapped[bool] = mapped_column(default=False, server_default=false())
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    # When the editor applied a new wording to a hosted article: the wording and the revision it made.
    wording: Mapped[str | None] = mapped_column(Text, default=None)
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revisions.id", ondelete="SET NULL"), default=None
    )
    # The corrected passage, followed through later revisions like an open report, so that pages can
    # mark it where it stands. None once it cannot be located exactly (rewritten, removed, ambiguous).
    part: Mapped[str] = mapped_column(String(20), default=BODY)
    passage_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revisions.id", ondelete="SET NULL"), default=None
    )
    passage_start: Mapped[int | None] = mapped_column(default=None)
    passage_end: Mapped[int | None] = mapped_column(default=None)

    site: Mapped[Site] = relationship()
    article: Mapped[Article] = relationship()
    correction: Mapped[Correction | None] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[revision_id])
    passage_revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[passage_revision_id])

    @property
    def is_public(self) -> bool:
        return self.note_type != NoteType.SILENT and not self.awaiting_approval


# The statistics (services.stats) bucket corrections by day over a date range: a plain index on
# created_at (and one on first_decision_at) serves that range; the queue's (status, created_at, id)
# index cannot.
Index("ix_corrections_created", Correction.created_at)
Index("ix_corrections_first_decision", Correction.first_decision_at)
