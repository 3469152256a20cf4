// readerdesk support box: renders a compact "become a patron" box into every element with
// data-readerdesk-support, inside a Shadow DOM (the page's CSS cannot break it, and it cannot
// break the page). Picking a tier or an amount opens readerdesk's /support page with that choice
// preselected: a plain GET, since the card details and the CSRF-protected form live on readerdesk.
//
//   <div data-readerdesk-support data-site="demo"
//        data-tiers='[{"id":"coffee","label":"A coffee a month","amount":"3 €"}]'
//        data-title="Support our newsroom"></div>
//   <script src="https://desk.example/static/readerdesk-support.js" async></script>
//
// data-base (optional) is readerdesk's address; by default, where this script was loaded from.
// data-poll (optional) adds the site's open topic poll: its question and topics, a "Vote — for
// patrons" button and a "Become a patron to vote" link (from GET /api/v1/polls/open).
// data-text (optional) replaces the sentence under the title. readerdesk.js loads this file
// lazily when a page has such an element. This is the source; `make widget` builds
// static/readerdesk-support.js from it.

import BOX_CSS from "./box.css";

// Read while the script runs: document.currentScript is null afterwards.
const script = document.currentScript;
const scriptBase = script && script.src ? new URL(script.src, location.href).origin : location.origin;

// The ids of readerdesk's default tiers (SUPPORT_TIERS); a page lists its own in data-tiers.
const DEFAULT_TIERS = [
  { id: "coffee", label: "A cup of coffee a month" },
  { id: "reader", label: "Regular reader" },
  { id: "yearly", label: "Once a year" },
];

const FREQUENCIES = [
  ["month", "monthly"],
  ["year", "yearly"],
  ["once", "once"],
];

function element(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  if (text) node.textContent = text; // never innerHTML: labels come from the page
  return node;
}

function supportUrl(base, params) {
  const url = new URL("/support", base);
  for (const [name, value] of Object.entries(params)) if (value) url.searchParams.set(name, value);
  return url.toString();
}

function tiersOf(host) {
  try {
    const given = JSON.parse(host.getAttribute("data-tiers") || "null");
    if (Array.isArray(given) && given.length) return given;
  } catch {
    // not JSON: keep the defaults
  }
  return DEFAULT_TIERS;
}

function render(host) {
  // A flag on the element rather than a set in this script: two copies of the script (the page's
  // own tag and readerdesk.js's) still render one box.
  if (host.__readerdeskSupport) return;
  host.__readerdeskSupport = true;
  const base = host.getAttribute("data-base") || scriptBase;
  const site = host.getAttribute("data-site") || "";
  const tiers = tiersOf(host);
  const root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;

  const style = element("style");
  style.textContent = BOX_CSS;
  const box = element("section", { class: "box", "aria-label": "Support us" });
  box.appendChild(element("h2", {}, host.getAttribute("data-title") || "Become a patron"));
  box.appendChild(
    element(
      "p",
      {},
      host.getAttribute("data-text") || "For as little as the cost of one cup of coffee a month, you can become a patron.",
    ),
  );

  const row = element("div", { class: "tiers" });
  for (const tier of tiers) {
    const label = (tier.label || tier.id) + (tier.amount ? ` · ${tier.amount}` : "");
    row.appendChild(element("a", { class: "tier", "data-tier": tier.id, href: supportUrl(base, { site, tier: tier.id }) }, label));
  }
  box.appendChild(row);

  // Or an amount of the reader's own, checked by the support page.
  const form = element("form", { method: "get", action: new URL("/support", base).toString() });
  if (site) form.appendChild(element("input", { type: "hidden", name: "site", value: site }));
  form.appendChild(element("label", { for: "rd-amount" }, "Or give"));
  form.appendChild(element("input", { id: "rd-amount", name: "amount", inputmode: "decimal", placeholder: "amount", required: "" }));
  const frequency = element("select", { name: "frequency", "aria-label": "How often" });
  for (const [value, label] of FREQUENCIES) frequency.appendChild(element("option", { value }, label));
  form.appendChild(frequency);
  form.appendChild(element("button", { type: "submit" }, "Continue"));
  box.appendChild(form);

  root.appendChild(style);
  root.appendChild(box);
  if (host.hasAttribute("data-poll")) showPoll(box, base, site);
}

// The open poll, if any, under the box; a failed request just leaves the box as it is.
function showPoll(box, base, site) {
  const url = new URL("/api/v1/polls/open", base);
  if (site) url.searchParams.set("site", site);
  fetch(url)
    .then((response) => (response.ok ? response.json() : {}))
    .then(({ poll }) => {
      if (!poll) return;
      const part = element("div", { class: "poll" });
      part.appendChild(element("h3", {}, poll.question));
      const list = element("ul");
      for (const topic of poll.topics) list.appendChild(element("li", {}, topic));
      part.appendChild(list);
      part.appendChild(element("a", { class: "tier vote", href: poll.vote_url }, "Vote — for patrons"));
      part.appendChild(element("a", { href: poll.become_patron_url }, "Become a patron to vote"));
      box.appendChild(part);
    })
    .catch(() => {});
}

function renderAll() {
  for (const host of document.querySelectorAll("[data-readerdesk-support]")) render(host);
}

window.readerdeskSupport = { render, renderAll };
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", renderAll);
else renderAll();
