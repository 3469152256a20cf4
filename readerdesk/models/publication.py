"""What readers see of a decision: the dated note published under an article."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.article import Article, ArticleRevision
from readerdesk.models.correction import Correction
from readerdesk.models.site import BODY, Site
from readerdesk.models.types import UTCDateTime, string_enum
from readerdesk.models.user import User


class NoteType(enum.StrEnum):
    CORRECTION = "correction"
    CLARIFICATION = "clarification"
    UPDATE = "update"
    SILENT = "silent"  # a typo fix: the text changes, no public note

    @property
    def label(self) -> str:
        return self.value.capitalize()

    def label_in(self, language: str) -> str:
        """The label in the site's language (English when we have no translation)."""
        return LABELS.get((language or "en").split("-")[0], {}).get(self, self.label)


LABELS = {"uk": {NoteType.CORRECTION: "Виправлення", NoteType.CLARIFICATION: "Уточнення",
                  NoteType.UPDATE: "Оновлення"}}
PUBLIC_NOTE_TYPES = (NoteType.CORRECTION, NoteType.CLARIFICATION, NoteType.UPDATE)


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
    author: Mapped[User | None] = relationship()
    revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[revision_id])
    passage_revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[passage_revision_id])

    @property
    def is_public(self) -> bool:
        return self.note_type != NoteType.SILENT


# The statistics (services.stats) bucket corrections by day over a date range: a plain index on
# created_at (and one on first_decision_at) serves that range; the queue's (status, created_at, id)
# index cannot.
Index("ix_corrections_created", Correction.created_at)
Index("ix_corrections_first_decision", Correction.first_decision_at)
