"""Text anchoring for reader corrections: selectors, anchoring, re-anchoring.

Pure Python (plus rapidfuzz and edlib); no Flask, no database.
"""

from .describe import describe
from .match import NOT_FOUND, Anchor, anchor
from .reanchor import Reanchored, RevisionDiff, Span, diff_revisions, reanchor
from .selectors import (
    InvalidSelector,
    Selector,
    TextPositionSelector,
    TextQuoteSelector,
    selectors_from_json,
    selectors_to_json,
)

__all__ = [
    "Anchor", "NOT_FOUND", "anchor", "describe", "Reanchored", "RevisionDiff", "Span", "diff_revisions",
    "reanchor", "InvalidSelector", "Selector", "TextPositionSelector", "TextQuoteSelector",
    "selectors_from_json", "selectors_to_json",
]
