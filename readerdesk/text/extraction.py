"""Pull an article's body and metadata out of a whole web page (pure, no I/O)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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
    # The other reportable parts' HTML, by name (the site's part selectors, matched anywhere in the
    # page; see html_by_selector).
    parts: dict[str, str] = field(default_factory=dict)
    # The byline and the section, for the time-to-correct figures by author and section.
    authors: tuple[str, ...] = ()
    section: str | None = None


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


def _json_ld_article(tree: LexborHTMLParser) -> dict:
    """The page's first schema.org JSON-LD object with a headline or dates (an Article, NewsArticle,
    BlogPosting...), looking inside lists and ``@graph``; {} when there is none."""
    for node in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(node.text() or "")
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if any(isinstance(item.get(k), str) for k in ("headline", "datePublished", "dateModified")):
                    return item
                stack.extend(v for v in (item.get("@graph"),) if v)
    return {}


def _names(value) -> list[str]:
    """Author names from a JSON-LD ``author`` (a string, a Person/Organization, or a list of them)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"))
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    return []


def byline(tree: LexborHTMLParser, ld: dict) -> tuple[str, ...]:
    """The authors' names: the ``author`` meta tag (names separated by commas), else the JSON-LD
    ``author``. Duplicates and blanks dropped, order kept; at most 20 names of 200 characters."""
    meta = _meta(tree, "author")
    found = meta.split(",") if meta else _names(ld.get("author"))
    names: list[str] = []
    for name in found:
        name = " ".join(name.split())[:200]
        if name and name not in names and not name.startswith(("http://", "https://")):
            names.append(name)
    return tuple(names[:20])


def section_of(tree: LexborHTMLParser, ld: dict) -> str | None:
    """``article:section``, else the JSON-LD ``articleSection`` (its first entry when a list)."""
    value = _meta(tree, "article:section") or ld.get("articleSection")
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return " ".join(value.split())[:100] or None if isinstance(value, str) else None


def _text_of(node) -> str:
    return " ".join(node.text(separator=" ").split()) if node is not None else ""


def html_by_selector(html_or_tree, selectors: dict[str, str]) -> dict[str, str]:
    """{name: the HTML of the elements ``selector`` matches} in an HTML fragment or a parsed page,
    each element in a ``<div>`` of its own so that its text is a paragraph of its own (the widget
    joins several matches the same way). A selector the parser cannot read matches nothing."""
    tree = html_or_tree if isinstance(html_or_tree, LexborHTMLParser) else LexborHTMLParser(
        f"<!doctype html><html><body>{html_or_tree}</body></html>")
    out = {}
    for name, selector in selectors.items():
        try:
            nodes = tree.css(selector)
        except Exception:  # selectolax raises a bare exception on a bad selector
            continue
        out[name] = "".join(f"<div>{node.html or ''}</div>" for node in nodes)
    return out


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


def extract_article(document: str, body_selector: str, exclude: list[str],
                    part_selectors: dict[str, str] | None = None) -> ExtractedArticle:
    """Find the body by ``body_selector``, drop ``exclude`` boxes inside it, sanitize, and read metadata.

    Metadata, each from the first source that has it: the headline from ``og:title``, the JSON-LD
    ``headline``, the page's ``h1`` (never ``<title>``, which carries " - Site name"; it is the last
    resort); the dates from ``article:published_time``/``article:modified_time``, else the JSON-LD
    ``datePublished``/``dateModified``; the URL from ``link rel=canonical``. ``part_selectors`` (the
    site's reportable parts) are matched anywhere in the page."""
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

    ld = _json_ld_article(tree)
    ld_text = {key: value.strip() for key, value in ld.items() if isinstance(value, str)}
    title = (_meta(tree, "og:title") or ld_text.get("headline") or _text_of(tree.css_first("h1"))
             or _meta(tree, "twitter:title") or _text_of(tree.css_first("title")))
    canonical = tree.css_first('link[rel="canonical"]')
    return ExtractedArticle(
        html=html,
        text=text,
        title=title or "",
        canonical_url=canonical.attributes.get("href") if canonical is not None else None,
        published_at=parse_datetime(_meta(tree, "article:published_time") or ld_text.get("datePublished")
                                    or _meta(tree, "datePublished")),
        modified_at=parse_datetime(_meta(tree, "article:modified_time") or ld_text.get("dateModified")
                                   or _meta(tree, "og:updated_time", "dateModified")),
        parts=html_by_selector(tree, part_selectors or {}),
        authors=byline(tree, ld),
        section=section_of(tree, ld),
    )
