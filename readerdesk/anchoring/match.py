"""anchor(): find a quote (with its context) in a text, or refuse to guess.

Candidates come from exact occurrences of the quote and, when none of them is
acceptable, from approximate (infix) alignment with edlib. Every candidate is
scored the same way, from how similar its quote and its surroundings are to
the selector, with a small pull towards the position hint. The best candidate
is accepted only above an absolute score AND with a margin over the runner-up;
otherwise the answer is "ambiguous" or "not_found", never a guess.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import edlib
from rapidfuzz.distance import Indel, Levenshtein

from .selectors import Selector, TextQuoteSelector, split_selectors

# --- Scoring weights. Quote and context dominate; position only breaks ties
# between otherwise equal candidates (texts change, so offsets drift).
W_QUOTE = 0.5
W_CONTEXT = 0.4
W_POSITION = 0.1
#: Distance (chars) at which the position score has dropped to 1/2.
POSITION_SCALE = 500.0

# --- Acceptance thresholds. Set by hand and then checked on bench/anchoring
# (0 wrong anchors, see its README): context similarity below ~0.7 is treated
# as "context not found" (text from another paragraph still shares letters
# and little words), and a fuzzy quote is accepted only with its context.
#: Minimum total score (quote/context part, position excluded) to accept.
MIN_SCORE = 0.7
#: Required lead of the best candidate over the runner-up (full score).
MIN_MARGIN = 0.08
#: An exact quote is accepted without a good context only if it is this long
#: (a long verbatim sentence that occurs once is not a coincidence).
MIN_UNIQUE_EXACT_LEN = 24
#: Context similarity at which the context counts as "found": both sides on
#: average, or one side alone (a passage at the edge of a moved paragraph
#: keeps the context on its inner side only).
MIN_CONTEXT_SIM = 0.7
MIN_ONE_SIDE_CONTEXT_SIM = 0.85
#: Fuzzy quotes: minimum similarity of the quote itself. A fuzzy quote whose
#: context is not found is never accepted: "moved and edited" cannot be told
#: from "deleted, and a look-alike sentence exists elsewhere" (which the
#: benchmark's look-alikes at 0.9-0.97 similarity show), and a wrong anchor
#: is worse than "removed".
MIN_FUZZY_QUOTE_SIM = 0.75
#: Fuzzy search is pointless for tiny quotes: "11" is 50% similar to "12".
MIN_FUZZY_QUOTE_LEN = 8
#: Context used for scoring and alignment (selectors may carry more).
CONTEXT_WINDOW = 64
#: The exact-match fast path (no approximate search) needs the context on
#: both sides essentially intact; anything less and an edited copy elsewhere
#: might be the real passage, so approximate candidates must compete.
FAST_PATH_CONTEXT_SIM = 0.9
#: Cap on exact occurrences scored (a quote like "the" occurs everywhere).
MAX_EXACT_CANDIDATES = 500
#: Confidence reported for a position-only selector that fits the text.
POSITION_ONLY_CONFIDENCE = 0.5


@dataclass(frozen=True)
class Anchor:
    start: int | None
    end: int | None
    state: str  # "anchored" | "ambiguous" | "not_found"
    confidence: float


NOT_FOUND = Anchor(None, None, "not_found", 0.0)


@dataclass
class _Candidate:
    start: int
    end: int
    quote_sim: float
    context_sim: float | None  # None: the selector carries no context
    context_found: bool
    position: float
    clear: bool = True  # keeps the quote's word boundaries (see _keeps_boundaries)
    score: float = 0.0  # quote+context, position excluded (used as confidence)
    total: float = 0.0  # score + position pull (used for ranking / margin)


def _context_sim(prefix: str, suffix: str, text: str, start: int, end: int) -> tuple[float | None, bool]:
    """(length-weighted context similarity, whether the context was found)."""
    sims: list[tuple[float, int]] = []
    if prefix:
        before = text[max(0, start - len(prefix)):start]
        sims.append((Indel.normalized_similarity(prefix, before), len(prefix)))
    if suffix:
        after = text[end:end + len(suffix)]
        sims.append((Indel.normalized_similarity(suffix, after), len(suffix)))
    if not sims:
        return None, True
    # Weighted by length so that a 2-char prefix at the text start does not
    # count as much as a full 64-char suffix.
    total = sum(w for _, w in sims)
    avg = sum(s * w for s, w in sims) / total
    # A side shorter than 8 chars (text edge) is too weak to count alone.
    one_side = max((s for s, w in sims if w >= 8), default=0.0)
    return avg, avg >= MIN_CONTEXT_SIM or one_side >= MIN_ONE_SIDE_CONTEXT_SIM


def _position_score(start: int, hint: int | None) -> float:
    if hint is None:
        return 0.5
    return 1.0 / (1.0 + abs(start - hint) / POSITION_SCALE)


def _score(c: _Candidate) -> _Candidate:
    ctx = 1.0 if c.context_sim is None else c.context_sim
    c.score = (W_QUOTE * c.quote_sim + W_CONTEXT * ctx) / (W_QUOTE + W_CONTEXT)
    c.total = (W_QUOTE * c.quote_sim + W_CONTEXT * ctx + W_POSITION * c.position) / (
        W_QUOTE + W_CONTEXT + W_POSITION
    )
    return c


def separated(text: str, i: int) -> bool:
    """True if position i does not split a run of letters or digits (a text edge, a space or a mark
    on at least one side). CJK characters count as letters: "他说" inside "他们说" is not set off."""
    if i <= 0 or i >= len(text):
        return True
    return not (text[i - 1].isalnum() and text[i].isalnum())


def _keeps_boundaries(q: TextQuoteSelector, text: str, start: int, end: int) -> bool:
    """A quote that begins (ends) clear of a word must be found beginning (ending) clear of one: the
    tail of a look-alike sentence ("市长补|充说工程将在三月开始。" for a deleted "他说工程将在三月开始。")
    is not the passage."""
    starts_clear = not (q.prefix and q.prefix[-1].isalnum() and q.exact[0].isalnum())
    ends_clear = not (q.suffix and q.exact[-1].isalnum() and q.suffix[0].isalnum())
    return (not starts_clear or separated(text, start)) and (not ends_clear or separated(text, end))


def _make(q: TextQuoteSelector, prefix: str, suffix: str, text: str, start: int, end: int,
          hint: int | None) -> _Candidate:
    found = text[start:end]
    quote_sim = 1.0 if found == q.exact else Indel.normalized_similarity(q.exact, found)
    ctx, ctx_found = _context_sim(prefix, suffix, text, start, end)
    clear = quote_sim == 1.0 or _keeps_boundaries(q, text, start, end)
    return _score(_Candidate(start, end, quote_sim, ctx, ctx_found, _position_score(start, hint), clear))


def _acceptable(c: _Candidate, exact_len: int) -> bool:
    """Absolute gates, independent of the runner-up."""
    if c.quote_sim == 1.0:
        return c.context_found or exact_len >= MIN_UNIQUE_EXACT_LEN
    if exact_len < MIN_FUZZY_QUOTE_LEN or not c.context_found or not c.clear:
        return False
    return c.quote_sim >= MIN_FUZZY_QUOTE_SIM and c.score >= MIN_SCORE


def _exact_candidates(q, prefix, suffix, text, hint) -> list[_Candidate]:
    out: list[_Candidate] = []
    i = text.find(q.exact)
    while i != -1 and len(out) < MAX_EXACT_CANDIDATES:
        out.append(_make(q, prefix, suffix, text, i, i + len(q.exact), hint))
        i = text.find(q.exact, i + 1)
    return out


# --- Approximate search -----------------------------------------------------

@lru_cache(maxsize=8)
def _distinct(text: str) -> frozenset[str]:
    return frozenset(text)


@lru_cache(maxsize=8)
def _text_codes(text: str) -> tuple[dict[str, int], bytes]:
    """The text as bytes: its 255 most frequent characters get a code each (1-255), any others (the
    tail of a CJK text) share code 0. Cached: re-anchoring searches the same new text for many
    spans (a str caches its hash, so the lookup is cheap), and re-encoding 50,000 characters for
    every search was most of the search's time."""
    distinct = _distinct(text)
    if len(distinct) <= 255:
        common = sorted(distinct)
    else:  # counting is only needed to choose which characters get a code
        common = [ch for ch, _ in sorted(Counter(text).items(), key=lambda item: (-item[1], item[0]))[:255]]
    codes = {ch: i + 1 for i, ch in enumerate(common)}
    return codes, text.translate({ord(ch): codes.get(ch, 0) for ch in distinct}).encode("latin-1")


