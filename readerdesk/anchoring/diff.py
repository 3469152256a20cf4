"""Character-level diff of two revisions, and mapping of offsets through it.

A plain character diff of two 50k-character revisions is slow (difflib) and,
worse, noisy: an LCS happily matches scattered letters of unrelated sentences.
So we diff coarse-to-fine: strip the common prefix/suffix (snapped to line
starts), diff the remaining lines, then diff words within changed line groups.
Both levels use rapidfuzz's bit-parallel Indel (LCS) opcodes.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz.distance import Indel

# One token per CJK character (these scripts do not separate words with
# spaces), else runs of word characters, runs of spaces, single line breaks, or
# single marks. A paragraph break is two tokens, so that where the diff could
# pair a passage with its edited self or with a verbatim copy pasted into the
# next paragraph, losing the break costs more than losing one changed character.
_TOKEN = re.compile(
    r"[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF\U00020000-\U0002FFFF]"
    r"|\w+|\n|[^\S\n]+|[^\w\s]",
    re.S,
)


@dataclass(frozen=True)
class Op:
    tag: str  # "equal" | "replace" | "delete" | "insert"
    a0: int
    a1: int
    b0: int
    b1: int


def _common_prefix_len(a: str, b: str) -> int:
    # Binary search on slice equality: C-speed comparisons, log(n) of them.
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix_len(a: str, b: str, limit: int) -> int:
    lo, hi = 0, min(len(a), len(b), limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid:] == b[len(b) - mid:]:
            lo = mid
        else:
            hi = mid - 1
    return lo


# A line with the blank lines after it. Blank lines are never pieces of their own: they are in every
# paragraph break, and matching them would pair each changed paragraph with whatever paragraph now
# stands at its place (after an inserted paragraph, the one before it).
_LINE = re.compile(r"[^\n]+\n*|\n+")


def _pieces(text: str, lines: bool) -> list[str]:
    return (_LINE if lines else _TOKEN).findall(text)


def _diff_pieces(a: str, b: str, a_off: int, b_off: int, lines: bool, out: list[Op]) -> None:
    """Append char-coordinate ops for a vs b (offsets a_off/b_off)."""
    if not a or not b:
        if a or b:
            out.append(Op("delete" if a else "insert", a_off, a_off + len(a), b_off, b_off + len(b)))
        return
    pa, pb = _pieces(a, lines), _pieces(b, lines)
    # Char offsets of piece boundaries.
    ca = [0]
    for p in pa:
        ca.append(ca[-1] + len(p))
    cb = [0]
    for p in pb:
        cb.append(cb[-1] + len(p))
    # Indel yields only equal/delete/insert; group each run of changes into
    # one region so that changed lines are re-diffed word by word together.
    pending: list[int] | None = None  # [x0, x1, y0, y1] of the current region
    opcodes = [(op.tag, op.src_start, op.src_end, op.dest_start, op.dest_end) for op in Indel.opcodes(pa, pb)]
    for tag, i0, i1, j0, j1 in opcodes + [("end", len(pa), len(pa), len(pb), len(pb))]:
        x0, x1, y0, y1 = ca[i0], ca[i1], cb[j0], cb[j1]
        if tag != "equal" and tag != "end":
            if pending is None:
                pending = [x0, x1, y0, y1]
            else:
                pending[1], pending[3] = x1, y1
            continue
        if pending is not None:
            px0, px1, py0, py1 = pending
            if lines and px1 > px0 and py1 > py0:
                _diff_pieces(a[px0:px1], b[py0:py1], a_off + px0, b_off + py0, False, out)
            else:
                out.append(Op("replace", a_off + px0, a_off + px1, b_off + py0, b_off + py1))
            pending = None
        if tag == "equal":
            out.append(Op("equal", a_off + x0, a_off + x1, b_off + y0, b_off + y1))


def _normalise(ops: list[Op]) -> list[Op]:
    """Merge adjacent ops of the same kind; turn delete+insert into replace."""
    merged: list[Op] = []
    for op in ops:
        if op.a0 == op.a1 and op.b0 == op.b1:
            continue
        if merged:
            last = merged[-1]
            if last.tag == "equal" and op.tag == "equal":
                merged[-1] = Op("equal", last.a0, op.a1, last.b0, op.b1)
                continue
            if last.tag != "equal" and op.tag != "equal":
                a0, a1, b0, b1 = last.a0, op.a1, last.b0, op.b1
                tag = "replace" if (a1 > a0 and b1 > b0) else ("delete" if a1 > a0 else "insert")
                merged[-1] = Op(tag, a0, a1, b0, b1)
                continue
        tag = op.tag
        if tag != "equal":
            tag = "replace" if (op.a1 > op.a0 and op.b1 > op.b0) else ("delete" if op.a1 > op.a0 else "insert")
        merged.append(Op(tag, op.a0, op.a1, op.b0, op.b1))
    return merged


def diff_ops(old: str, new: str) -> list[Op]:
    """Ops covering both texts entirely, in order."""
    if old == new:
        return [Op("equal", 0, len(old), 0, len(new))] if old else []
    p = _common_prefix_len(old, new)
    # Snap to a line start so that the line diff sees whole lines.
    p = old.rfind("\n", 0, p) + 1
    s = _common_suffix_len(old, new, min(len(old), len(new)) - p)
    # Snap the suffix to start right after a newline too.
    cut = old.find("\n", len(old) - s)
    s = 0 if cut == -1 else len(old) - cut - 1
    ops: list[Op] = [Op("equal", 0, p, 0, p)]
    _diff_pieces(old[p:len(old) - s], new[p:len(new) - s], p, p, True, ops)
    ops.append(Op("equal", len(old) - s, len(old), len(new) - s, len(new)))
    return _normalise(ops)


class OffsetMap:
    """Maps old-text offsets to new-text offsets through diff ops (bisect)."""

    def __init__(self, ops: list[Op], old_len: int, new_len: int):
        # Inserts contain no old character, so they are left out of the index;
        # they sit between the ops we keep.
        self.ops = [op for op in ops if op.a1 > op.a0]
        self.starts = [op.a0 for op in self.ops]
        self.old_len = old_len
        self.new_len = new_len
        # Cumulative count of old chars in "equal" ops before each op.
        self.equal_before = [0]
        for op in self.ops:
            self.equal_before.append(self.equal_before[-1] + (op.a1 - op.a0 if op.tag == "equal" else 0))

    def matched_new_ranges(self, min_len: int) -> list[tuple[int, int]]:
        """New-text ranges of unchanged runs at least ``min_len`` long."""
        return [(op.b0, op.b1) for op in self.ops if op.tag == "equal" and op.a1 - op.a0 >= min_len]

    def _op_index(self, pos: int) -> int:
        return bisect_right(self.starts, pos) - 1

    def start(self, pos: int) -> int:
        """New offset for a span starting at old offset ``pos``."""
        if pos >= self.old_len or not self.ops:
            return self.new_len
        op = self.ops[self._op_index(pos)]
        if op.tag == "equal" or (op.tag == "replace" and op.a1 - op.a0 == op.b1 - op.b0):
            return op.b0 + (pos - op.a0)
        # Inside a changed region of another length: take all of it.
        return op.b0

    def end(self, pos: int) -> int:
        """New offset for a span ending (exclusively) at old offset ``pos``."""
        if pos <= 0 or not self.ops:
            return 0 if not self.ops else self.ops[0].b0
        op = self.ops[self._op_index(pos - 1)]
        if op.tag == "equal" or (op.tag == "replace" and op.a1 - op.a0 == op.b1 - op.b0):
            return op.b0 + (pos - op.a0)
        return op.b1

    def survived(self, a: int, b: int) -> int:
        """How many old chars in [a, b) lie in "equal" ops."""
        a, b = max(0, a), min(self.old_len, b)
        if b <= a or not self.ops:
            return 0
        return self._equal_upto(b) - self._equal_upto(a)

    def _equal_upto(self, pos: int) -> int:
        if pos <= 0:
            return 0
        i = self._op_index(pos - 1)
        op = self.ops[i]
        partial = (pos - op.a0) if op.tag == "equal" else 0
        return self.equal_before[i] + partial

    def equal_run_before(self, pos: int) -> int:
        """Length of the unchanged run ending exactly at old offset ``pos``."""
        if pos <= 0 or not self.ops:
            return 0
        op = self.ops[self._op_index(pos - 1)]
        return pos - op.a0 if op.tag == "equal" else 0

    def equal_run_after(self, pos: int) -> int:
        """Length of the unchanged run starting exactly at old offset ``pos``."""
        if pos >= self.old_len or not self.ops:
            return 0
        op = self.ops[self._op_index(pos)]
        return op.a1 - pos if op.tag == "equal" else 0
