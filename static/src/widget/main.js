// readerdesk widget: a reader selects a passage and presses Ctrl+Enter (Cmd+Enter on a Mac) to
// suggest a correction.
//
//   <script src="https://DESK/static/readerdesk.js" data-article-url="..." data-container="CSS" async></script>
//
// This is the source; `make widget` bundles it into static/readerdesk.js. Plain browser
// JavaScript, no dependencies. README.md ("Embedding the widget") says what publishers see.

import { apiBase, fetchNotes, fetchWidgetConfig } from "./api.js";
import { isDialogOpen, openDialog, placeSuggestButton, reportSentLater } from "./dialog.js";
import { flushQueue } from "./offline-queue.js";
import { articleBody, articleUrl, site, widgetScript } from "./page.js";
import { describeSelection } from "./selectors.js";
import { chooseLanguage, loadLanguage, noteHeading, strings } from "./strings.js";
import { canonicalText } from "./text-rules.js";

function selectedPassage() {
  return describeSelection(getSelection());
}

function sendQueuedReports() {
  flushQueue(reportSentLater);
}

function onKeydown(event) {
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey) || event.defaultPrevented || isDialogOpen()) return;
  // Ctrl+Enter in the page's own forms belongs to them.
  if (event.target.closest && event.target.closest("input,textarea,select,[contenteditable]")) return;
  event.preventDefault();
  chooseLanguage();
  openDialog(selectedPassage()); // no selection, or outside the article: the general message form
}

// A Mac's keyboard has Cmd (⌘) where others have Ctrl; onKeydown takes either.
function isMac() {
  return /^mac/i.test(navigator.userAgentData?.platform || navigator.platform || "");
}

// The keys the hint names: a touch screen has no Ctrl+Enter, so it names the button placed under the
// selection instead (followSelectionWithButton).
function writeHint() {
  if (matchMedia("(pointer: coarse)").matches) return strings.touchHint;
  return isMac() ? strings.writeHintMac : strings.writeHint;
}

function isTouchScreen() {
  return matchMedia("(pointer:coarse)").matches || navigator.maxTouchPoints > 0 || "ontouchstart" in window;
}

// On a touch screen the button follows the selection, once the reader's finger has settled.
function followSelectionWithButton() {
  let timer;
  document.addEventListener("selectionchange", () => {
    clearTimeout(timer);
    timer = setTimeout(() => placeSuggestButton(selectedPassage()), 80);
  });
}

function applyWidgetConfig(response) {
  return response.json().then((config) => {
    if (response.ok) {
      site.containerSelector = site.containerSelector || config.body_selector;
      site.excludeSelectors = config.exclude_selectors || [];
      site.parts = config.parts || {};
      site.language = config.language;
      site.privacy = config.privacy;
    } else if (response.status < 500) {
      site.refusal = config.error || "";
    }
  });
}

// "Noticed a mistake? … write to us here." after the article body, unless the page has its own
// element marked data-readerdesk-write.
function wireWriteToUs(body) {
  let write = document.querySelector("[data-readerdesk-write]");
  if (!write && body) {
    const hint = document.createElement("p");
    hint.className = "readerdesk-write";
    write = document.createElement("a");
    write.href = "#";
    write.textContent = strings.writeLink;
    hint.append(writeHint(), write, ".");
    body.after(hint);
  }
  if (write) {
    write.addEventListener("click", (event) => {
      event.preventDefault();
      openDialog(null);
    });
  }
}

// The support box and the marks on corrected passages are scripts of their own, loaded only by
// pages that need them.
function loadScript(name) {
  const script = document.createElement("script");
  script.src = new URL(name, widgetScript.src).href;
  script.async = true;
  document.head.append(script);
}

// The article's published notes: on a publisher's page they go after the body (readerdesk's own
// pages print them already, with the same ids); on both, each corrected passage is marked where
// it stands, by readerdesk-notes.js (static/src/notes), which gets the notes and settings here.
function showPublishedNotes(body, listThem) {
  fetchNotes(articleUrl)
    .then((response) => response.json())
    .then(({ notes }) => {
      if (!notes || !notes.length) return;
      if (listThem) {
        const aside = document.createElement("aside");
        aside.className = "readerdesk-notes";
        for (const note of notes) {
          const paragraph = document.createElement("p");
          paragraph.id = `readerdesk-note-${note.id}`;
          const heading = document.createElement("strong");
          heading.textContent = noteHeading(note);
          paragraph.append(heading, note.text); // text, never markup
          aside.append(paragraph);
        }
        body.after(aside);
      }
      if (notes.some((note) => note.passage)) {
        Object.assign(window.readerdesk, { notes, site });
        loadScript("readerdesk-notes.js");
      }
    })
    .catch(() => {});
}

function whenConfigured() {
  chooseLanguage();
  const body = articleBody();
  wireWriteToUs(body);
  sendQueuedReports(); // reports kept from an earlier visit
  if (document.querySelector("[data-readerdesk-support]")) loadScript("readerdesk-support.js");
  if (body) showPublishedNotes(body, new URL(apiBase).origin !== location.origin);
}

function start() {
  document.addEventListener("keydown", onKeydown);
  if (isTouchScreen()) followSelectionWithButton();
  window.addEventListener("online", sendQueuedReports);
  fetchWidgetConfig(articleUrl, document.documentElement.lang)
    .then(applyWidgetConfig)
    .catch(() => {
      // Offline or unreachable: the defaults will do, and sending retries.
    })
    .then(loadLanguage) // the page's (else the site's) language's words, unless English
    .then(whenConfigured);
  // For pages and tests: the canonical text of an element, opening the dialog, sending the queue.
  window.readerdesk = {
    canonicalText: (element) => canonicalText(element, site.excludeSelectors).text,
    open: () => {
      chooseLanguage();
      openDialog(selectedPassage());
    },
    flush: sendQueuedReports,
  };
}

// A page that includes the script twice gets one widget.
if (!window.readerdesk) start();
