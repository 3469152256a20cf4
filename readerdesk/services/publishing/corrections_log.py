"""The public corrections log: every published note, newest first, and its Atom 1.0 feed."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import joinedload

from readerdesk.models import Article, Correction, CorrectionNote, NoteType, Site
from readerdesk.models.publication import PUBLIC_NOTE_TYPES
from readerdesk.models.types import DbSession
from readerdesk.services.desk.time_to_correct import median
from readerdesk.services.publishing.publish import public_notes
from readerdesk.text.urls import InvalidURL, normalise_url

ATOM_NS = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 does not allow, even escaped.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class LogPage:
    notes: list[CorrectionNote]
    next_before: int | None  # the id to pass as ``before`` for the next (older) page


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """``YYYY-MM`` → the month's first instant and the next month's, in UTC; ValueError otherwise."""
    start = datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def _public() -> Select:
    return select(CorrectionNote).where(CorrectionNote.note_type.in_(PUBLIC_NOTE_TYPES),
                                        CorrectionNote.awaiting_approval.is_(False))


def public_note(session: DbSession, note_id: int) -> CorrectionNote | None:
    """A published public note by id (its permanent page); None for any other."""
    return session.scalar(_public().where(CorrectionNote.id == note_id))


def log_page(session: DbSession, *, site: Site | None = None, before: int | None = None, limit: int = 30,
             note_type: NoteType | None = None, month: str | None = None) -> LogPage:
    """A page of public notes, newest first; keyset pagination on (published_at, id). ``note_type`` and
    ``month`` (``YYYY-MM``; ValueError when it is not one) narrow it."""
    query = _public().options(joinedload(CorrectionNote.article), joinedload(CorrectionNote.site))
    if site is not None:
        query = query.where(CorrectionNote.site_id == site.id)
    if note_type is not None:
        query = query.where(CorrectionNote.note_type == note_type)
    if month:
        start, end = month_bounds(month)
        query = query.where(CorrectionNote.published_at >= start, CorrectionNote.published_at < end)
    if before is not None:
        cursor = session.get(CorrectionNote, before)
        if cursor is not None:
            query = query.where(or_(
                CorrectionNote.published_at < cursor.published_at,
                and_(CorrectionNote.published_at == cursor.published_at, CorrectionNote.id < cursor.id),
            ))
    notes = list(session.scalars(query.order_by(CorrectionNote.published_at.desc(), CorrectionNote.id.desc())
                                 .limit(limit + 1)))
    has_more = len(notes) > limit
    notes = notes[:limit]
    return LogPage(notes, notes[-1].id if has_more else None)


def article_for_url(session: DbSession, url: str) -> Article | None:
    """The article at ``url`` (on any site); None for an unknown or invalid URL."""
    try:
        url = normalise_url(url)
    except InvalidURL:
        return None
    return session.scalar(select(Article).where(Article.url == url).order_by(Article.id).limit(1))


@dataclass(frozen=True)
class YearlySummary:
    """A site's (or every site's) transparency report for one calendar year (UTC)."""

    year: int
    by_type: dict[NoteType, int]  # public notes published in the year, every public type listed
    reader_reported: int  # of them, the notes published for a reader's report
    median_time_to_correct: timedelta | None  # report → note, over the reader-reported ones

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    @property
    def reader_share(self) -> float | None:
        return self.reader_reported / self.total if self.total else None


def yearly_summary(session: DbSession, year: int, *, site: Site | None = None) -> YearlySummary:
    start = datetime(year, 1, 1, tzinfo=UTC)
    query = (select(CorrectionNote.note_type, CorrectionNote.published_at, Correction.created_at)
             .outerjoin(Correction, Correction.id == CorrectionNote.correction_id)
             .where(CorrectionNote.note_type.in_(PUBLIC_NOTE_TYPES), CorrectionNote.awaiting_approval.is_(False),
                    CorrectionNote.published_at >= start, CorrectionNote.published_at < start.replace(year=year + 1)))
    if site is not None:
        query = query.where(CorrectionNote.site_id == site.id)
    by_type = dict.fromkeys(PUBLIC_NOTE_TYPES, 0)
    waits = []
    for note_type, published_at, reported_at in session.execute(query).all():
        by_type[note_type] += 1
        if reported_at is not None:
            waits.append(published_at - reported_at)
    return YearlySummary(year=year, by_type=by_type, reader_reported=len(waits), median_time_to_correct=median(waits))


def notes_for_url(session: DbSession, url: str) -> list[CorrectionNote]:
    """Public notes of the article at ``url`` (on any site), oldest first. Unknown URL: none."""
    article = article_for_url(session, url)
    return public_notes(session, article) if article is not None else []


def _clean(text: str) -> str:
    return _XML_INVALID_RE.sub("", text)


def tag_uri(authority: str, note: CorrectionNote) -> str:
    """RFC 4151 tag URI; stable because a note's publication date never changes."""
    return f"tag:{authority},{note.published_at:%Y-%m-%d}:correction-note/{note.id}"


def atom_feed(notes: list[CorrectionNote], *, title: str, feed_url: str, html_url: str, authority: str,
              now: datetime, type_label: Callable[[NoteType], str]) -> bytes:
    """An Atom 1.0 document (RFC 4287) for ``notes``; ElementTree does the escaping. ``type_label`` names
    a note's type in the feed's language (an entry's title is "Retraction: <the article's title>")."""
    ET.register_namespace("", ATOM_NS)

    def sub(parent, name: str, text: str | None = None, **attrs) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attrs)
        if text is not None:
            element.text = _clean(text)
        return element

    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    sub(feed, "id", feed_url)
    sub(feed, "title", title)
    updated = max((n.published_at for n in notes), default=now)
    sub(feed, "updated", updated.isoformat())
    sub(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    sub(feed, "link", rel="alternate", type="text/html", href=html_url)
    author = sub(feed, "author")
    sub(author, "name", title)
    for note in notes:
        entry = sub(feed, "entry")
        sub(entry, "id", tag_uri(authority, note))
        sub(entry, "title", f"{type_label(note.note_type)}: {note.article.title}")
        sub(entry, "updated", note.published_at.isoformat())
        sub(entry, "published", note.published_at.isoformat())
        sub(entry, "link", rel="alternate", type="text/html", href=note.article.url)
        sub(entry, "content", note.body, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
