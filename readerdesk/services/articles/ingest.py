"""Articles and their revisions: every way an article arrives ends in ``ingest_article``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from readerdesk.models import Article, ArticleRevision, Site
from readerdesk.models.site import BODY, PART_NAMES
from readerdesk.models.types import DbSession
from readerdesk.services.corrections.reanchoring import follow_note_passages, reanchor_open_corrections
from readerdesk.text.canonical import canonical_text, content_hash, normalise_block, sanitize_html
from readerdesk.text.extraction import ExtractionError, html_by_selector, strip_excluded
from readerdesk.text.urls import InvalidURL, is_under, normalise_url

MAX_TITLE_LENGTH = 500


class IngestError(ValueError):
    """The article cannot be stored; the message says why. Nothing was written."""


class ArticleConflict(IngestError):
    """The article (known by its external id) moved to a URL another article already has."""


@dataclass(frozen=True)
class IngestResult:
    article: Article
    revision: ArticleRevision | None  # the new revision, None when the text did not change
    created: bool  # the article itself is new

    @property
    def changed(self) -> bool:
        return self.revision is not None

    @property
    def current_revision(self) -> ArticleRevision:
        """The article's text now: the new revision, or the unchanged one it already had."""
        current = self.article.current_revision
        assert current is not None  # ingest_article refuses an empty body, so there is always one
        return current


def find_article(session: DbSession, site: Site, url: str) -> Article | None:
    try:
        url = normalise_url(url)
    except InvalidURL:
        return None
    return session.scalar(select(Article).where(Article.site_id == site.id, Article.url == url))


def part_texts(site: Site, title: str, body_html: str, given: dict[str, str] | None = None) -> dict[str, str]:
    """The canonical text of each reportable part besides the body (models.site.PART_NAMES).

    ``given`` maps part names to their HTML (from the page, or pushed by the CMS). The headline is
    the title unless given; a part the site names by a selector that matches inside the body (photo
    captions usually do) is read from the body. Parts with no text are left out."""
    given = given or {}
    texts = {name: canonical_text(html) for name, html in given.items() if name in PART_NAMES and name != BODY}
    if not texts.get("headline"):
        texts["headline"] = normalise_block(title)
    missing = {name: selector for name, selector in (site.parts or {}).items() if name not in texts}
    for name, html in html_by_selector(body_html, missing).items():
        texts[name] = canonical_text(html)
    return {name: text for name, text in texts.items() if text}


def add_revision(
    session: DbSession, article: Article, html: str, *, now: datetime, source_modified_at: datetime | None = None,
    parts: dict[str, str] | None = None,
) -> ArticleRevision | None:
    """Store ``html`` as the article's next revision, unless its canonical text and its parts' texts
    (``parts``: name -> canonical text; None keeps the previous revision's) are unchanged.

    Every open correction of the article is then re-anchored in the new revision, and every
    published note's passage followed there."""
    html = sanitize_html(html)
    text = canonical_text(html)
    if not text:
        raise IngestError("the article body is empty")
    digest = content_hash(text)
    previous = article.current_revision
    if parts is None:
        parts = dict(previous.parts) if previous is not None else {"headline": normalise_block(article.title)}
    if previous is not None and previous.content_hash == digest and (previous.parts or {}) == parts:
        return None
    number = (session.scalar(select(func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id))
              or 0) + 1 if article.id is not None else 1
    revision = ArticleRevision(
        article=article, number=number, html=html, text=text, parts=parts, content_hash=digest,
        source_modified_at=source_modified_at, created_at=now,
    )
    session.add(revision)
    session.flush()
    article.current_revision = revision
    article.modified_at = source_modified_at or now
    if previous is not None:
        reanchor_open_corrections(session, article, previous, revision, now)
        follow_note_passages(session, article, previous, revision)
    return revision


def article_url_of(site: Site, url: str) -> str:
    """``url`` normalised, if it lies under the site's base URL. Otherwise a CMS token (or a WordPress
    feed) could file pages of another site, or of the intranet, under this one, and a reader's report
    would make readerdesk fetch them."""
    try:
        url = normalise_url(url)
    except InvalidURL as exc:
        raise IngestError(str(exc)) from None
    if not is_under(url, site.base_url):
        raise IngestError(f"{url} is not under the site's base URL {site.base_url}")
    return url


def _set_byline(article: Article, authors: Sequence[str] | None, section: str | None) -> None:
    """The byline and section from the source; absent ones leave what the article had."""
    if authors:
        article.authors = list(authors)
    if section:
        article.section = section


def ingest_article(
    session: DbSession,
    site: Site,
    *,
    url: str,
    title: str,
    html: str,
    now: datetime,
    external_id: str | None = None,
    published_at: datetime | None = None,
    modified_at: datetime | None = None,
    exclude: Sequence[str] = (),
    hosted: bool = False,
    parts: dict[str, str] | None = None,
    authors: Sequence[str] | None = None,
    section: str | None = None,
) -> IngestResult:
    """Create or update an article from its body HTML (and ``parts``: the HTML of other reportable
    parts, see :func:`part_texts`). Drops the site's excluded boxes (and ``exclude``), sanitizes,
    and adds a revision only when the canonical text of the body or of a part changed."""
    url = article_url_of(site, url)
    title = " ".join((title or "").split())[:MAX_TITLE_LENGTH]
    if not title:
        raise IngestError("the article has no title")
    try:
        body = strip_excluded(html or "", [*site.exclude_selectors, *exclude])
    except ExtractionError as exc:
        raise IngestError(str(exc)) from None
    if not canonical_text(body):
        raise IngestError("the article body is empty after removing excluded boxes")

    article = None
    if external_id:
        article = session.scalar(
            select(Article).where(Article.site_id == site.id, Article.external_id == external_id)
        )
    if article is None:
        article = session.scalar(select(Article).where(Article.site_id == site.id, Article.url == url))
    created = article is None
    if article is None:
        article = Article(site=site, url=url, title=title, external_id=external_id, hosted=hosted,
                          published_at=published_at or modified_at or now, created_at=now)
        session.add(article)
        session.flush()
    else:
        if article.url != url:
            owner = session.scalar(select(Article.id).where(Article.site_id == site.id, Article.url == url))
            if owner is not None:
                raise ArticleConflict(
                    f"article {external_id} cannot move to {url}: article {owner} already has that URL")
        article.title = title
        article.url = url
        if external_id:
            article.external_id = external_id
        if published_at:
            article.published_at = published_at
    _set_byline(article, authors, section)
    revision = add_revision(session, article, body, now=now, source_modified_at=modified_at,
                            parts=part_texts(site, title, body, parts))
    return IngestResult(article=article, revision=revision, created=created)


def articles_of_site(session: DbSession, site: Site, *, limit: int = 50, before_id: int | None = None) -> list[Article]:
    query = select(Article).where(Article.site_id == site.id, Article.current_revision_id.is_not(None))
    if before_id is not None:
        query = query.where(Article.id < before_id)
    return list(session.scalars(query.order_by(Article.id.desc()).limit(limit)))


def news_article_json_ld(article: Article) -> dict:
    """schema.org NewsArticle for the article page's JSON-LD block."""
    modified = article.modified_at or article.published_at
    return {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "url": article.url,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": modified.isoformat() if modified else None,
        "publisher": {"@type": "Organization", "name": article.site.title or article.site.name},
    }