def _encode(query: str, text: str):
    """Map both strings onto a small alphabet for edlib (max 256 symbols).

    Only equality matters, so every text character absent from the query becomes one shared
    "other" symbol, which is also the one used to blank out text (see ``_Excluded.mask``).
    Returns (query, text, other), all bytes when no query character is among the text's rare ones
    (then a per-query ``bytes.translate`` of the cached encoding does the work), else all str. None if the query
    alone is too varied.
    """
    alphabet = {ch: i + 1 for i, ch in enumerate(dict.fromkeys(query))}
    if len(alphabet) > 250:
        return None
    other = len(alphabet) + 1
    codes, enc_text = _text_codes(text)
    distinct = _distinct(text)
    if not any(ch in distinct and ch not in codes for ch in alphabet):
        # No query character is among the text's rare ones (code 0), so code 0 equals none of them.
        table = bytearray([other]) * 256
        for ch, code in codes.items():
            table[code] = alphabet.get(ch, other)
        return bytes(alphabet[ch] for ch in query), enc_text.translate(table), bytes([other])
    # A query character among the text's rare ones (CJK): translate the whole text for this query,
    # with its set of characters cached and int values (several times faster than one-character strings).
    char_table = {ord(ch): alphabet.get(ch, other) for ch in _distinct(text)}
    return query.translate({ord(ch): code for ch, code in alphabet.items()}), text.translate(char_table), chr(other)


