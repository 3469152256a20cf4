"""Pull an article's body and metadata out of a whole web page (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from selectolax.lexbor import LexborHTMLParser

from readerdesk.text.canonical import canonical_text, sanitize_html


class ExtractionError(ValueError):
    """The page cannot give an article body; the message says why."""


@dataclass(frozen=True)
class ExtractedArticle:
    html: str  # sanitized body HTML
    text: str  # canonical text of the body
    title: str
    canonical_url: str | None
    published_at: datetime | None
    modified_at: datetime | None


def looks_like_html(document: str) -> bool:
    head = document.lstrip()[:2048].lower()
    return head.startswith("<") and ("<html" in head or "<!doctype html" in head or "<body" in head
                                     or "<p" in head or "<div" in head or "<article" in head)


def parse_datetime(value: str | None) -> datetime | None:
    """ISO 8601 (with a trailing Z or an offset) to an aware datetime; None when absent or unreadable."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed


def _meta(tree: LexborHTMLParser, *names: str) -> str | None:
    for name in names:
        node = tree.css_first(f'meta[property="{name}"], meta[name="{name}"]')
        content = node.attributes.get("content") if node is not None else None
        if content:
            return content.strip()
    return None


def strip_excluded(html: str, exclude: list[str]) -> str:
    """Drop the boxes matching ``exclude`` from an HTML fragment (related posts, appeals, ads...)."""
    if not exclude:
        return html
    tree = LexborHTMLParser(f"<!doctype html><html><body>{html}</body></html>")
    _decompose_all(tree.body, exclude)
    return (tree.body.inner_html or "") if tree.body is not None else ""


def _decompose_all(root, exclude: list[str]) -> None:
    for selector in exclude:
        try:
            matches = root.css(selector)
        except Exception as exc:  # selectolax raises a bare exception on a bad selector
            raise ExtractionError(f"invalid CSS selector {selector!r}") from exc
        for node in matches:
            node.decompose()


def extract_article(document: str, body_selector: str, exclude: list[str]) -> ExtractedArticle:
    """Find the body by ``body_selector``, drop ``exclude`` boxes inside it, sanitize, and read metadata."""
    if not looks_like_html(document):
        raise ExtractionError("the document is not HTML")
    tree = LexborHTMLParser(document)
    try:
        body = tree.css_first(body_selector)
    except Exception as exc:
        raise ExtractionError(f"invalid CSS selector {body_selector!r}") from exc
    if body is None:
        raise ExtractionError(f"the body selector {body_selector!r} matches nothing in the page")
    _decompose_all(body, exclude)
    html = sanitize_html(body.inner_html or "")
    text = canonical_text(html)
    if not text:
        raise ExtractionError(f"the article body ({body_selector!r}) is empty after extraction")

    title = _meta(tree, "og:title", "twitter:title")
    if not title:
        node = tree.css_first("title") or tree.css_first("h1")
        title = node.text(strip=True) if node is not None else ""
    canonical = tree.css_first('link[rel="canonical"]')
    return ExtractedArticle(
        html=html,
        text=text,
        title=title or "",
        canonical_url=canonical.attributes.get("href") if canonical is not None else None,
        published_at=parse_datetime(_meta(tree, "article:published_time", "datePublished")),
        modified_at=parse_datetime(_meta(tree, "article:modified_time", "og:updated_time", "dateModified")),
    )
