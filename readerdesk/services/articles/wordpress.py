"""Pull posts from a WordPress site's REST API (``/wp-json/wp/v2/posts``).

Posts are asked for with ``_embed=author,wp:term``, so each carries its author's public name and its
categories' names: they become the article's byline and section (see :func:`byline_of`)."""

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
# What to embed in each post: its author (``/wp/v2/users/<id>``) and its terms (categories and tags).
EMBED = {"_embed": "author,wp:term"}
# WordPress's default category, which every post without one gets: not a section.
DEFAULT_CATEGORY_SLUG = "uncategorized"
MAX_SECTION = 100  # Article.section
MAX_AUTHOR = 200  # models.desk_mapping.MAX_NAME


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
        "per_page": per_page, "page": page, "orderby": "modified", "order": "asc", "status": "publish", **EMBED,
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


def _embedded(post: dict, key: str) -> list:
    embedded = post.get("_embedded")
    found = embedded.get(key) if isinstance(embedded, dict) else None
    return found if isinstance(found, list) else []


def _name(item) -> str:
    """A name from an embedded user or term; "" for an error in its place (a user WordPress hides
    answers ``{"code": "rest_user_invalid_id", ...}``) or anything else."""
    if not isinstance(item, dict) or "code" in item or not isinstance(item.get("name"), str):
        return ""
    return " ".join(htmllib.unescape(item["name"]).split())


def byline_of(post: dict) -> tuple[list[str], str | None]:
    """The post's author names and its section from the embedded author and categories.

    The section is the first of the post's categories, in the order the post lists them
    (``categories``), other than WordPress's default "Uncategorized". Nothing embedded (an old
    WordPress, a plugin that hides users): no names and no section, and the article keeps what it had."""
    authors = [name[:MAX_AUTHOR] for name in map(_name, _embedded(post, "author")) if name]
    categories: dict[object, str] = {}
    for terms in _embedded(post, "wp:term"):
        for term in terms if isinstance(terms, list) else []:
            if (isinstance(term, dict) and term.get("taxonomy") == "category" and _name(term)
                    and term.get("slug") != DEFAULT_CATEGORY_SLUG):
                categories.setdefault(term.get("id"), _name(term))
    listed = post.get("categories")
    listed = listed if isinstance(listed, list) else []
    ordered = [categories[i] for i in listed if i in categories] + [
        name for i, name in categories.items() if i not in listed]
    return list(dict.fromkeys(authors)), (ordered[0][:MAX_SECTION] if ordered else None)


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
        authors, section = byline_of(post)
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
                authors=authors,
                section=section,
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
