// The reader's selection, described as W3C Web Annotation selectors in the article body's
// canonical text. The server does not trust them: it finds the quote again, using the prefix,
// the suffix and the position as hints (readerdesk/services/corrections/capture.py).

import { canonicalText, WHITESPACE } from "./text-rules.js";

const CONTEXT_SCAN = 100; // UTF-16 units looked at on each side: enough for CONTEXT_LENGTH code points
const CONTEXT_LENGTH = 40; // code points of prefix and suffix

// The server counts in Unicode code points (Python str indices); JavaScript strings count UTF-16 units.
function codePointLength(text) {
  return Array.from(text).length;
}

/**
 * The passage selected in `container`: { exact, selectors }, or null when nothing but whitespace
 * inside the container is selected.
 */
export function describeSelection(selection, container, excludeSelectors) {
  if (!selection || !selection.rangeCount || selection.isCollapsed || !container) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(container)) return null;
  const canonical = canonicalText(container, excludeSelectors);
  const text = canonical.text;
  let start = canonical.offsetOf(range.startContainer, range.startOffset);
  let end = canonical.offsetOf(range.endContainer, range.endOffset);
  // A drag usually catches a space or a paragraph break at either end: the passage is without them.
  while (start < end && WHITESPACE.test(text[start])) start++;
  while (end > start && WHITESPACE.test(text[end - 1])) end--;
  if (start >= end) return null;

  const exact = text.slice(start, end);
  const position = codePointLength(text.slice(0, start));
  const prefix = Array.from(text.slice(Math.max(0, start - CONTEXT_SCAN), start)).slice(-CONTEXT_LENGTH).join("");
  const suffix = Array.from(text.slice(end, end + CONTEXT_SCAN)).slice(0, CONTEXT_LENGTH).join("");
  return {
    exact,
    selectors: [
      { type: "TextQuoteSelector", exact, prefix, suffix },
      { type: "TextPositionSelector", start: position, end: position + codePointLength(exact) },
    ],
  };
}
