"""A passage of the canonical text → the exact characters of a CMS's *raw* post content.

readerdesk's revisions hold the canonical text of what the CMS *renders* (WordPress's
``content.rendered``). To change the post itself, the new wording must go into what the editor
types (``content.raw``): Gutenberg block comments, classic-editor HTML with blank lines for
paragraphs, entities. This module reads that raw string as a sequence of tokens — tags, comments
(Gutenberg's ``<!-- wp:... -->`` among them), entities, text — and builds the text the canonical
rules (readerdesk.text.canonical) would give, remembering for every character the raw range it came
from. Only text characters and entities have a range: a passage always starts and ends in text, and
an edit never touches the inside of a tag, an attribute or a block comment.

What WordPress does between raw and rendered is followed where it changes characters, not markup:
``wpautop`` (a blank line is a paragraph break) and ``wptexturize`` (``'`` and ``"`` become curly
quotes, ``--``/``---`` dashes, ``...`` an ellipsis); quotes and dashes are compared folded. Anything
else (shortcodes, embeds, plugin boxes) is simply not matched: when the passage cannot be found
exactly once, :class:`RawMappingError` says so and nothing is written. Pure: no Flask, no database.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass

from readerdesk.text.canonical import BLOCK_SEPARATOR, BLOCK_TAGS, REMOVED_WITH_CONTENT, normalise_plain_text
from readerdesk.text.textmap import MappingError, _normalise_with_origins

# Context either side of the passage used to tell apart several places with the same words.
CONTEXT_CHARS = 40
MIN_CONTEXT = 8

_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
# A tag: its name, then attributes whose quoted values may hold ">".
_TAG_RE = re.compile(r"""</?([a-zA-Z][a-zA-Z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")
_PARAGRAPH_BREAK_RE = re.compile(r"[ \t\r]*\n[ \t\r]*\n\s*")
# What wptexturize makes of straight characters, folded back so both sides compare equal.
_FOLD = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"', "\u201d": '"',
                       "\u201e": '"', "\u2033": '"', "\u2013": "-", "\u2014": "-", "\u00d7": "x"})
_TEXTURIZE = (("...", "\u2026"), ("---", "\u2014"), ("--", "\u2013"))


class RawMappingError(MappingError):
    """The passage cannot be located exactly in the raw content; the message says why."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "text", "entity", "tag", "comment", "removed" (a script/style with its content)
    start: int
    end: int
    tag: str = ""  # lower-case tag name for "tag"
    closing: bool = False


def _tokens(raw: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(raw)
    while i < n:
        c = raw[i]
        if c == "<":
            comment = _COMMENT_RE.match(raw, i)
            if raw.startswith("<!--", i):
                end = comment.end() if comment else n
                tokens.append(_Token("comment", i, end))
                i = end
                continue
            tag = _TAG_RE.match(raw, i)
            if tag:
                name, closing = tag.group(1).lower(), raw[i + 1] == "/"
                end = tag.end()
                if name in REMOVED_WITH_CONTENT and not closing:
                    close = re.compile(rf"</{name}\s*>", re.I).search(raw, end)
                    end = close.end() if close else n
                    tokens.append(_Token("removed", i, end, name))
                else:
                    tokens.append(_Token("tag", i, end, name, closing))
                i = end
                continue
        elif c == "&":
            entity = _ENTITY_RE.match(raw, i)
            if entity and htmllib.unescape(entity.group()) != entity.group():
                tokens.append(_Token("entity", i, entity.end()))
                i = entity.end()
                continue
        tokens.append(_Token("text", i, i + 1))
        i += 1
    return tokens


@dataclass(frozen=True)
class RawText:
    """The canonical-style text of raw content, and each character's raw range ``[a, b)``."""

    raw: str
    text: str
    origins: list[tuple[int, int]]
    tokens: list[_Token]


