// The canonical text of an article body, computed from the page's DOM.
//
// Every offset readerdesk stores is a position in this text, so these rules follow
// readerdesk/text/canonical.py rule for rule: change both together. tests/test_widget_source.py
// checks that the character classes and tag lists below are the server's, and the browser tests
// compare the whole text on real articles.

// Blocks: the server's BLOCK_TAGS that its sanitizer keeps. The other block tags (section,
// article...) are unwrapped before the server reads the text, so here they are inline too.
export const BLOCK_TAGS = /^(blockquote|caption|dd|div|dl|dt|figcaption|figure|h[1-6]|hr|li|ol|p|pre|table|tbody|td|tfoot|th|thead|tr|ul)$/;
// Removed with their content by the sanitizer: REMOVED_WITH_CONTENT.
export const REMOVED_WITH_CONTENT = /^(script|style|iframe|noscript|template|object|embed|svg|math|form|select|textarea|button)$/;
// Spelled out as in canonical.py (INVISIBLE, WHITESPACE) so both sides agree character for character.
// The control characters, and the zero-width joiner standing alone in the class, are the point here.
// eslint-disable-next-line no-control-regex, no-misleading-character-class
export const INVISIBLE = /[\u00ad\u200b\u200c\u200d\u2060\ufeff\u0000-\u0008\u000e-\u001f\u007f-\u009f]/;
export const WHITESPACE = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/;
const COMBINING_MARK = /\p{M}/u;

/**
 * Normalises one block's raw text: invisible characters dropped, whitespace runs collapsed to one
 * space and trimmed, NFC applied.
 *
 * Returns the text and `map`, which takes each UTF-16 index of `raw` (and raw.length) to an index
 * in the text, so that a DOM selection can be measured in it. NFC is applied to each base
 * character together with its combining marks, which is NFC of the whole run for every ordinary
 * text and keeps the map exact.
 */
export function normaliseBlock(raw) {
  let text = "";
  const map = [];
  let spacePending = false; // whitespace seen since the last character: one space goes before the next
  let i = 0;
  while (i < raw.length) {
    let cluster = String.fromCodePoint(raw.codePointAt(i));
    if (INVISIBLE.test(cluster)) {
      // An invisible character after whitespace belongs after the space that will be written.
      map[i] = text.length + (spacePending ? 1 : 0);
      i++;
      continue;
    }
    if (WHITESPACE.test(cluster)) {
      map[i] = text.length;
      if (text) spacePending = true; // leading whitespace is dropped
      i++;
      continue;
    }
    if (spacePending) {
      text += " ";
      spacePending = false;
    }
    // The base character takes its combining marks with it; invisible characters among them vanish.
    let end = i + cluster.length;
    while (end < raw.length) {
      const next = String.fromCodePoint(raw.codePointAt(end));
      if (COMBINING_MARK.test(next)) cluster += next;
      else if (!INVISIBLE.test(next)) break;
      end += next.length;
    }
    for (let j = i; j < end; j++) map[j] = text.length;
    text += cluster.normalize("NFC");
    i = end;
  }
  map[raw.length] = text.length;
  // Trailing whitespace and invisibles point past the trimmed text: bring them back to its end.
  for (let j = 0; j < raw.length; j++) if (map[j] > text.length) map[j] = text.length;
  return { text, map };
}

/**
 * The canonical text of the element `root`, leaving out elements that match one of
 * `excludeSelectors` (the site's exclude selectors), and a way to find a DOM boundary point in it.
 *
 * Returns `text`; `offsetOf(node, offset)`, which gives the UTF-16 index in `text` of the
 * boundary point (node, offset), as a Range or a Selection has them; and `rangeOf(start, end)`, the
 * other way round: a DOM Range holding exactly the characters text[start, end), or null.
 */
export function canonicalText(root, excludeSelectors) {
  const paragraphs = []; // the non-empty blocks' text, joined by a blank line at the end
  let length = 0; // the length of the paragraphs joined so far
  const textNodes = []; // every text node read: { node, block, start: its index in block.raw }
  let block = { raw: "" };

  function endBlock() {
    const { text, map } = normaliseBlock(block.raw);
    block.map = map;
    block.start = length + (paragraphs.length ? 2 : 0); // after the "\n\n" that will join it
    if (text) {
      paragraphs.push(text);
      length = block.start + text.length;
    }
    block = { raw: "" };
  }

  function isExcluded(element) {
    return excludeSelectors.some((selector) => {
      try {
        return element.matches(selector);
      } catch {
        return false; // a selector the browser cannot parse excludes nothing
      }
    });
  }

  function walk(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      textNodes.push({ node, block, start: block.raw.length });
      block.raw += node.data;
      return;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return;
    const tag = node.localName;
    // The widget's own markers after corrected passages (marks.js) are not the article's text.
    if (REMOVED_WITH_CONTENT.test(tag) || isExcluded(node) || node.classList.contains("readerdesk-marker")) return;
    if (tag === "br") {
      block.raw += " ";
      return;
    }
    const isBlock = BLOCK_TAGS.test(tag);
    if (isBlock) endBlock();
    for (let child = node.firstChild; child; child = child.nextSibling) walk(child);
    if (isBlock) endBlock();
  }

  for (let child = root.firstChild; child; child = child.nextSibling) walk(child);
  endBlock();
  const text = paragraphs.join("\n\n");

  function indexIn(textNode, offset) {
    const { block, start } = textNode;
    return Math.min(block.start + block.map[start + offset], text.length);
  }

  function offsetOf(node, offset) {
    const exact = textNodes.find((entry) => entry.node === node);
    if (exact) return indexIn(exact, offset);
    // A point between elements, or inside something left out: the next text node read starts there.
    const point = document.createRange();
    point.setStart(node, offset);
    const next = textNodes.find((entry) => point.comparePoint(entry.node, 0) >= 0);
    return next ? indexIn(next, 0) : text.length;
  }

  function rangeOf(start, end) {
    const range = document.createRange();
    let started = false;
    for (const entry of textNodes) {
      for (let k = 0; k < entry.node.data.length; k++) {
        const index = indexIn(entry, k);
        if (!started && index >= start) {
          range.setStart(entry.node, k);
          started = true;
        }
        if (started && index < end) range.setEnd(entry.node, k + 1);
      }
    }
    return started && !range.collapsed ? range : null;
  }

  return { text, offsetOf, rangeOf };
}