_CIGAR_RUN = re.compile(r"(\d+)([=XID])")


def _map_query_offsets(cigar: str, t0: int, offsets: tuple[int, int]) -> tuple[int, int]:
    """Project two query offsets onto the target through an edlib CIGAR.

    Walks the CIGAR run by run: an offset falls in a run that consumes query characters where the
    run's query range holds it, and maps to the target position the same number of steps in. A
    start offset is never placed on an extra target character ("D"); an end offset may be.
    """
    qi, ti = 0, t0
    got: list[int | None] = [None, None]
    for count, op in _CIGAR_RUN.findall(cigar):
        n = int(count)
        dq = 1 if op in "=XI" else 0  # consumes query characters
        dt = 1 if op in "=XD" else 0  # consumes target characters
        for k in (0, 1):
            if got[k] is not None:
                continue
            if dq:
                if qi <= offsets[k] < qi + n:
                    got[k] = ti + dt * (offsets[k] - qi)
            elif k == 1 and qi == offsets[k]:
                got[k] = ti
        qi += dq * n
        ti += dt * n
    return tuple(ti if g is None else g for g in got)  # type: ignore[return-value]


def _align(query: str, enc_text: str, max_dist: int, quote_span: tuple[int, int]):
    """Best infix alignment of the encoded query; yields (start, end) or None."""
    if max_dist < 0 or not query:
        return None
    res = edlib.align(query, enc_text, mode="HW", task="path", k=max_dist)
    if res["editDistance"] < 0 or not res["locations"]:
        return None
    t0, _ = res["locations"][0]
    if t0 is None or not res["cigar"]:  # e.g. an empty target
        return None
    return _map_query_offsets(res["cigar"], t0, quote_span)


#: How far (chars) alignment boundaries may be nudged by _refine().
REFINE_SLACK = 2


# Typographic variants folded together when choosing boundaries, so that a
# straight quote that became a curly one still counts as the same character.
_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'",
                       "–": "-", "—": "-", "‐": "-", "‑": "-"})


@lru_cache(maxsize=8)
def _folded(text: str) -> str:
    return text.translate(_FOLD)


def clear_caches() -> None:
    """Forget the texts encoded for searching (``_distinct``, ``_text_codes``, ``_folded``). A new
    revision's text is never in them, so a benchmark of the engine clears them first."""
    for cached in (_distinct, _text_codes, _folded):
        cached.cache_clear()


def _refine(exact: str, text: str, start: int, end: int) -> tuple[int, int]:
    """Nudge alignment boundaries to the best Levenshtein match of the quote.

    An alignment may leave a substituted boundary character out (a straight
    quote that became a curly one costs the same as a deletion); among equally
    good boundaries prefer the length closest to the quote's.
    """
    best = (start, end)
    best_key = None
    exact = exact.translate(_FOLD)
    folded = _folded(text)  # the same length as text: every fold is one character for one
    cutoff = None  # the best distance so far: a worse one need not be computed exactly
    for s in range(max(0, start - REFINE_SLACK), min(len(text), start + REFINE_SLACK) + 1):
        for e in range(max(s + 1, end - REFINE_SLACK), min(len(text), end + REFINE_SLACK) + 1):
            key = (Levenshtein.distance(exact, folded[s:e], score_cutoff=cutoff),
                   abs((e - s) - len(exact)),
                   abs(s - start) + abs(e - end))
            if best_key is None or key < best_key:
                best, best_key, cutoff = (s, e), key, key[0]
    return best


