// The reader's selection, described as W3C Web Annotation selectors in the canonical text of the
// part of the page it is in (the body, the headline, a caption...). The server does not trust
// them: it finds the quote again, using the prefix, the suffix and the position as hints
// (readerdesk/services/corrections/capture.py).

import { partOfRange, partText } from "./parts.js";
import { WHITESPACE } from "./text-rules.js";

const CONTEXT_SCAN = 100; // UTF-16 units looked at on each side: enough for CONTEXT_LENGTH code points
const CONTEXT_LENGTH = 40; // code points of prefix and suffix

// The server counts in Unicode code points (Python str indices); JavaScript strings count UTF-16 units.
function codePointLength(text) {
  return Array.from(text).length;
}

/**
 * What the reader selected:
 *  - { exact, selectors, part, clipped } for a passage in a reportable part. A selection that runs
 *    on past its part is cut at the part's end, and `clipped` says so (the dialog tells the reader);
 *  - { context } for text selected outside every reportable part: the general form, with it as context;
 *  - null when nothing but whitespace is selected.
 */
export function describeSelection(selection) {
  if (!selection || !selection.rangeCount || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0).cloneRange();
  const part = partOfRange(range);
  if (!part) {
    const context = selection.toString().trim();
    return context ? { context } : null;
  }
  const { root } = part;
  const whole = range.toString();
  if (!root.contains(range.startContainer)) range.setStart(root, 0);
  if (!root.contains(range.endContainer)) range.setEnd(root, root.childNodes.length);
  // Words left out (a drag from the headline into the body), not just the space between them.
  const clipped = whole.replace(/\s/g, "").length > range.toString().replace(/\s/g, "").length;
  const canonical = partText(part.name);
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
    part: part.name,
    clipped,
    selectors: [
      { type: "TextQuoteSelector", exact, prefix, suffix },
      { type: "TextPositionSelector", start: position, end: position + codePointLength(exact) },
    ],
  };
}
