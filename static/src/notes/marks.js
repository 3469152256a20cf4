// Published corrections marked where they stand: each note's passage (GET /api/v1/notes gives its
// part and selectors in the current revision) is looked for in the page's own text, and where it
// is found exactly it gets a discreet <mark>, a small superscript link to the note (the list after
// the article keeps every note), and an outline on hover. The link opens the note in a popover.
// Where the passage is not found exactly, nothing is marked: never a guess.
//
// This is a script of its own (readerdesk-notes.js, built from notes/main.js), loaded by the widget
// only on articles that have a note with a passage: readers of the other articles do not pay for it.

import { partText } from "../widget/parts.js";
import { noteHeading, strings } from "../widget/strings.js";

const NEAR = 8; // characters of context next to the quote that must match when the full context does not

function indexesOf(text, needle) {
  const found = [];
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/**
 * Where the quote is in `text` exactly: with its whole context, once; else once with the nearest
 * characters of its context on at least one side. -1 when not found or not unique.
 */
export function findQuote(text, { exact, prefix, suffix }) {
  const full = indexesOf(text, prefix + exact + suffix);
  if (full.length === 1) return full[0] + prefix.length;
  const before = prefix.slice(-NEAR);
  const after = suffix.slice(0, NEAR);
  const near = indexesOf(text, exact).filter(
    (i) =>
      (before && text.slice(i - before.length, i) === before) ||
      (after && text.slice(i + exact.length, i + exact.length + after.length) === after),
  );
  return near.length === 1 ? near[0] : -1;
}

// Each text node of the range, cut to the range, inside a <mark>. Whitespace between blocks is
// left alone (a <mark> between two list items is not markup).
function wrapRange(range, noteId) {
  const container = range.commonAncestorContainer;
  const nodes = [];
  if (container.nodeType === Node.TEXT_NODE) nodes.push(container);
  const walker = document.createTreeWalker(container, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) if (range.intersectsNode(walker.currentNode)) nodes.push(walker.currentNode);
  const { startContainer, startOffset, endContainer, endOffset } = range;
  const marks = [];
  for (let node of nodes) {
    if (node === endContainer) node.splitText(endOffset);
    if (node === startContainer) node = node.splitText(startOffset);
    if (!node.data.trim()) continue;
    const mark = document.createElement("mark");
    mark.className = "readerdesk-mark";
    mark.dataset.readerdeskNote = noteId;
    node.replaceWith(mark);
    mark.append(node);
    marks.push(mark);
  }
  return marks;
}

const STYLE =
  "mark.readerdesk-mark{background:none;color:inherit}" +
  ".readerdesk-on{outline:2px solid #c60;outline-offset:1px}" +
  ".readerdesk-marker a{text-decoration:none;padding:0 .2em;color:#c60}" +
  ".readerdesk-popover{inset:auto;margin:0;max-width:min(24em,90vw);padding:10px 14px;border:1px solid #999;" +
  "border-radius:6px;background:#fff;color:#111;font:15px/1.4 system-ui,sans-serif;box-shadow:0 4px 18px #0003}";

function addStyle() {
  const style = document.createElement("style");
  style.textContent = STYLE;
  document.head.append(style);
}

// The superscript link after the passage, and its popover (the native popover attribute: Escape
// and a click elsewhere close it).
function addMarker(marks, note) {
  const id = `readerdesk-note-${note.id}`;
  const popover = document.createElement("div");
  popover.id = `${id}-popover`;
  popover.className = "readerdesk-popover";
  popover.popover = "auto";
  popover.tabIndex = -1;
  popover.setAttribute("role", "dialog");
  popover.setAttribute("aria-label", note.label);
  const heading = document.createElement("strong");
  heading.textContent = noteHeading(note);
  popover.append(heading, note.text); // text, never markup
  document.body.append(popover);

  const sup = document.createElement("sup");
  sup.className = "readerdesk-marker";
  const link = document.createElement("a");
  link.href = `#${id}`;
  link.textContent = "†";
  link.setAttribute("aria-label", `${note.label}: ${strings.noteLink}`);
  link.setAttribute("aria-controls", popover.id);
  link.setAttribute("aria-expanded", "false");
  sup.append(link);
  marks[marks.length - 1].after(sup);

  link.onclick = (event) => {
    event.preventDefault();
    popover.togglePopover();
    if (!popover.matches(":popover-open")) return;
    // Below the marker, kept inside the window (measured once it is shown).
    const box = link.getBoundingClientRect();
    popover.style.top = `${box.bottom + 4}px`;
    popover.style.left = `${Math.max(8, Math.min(box.left, innerWidth - popover.offsetWidth - 8))}px`;
  };
  popover.addEventListener("toggle", (event) => {
    const open = event.newState === "open";
    link.setAttribute("aria-expanded", String(open));
    if (open) popover.focus();
    else if (popover.contains(document.activeElement) || document.activeElement === document.body) link.focus();
  });
  // The passage is outlined while the pointer is on it or on its marker.
  for (const element of [...marks, sup]) {
    element.onmouseenter = () => marks.forEach((mark) => mark.classList.add("readerdesk-on"));
    element.onmouseleave = () => marks.forEach((mark) => mark.classList.remove("readerdesk-on"));
  }
}

/** Marks each note's passage that the page holds exactly. Returns how many were marked. */
export function markNotes(notes) {
  let marked = 0;
  for (const note of notes) {
    const quote = note.passage && note.passage.selectors.find((s) => s.type === "TextQuoteSelector");
    if (!quote) continue;
    const part = partText(note.passage.part);
    const start = findQuote(part.text, quote);
    const range = start < 0 ? null : part.rangeOf(start, start + quote.exact.length);
    const marks = range ? wrapRange(range, note.id) : [];
    if (!marks.length) continue;
    if (!marked) addStyle();
    addMarker(marks, note);
    marked++;
  }
  return marked;
}
