"""Pull posts from a WordPress site's REST API (``/wp-json/wp/v2/posts``)."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import requests
from sqlalchemy import func, select

from readerdesk.models import Article, Site
from readerdesk.models.types import DbSession
from readerdesk.services.articles.fetching import MAX_PAGE_BYTES, FetchError, get
from readerdesk.services.articles.ingest import IngestError, IngestResult, ingest_article
from readerdesk.text.extraction import parse_datetime

# Posts per request. A page may hold this many posts of up to MAX_ARTICLE_BYTES each, so it may be
# that many times bigger than one article (and at least MAX_PAGE_BYTES).
PER_PAGE = 20
# Boxes WordPress plugins put inside post content (Jetpack sharing and related posts, YARPP,
# AddToAny): never part of the article, whatever the site's own exclusions say.
WORDPRESS_BOILERPLATE = [".sharedaddy", ".jp-relatedposts", "#jp-relatedposts", ".yarpp-related",
                         ".addtoany_share_save_container"]
_TAG_RE = re.compile(r"<[^>]+>")


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[str] = field(default_factory=list)  # "post 12: reason"


def posts_endpoint(base_url: str) -> str:
    return base_url.rstrip("/") + "/wp-json/wp/v2/posts"


def _gmt(value: str | None) -> datetime | None:
    parsed = parse_datetime(value)
    if parsed is not None and parsed.tzinfo is None:  # WordPress *_gmt fields carry no offset
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def iter_posts(
    http: requests.Session, base_url: str, *, since: datetime | None, timeout: float, max_article_bytes: int,
    per_page: int = PER_PAGE, on_total: Callable[[int], object] = lambda total: None,
) -> Iterator[dict]:
    """Every published post modified after ``since``, page by page (``X-WP-TotalPages``)."""
    page, total_pages = 1, None
    params: dict[str, str | int] = {
        "per_page": per_page, "page": page, "orderby": "modified", "order": "asc", "status": "publish",
    }
    if since is not None:
        params["modified_after"] = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    while total_pages is None or page <= total_pages:
        params["page"] = page
        response = get(http, posts_endpoint(base_url), params=params, timeout=timeout,
                       max_bytes=max(MAX_PAGE_BYTES, per_page * max_article_bytes))
        try:
            posts = response.json()
        except ValueError:
            raise FetchError(f"{posts_endpoint(base_url)} did not answer with JSON: is it a WordPress site?") from None
        if not isinstance(posts, list):
            raise FetchError(f"{posts_endpoint(base_url)} answered JSON that is not a list of posts")
        if total_pages is None:
            try:
                total_pages = max(1, int(response.headers.get("X-WP-TotalPages", "1")))
            except ValueError:
                total_pages = 1
            try:
                on_total(int(response.headers.get("X-WP-Total", "")))
            except ValueError:  # absent or not a number: estimate from the first page
                on_total(len(posts) * total_pages)
        yield from posts
        page += 1


def last_synced(session: DbSession, site: Site) -> datetime | None:
    return session.scalar(
        select(func.max(Article.modified_at)).where(Article.site_id == site.id, Article.external_id.is_not(None))
    )


def plain_title(rendered: str) -> str:
    return htmllib.unescape(_TAG_RE.sub("", rendered or "")).strip()


def store_post(session: DbSession, site: Site, post: dict, *, now: datetime, report: SyncReport,
               max_article_bytes: int | None = None) -> IngestResult | None:
    """Store one post from the REST API (None, and a line in ``report``, when it cannot be): a broken
    post, or one larger than ``max_article_bytes`` (MAX_ARTICLE_BYTES; None: a post readerdesk itself
    just wrote back, whose size is known)."""
    post_id = str(post.get("id", "?"))
    html = post.get("content", {}).get("rendered", "") if isinstance(post.get("content"), dict) else ""
    size = len(html.encode("utf-8")) if isinstance(html, str) else 0
    if max_article_bytes is not None and size > max_article_bytes:
        report.skipped.append(f"post {post_id}: {size:,} bytes, larger than MAX_ARTICLE_BYTES "
                              f"({max_article_bytes:,}); raise the setting to sync it")
        return None
    try:
        # A savepoint per post: one broken post is reported and skipped, the rest are stored.
        with session.begin_nested():
            result = ingest_article(
                session, site,
                url=post["link"],
                title=plain_title(post.get("title", {}).get("rendered", "")),
                html=post.get("content", {}).get("rendered", ""),
                external_id=f"wp:{post_id}",
                published_at=_gmt(post.get("date_gmt")),
                modified_at=_gmt(post.get("modified_gmt")),
                exclude=WORDPRESS_BOILERPLATE,
                now=now,
            )
    except (IngestError, KeyError, AttributeError, TypeError) as exc:
        report.skipped.append(f"post {post_id}: {exc}")
        return None
    if result.created:
        report.created += 1
    elif result.changed:
        report.updated += 1
    else:
        report.unchanged += 1
    return result