class _Excluded:
    """Sorted disjoint ranges where the passage cannot be."""

    def __init__(self, ranges: Sequence[tuple[int, int]]):
        self.ranges = list(ranges)
        self.starts = [a for a, _ in self.ranges]

    def covered(self, start: int, end: int) -> int:
        i = max(0, bisect_right(self.starts, start) - 1)
        n = 0
        while i < len(self.ranges) and self.ranges[i][0] < end:
            a, b = self.ranges[i]
            n += max(0, min(b, end) - max(a, start))
            i += 1
        return n

    def allows(self, c: _Candidate) -> bool:
        # "Mostly inside": an edge of a moved paragraph may touch such text.
        return not self.ranges or self.covered(c.start, c.end) * 2 < (c.end - c.start)

    def mask(self, enc_text, other):
        """``enc_text`` (str or bytes) with the ranges blanked out with the ``other`` symbol."""
        if not self.ranges:
            return enc_text
        parts, last = [], 0
        for a, b in self.ranges:
            parts.append(enc_text[last:a])
            parts.append(other * (b - a))
            last = b
        parts.append(enc_text[last:])
        return enc_text[:0].join(parts)


class _Shortened:
    """An encoded text with its long runs of the "other" symbol cut short, and positions mapped both
    ways. "Other" is the symbol of every text character absent from the query, and of masked text:
    it never matches, so each one inside an alignment costs an edit. An alignment within
    ``max_dist`` edits therefore reaches at most ``max_dist`` symbols into such a run, and never
    across one longer than that: keeping ``keep`` > ``max_dist`` symbols at each end of a run and
    dropping its middle leaves exactly the same alignments, with the same costs, in a text that can
    be several times shorter (edlib's time grows with the text's length)."""

    def __init__(self, enc_text, other, keep: int):
        long_run = other * (2 * keep + 1)
        rest_of_run = re.compile(re.escape(other) + (b"*" if isinstance(other, bytes) else "*"))
        parts, last = [], 0
        self.short_starts, self.text_starts = [0], [0]  # where each piece starts, in both texts
        length = 0
        a = enc_text.find(long_run)
        while a != -1:
            b = rest_of_run.match(enc_text, a + len(long_run)).end()  # type: ignore[union-attr]
            parts.append(enc_text[last:a + keep])
            length += a + keep - last
            last = b - keep
            self.short_starts.append(length)
            self.text_starts.append(last)
            a = enc_text.find(long_run, b)
        parts.append(enc_text[last:])
        self.text = enc_text[:0].join(parts)

    def to_text(self, span: tuple[int, int]) -> tuple[int, int]:
        i = bisect_right(self.short_starts, span[0]) - 1
        shift = self.text_starts[i] - self.short_starts[i]
        return span[0] + shift, span[1] + shift

    def to_short(self, span: tuple[int, int]) -> tuple[int, int]:
        i = bisect_right(self.text_starts, span[0]) - 1
        shift = self.text_starts[i] - self.short_starts[i]
        return span[0] - shift, span[1] - shift


def _fuzzy_candidates(q, prefix, suffix, text, hint, excluded: _Excluded,
                      exact_spans: list[tuple[int, int]]) -> list[_Candidate]:
    if len(q.exact) < MIN_FUZZY_QUOTE_LEN or not text:
        return []
    out: list[_Candidate] = []
    searches = [("", q.exact, ""), (prefix, q.exact, suffix)] if (prefix or suffix) else [("", q.exact, "")]
    for pre, exact, suf in searches:
        query = pre + exact + suf
        enc = _encode(query, text)
        if enc is None:
            continue
        enc_query, enc_text, other = enc
        # Excluded text is masked so that the search finds what is left, and
        # so are exact occurrences (already candidates): an edited copy of the
        # passage must get the chance to compete with verbatim ones.
        enc_text = excluded.mask(enc_text, other)
        if not pre and not suf:
            enc_text = _Excluded(exact_spans).mask(enc_text, other)
        # The quote part may differ by at most (1 - MIN_FUZZY_QUOTE_SIM);
        # the context may have changed completely.
        max_dist = int(len(exact) * (1 - MIN_FUZZY_QUOTE_SIM) * 2) + len(pre) + len(suf)
        # Kept beyond max_dist: _refine may move an end REFINE_SLACK further, and that span is
        # masked out again in the shortened text.
        short = _Shortened(enc_text, other, keep=max_dist + REFINE_SLACK + 1)
        enc_text = short.text
        # Best match, then the runner-up with the best one masked out.
        for _ in range(2):
            span = _align(enc_query, enc_text, max_dist, (len(pre), len(pre) + len(exact)))
            if span is None or span[1] <= span[0]:
                break
            span = _refine(q.exact, text, *short.to_text(span))
            out.append(_make(q, prefix, suffix, text, span[0], span[1], hint))
            a, b = short.to_short(span)
            enc_text = enc_text[:a] + other * (b - a) + enc_text[b:]
    return out


