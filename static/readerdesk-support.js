/*
 * readerdesk support box: renders a compact "become a patron" box into every element with
 * data-readerdesk-support, inside a Shadow DOM (the page's CSS cannot break it, and it cannot
 * break the page). Picking a tier or an amount opens readerdesk's /support page with that choice
 * preselected (a plain GET: the card details and the CSRF-protected form live on readerdesk).
 *
 *   <div data-readerdesk-support data-site="demo"
 *        data-tiers='[{"id":"coffee","label":"A coffee a month","amount":"3 €"}]'
 *        data-title="Support our newsroom"></div>
 *   <script src="https://desk.example/static/readerdesk-support.js" async></script>
 *
 * data-base (optional) is readerdesk's address; by default, where this script was loaded from.
 * readerdesk.js loads this file lazily when a page has such an element.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var scriptBase = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var DEFAULT_TIERS = [
    { id: "coffee", label: "A cup of coffee a month" },
    { id: "reader", label: "Regular reader" },
    { id: "yearly", label: "Once a year" }
  ];
  var CSS = [
    ":host{all:initial;display:block}",
    ".box{font:15px/1.45 system-ui,sans-serif;color:#1d1d1f;border:1px solid #dcdcdc;border-radius:8px;padding:14px 16px;max-width:30rem;background:#fff}",
    "h2{font-size:17px;margin:0 0 6px}",
    "p{margin:0 0 10px;color:#5f6368}",
    ".tiers{display:flex;flex-wrap:wrap;gap:6px;margin-bottom:10px}",
    "a.tier,button{font:inherit;border:1px solid #0b5cad;border-radius:4px;padding:6px 10px;background:#fff;color:#0b5cad;cursor:pointer;text-decoration:none}",
    "a.tier:hover,a.tier:focus,button:hover,button:focus{background:#0b5cad;color:#fff;outline:none}",
    "form{display:flex;gap:6px;align-items:center;flex-wrap:wrap}",
    "input,select{font:inherit;padding:5px 6px;border:1px solid #bbb;border-radius:4px;width:6rem}",
    "select{width:auto}"
  ].join("");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text) node.textContent = text;  // never innerHTML: labels come from the page
    return node;
  }

  function supportUrl(base, params) {
    var url = new URL("/support", base);
    Object.keys(params).forEach(function (k) { if (params[k]) url.searchParams.set(k, params[k]); });
    return url.toString();
  }

  function render(host) {
    if (host.__readerdeskSupport) return;
    host.__readerdeskSupport = true;
    var base = host.getAttribute("data-base") || scriptBase;
    var site = host.getAttribute("data-site") || "";
    var tiers = DEFAULT_TIERS;
    try {
      var given = JSON.parse(host.getAttribute("data-tiers") || "null");
      if (Array.isArray(given) && given.length) tiers = given;
    } catch (e) { /* keep the defaults */ }
    var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
    var style = el("style");
    style.textContent = CSS;
    var box = el("section", { "class": "box", "aria-label": "Support us" });
    box.appendChild(el("h2", {}, host.getAttribute("data-title") || "Become a patron"));
    box.appendChild(el("p", {}, host.getAttribute("data-text") ||
      "For as little as the cost of one cup of coffee a month, you can become a patron."));
    var row = el("div", { "class": "tiers" });
    tiers.forEach(function (t) {
      var label = (t.label || t.id) + (t.amount ? " · " + t.amount : "");
      row.appendChild(el("a", { "class": "tier", "data-tier": t.id, href: supportUrl(base, { site: site, tier: t.id }) }, label));
    });
    box.appendChild(row);
    var form = el("form", { method: "get", action: new URL("/support", base).toString() });
    if (site) form.appendChild(el("input", { type: "hidden", name: "site", value: site }));
    form.appendChild(el("label", { "for": "rd-amount" }, "Or give"));
    form.appendChild(el("input", { id: "rd-amount", name: "amount", inputmode: "decimal", placeholder: "amount", required: "" }));
    var freq = el("select", { name: "frequency", "aria-label": "How often" });
    [["month", "monthly"], ["year", "yearly"], ["once", "once"]].forEach(function (o) {
      freq.appendChild(el("option", { value: o[0] }, o[1]));
    });
    form.appendChild(freq);
    form.appendChild(el("button", { type: "submit" }, "Continue"));
    box.appendChild(form);
    root.appendChild(style);
    root.appendChild(box);
  }

  function renderAll() {
    var hosts = document.querySelectorAll("[data-readerdesk-support]");
    for (var i = 0; i < hosts.length; i++) render(hosts[i]);
  }

  window.readerdeskSupport = { render: render, renderAll: renderAll };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", renderAll);
  else renderAll();
})();
