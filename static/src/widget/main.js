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
import { chooseLanguage, language, strings } from "./strings.js";
import { canonicalText } from "./text-rules.js";

function selectedPassage() {
  return describeSelection(getSelection(), articleBody(), site.excludeSelectors);
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
  openDialog(selectedPassage()); // no selection: the general message form
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
    hint.append(strings.writeHint, write, ".");
    body.after(hint);
  }
  if (write) {
    write.addEventListener("click", (event) => {
      event.preventDefault();
      openDialog(null);
    });
  }
}

// The support box is a script of its own, loaded only by pages that show one.
function loadSupportBox() {
  const script = document.createElement("script");
  script.src = new URL("readerdesk-support.js", widgetScript.src).href;
  script.async = true;
  document.head.append(script);
}

// On a publisher's page the article's published notes go after the body. readerdesk's own pages
// print them already.
function showPublishedNotes(body) {
  fetchNotes(articleUrl)
    .then((response) => response.json())
    .then(({ notes }) => {
      if (!notes || !notes.length) return;
      const aside = document.createElement("aside");
      aside.className = "readerdesk-notes";
      for (const note of notes) {
        const paragraph = document.createElement("p");
        const heading = document.createElement("strong");
        heading.textContent = `${note.label}, ${new Date(note.published_at).toLocaleDateString(language)}: `;
        paragraph.append(heading, note.text); // text, never markup
        aside.append(paragraph);
      }
      body.after(aside);
    })
    .catch(() => {});
}

function whenConfigured() {
  chooseLanguage();
  const body = articleBody();
  wireWriteToUs(body);
  sendQueuedReports(); // reports kept from an earlier visit
  if (document.querySelector("[data-readerdesk-support]")) loadSupportBox();
  if (body && new URL(apiBase).origin !== location.origin) showPublishedNotes(body);
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
