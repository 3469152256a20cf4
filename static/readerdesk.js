/* readerdesk widget: select a passage and press Ctrl+Enter (or Cmd+Enter) to suggest a correction.
   <script src="https://DESK/static/readerdesk.js" data-article-url="..." data-container="CSS" async></script>
   Plain JavaScript, no dependencies. canon() follows readerdesk/canonical.py rule for rule: change both together. */
(function () {
"use strict";
var W = window, D = document;
if (W.readerdesk) return;
var S = D.currentScript || D.querySelector('script[src*="readerdesk.js"]'), ds = S.dataset;
var API = new URL("../api/v1/", S.src).href, QK = "readerdesk-queue";
var AURL = ds.articleUrl || (D.querySelector("link[rel=canonical]") || {}).href || location.href.split("#")[0];
var cfg = { sel: ds.container, ex: [] }, refusal = "";
var T = {
en: { t: "Suggest a correction", w: "Write to us", hint: "Noticed a mistake? Select it and press Ctrl+Enter, or ", link: "write to us here",
  q: "The passage you selected", k: "What is wrong?", typo: "Typo", factual: "Factual error", unclear: "Unclear", other: "Other",
  sg: "Suggested wording", cm: "Comment", msg: "Your message", nm: "Name (optional)", em: "Email (optional)",
  nt: "Tell me what the editors decide", send: "Send", cancel: "Cancel", close: "Close", b: "Suggest a correction",
  ing: "Sending…", ok: "Thank you! The editors will look at your report.", st: "Follow its status",
  off: "You seem to be offline. Your report is saved on this device and will be sent automatically when you are back online.",
  kept: "Your report is saved on this device and will be sent again later.", sent: "Your saved report has now been sent. Thank you!",
  err: "Something went wrong. Please try again later.", fix: "Please check the fields marked below." },
uk: { t: "Запропонувати виправлення", w: "Напишіть нам", hint: "Помітили помилку? Виділіть її та натисніть Ctrl+Enter або ", link: "напишіть нам тут",
  q: "Виділений уривок", k: "Що не так?", typo: "Одруківка", factual: "Фактична помилка", unclear: "Незрозуміло", other: "Інше",
  sg: "Як має бути", cm: "Коментар", msg: "Ваше повідомлення", nm: "Ім’я (необов’язково)", em: "Email (необов’язково)",
  nt: "Повідомте мені про рішення редакції", send: "Надіслати", cancel: "Скасувати", close: "Закрити", b: "Запропонувати виправлення",
  ing: "Надсилаємо…", ok: "Дякуємо! Редакція розгляне ваше повідомлення.", st: "Стежити за статусом",
  off: "Схоже, немає з’єднання. Повідомлення збережено на цьому пристрої й надійде автоматично, щойно з’єднання відновиться.",
  kept: "Повідомлення збережено на цьому пристрої й буде надіслано пізніше.", sent: "Збережене повідомлення надіслано. Дякуємо!",
  err: "Щось пішло не так. Спробуйте пізніше.", fix: "Перевірте позначені поля." }
};
var L, t;
function lang() { L = ((D.documentElement.lang || cfg.lang || "en").toLowerCase().split("-")[0]); if (!T[L]) L = "en"; t = T[L]; }

/* --- canonical text (readerdesk/canonical.py) ---
   Blocks: BLOCK_TAGS that the sanitizer keeps (the others are unwrapped before the server reads the text).
   Removed with their content: REMOVED_WITH_CONTENT, and the site's exclude selectors. */
var BLOCK = /^(blockquote|caption|dd|div|dl|dt|figcaption|figure|h[1-6]|hr|li|ol|p|pre|table|tbody|td|tfoot|th|thead|tr|ul)$/,
  SKIP = /^(script|style|iframe|noscript|template|object|embed|svg|math|form|select|textarea|button)$/,
  INV = /[\u00ad\u200b\u200c\u200d\u2060\ufeff\u0000-\u0008\u000e-\u001f\u007f-\u009f]/, WS = /[\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/, MARK = /\p{M}/u;
/* One block's raw text -> [normalised text, map from each raw UTF-16 index to an index in it]. NFC is applied to
   each base character with its combining marks, which is NFC of the whole run for every ordinary text. */
function norm(raw) {
  var out = "", map = [], sp = 0, i = 0, n = raw.length, g, j, k, p;
  while (i < n) {
    g = String.fromCodePoint(raw.codePointAt(i));
    if (INV.test(g)) { map[i] = out.length + sp; i++; continue; }
    if (WS.test(g)) { map[i] = out.length; if (out) sp = 1; i++; continue; }
    if (sp) { out += " "; sp = 0; }
    for (j = i + g.length; j < n; j += k.length) {
      k = String.fromCodePoint(raw.codePointAt(j));
      if (MARK.test(k)) g += k; else if (!INV.test(k)) break;
    }
    for (p = i; p < j; p++) map[p] = out.length;
    out += g.normalize("NFC");
    i = j;
  }
  map[n] = out.length;
  for (p = 0; p < n; p++) if (map[p] > out.length) map[p] = out.length;
  return [out, map];
}
function canon(root, ex) {
  var parts = [], total = 0, nodes = [], cur = { raw: "" };
  function end() {
    var r = norm(cur.raw);
    cur.map = r[1]; cur.base = total + (parts.length ? 2 : 0);
    if (r[0]) { parts.push(r[0]); total = cur.base + r[0].length; }
    cur = { raw: "" };
  }
  function walk(n) {
    if (n.nodeType == 3) { nodes.push([n, cur, cur.raw.length]); cur.raw += n.data; return; }
    if (n.nodeType != 1) return;
    var tag = n.localName, b = BLOCK.test(tag), c;
    if (SKIP.test(tag) || ex.some(function (s) { try { return n.matches(s); } catch (e) { return false; } })) return;
    if (tag == "br") { cur.raw += " "; return; }
    if (b) end();
    for (c = n.firstChild; c; c = c.nextSibling) walk(c);
    if (b) end();
  }
  for (var c = root.firstChild; c; c = c.nextSibling) walk(c);
  end();
  var text = parts.join("\n\n");
  function at(x, i) { return Math.min(x[1].base + x[1].map[x[2] + i], text.length); }
  return { text: text, off: function (node, o) { /* a DOM boundary point -> offset in text (UTF-16) */
    var i, r;
    for (i = 0; i < nodes.length; i++) if (nodes[i][0] === node) return at(nodes[i], o);
    r = D.createRange(); r.setStart(node, o);
    for (i = 0; i < nodes.length; i++) if (r.comparePoint(nodes[i][0], 0) >= 0) return at(nodes[i], 0);
    return text.length;
  } };
}
function box() { try { return D.querySelector(cfg.sel || "article"); } catch (e) { return null; } }
function cps(s) { return Array.from(s).length; }
/* The selection, measured in the container's canonical text: W3C selectors with code point offsets. */
function measure() {
  var s = W.getSelection(), C = box(), r, c, x, a, b;
  if (!s || !s.rangeCount || s.isCollapsed || !C) return null;
  r = s.getRangeAt(0);
  if (!r.intersectsNode(C)) return null;
  c = canon(C, cfg.ex); x = c.text; a = c.off(r.startContainer, r.startOffset); b = c.off(r.endContainer, r.endOffset);
  while (a < b && WS.test(x[a])) a++;
  while (b > a && WS.test(x[b - 1])) b--;
  if (a >= b) return null;
  var st = cps(x.slice(0, a)), ex = x.slice(a, b);
  return { exact: ex, sel: [
    { type: "TextQuoteSelector", exact: ex, prefix: Array.from(x.slice(Math.max(0, a - 100), a)).slice(-40).join(""),
      suffix: Array.from(x.slice(b, b + 100)).slice(0, 40).join("") },
    { type: "TextPositionSelector", start: st, end: st + cps(ex) }] };
}

/* --- the dialog (Shadow DOM keeps the page's styles out and ours in) --- */
var CSS = ":host{all:initial}dialog{font:16px/1.45 system-ui,sans-serif;color:#111;background:#fff;border:0;border-radius:8px;padding:20px 22px;width:min(34em,92vw);max-height:90vh;overflow:auto;box-shadow:0 8px 40px #0006}" +
  "dialog::backdrop{background:#0007}h2{font-size:1.25em;margin:0 0 12px}blockquote{margin:4px 0 8px;padding:8px 12px;border-left:4px solid #c60;background:#fff6ea;max-height:8em;overflow:auto;white-space:pre-wrap}" +
  "label,legend{display:block;margin:10px 0 4px;font-weight:600;padding:0}fieldset{border:0;padding:0;margin:0}fieldset label,.ck{display:inline-flex;gap:6px;align-items:center;font-weight:400;margin:4px 14px 0 0}" +
  "textarea,.i{box-sizing:border-box;width:100%;font:inherit;padding:6px 8px;border:1px solid #777;border-radius:4px;background:#fff;color:#111}:focus-visible{outline:3px solid #05c;outline-offset:2px}" +
  "[aria-invalid=true]{border-color:#b00}.e,.m{color:#b00;font-size:.92em;margin:4px 0 0}.m.g{color:#064}.bt{display:flex;gap:8px;justify-content:flex-end;margin-top:16px}" +
  "button{font:inherit;padding:8px 16px;border-radius:4px;border:1px solid #05c;background:#fff;color:#05c;cursor:pointer}button.p{background:#05c;color:#fff}button:disabled{opacity:.6}" +
  ".f{position:absolute;z-index:2147483647;font:15px system-ui,sans-serif;background:#05c;color:#fff;border:0;box-shadow:0 2px 8px #0005}.hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}[hidden]{display:none!important}";
var R, dlg, F, fab, busy, cur, key, last, sent = {};
function $(s) { return R.querySelector(s); }
function esc(s) { return s.replace(/[&<>"]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; }); }
function field(n, lab, tag) {
  return '<div id=w-' + n + '><label for=' + n + '>' + esc(lab) + '</label>' + (tag == "t" ? '<textarea id=' + n + ' name=' + n + ' rows=3></textarea>' :
    '<input class=i id=' + n + ' name=' + n + (tag ? ' type=' + tag + ' autocomplete=' + tag : ' autocomplete=name') + '>') + '<p class=e id=e-' + n + '></p></div>';
}
function build() {
  var host = D.createElement("div");
  host.setAttribute("data-readerdesk", "");
  D.body.appendChild(host);
  R = host.attachShadow({ mode: "open" });
  R.innerHTML = "<style>" + CSS + "</style><button type=button class=f hidden>" + esc(t.b) + "</button><dialog aria-labelledby=h><form novalidate><h2 id=h></h2>" +
    "<div id=body><div id=w-q><p id=ql class=ck></p><blockquote id=q></blockquote><fieldset><legend>" + esc(t.k) + "</legend>" +
    ["typo", "factual", "unclear", "other"].map(function (k, i) { return "<label><input type=radio name=kind value=" + k + (i ? "" : " checked") + "> " + esc(t[k]) + "</label>"; }).join("") +
    "</fieldset>" + field("suggestion", t.sg, "t") + "</div>" + field("comment", t.cm, "t") + field("name", t.nm) + field("email", t.em, "email") +
    "<label class=ck><input type=checkbox name=notify id=notify> " + esc(t.nt) + "</label><p class=e id=e-notify></p>" +
    "<div class=hp aria-hidden=true><label>Website <input name=website tabindex=-1 autocomplete=off></label></div></div>" +
    "<p class=m id=m role=status aria-live=polite></p><div class=bt><button type=button id=x>" + esc(t.cancel) + "</button><button class=p id=s>" + esc(t.send) + "</button></div></form></dialog>";
  dlg = $("dialog"); F = $("form"); fab = $(".f");
  $("#ql").textContent = t.q;
  $("#x").onclick = function () { dlg.close(); };
  dlg.addEventListener("close", function () { if (last && last.focus) last.focus(); last = null; });
  dlg.addEventListener("keydown", function (e) {
    if (e.key == "Escape") { e.preventDefault(); dlg.close(); }
    else if (e.key == "Enter" && e.target.localName == "input") e.preventDefault(); /* Enter never sends the form early */
    else if (e.key == "Tab") { /* keep focus inside the dialog */
      var f = Array.prototype.filter.call(R.querySelectorAll("input,textarea,button,a[href]"), function (x) {
        return !x.disabled && x.tabIndex >= 0 && x.getClientRects().length && (x.type != "radio" || x.checked) && dlg.contains(x); }),
        a = R.activeElement, i = f.indexOf(a);
      if (e.shiftKey ? i <= 0 : i == f.length - 1) { e.preventDefault(); f[e.shiftKey ? f.length - 1 : 0].focus(); }
    }
  });
  F.onsubmit = function (e) { e.preventDefault(); submit(); };
  fab.onpointerdown = function (e) { e.preventDefault(); };
  fab.onclick = function () { fab.hidden = true; open(fab.m); };
}
function say(s, good) { var m = $("#m"); m.textContent = s || ""; m.className = good ? "m g" : "m"; }
function open(m) {
  if (!R) build();
  if (dlg.open) return;
  last = D.activeElement; cur = m; busy = 0;
  key = Array.from(crypto.getRandomValues(new Uint8Array(16)), function (b) { return (b + 256).toString(16).slice(1); }).join("");
  F.reset();
  R.querySelectorAll(".e").forEach(function (e) { e.textContent = ""; });
  R.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
  say("");
  $("#body").hidden = $("#s").hidden = false; $("#x").textContent = t.cancel;
  $("#h").textContent = m ? t.t : t.w;
  $("#w-q").hidden = !m;
  $("#q").textContent = m ? m.exact : "";
  $("#suggestion").value = m ? m.exact : "";
  $("#w-comment label").textContent = m ? t.cm : t.msg;
  dlg.showModal();
  (m ? $("input[name=kind]") : $("#comment")).focus();
}
function submit() {
  if (busy) return; /* a double click sends once; the key makes a retry safe too */
  if (refusal) return say(refusal);
  var v = function (n) { return F.elements[n].value; }, b = {
    idempotency_key: key, article_url: AURL, page_url: location.href, language: L,
    kind: cur ? v("kind") : "general", suggestion: cur ? v("suggestion") : "", comment: v("comment"),
    name: v("name"), email: v("email"), notify: F.elements.notify.checked, website: v("website") };
  if (cur) b.selectors = cur.sel;
  busy = 1; $("#s").disabled = true; say(t.ing, 1);
  post(b).then(function (r) {
    busy = 0; $("#s").disabled = false;
    if (!dlg.open || b.idempotency_key != key) return;
    if (r.ok) return done(r.j);
    if (r.q) return say(r.j && r.j.error ? r.j.error + " " + t.kept : t.off);
    var f = (r.j && r.j.fields) || {}, n, el, rest = [];
    for (n in f) {
      el = $("#e-" + n);
      if (el) { el.textContent = f[n]; (F.elements[n].length ? F.elements[n][0] : F.elements[n]).setAttribute("aria-invalid", "true"); } else rest.push(f[n]);
    }
    say(((r.j && r.j.error) || t.err) + " " + (rest.length ? rest.join(" ") : Object.keys(f).length ? t.fix : ""));
  });
}
function done(j) {
  $("#body").hidden = $("#s").hidden = true;
  var m = $("#m"), a = D.createElement("a");
  say(t.ok + " ", 1);
  if (j && j.status_url) { a.href = j.status_page || j.status_url; a.target = "_blank"; a.rel = "noopener"; a.textContent = t.st; m.appendChild(a); }
  $("#x").textContent = t.close; $("#x").focus();
}

/* --- sending, and the queue that keeps a report through a network failure --- */
function load() { try { return JSON.parse(localStorage.getItem(QK)) || {}; } catch (e) { return {}; } }
function store(q) { try { localStorage.setItem(QK, JSON.stringify(q)); } catch (e) { /* private mode: nothing to do */ } }
/* -> {ok, j: JSON answer, q: kept in the queue for a retry} */
function post(b) {
  return fetch(API + "corrections", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(b), credentials: "omit" })
    .then(function (r) {
      return r.json().catch(function () { return null; }).then(function (j) {
        var q = load(), keep = r.status >= 500;
        if (keep) q[b.idempotency_key] = b; else delete q[b.idempotency_key];
        store(q);
        if (r.status == 503) later(r.headers.get("Retry-After"));
        return { ok: r.ok, j: j, q: keep };
      });
    }, function () { var q = load(); q[b.idempotency_key] = b; store(q); return { q: 1 }; });
}
/* 503 (the database restarting): send the kept reports again, with their keys, when the server says */
var flushing, tries = 0, timer;
function later(s) {
  if (timer || tries++ > 5) return;
  timer = setTimeout(function () { timer = 0; flush(); }, Math.min(Math.max(+s || 5, 1), 60) * 1000);
}
function flush() {
  var q = load(), ks = Object.keys(q);
  if (flushing || !ks.length) return;
  flushing = 1;
  ks.reduce(function (p, k) {
    return p.then(function () { return post(q[k]).then(function (r) { if (r.ok && dlg && dlg.open && k == key) say(t.sent, 1); }); });
  }, Promise.resolve()).then(function () { flushing = 0; });
}

/* --- wiring: keys, touch, the "write to us" link --- */
D.addEventListener("keydown", function (e) {
  if (e.key != "Enter" || !(e.ctrlKey || e.metaKey) || e.defaultPrevented || (dlg && dlg.open)) return;
  if (e.target.closest && e.target.closest("input,textarea,select,[contenteditable]")) return;
  e.preventDefault();
  lang(); open(measure());
});
if (W.matchMedia("(pointer:coarse)").matches || navigator.maxTouchPoints > 0 || "ontouchstart" in W) {
  var tm;
  D.addEventListener("selectionchange", function () {
    clearTimeout(tm);
    tm = setTimeout(function () {
      var m = measure(), r;
      if (!R) { lang(); build(); }
      fab.hidden = !m;
      if (!m) return;
      fab.m = m; r = W.getSelection().getRangeAt(0).getBoundingClientRect();
      fab.style.top = (r.bottom + W.scrollY + 10) + "px";
      fab.style.left = Math.max(8, Math.min(r.left + W.scrollX, W.scrollX + D.documentElement.clientWidth - 220)) + "px";
    }, 80);
  });
}
function ready() {
  lang();
  var C = box(), w = D.querySelector("[data-readerdesk-write]"), p;
  if (!w && C) {
    p = D.createElement("p"); p.className = "readerdesk-write";
    w = D.createElement("a"); w.href = "#"; w.textContent = t.link;
    p.append(t.hint, w, "."); C.after(p);
  }
  if (w) w.addEventListener("click", function (e) { e.preventDefault(); open(null); });
  flush();
  if (D.querySelector("[data-readerdesk-support]")) {
    p = D.createElement("script"); p.src = new URL("readerdesk-support.js", S.src).href; p.async = true; D.head.append(p);
  }
  /* On a publisher's page (not readerdesk's own, which prints them), the article's published notes go after the body. */
  if (C && new URL(API).origin != location.origin) fetch(API + "notes?url=" + encodeURIComponent(AURL), { credentials: "omit" })
    .then(function (r) { return r.json(); }).then(function (j) {
      if (!j.notes || !j.notes.length) return;
      var a = D.createElement("aside"); a.className = "readerdesk-notes";
      j.notes.forEach(function (n) {
        var q = D.createElement("p"), b = D.createElement("strong");
        b.textContent = n.label + ", " + new Date(n.published_at).toLocaleDateString(L) + ": ";
        q.append(b, n.text); a.append(q);
      });
      C.after(a);
    }).catch(function () {});
}
W.addEventListener("online", flush);
fetch(API + "widget-config?url=" + encodeURIComponent(AURL) + "&lang=" + encodeURIComponent(D.documentElement.lang), { credentials: "omit" }).then(function (r) {
  return r.json().then(function (j) {
    if (r.ok) { cfg.sel = cfg.sel || j.body_selector; cfg.ex = j.exclude_selectors || []; cfg.lang = j.language; }
    else if (r.status < 500) refusal = j.error || "";
  });
}).catch(function () { /* offline or unreachable: the defaults will do, and sending retries */ }).then(ready);
W.readerdesk = { canonicalText: function (el) { return canon(el, cfg.ex).text; }, open: function () { lang(); open(measure()); }, flush: flush };
})();
