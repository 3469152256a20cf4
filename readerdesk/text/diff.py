"""The word diff the desk shows: a reader's suggestion against the passage, a passage before and
after an edit, a paragraph before and after a new wording. Rendered by templates/macros/diff.html.

Pure: compares word tokens (runs of letters and digits, runs of spaces, single punctuation marks), so
a changed word is shown whole and the spaces around it stay where they were.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]")
# For raw HTML (a CMS post's content): a tag or a comment is one token, so it is shown kept,
# deleted or inserted whole.
_MARKUP_TOKEN_RE = re.compile(r"<!--.*?-->|<[^<>]*>|\w+|\s+|[^\w\s]", re.S)

Op = Literal["equal", "delete", "insert"]


@dataclass(frozen=True)
class DiffPart:
    op: Op
    text: str


def word_diff(old: str, new: str, *, markup: bool = False) -> list[DiffPart]:
    """The parts of ``old`` and ``new`` in reading order: equal text, and where they differ what was
    deleted from ``old`` followed by what was inserted from ``new``. Neighbouring parts of the same
    kind are merged, and no part is empty, so joining every part but the inserts gives ``old`` back
    and every part but the deletes gives ``new``. With ``markup``, tags and comments count as words."""
    tokens = _MARKUP_TOKEN_RE if markup else _TOKEN_RE
    a, b = tokens.findall(old or ""), tokens.findall(new or "")
    parts: list[DiffPart] = []

    def add(op: Op, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return parts
