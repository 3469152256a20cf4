// The widget's own words. English is the source: each is marked _("...") where it stands, so
// `make translations` extracts it into the same gettext catalogues as the server's strings
// (readerdesk/translations/<lang>/LC_MESSAGES/messages.po). `make widget` writes each other language's
// translations of them to static/i18n/readerdesk.<lang>.json (tools/widget_catalogues.py); the widget
// loads the one for its page's language, so a third language is one more .po file. The server's
// sentences a reader may see here (field errors, refusals) come from the API in the reader's language.

import { site, widgetScript } from "./page.js";

// The languages with a catalogue, from static/i18n when the widget is built (build-widget.mjs).
/* global READERDESK_LANGUAGES */
const LANGUAGES = READERDESK_LANGUAGES;

const _ = (message) => message;

const ENGLISH = {
  correctionTitle: _("Suggest a correction"),
  messageTitle: _("Write to us"),
  writeHint: _("Noticed a mistake? Select it and press Ctrl+Enter, or "),
  writeHintMac: _("Noticed a mistake? Select it and press ⌘+Enter, or "),
  touchHint: _("Noticed a mistake? Select it and tap “Suggest a correction”, or "),
  writeLink: _("write to us here"),
  passage: _("The passage you selected"),
  selectedText: _("The text you selected"),
  clipped: _("Your selection went on past this part of the page: this report is about the text above only."),
  noteLink: _("read the note"),
  kindQuestion: _("What is wrong?"),
  typo: _("Typo"),
  factual: _("Factual error"),
  unclear: _("Unclear"),
  other: _("Other"),
  suggestion: _("Suggested wording"),
  comment: _("Comment"),
  message: _("Your message"),
  name: _("Name (optional)"),
  email: _("Email (optional)"),
  notify: _("Tell me what the editors decide"),
  send: _("Send"),
  cancel: _("Cancel"),
  close: _("Close"),
  suggestButton: _("Suggest a correction"),
  sending: _("Sending…"),
  thanks: _("Thank you! The editors will look at your report."),
  followStatus: _("Follow its status"),
  offline: _("You seem to be offline. Your report is saved on this device and will be sent automatically when you are back online."),
  keptForLater: _("Your report is saved on this device and will be sent again later."),
  sentLater: _("Your saved report has now been sent. Thank you!"),
  failed: _("Something went wrong. Please try again later."),
  checkFields: _("Please check the fields marked below."),
  privacy: _("Your name and email are optional. We use them only to tell you what the editors decided."),
};

// Each loaded language's translations ({ English: translation }), by language code.
const translations = { en: {} };

// The language the widget speaks, and its words. Set by chooseLanguage().
export let language = "en";
export let strings = ENGLISH;

/** The page's lang attribute, else the site's language ("uk" for "uk-UA"). */
function wantedLanguage() {
  return (document.documentElement.lang || site.language || "en").toLowerCase().split("-")[0];
}

/**
 * Fetches the page's language's words, unless they are English, loaded already, or not translated.
 * Never fails: without them the widget speaks English.
 */
export function loadLanguage() {
  const code = wantedLanguage();
  if (translations[code] || !LANGUAGES.includes(code)) return Promise.resolve();
  return fetch(new URL(`i18n/readerdesk.${code}.json`, widgetScript.src), { credentials: "omit" })
    .then((response) => (response.ok ? response.json() : null))
    .catch(() => null)
    .then((table) => {
      if (table) translations[code] = table;
    });
}

/**
 * Follows the page's lang attribute, else the site's language; English when its words are not loaded
 * (they are fetched then, for next time). Called again before each dialog opens, since a page may set
 * its lang after the widget loaded.
 */
export function chooseLanguage() {
  const code = wantedLanguage();
  const table = translations[code];
  if (!table) loadLanguage();
  language = table ? code : "en";
  strings = {};
  for (const key in ENGLISH) strings[key] = (table && table[ENGLISH[key]]) || ENGLISH[key];
}

/**
 * "Correction, 1 December 2026: " before a published note's text. The date is in the page's language
 * even before its words are loaded (the browser knows its dates), else in the widget's.
 */
export function noteHeading(note) {
  const published = new Date(note.published_at);
  const style = { day: "numeric", month: "long", year: "numeric" };
  let date;
  try {
    date = published.toLocaleDateString(wantedLanguage(), style);
  } catch {
    date = published.toLocaleDateString(language, style); // a lang attribute no browser knows
  }
  return `${note.label}, ${date}: `;
}
