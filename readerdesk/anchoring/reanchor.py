"""Follow a span from one revision of an article to the next.

The span is first mapped through a diff of the two revisions, so an edited
passage is followed to its edited self (the original wording elsewhere in the
article cannot lure it away). Only when the diff says the text is gone (e.g. a
moved paragraph) do we search the new text with anchor().
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeGuard, cast

from rapidfuzz.distance import Indel

from .describe import describe
from .diff import OffsetMap, diff_ops
from .match import Anchor, anchor, separated
from .selectors import Selector, TextPositionSelector, split_selectors

# --- Thresholds, chosen on bench/anchoring (see its README). ---
#: Context window (chars each side) whose survival tells whether the span's
#: surroundings are still in place around the mapped span.
CONTEXT_WINDOW = 32
#: Fraction of that context that must be unchanged. Unrelated paragraphs
#: aligned by the word diff share spaces and little words: in the benchmark
#: their "survival" stays well below this.
MIN_CONTEXT_SURVIVAL = 0.75
#: An unchanged run of this many chars touching the span also counts as its
#: context being in place (a nearby edit must not spoil the whole window).
MIN_CONTEXT_RUN = 12
#: With its context in place, the edited text must still resemble the old
#: one (Indel similarity); below this it was rewritten: report it removed.
MIN_EDIT_SIM = 0.55
#: ... except for short spans (a number, a name), which may change entirely:
#: "12" -> "11" is the typical correction. Bounded so that a short span does
#: not swell into a rewritten paragraph.
SHORT_SPAN = 24
SHORT_SPAN_MAX_GROWTH = 3.0
#: Without its context, the span itself must have mostly survived the diff.
MIN_SPAN_SURVIVAL = 0.8
#: Unchanged text this long survives the diff by itself as no coincidence.
MIN_SELF_EVIDENT_LEN = 40
#: When searching for a lost span, unchanged runs at least this long are
#: text the diff matched to *other* old text, so the span cannot be there.
#: Shorter runs are left alone: the word diff matches spaces and little
#: words inside moved or rewritten text.
MIN_MATCHED_RUN = 32


@dataclass(frozen=True)
class Span:
    start: int
    end: int


@dataclass(frozen=True)
class Reanchored:
    """Where an old span is in the new text. Each state is defined by what was observed:

    * ``unchanged``: the new span's text equals the old one and its context is in place
      (confidence 1.0);
    * ``moved``: the new span's text equals the old one, but its context is not in place (the
      paragraph moved, or its surroundings were rewritten); confidence < 1 says how sure the
      location is;
    * ``edited``: the new span's text differs from the old one (``before``/``after``);
    * ``removed`` / ``ambiguous``: no span.
    """

    start: int | None
    end: int | None
    state: str  # "unchanged" | "moved" | "edited" | "removed" | "ambiguous"
    confidence: float
    before: str | None = None  # old quote, set when edited
    after: str | None = None  # new text at the span, set when edited


# A span of the old text, as a Span or a (start, end) pair, or the selectors that describe one.
SpanLike: TypeAlias = Span | tuple[int, int] | Sequence[Selector]


def _is_offset_pair(value: object) -> TypeGuard[tuple[int, int]]:
    return isinstance(value, tuple) and len(value) == 2 and all(isinstance(x, int) for x in value)


def _removed(confidence: float = 0.0) -> Reanchored:
    return Reanchored(None, None, "removed", confidence)


class RevisionDiff:
    """Diff two revisions once; re-anchor any number of spans through it."""

    def __init__(self, old_text: str, new_text: str):
        self.old_text = old_text
        self.new_text = new_text
        self.map = OffsetMap(diff_ops(old_text, new_text), len(old_text), len(new_text))
        self._matched: list[tuple[int, int]] | None = None  # computed on first search

    # -- input handling --------------------------------------------------
    def _old_span(self, span_or_selectors: SpanLike) -> tuple[Span | None, Reanchored | None]:
        """Resolve the argument to a span in old_text, or a final answer."""
        if isinstance(span_or_selectors, Span):
            s, e = span_or_selectors.start, span_or_selectors.end
        elif _is_offset_pair(span_or_selectors):
            s, e = span_or_selectors
        else:  # selectors (a TypeGuard narrows only where it holds, so say so)
            selectors = list(cast(Sequence[Selector], span_or_selectors))
            quote, position = split_selectors(selectors)
            if quote is None or not quote.exact:
                if position is not None and position.end <= len(self.old_text):
                    return Span(position.start, position.end), None
                return None, _removed()
            if (position is not None and position.end <= len(self.old_text)
                    and self.old_text[position.start:position.end] == quote.exact):
                return Span(position.start, position.end), None
            # Selectors written for another revision: find them in old_text first.
            found = anchor(selectors, self.old_text)
            if found.state != "anchored":
                state = "ambiguous" if found.state == "ambiguous" else "removed"
                return None, Reanchored(None, None, state, found.confidence)
            return Span(found.start, found.end), None  # type: ignore[arg-type]
        if isinstance(s, bool) or isinstance(e, bool) or not 0 <= s <= e <= len(self.old_text):
            raise ValueError(f"invalid span [{s}, {e}) for a text of length {len(self.old_text)}")
        return Span(s, e), None

    # -- decision --------------------------------------------------------
    def _context_in_place(self, s: int, e: int) -> bool:
        m, n = self.map, len(self.old_text)
        left_len = min(CONTEXT_WINDOW, s)
        right_len = min(CONTEXT_WINDOW, n - e)
        left_ok = left_len == 0 or (
            m.equal_run_before(s) >= min(MIN_CONTEXT_RUN, left_len)
            or m.survived(s - left_len, s) >= MIN_CONTEXT_SURVIVAL * left_len
        )
        right_ok = right_len == 0 or (
            m.equal_run_after(e) >= min(MIN_CONTEXT_RUN, right_len)
            or m.survived(e, e + right_len) >= MIN_CONTEXT_SURVIVAL * right_len
        )
        if not (left_ok and right_ok):
            return False
        # A sentence that crossed a paragraph break (deleted here, a look-alike
        # added at the start of the next paragraph) keeps its context chars
        # but not its paragraph: require the same line breaks around it.
        ws, we = s - left_len, e + right_len
        old_breaks = self.old_text.count("\n", ws, we)
        return old_breaks == self.new_text.count("\n", m.start(ws), max(m.start(ws), m.end(we)))

    def reanchor(self, span_or_selectors: SpanLike) -> Reanchored:
        """Where is this old-text span in the new text? See module docstring.

        Accepts a Span, an ``(start, end)`` tuple (ValueError if out of range)
        or a list of selectors (never raises for well-typed selectors).
        """
        span, answer = self._old_span(span_or_selectors)
        if answer is not None:
            return answer
        assert span is not None
        s, e = span.start, span.end
        m = self.map
        ns = m.start(s)
        ne = max(ns, m.end(e)) if e > s else ns
        before = self.old_text[s:e]
        after = self.new_text[ns:ne]
        if s == e:
            # An empty span carries no text to verify: follow the diff.
            return Reanchored(ns, ns, "unchanged", 1.0)
        in_place = self._context_in_place(s, e)
        survival = m.survived(s, e) / (e - s)
        if after == before:
            # Unchanged text at the mapped place. Trust it if its context is
            # in place, or if it is long and wholly unchanged (not a stray
            # match of "the" inside a rewritten paragraph).
            if in_place:
                return Reanchored(ns, ne, "unchanged", 1.0)
            if survival == 1.0 and len(before) >= MIN_SELF_EVIDENT_LEN:
                return Reanchored(ns, ne, "moved", 0.9)
        elif after.strip() and self._same_boundaries(s, e, ns, ne):
            inside = self._intact_inside(s, e, ns, ne, before) if in_place else None
            if inside is not None:
                return Reanchored(inside, inside + len(before), "unchanged", 1.0)
            sim = Indel.normalized_similarity(before, after)
            short = len(before) <= SHORT_SPAN and len(after) <= SHORT_SPAN_MAX_GROWTH * max(len(before), 8)
            if in_place and (sim >= MIN_EDIT_SIM or short):
                conf = 0.5 + 0.5 * max(sim, survival)
                return Reanchored(ns, ne, "edited", round(conf, 4), before, after)
            if survival >= MIN_SPAN_SURVIVAL and sim >= MIN_SPAN_SURVIVAL:
                return Reanchored(ns, ne, "edited", round(0.5 * sim + 0.4 * survival, 4), before, after)
        return self._search(s, e, before)

    def _same_boundaries(self, s: int, e: int, ns: int, ne: int) -> bool:
        """A passage that began (ended) clear of a word or a CJK run must map to a span that does too.

        When a deleted sentence is followed by one ending with the same words ("他说工程将在三月开始。"
        before "市长补充说工程将在三月开始。"), the diff maps the deleted passage onto the tail of its
        neighbour, starting in the middle of it: that is not the passage edited, it is the passage gone.
        """
        old, new = self.old_text, self.new_text
        if separated(old, s) and not separated(new, ns):
            return False
        return not (separated(old, e) and not separated(new, ne))

    def _intact_inside(self, s: int, e: int, ns: int, ne: int, before: str) -> int | None:
        """Start of the old text, intact, inside the mapped span [ns, ne) that grew around it.

        Text inserted right before or after a passage that begins (or ends) with the passage's own
        first (or last) characters lets the diff slide the passage's boundary into the insertion:
        "He said." -> "He met them. He said." maps "He said." onto "He met them. He said.". The
        passage is intact; the mapped span swallowed the insertion. We take the old text back when
        it occurs exactly once in the mapped span, set off from the swallowed text by a space or a
        mark on that side (so "12" inside "112" is not taken for an intact "12"), and the old span
        was set off the same way.
        """
        new, old = self.new_text, self.old_text
        found = [i for i in _occurrences(new, before, ns, ne) if i != ns or i + len(before) != ne]
        if len(found) != 1:
            return None
        i = found[0]
        j = i + len(before)
        if i > ns and not (separated(new, i) and separated(old, s)):
            return None
        if j < ne and not (separated(new, j) and separated(old, e)):
            return None
        return i

    def _search(self, s: int, e: int, before: str) -> Reanchored:
        """The diff lost the span (moved, rewritten, deleted): search for it."""
        selectors = describe(self.old_text, s, e)
        quote = selectors[0]
        # The position hint is where the span would be had it not moved.
        hinted = [quote, TextPositionSelector(self.map.start(s), self.map.start(s))]
        if self._matched is None:
            self._matched = self.map.matched_new_ranges(MIN_MATCHED_RUN)
        # The diff matched other old text to those ranges, except where it mapped this very span
        # (a moved paragraph whose text the diff kept in place, while its context moved away).
        own = (self.map.start(s), max(self.map.start(s), self.map.end(e)))
        found: Anchor = anchor(hinted, self.new_text, exclude=_subtract(self._matched, *own))
        if found.state == "ambiguous":
            return Reanchored(None, None, "ambiguous", found.confidence)
        if found.state != "anchored":
            return _removed()
        after = self.new_text[found.start:found.end]
        if after == before:
            # Found by searching: the diff lost it, so its surroundings changed unless the search
            # found them intact.
            if found.confidence >= 1.0:
                return Reanchored(found.start, found.end, "unchanged", 1.0)
            return Reanchored(found.start, found.end, "moved", found.confidence)
        return Reanchored(found.start, found.end, "edited", found.confidence, before, after)


def _occurrences(text: str, needle: str, lo: int, hi: int) -> list[int]:
    out = []
    i = text.find(needle, lo, hi)
    while i != -1:
        out.append(i)
        i = text.find(needle, i + 1, hi)
    return out


def _subtract(ranges: list[tuple[int, int]], a: int, b: int) -> list[tuple[int, int]]:
    """Sorted, disjoint ``ranges`` minus [a, b)."""
    if a >= b:
        return ranges
    out = []
    for r0, r1 in ranges:
        if r1 <= a or r0 >= b:
            out.append((r0, r1))
            continue
        if r0 < a:
            out.append((r0, a))
        if r1 > b:
            out.append((b, r1))
    return out


def diff_revisions(old_text: str, new_text: str) -> RevisionDiff:
    return RevisionDiff(old_text, new_text)


def reanchor(span_or_selectors: SpanLike, old_text: str, new_text: str) -> Reanchored:
    """Re-anchor one span; use RevisionDiff directly for many spans."""
    return RevisionDiff(old_text, new_text).reanchor(span_or_selectors)
