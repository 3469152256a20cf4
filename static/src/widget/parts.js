// The parts of the page a reader can report on: the article body, and the parts the site names
// besides it (headline, standfirst, photo captions), each found by a CSS selector. Each part is its
// own canonical text, as on the server (ArticleRevision.parts): a selector that matches several
// elements (every caption) gives their texts joined like paragraphs.

import { articleBody, site } from "./page.js";
import { canonicalText } from "./text-rules.js";

const BODY = "body";

/** The elements of a part, in document order. */
export function partRoots(name) {
  if (name === BODY) return [articleBody()].filter(Boolean);
  try {
    return Array.from(document.querySelectorAll(site.parts[name]));
  } catch {
    return []; // a selector the browser cannot parse
  }
}

/**
 * The canonical text of a part: `text`, `offsetOf(node, offset)` for a point inside one of its
 * elements, and `rangeOf(start, end)` (see text-rules.js).
 */
export function partText(name) {
  const pieces = [];
  let length = 0;
  for (const root of partRoots(name)) {
    const canonical = canonicalText(root, site.excludeSelectors);
    if (!canonical.text) continue;
    if (pieces.length) length += 2; // the "\n\n" that joins it
    pieces.push({ root, canonical, start: length });
    length += canonical.text.length;
  }
  const text = pieces.map((piece) => piece.canonical.text).join("\n\n");
  return {
    text,
    offsetOf(node, offset) {
      const piece = pieces.find((p) => p.root.contains(node));
      return piece ? piece.start + piece.canonical.offsetOf(node, offset) : text.length;
    },
    rangeOf(start, end) {
      // A passage never spans two elements of a part (the widget reports on one element at a time).
      const piece = pieces.find((p) => p.start <= start && end <= p.start + p.canonical.text.length);
      return piece ? piece.canonical.rangeOf(start - piece.start, end - piece.start) : null;
    },
  };
}

/** Every part's elements: [{ name, root }], innermost parts first (a caption inside the body). */
function allRoots() {
  const names = Object.keys(site.parts).filter((name) => name !== BODY);
  return names.flatMap((name) => partRoots(name).map((root) => ({ name, root })))
    .concat(partRoots(BODY).map((root) => ({ name: BODY, root })));
}

/**
 * The part a selection range belongs to: the innermost part element holding its start, else the
 * first part element it crosses in document order. { name, root } or null (outside every part).
 */
export function partOfRange(range) {
  const roots = allRoots();
  const holding = roots.find(({ root }) => root.contains(range.startContainer));
  if (holding) return holding;
  const crossed = roots.filter(({ root }) => range.intersectsNode(root));
  crossed.sort((a, b) => (a.root.compareDocumentPosition(b.root) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  return crossed[0] || null;
}
