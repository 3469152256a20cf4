"""The embeddable widget stays small: readerdesk.js (its CSS is inside it) at most 8 KB gzipped."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET_FILES = [STATIC / "readerdesk.js"]  # the CSS lives in the script, for its Shadow DOM
BUDGET = 8 * 1024


def test_widget_gzipped_size_within_budget():
    size = sum(len(gzip.compress(path.read_bytes(), compresslevel=9)) for path in WIDGET_FILES)
    assert size <= BUDGET, f"readerdesk.js is {size} bytes gzipped, over the {BUDGET}-byte budget"


def test_widget_has_no_dependencies():
    source = WIDGET_FILES[0].read_text(encoding="utf-8")
    assert not re.search(r"\b(import|require)\s*\(", source)
    assert "<style" in source and "attachShadow" in source


def test_widget_text_rules_match_the_server():
    """The invisible and whitespace classes in the widget are readerdesk.canonical's, character for character."""
    from readerdesk.canonical import INVISIBLE, WHITESPACE

    source = WIDGET_FILES[0].read_text(encoding="utf-8")
    escape = lambda s: "".join(c if c in " -" else "\\" + {"\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r"}.get(c, f"u{ord(c):04x}") for c in s)  # noqa: E731
    assert f"INV = /[{escape(INVISIBLE)}]/" in source
    assert f"WS = /[{escape(WHITESPACE)}]/" in source