def _texturized(chars: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    out: list[tuple[str, int, int]] = []
    i = 0
    while i < len(chars):
        for plain, fancy in _TEXTURIZE:
            if "".join(c for c, _, _ in chars[i:i + len(plain)]) == plain:
                out.append((fancy, chars[i][1], chars[i + len(plain) - 1][2]))
                i += len(plain)
                break
        else:
            out.append(chars[i])
            i += 1
    return out


def _blocks(raw: str, tokens: list[_Token]) -> list[list[tuple[str, int, int]]]:
    """Rules 1–2 on the tokens: each block's characters with their raw ranges. Block tags and
    Gutenberg block comments end a block; ``<br>`` is a space; entities are decoded."""
    blocks: list[list[tuple[str, int, int]]] = [[]]
    for token in tokens:
        if token.kind == "tag" and token.tag in BLOCK_TAGS:
            blocks.append([])
        elif token.kind == "tag" and token.tag == "br":
            blocks[-1].append((" ", token.start, token.end))
        elif token.kind == "comment" and raw.startswith(("<!-- wp:", "<!-- /wp:"), token.start):
            blocks.append([])
        elif token.kind == "entity":
            blocks[-1].extend((char, token.start, token.end) for char in htmllib.unescape(raw[token.start:token.end]))
        elif token.kind == "text":
            blocks[-1].append((raw[token.start], token.start, token.end))
    # wpautop: a blank line in the text ends a paragraph.
    split: list[list[tuple[str, int, int]]] = []
    for block in blocks:
        joined, last = "".join(c for c, _, _ in block), 0
        for match in _PARAGRAPH_BREAK_RE.finditer(joined):
            split.append(block[last:match.start()])
            last = match.end()
        split.append(block[last:])
    return split


def raw_text(raw: str) -> RawText:
    """Read raw post content into its text (rules 1–4 of readerdesk.text.canonical, plus wpautop's
    blank-line paragraphs and wptexturize's dashes and ellipsis) with each character's raw range."""
    tokens = _tokens(raw)
    texts: list[str] = []
    origins: list[tuple[int, int]] = []
    for block in _blocks(raw, tokens):
        chars = _texturized(block)
        text, local = _normalise_with_origins("".join(c for c, _, _ in chars))
        if not text:
            continue
        if texts:
            origins.extend([(-1, -1)] * len(BLOCK_SEPARATOR))
        texts.append(text)
        origins.extend((chars[a][1], chars[b - 1][2]) for a, b in local)
    return RawText(raw, BLOCK_SEPARATOR.join(texts), origins, tokens)


def fold(text: str) -> str:
    """Curly quotes, primes and dashes as their straight forms (same length)."""
    return text.translate(_FOLD)


@dataclass(frozen=True)
class RawEdit:
    """The passage's place in the raw content and the raw content with the new wording."""

    start: int  # raw offsets of the passage
    end: int
    old_raw: str
    new_raw: str


def _common_suffix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _common_prefix(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def locate_passage(mapped: RawText, text: str, start: int, end: int) -> tuple[int, int]:
    """Where canonical ``text[start:end]`` is in ``mapped.text``: the same offsets when the two texts
    agree, otherwise the one occurrence of the passage (its context deciding between several)."""
    if not (0 <= start < end <= len(text)):
        raise RawMappingError("the passage is outside the article text")
    folded, target = fold(mapped.text), fold(text)
    if folded == target:
        return start, end
    passage = target[start:end]
    found = [m.start() for m in re.finditer(f"(?={re.escape(passage)})", folded)]
    if not found:
        raise RawMappingError("the passage is not in the post's content as the editor typed it "
                              "(it may come from a shortcode, an embed or a plugin)")
    if len(found) == 1:
        return found[0], found[0] + len(passage)
    before, after = target[max(0, start - CONTEXT_CHARS):start], target[end:end + CONTEXT_CHARS]
    scored = sorted(((_common_suffix(before, folded[:at]) + _common_prefix(after, folded[at + len(passage):]), at)
                     for at in found), reverse=True)
    (best, at), (runner_up, _) = scored[0], scored[1]
    if best < MIN_CONTEXT or best == runner_up:
        raise RawMappingError(f"the passage appears {len(found)} times in the post's content and its "
                              "context does not tell which one the report is about")
    return at, at + len(passage)


def _kept_markup(mapped: RawText, a: int, b: int) -> list[_Token | str]:
    """The markup inside raw ``[a, b)`` that must stay: tags and comments (except an inline element
    whose whole content was the passage), and the line breaks that separate blocks or paragraphs."""
    inside = [t for t in mapped.tokens if t.start >= a and t.end <= b]
    kept: list[_Token | str] = []
    i = 0
    while i < len(inside):
        token = inside[i]
        if token.kind in ("text", "entity"):
            j = i
            while j < len(inside) and inside[j].kind == "text" and mapped.raw[inside[j].start].isspace():
                j += 1
            run = "".join(mapped.raw[t.start:t.end] for t in inside[i:j])
            next_is_markup = j < len(inside) and inside[j].kind in ("tag", "comment")
            previous_is_markup = bool(kept) and isinstance(kept[-1], _Token)
            if "\n" in run and (run.count("\n") >= 2 or next_is_markup or previous_is_markup):
                kept.append(run)  # formatting between blocks, or wpautop's blank line: kept as it was
            i = max(j, i + 1)
            continue
        if (token.kind == "tag" and token.closing and token.tag not in BLOCK_TAGS and kept
                and isinstance(kept[-1], _Token) and kept[-1].kind == "tag" and kept[-1].tag == token.tag
                and not kept[-1].closing):
            kept.pop()  # <em>…</em> held only passage text: both go
        else:
            kept.append(token)
        i += 1
    return kept


def _texturize_text(text: str) -> str:
    for plain, fancy in _TEXTURIZE:
        text = text.replace(plain, fancy)
    return text


def edit_raw(raw: str, text: str, start: int, end: int, wording: str) -> RawEdit:
    """Raw content with canonical ``text[start:end]`` replaced by the plain-text ``wording``.

    The wording goes where the passage's first character was, inside whatever inline markup is
    open there; the passage's other characters are removed; tags and block comments inside it stay
    (except inline elements left empty). Raises RawMappingError when the passage cannot be placed
    exactly."""
    mapped = raw_text(raw)
    lo, hi = locate_passage(mapped, text, start, end)
    a, b = mapped.origins[lo][0], mapped.origins[hi - 1][1]
    if a < 0 or b < 0:
        raise RawMappingError("the passage starts or ends between two paragraphs")
    escaped = htmllib.escape(normalise_plain_text(wording), quote=False)
    kept = _kept_markup(mapped, a, b)
    tail = b
    while kept and isinstance(kept[-1], _Token) and kept[-1].kind == "tag" and not kept[-1].closing \
            and kept[-1].tag not in BLOCK_TAGS:
        close = re.compile(rf"</{kept[-1].tag}\s*>", re.I).match(raw, tail)
        if close is None:
            break
        kept.pop()  # an inline element that began inside the passage and ends with it: nothing left in it
        tail = close.end()
    markup = "".join(part if isinstance(part, str) else raw[part.start:part.end] for part in kept)
    new_raw = raw[:a] + escaped + markup + raw[tail:]
    check = raw_text(new_raw)
    expected = mapped.text[:lo] + _texturize_text(normalise_plain_text(wording)) + mapped.text[hi:]
    # Compared as words: a passage across two paragraphs leaves the paragraph break where it was.
    if fold(check.text).split() != fold(expected).split():
        raise RawMappingError("the new wording would not read as intended in the post's content")
    return RawEdit(a, tail, raw[a:tail], new_raw)
