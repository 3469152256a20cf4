"""The corrections and feedback policy readerdesk hosts for a site: Markdown admins edit on the desk,
shown at ``/sites/<name>/policy``, and linked from the JSON-LD where the site set no policy URL.

Markdown is rendered by markdown-it-py (CommonMark, tables; raw HTML off, so a ``<script>`` is shown
as text) and the result is cleaned again by nh3 with a short list of tags and http(s)/mailto links:
the page is safe even if the renderer's rules change.
"""

from __future__ import annotations

import unicodedata

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from readerdesk.models import Site
from readerdesk.text.marks import N_
from readerdesk.text.translatable import TranslatableError

MAX_POLICY_MARKDOWN = 50_000  # characters
POLICY_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "ul", "ol", "li", "a", "em", "strong",
               "code", "pre", "blockquote", "table", "thead", "tbody", "tr", "th", "td"}
POLICY_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}

_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


class PolicyError(TranslatableError, ValueError):
    """A policy that cannot be saved; the message says why, for the form."""


def _has_images(markdown: str) -> bool:
    return any(child.type == "image" for token in _markdown.parse(markdown) for child in token.children or ())


def policy_html(markdown: str) -> Markup:
    """The policy as safe HTML."""
    html = _markdown.render(markdown or "")
    return Markup(nh3.clean(html, tags=POLICY_TAGS, attributes=POLICY_ATTRIBUTES,
                            url_schemes={"http", "https", "mailto"}, link_rel="noopener nofollow",
                            filter_style_properties={"text-align"}))


def set_hosted_policy(site: Site, markdown: str | None) -> None:
    """Store the site's hosted policy ("" removes it): NFC, line ends as ``\\n``, trailing spaces kept
    (two of them are a Markdown line break)."""
    text = unicodedata.normalize("NFC", (markdown or "").replace("\r\n", "\n").replace("\r", "\n"))
    if len(text) > MAX_POLICY_MARKDOWN:
        raise PolicyError(N_("The policy is at most %(most)s characters; this one has %(count)s."),
                          most=f"{MAX_POLICY_MARKDOWN:,}", count=f"{len(text):,}")
    if _has_images(text):
        # The page shows no images (its HTML is cleaned to text, links and tables): say so rather than
        # drop them without a word.
        raise PolicyError(N_("The policy page shows no images: remove the image (![…](…)) or link to it instead "
                             "([…](…))."))
    site.policy_markdown = text if text.strip() else ""


def hosts_policy(site: Site) -> bool:
    return bool(site.policy_markdown.strip())
