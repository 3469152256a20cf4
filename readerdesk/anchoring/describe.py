"""Build selectors for a span: a quote whose context makes it unique in the text."""

from __future__ import annotations

from .selectors import Selector, TextPositionSelector, TextQuoteSelector

#: W3C/Hypothesis use 32 characters of context; we never go below that
#: (except at the text edges) so that anchor() has enough to disambiguate.
MIN_CONTEXT = 32
#: How far we are willing to walk to reach a word boundary. CJK text has no
#: spaces, so without a cap the walk could swallow a whole paragraph.
MAX_BOUNDARY_WALK = 24


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return (
        0x2E80 <= o <= 0x9FFF
        or 0xAC00 <= o <= 0xD7AF
        or 0xF900 <= o <= 0xFAFF
        or 0xFF00 <= o <= 0xFFEF
        or 0x20000 <= o <= 0x2FFFF
    )


def _inside_word(text: str, i: int) -> bool:
    """True if position i (between text[i-1] and text[i]) splits a word."""
    if i <= 0 or i >= len(text):
        return False
    a, b = text[i - 1], text[i]
    return a.isalnum() and b.isalnum() and not (_is_cjk(a) or _is_cjk(b))


def _prefix_start(text: str, start: int, size: int) -> int:
    p = max(0, start - size)
    limit = max(0, p - MAX_BOUNDARY_WALK)
    while p > limit and _inside_word(text, p):
        p -= 1
    return p


def _suffix_end(text: str, end: int, size: int) -> int:
    s = min(len(text), end + size)
    limit = min(len(text), s + MAX_BOUNDARY_WALK)
    while s < limit and _inside_word(text, s):
        s += 1
    return s


def _occurs_twice(text: str, needle: str) -> bool:
    first = text.find(needle)
    return first != -1 and text.find(needle, first + 1) != -1


def describe(text: str, start: int, end: int) -> list[Selector]:
    """Return ``[TextQuoteSelector, TextPositionSelector]`` for ``text[start:end]``.

    The context is at least MIN_CONTEXT characters on each side (fewer only at
    the text edges), grown to word boundaries, and doubled while
    prefix+exact+suffix still occurs more than once in ``text``.
    Raises ValueError for an invalid span.
    """
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start <= end <= len(text):
        raise ValueError(f"invalid span [{start}, {end}) for a text of length {len(text)}")
    size = MIN_CONTEXT
    while True:
        p = _prefix_start(text, start, size)
        s = _suffix_end(text, end, size)
        if (p == 0 and s == len(text)) or not _occurs_twice(text, text[p:s]):
            break
        size *= 2
    return [
        TextQuoteSelector(exact=text[start:end], prefix=text[p:start], suffix=text[end:s]),
        TextPositionSelector(start, end),
    ]