def _overlaps(a: _Candidate, b: _Candidate) -> bool:
    return a.start < b.end and b.start < a.end


def _decide(cands: list[_Candidate], exact_len: int) -> Anchor | None:
    """Pick the best candidate if it passes the gates and the margin.

    Returns None when no candidate passes the absolute gates (caller may
    search further), an "ambiguous" Anchor when the margin is too small.
    """
    ok = sorted((c for c in cands if _acceptable(c, exact_len)), key=lambda c: -c.total)
    if not ok:
        return None
    best = ok[0]
    # Runner-up: best *distinct* candidate among all (even unacceptable ones:
    # a look-alike that nearly passes is a reason for doubt).
    rivals = [c.total for c in cands if not _overlaps(c, best)]
    if rivals and best.total - max(rivals) < MIN_MARGIN:
        return Anchor(None, None, "ambiguous", round(best.score, 4))
    return Anchor(best.start, best.end, "anchored", round(best.score, 4))


def anchor(selectors: Iterable[Selector], text: str, *,
           exclude: Sequence[tuple[int, int]] = ()) -> Anchor:
    """Locate the selected passage in ``text``.

    Returns an Anchor with state "anchored" (start/end set), "ambiguous" or
    "not_found" (start/end None). Never raises for well-typed selectors.
    ``exclude`` lists sorted, disjoint (start, end) ranges of ``text`` where
    the passage cannot be: a candidate lying mostly inside them is dropped
    outright (not even counted as runner-up). reanchor() passes the text that
    the diff already matched to other old text.
    """
    quote, position = split_selectors(selectors)
    hint = position.start if position is not None else None
    if quote is None or not quote.exact:
        if quote is None and position is not None and position.end <= len(text):
            return Anchor(position.start, position.end, "anchored", POSITION_ONLY_CONFIDENCE)
        return NOT_FOUND
    # Fastest path: quote with its full context occurs exactly once (what
    # describe() guarantees on the text it described).
    full = quote.prefix + quote.exact + quote.suffix
    i = text.find(full)
    if i != -1 and (quote.prefix or quote.suffix) and text.find(full, i + 1) == -1:
        start = i + len(quote.prefix)
        return Anchor(start, start + len(quote.exact), "anchored", 1.0)
    prefix = quote.prefix[-CONTEXT_WINDOW:]
    suffix = quote.suffix[:CONTEXT_WINDOW]
    excluded = _Excluded(exclude)
    exact_cands = [c for c in _exact_candidates(quote, prefix, suffix, text, hint) if excluded.allows(c)]
    # Fast path: an exact quote in its own context, far ahead of the rest.
    strong = [c for c in exact_cands if c.context_sim is None or c.context_sim >= FAST_PATH_CONTEXT_SIM]
    if strong:
        decided = _decide(exact_cands, len(quote.exact))
        if decided is not None and decided.state == "anchored":
            return decided
    # Either no exact match, or none is clearly right: the passage may have
    # been corrected in place while its old wording survives elsewhere (the
    # Hypothesis trap), so let approximate matches compete on equal terms.
    exact_spans = sorted((c.start, c.end) for c in _exact_candidates(quote, "", "", text, None))
    # Overlapping occurrences ("aaa" in "aaaa") merge into one masked range.
    merged: list[tuple[int, int]] = []
    for a, b in exact_spans:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    fuzzy = [c for c in _fuzzy_candidates(quote, prefix, suffix, text, hint, excluded, merged)
             if excluded.allows(c)]
    cands = exact_cands + fuzzy
    unique: dict[tuple[int, int], _Candidate] = {}
    for c in cands:
        unique.setdefault((c.start, c.end), c)
    decided = _decide(list(unique.values()), len(quote.exact))
    return decided if decided is not None else NOT_FOUND
