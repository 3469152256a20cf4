"""The widget source: at most 8 KB gzipped (readerdesk.js, CSS inside), no dependencies, the server's text rules."""

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
    """The invisible and whitespace classes in the widget are readerdesk.text.canonical's, character for character."""
    from readerdesk.text.canonical import INVISIBLE, WHITESPACE

    source = WIDGET_FILES[0].read_text(encoding="utf-8")

    def escape(chars: str) -> str:
        """As the widget writes them in a character class: \\t, \\n... or \\uXXXX."""
        short = {"\t": "t", "\n": "n", "\x0b": "v", "\x0c": "f", "\r": "r"}
        return "".join(c if c in " -" else "\\" + short.get(c, f"u{ord(c):04x}") for c in chars)

    assert f"INV = /[{escape(INVISIBLE)}]/" in source
    assert f"WS = /[{escape(WHITESPACE)}]/" in source


def test_widget_block_and_removed_tags_match_the_server():
    """Blocks are the server's BLOCK_TAGS that survive sanitizing; skipped tags are REMOVED_WITH_CONTENT."""
    from readerdesk.text.canonical import ALLOWED_TAGS, BLOCK_TAGS, REMOVED_WITH_CONTENT

    source = WIDGET_FILES[0].read_text(encoding="utf-8")

    def tags(name: str) -> set[str]:
        alternatives = re.search(name + r" = /\^\(([^)]+)\)\$/", source).group(1).split("|")
        return {t for a in alternatives for t in ([f"h{i}" for i in range(1, 7)] if a == "h[1-6]" else [a])}

    assert tags("BLOCK") == BLOCK_TAGS & ALLOWED_TAGS
    assert tags("SKIP") == REMOVED_WITH_CONTENT
