// What the widget knows about the page it is embedded in: its own script tag, the article, and the
// site's settings once GET /api/v1/widget-config has answered.

// Read while the script runs: document.currentScript is null afterwards. The selector is for
// browsers that lack currentScript.
export const widgetScript = document.currentScript || document.querySelector('script[src*="readerdesk.js"]');

export const articleUrl =
  widgetScript.dataset.articleUrl ||
  document.querySelector("link[rel=canonical]")?.href ||
  location.href.split("#")[0];

export const site = {
  // The article body: data-container on the script tag, else the site's body selector.
  containerSelector: widgetScript.dataset.container,
  excludeSelectors: [],
  // Reportable parts besides the body: { headline: "h1", caption: "figcaption", ... } (see parts.js).
  parts: {},
  language: undefined,
  // The server's sentence when it will not take reports from this page (an origin it does not
  // allow, for example). It is shown when the reader presses Send.
  refusal: "",
  // What the notice under the form says: { notice, policy_url, policy_label }, from the server.
  privacy: null,
};

export function articleBody() {
  try {
    return document.querySelector(site.containerSelector || "article");
  } catch {
    return null; // a selector the browser cannot parse
  }
}
