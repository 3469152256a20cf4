"""Published articles and their append-only revisions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.site import BODY, Site
from readerdesk.models.types import UTCDateTime


class Article(Model):
    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("site_id", "url"),
        Index("ix_articles_site_external_id", "site_id", "external_id"),
        Index("ix_articles_site_published", "site_id", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    # Canonical URL: no fragment, no tracking parameters (see readerdesk.text.urls.normalise_url).
    url: Mapped[str] = mapped_column(String(1000))
    title: Mapped[str] = mapped_column(String(500))
    external_id: Mapped[str | None] = mapped_column(String(100), default=None)
    # True when readerdesk publishes the page itself (the demo, or a site without a CMS page):
    # editors may then apply a suggested wording to the text.
    hosted: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The byline and the section, from the page's metadata (text.extraction.byline, section_of): the
    # time-to-correct figures are grouped by them (services.desk.time_to_correct).
    authors: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    section: Mapped[str | None] = mapped_column(String(100), default=None)
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revisions.id", use_alter=True, ondelete="SET NULL"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    current_revision: Mapped[ArticleRevision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article",
        foreign_keys="ArticleRevision.article_id",
        order_by="ArticleRevision.number",
        cascade="all, delete-orphan",
    )

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.url}>"


class ArticleRevision(Model):
    """One version of an article's text. Never updated: a change is a new revision."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    html: Mapped[str] = mapped_column(Text)  # sanitized
    text: Mapped[str] = mapped_column(Text)  # canonical plain text, see readerdesk.text.canonical
    # The other reportable parts' canonical text, by name ("headline", "standfirst", "caption"; see
    # models.site.PART_NAMES). Several captions are one text, joined like paragraphs.
    parts: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    content_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of text
    source_modified_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions", foreign_keys=[article_id])

    def part_text(self, part: str) -> str:
        """The canonical text of one reportable part ("body" is :attr:`text`); "" when absent."""
        return part_text(self.text, self.parts, part)

    def __repr__(self) -> str:
        return f"<ArticleRevision {self.article_id}#{self.number}>"


def part_text(text: str, parts: dict[str, str] | None, part: str) -> str:
    """A revision's canonical text of one reportable part, from its ``text`` (the body) and ``parts``."""
    return text if part == BODY else (parts or {}).get(part, "")


class RevisionImmutable(RuntimeError):
    """Raised when code tries to change a stored revision."""


@event.listens_for(Session, "before_flush")
def _revisions_are_append_only(session: Session, flush_context, instances) -> None:
    for obj in session.dirty:
        if isinstance(obj, ArticleRevision) and session.is_modified(obj, include_collections=False):
            raise RevisionImmutable(
                f"revision {obj.number} of article {obj.article_id} is stored; add a new revision instead"
            )
