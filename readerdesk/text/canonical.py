"""Article HTML → sanitized HTML → canonical plain text.

Every offset readerdesk stores is a position in the *canonical text* of a revision, so this module
is the one definition of that text. The widget (``static/src/widget/text-rules.js``, function
``canonicalText``, exposed as ``readerdesk.canonicalText``) reproduces the same rules on the DOM of
pages readerdesk renders itself (tests/browser and tests/test_widget_source.py compare them). Change
both together.

Sanitizing (``sanitize_html``), with nh3:
  * only the tags in ``ALLOWED_TAGS`` survive; ``script``, ``style``, ``iframe``, ``noscript``,
    ``template``, ``object``, ``embed``, ``svg``, ``math``, ``form`` and ``select`` are removed with
    their content; other unknown tags are unwrapped (their text stays);
  * only the attributes in ``ALLOWED_ATTRIBUTES`` survive; links get ``rel="noopener noreferrer"``;
    comments are dropped.

Text (``canonical_text``), walking the sanitized DOM in document order:
  1. The tags in ``BLOCK_TAGS`` start and end a block. Entering or leaving one ends the text
     gathered so far; each non-empty block becomes one paragraph of the text.
  2. Text inside a block is concatenated exactly as it is: inline elements (``a``, ``em``,
     ``strong``, ``span``...) add no characters, so ``wo<b>rd</b>`` is ``word``.
     ``<br>`` counts as one space. Images and other void elements add nothing.
  3. In each block, soft hyphens (U+00AD), zero-width characters (U+200B, U+200C, U+200D,
     U+2060, U+FEFF) and control characters (U+0000–U+0008, U+000E–U+001F, U+007F–U+009F) are
     removed, the result is put in Unicode NFC, every run of the whitespace characters in
     ``WHITESPACE`` becomes one space (U+0020), and leading/trailing spaces are cut.
  4. Blocks are joined with a blank line (``"\\n\\n"``). The text never starts or ends with
     whitespace and never holds a newline inside a block.

Offsets into the text are Unicode code points (Python ``str`` indices); the widget converts its
UTF-16 offsets before sending.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import nh3
from selectolax.lexbor import LexborHTMLParser, LexborNode

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn", "div", "dl",
    "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins",
    "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
}  # fmt: skip
REMOVED_WITH_CONTENT = {
    "script", "style", "iframe", "noscript", "template", "object", "embed", "svg", "math", "form",
    "select", "textarea", "button",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "abbr": {"title"},
    "time": {"datetime"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
    "main", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
})  # fmt: skip

# Characters that vanish from the text: soft hyphen, zero-width characters, and control characters
# that are not whitespace (the ones that are, \t \n \v \f \r, collapse like any whitespace).
INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff\u0000-\u0008\u000e-\u001f\u007f-\u009f"
# The whitespace class shared with the widget (the same as JavaScript's \s without U+FEFF,
# which is removed above). Spelled out so Python and JavaScript agree character for character.
WHITESPACE = "\t\n\u000b\u000c\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"

_INVISIBLE_RE = re.compile(f"[{INVISIBLE}]")
_WHITESPACE_RE = re.compile(f"[{WHITESPACE}]+")
BLOCK_SEPARATOR = "\n\n"


def sanitize_html(html: str) -> str:
    """Keep only safe article markup (see the module docstring)."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=REMOVED_WITH_CONTENT,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        strip_comments=True,
        link_rel="noopener noreferrer",
    )


def normalise_block(text: str) -> str:
    """Rule 3: invisible characters out, NFC, whitespace collapsed and trimmed."""
    text = _INVISIBLE_RE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    return _WHITESPACE_RE.sub(" ", text).strip(" ")


def normalise_plain_text(text: str) -> str:
    """Rule 3 applied to plain text: used for text readers and editors type (NFC, no invisibles)."""
    return unicodedata.normalize("NFC", _INVISIBLE_RE.sub("", text))


@dataclass(frozen=True)
class Piece:
    """One run of a block's raw text as it stands in the DOM: a text node, or a ``<br>`` (one space)."""

    node: LexborNode
    raw: str


def parse_sanitized_html(html: str) -> LexborHTMLParser:
    return LexborHTMLParser(f"<!doctype html><html><body>{html}</body></html>")


def iter_blocks(body: LexborNode | None) -> Iterator[list[Piece]]:
    """Walk the sanitized DOM by rules 1–2: yield each block's raw pieces, in document order.

    This is the single walk behind :func:`text_of_sanitized_html` and :func:`map_text`, so offsets
    mapped back into the HTML follow exactly the rules that made the text. Blocks may be empty.
    """
    if body is None:
        return
    pending: list[Piece] = []
    # Iterative walk with explicit enter/leave events: arbitrary nesting cannot overflow the stack.
    stack: list[tuple[LexborNode, bool]] = [(body, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag
        if leaving:
            yield pending
            pending = []
            continue
        if tag == "-text":
            pending.append(Piece(node, node.text_content or ""))
            continue
        if tag == "br":
            pending.append(Piece(node, " "))
            continue
        if tag is None or tag.startswith("-"):  # comments, doctype
            continue
        if tag in BLOCK_TAGS:
            yield pending
            pending = []
            stack.append((node, True))
        children = []
        child = node.first_child
        while child is not None:
            children.append(child)
            child = child.next
        stack.extend((c, False) for c in reversed(children))
    yield pending


def text_of_sanitized_html(html: str) -> str:
    """Rules 1–4 on already-sanitized HTML."""
    blocks = (normalise_block("".join(piece.raw for piece in pieces))
              for pieces in iter_blocks(parse_sanitized_html(html).body))
    return BLOCK_SEPARATOR.join(block for block in blocks if block)


def canonical_text(html: str) -> str:
    """The plain text every offset refers to: sanitize, then rules 1–4."""
    return text_of_sanitized_html(sanitize_html(html))


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
