"""Canonical-text offsets → places in sanitized HTML, and rewriting a passage in place.

``readerdesk.text.canonical`` turns HTML into the canonical text through one walk
(:func:`readerdesk.text.canonical.iter_blocks`). This module takes the same walk and remembers, for
every character of the canonical text, which raw characters of which DOM text node it came
from — through rule 3's removals, NFC composition and whitespace collapsing — so that an editor's
new wording for canonical ``[start, end)`` can be written into the text nodes, keeping the markup
around it (``<em>``, links) intact. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from readerdesk.text.canonical import (
    _INVISIBLE_RE,
    _WHITESPACE_RE,
    BLOCK_SEPARATOR,
    BLOCK_TAGS,
    Piece,
    iter_blocks,
    normalise_block,
    normalise_plain_text,
    parse_sanitized_html,
)


class MappingError(ValueError):
    """The offsets cannot be mapped back into the HTML; the message says why."""


def _normalise_with_origins(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Rule 3 on one block's raw text, with each output character's raw range ``[a, b)``."""
    kept = [(i, c) for i, c in enumerate(raw) if not _INVISIBLE_RE.match(c)]
    # NFC works on clusters that start with a starter (combining class 0). Composition across two
    # starters exists (Hangul jamo, a few Indic vowel signs); the check below catches it.
    clusters: list[list[tuple[int, str]]] = []
    for item in kept:
        if clusters and unicodedata.combining(item[1]):
            clusters[-1].append(item)
        else:
            clusters.append([item])
    composed: list[tuple[str, int, int]] = []
    for cluster in clusters:
        a, b = cluster[0][0], cluster[-1][0] + 1
        composed.extend((c, a, b) for c in unicodedata.normalize("NFC", "".join(c for _, c in cluster)))
    if "".join(c for c, _, _ in composed) != unicodedata.normalize("NFC", "".join(c for _, c in kept)):
        raise MappingError("this paragraph uses a Unicode composition the editor cannot rewrite here")
    out: list[str] = []
    origins: list[tuple[int, int]] = []
    for c, a, b in composed:
        if _WHITESPACE_RE.match(c):
            if out and out[-1] == " ":
                origins[-1] = (origins[-1][0], b)  # the run grows
                continue
            c = " "
        out.append(c)
        origins.append((a, b))
    while out and out[0] == " ":
        out.pop(0)
        origins.pop(0)
    while out and out[-1] == " ":
        out.pop()
        origins.pop()
    return "".join(out), origins


@dataclass
class _Block:
    start: int  # offset of the block in the canonical text
    text: str
    pieces: list[Piece]
    origins: list[tuple[int, int]]  # per character: raw range within the block's concatenated pieces

    def locate(self, raw_index: int, *, prefer_end: bool) -> tuple[int, int]:
        """(piece index, offset in that piece's raw text) of a raw position in this block."""
        position = 0
        for i, piece in enumerate(self.pieces):
            length = len(piece.raw)
            if raw_index < position + length or (prefer_end and raw_index == position + length):
                return i, raw_index - position
            position += length
        return len(self.pieces) - 1, len(self.pieces[-1].raw)


@dataclass
class TextMap:
    parser: LexborHTMLParser  # keeps the nodes alive; serialise with :meth:`html`
    text: str
    blocks: list[_Block]

    def html(self) -> str:
        body = self.parser.body
        return (body.inner_html or "") if body is not None else ""

    def _block_at(self, offset: int, *, as_end: bool) -> _Block:
        for block in self.blocks:
            lo, hi = block.start, block.start + len(block.text)
            if (lo < offset <= hi) if as_end else (lo <= offset < hi):
                return block
        raise MappingError(f"offset {offset} is not inside a paragraph of the text")


def map_text(html: str) -> TextMap:
    """Parse sanitized ``html`` and map its canonical text back to its text nodes."""
    parser = parse_sanitized_html(html)
    blocks: list[_Block] = []
    offset = 0
    for pieces in iter_blocks(parser.body):
        raw = "".join(piece.raw for piece in pieces)
        text, origins = _normalise_with_origins(raw)
        if not text:
            continue
        if text != normalise_block(raw):  # the two must never disagree; refuse rather than corrupt
            raise MappingError("could not map this paragraph's text to its HTML")
        if blocks:
            offset += len(BLOCK_SEPARATOR)
        blocks.append(_Block(offset, text, [p for p in pieces], origins))
        offset += len(text)
    return TextMap(parser, BLOCK_SEPARATOR.join(b.text for b in blocks), blocks)


def _remove(node) -> None:
    """Remove a node, then any inline ancestor it leaves empty (an ``<em>`` with nothing in it)."""
    parent = node.parent
    node.decompose()
    while parent is not None and parent.tag not in BLOCK_TAGS and parent.tag not in ("body", "html"):
        if parent.first_child is not None:
            break
        grand = parent.parent
        parent.decompose()
        parent = grand


def _set_text(piece: Piece, text: str) -> None:
    if text:
        piece.node.replace_with(text)
    else:
        _remove(piece.node)


def _splits_a_character(block: _Block, at: int) -> bool:
    """Whether canonical offset ``at`` falls between two characters made from one raw character (a
    precomposed letter such as "שׁ" or "ǅ" that normalisation writes as two): no raw edit can put a
    boundary there."""
    i = at - block.start
    return 0 < i < len(block.origins) and block.origins[i - 1] == block.origins[i]


def replace_passage(html: str, start: int, end: int, wording: str) -> str:
    """Sanitized ``html`` with canonical ``[start, end)`` replaced by the plain-text ``wording``.

    The wording goes into the text node where the passage starts (inheriting its inline markup);
    the rest of the passage is cut from the nodes it spans; markup outside the passage is kept.
    """
    mapping = map_text(html)
    if not (0 <= start < end <= len(mapping.text)):
        raise MappingError("the passage is outside the article text")
    wording = normalise_plain_text(wording)
    first = mapping._block_at(start, as_end=False)
    last = mapping._block_at(end, as_end=True)
    if _splits_a_character(first, start) or _splits_a_character(last, end):
        raise MappingError("the passage begins or ends inside a character (a letter and its accent)")
    a_piece, a_offset = first.locate(first.origins[start - first.start][0], prefer_end=False)
    b_piece, b_offset = last.locate(last.origins[end - 1 - last.start][1], prefer_end=True)
    # The pieces of the passage, in document order, from the first to the last.
    flat: list[Piece] = [p for block in mapping.blocks for p in block.pieces]
    index = {id(p): i for i, p in enumerate(flat)}
    i_first, i_last = index[id(first.pieces[a_piece])], index[id(last.pieces[b_piece])]
    head, tail = flat[i_first], flat[i_last]
    if i_first == i_last:
        _set_text(head, head.raw[:a_offset] + wording + head.raw[b_offset:])
    else:
        for piece in flat[i_first + 1:i_last]:
            _remove(piece.node)
        _set_text(tail, tail.raw[b_offset:])
        _set_text(head, head.raw[:a_offset] + wording)
    return mapping.html()
