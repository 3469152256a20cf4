"""Baseline anchorers for the benchmark (not part of the product).

Both take (old_text, new_text, start, end) and return a (start, end) span in
new_text, or None for "not found".
"""

from __future__ import annotations

import edlib
from rapidfuzz.distance import Indel

CONTEXT = 32


def exact_first(old: str, new: str, start: int, end: int):
    """Plain str.find of the old quote: first occurrence wins."""
    quote = old[start:end]
    i = new.find(quote) if quote else -1
    return None if i == -1 else (i, i + len(quote))


def _encode(query: str, text: str):
    alphabet = {ch: chr(i + 1) for i, ch in enumerate(dict.fromkeys(query))}
    if len(alphabet) > 250:
        return None
    other = chr(len(alphabet) + 1)
    table = {ord(ch): alphabet.get(ch, other) for ch in set(text)}
    return query.translate(table), text.translate(table), other


def hypothesis_style(old: str, new: str, start: int, end: int):
    """Modelled on Hypothesis' quote matching as described in the issue:
    exact matches first (first occurrence wins); otherwise approximate matches
    of the quote (up to len/2 errors) scored by quote, 32-char prefix/suffix and
    position (weights 50/20/20/2), best one taken: no minimum, no margin."""
    quote = old[start:end]
    if not quote:
        return None
    i = new.find(quote)
    if i != -1:
        return i, i + len(quote)
    prefix, suffix = old[max(0, start - CONTEXT):start], old[end:end + CONTEXT]
    enc = _encode(quote, new)
    if enc is None:
        return None
    q, t, other = enc
    best, best_score = None, -1.0
    for _ in range(5):  # a few candidates, best-first
        res = edlib.align(q, t, mode="HW", task="locations", k=max(1, len(quote) // 2))
        if res["editDistance"] < 0 or not res["locations"]:
            break
        for s, e in res["locations"]:
            e += 1
            score = (50 * (1 - res["editDistance"] / len(quote))
                     + 20 * Indel.normalized_similarity(prefix, new[max(0, s - len(prefix)):s])
                     + 20 * Indel.normalized_similarity(suffix, new[e:e + len(suffix)])
                     + 2 * (1 - min(1.0, abs(s - start) / max(1, len(new)))))
            if score > best_score:
                best, best_score = (s, e), score
        s, e = res["locations"][0]
        t = t[:s] + other * (e + 1 - s) + t[e + 1:]
    return best
