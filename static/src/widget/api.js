// readerdesk's public API (/api/v1, described at /api/v1/openapi.json). Its address comes from the
// widget's own src, so a publisher's page needs nothing but the script tag. No cookies are sent:
// the API checks the page's Origin instead.

import { widgetScript } from "./page.js";

export const apiBase = new URL("../api/v1/", widgetScript.src).href;

/** The site's settings for an article: { body_selector, exclude_selectors, language }, or { error }. */
export function fetchWidgetConfig(articleUrl, pageLanguage) {
  const query = `url=${encodeURIComponent(articleUrl)}&lang=${encodeURIComponent(pageLanguage)}`;
  return fetch(`${apiBase}widget-config?${query}`, { credentials: "omit" });
}

/** The article's published correction notes: { notes: [{ label, text, published_at }] }. */
export function fetchNotes(articleUrl) {
  return fetch(`${apiBase}notes?url=${encodeURIComponent(articleUrl)}`, { credentials: "omit" });
}

/** Sends one report. The same idempotency_key again returns the same correction. */
export function postCorrection(report) {
  return fetch(`${apiBase}corrections`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(report),
    credentials: "omit",
  });
}
