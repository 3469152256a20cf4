"""The small interface readerdesk needs to change an article in the CMS that publishes it.

A connector reads the article's *raw* content (what the editor types in the CMS, with a version
marker), writes new raw content only if that marker is still current, and stores what the CMS then
publishes as the article's next revision. ``WordPressConnector`` (services.articles.wordpress_edit)
is the one there is; another CMS needs these three methods and nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from readerdesk.models import ArticleRevision
from readerdesk.models.types import DbSession
from readerdesk.text.translatable import TranslatableError


@dataclass(frozen=True)
class RawDocument:
    """One article as the CMS holds it."""

    external_id: str  # readerdesk's id for it, e.g. "wp:42"
    raw: str  # the content as the editor typed it (WordPress: content.raw, with block comments)
    modified: str  # the CMS's version marker, compared as is (WordPress: modified_gmt)
    edit_url: str  # where an editor changes it by hand
    payload: dict = field(default_factory=dict, compare=False)  # what the connector needs to store it

    @property
    def version(self) -> str:
        """What a write is conditional on: the CMS's marker and the content itself (WordPress's
        ``modified_gmt`` moves in whole seconds, so two saves in one second share it)."""
        return f"{self.modified}#{hashlib.sha256(self.raw.encode('utf-8')).hexdigest()[:16]}"


class CmsError(TranslatableError, RuntimeError):
    """The CMS refused or could not be reached; the message is a sentence an editor can act on."""


class CmsConflict(CmsError):
    """The article changed in the CMS since it was read: nothing was written."""


class CmsConnector(Protocol):
    def fetch_raw(self, external_id: str) -> RawDocument:
        """The article's raw content and version marker now. Raises CmsError."""
        ...

    def write_raw(self, document: RawDocument, raw: str) -> RawDocument:
        """Replace the content of ``document`` with ``raw`` only if the CMS still has
        ``document.version``; returns the article as written. Raises CmsConflict or CmsError."""
        ...

    def store(self, session: DbSession, document: RawDocument, *, now: datetime) -> ArticleRevision | None:
        """Store what the CMS publishes for ``document`` as the article's next revision (None when its
        text did not change); open reports are re-anchored. Flushes, never commits."""
        ...
