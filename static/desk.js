/* The desk's keyboard: j/k move, o opens, a/r/s accept/reject/spam, c claims, x selects, ? help
   (unless the staff member turned single-key shortcuts off). Decisions are ordinary form POSTs carrying the CSRF token and the version the editor saw. */
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
  var help = document.getElementById("keyboard-help");
  var tokenMeta = document.querySelector('meta[name="csrf-token"]');
  var token = tokenMeta ? tokenMeta.getAttribute("content") : "";
  var storageKey = "desk-row:" + location.pathname + location.search;
  var current = -1;

  function highlight(i) {
    if (!rows.length) return;
    i = Math.max(0, Math.min(rows.length - 1, i));
    if (current >= 0 && rows[current]) {
      rows[current].classList.remove("selected");
      rows[current].removeAttribute("aria-current");
    }
    current = i;
    rows[i].classList.add("selected");
    rows[i].setAttribute("aria-current", "true");
    rows[i].scrollIntoView({ block: "nearest" });
    try { sessionStorage.setItem(storageKey, String(i)); } catch (e) { /* private mode */ }
  }

  function post(url, fields) {
    var form = document.createElement("form");
    form.method = "post";
    form.action = url;
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      form.appendChild(input);
    });
    document.body.appendChild(form);
    form.submit();
  }

  function decide(action) {
    if (rows.length) {
      var row = rows[current];
      if (!row) return;
      post(row.dataset.decide, { csrf_token: token, action: action, version: row.dataset.version,
                                 next: location.pathname + location.search });
      return;
    }
    // On a report's page: press its button, if the action is allowed there.
    var button = document.querySelector('#decision-form button[name="action"][value="' + action + '"]');
    if (button) button.click();
  }

  /* The help: a native modal <dialog>. showModal() makes the page behind it inert; Tab and Shift+Tab
     cycle through its own controls; Esc (the dialog's "cancel") closes it; focus goes back to what
     opened it. */
  var helpOpener = null;

  function helpControls() {
    return Array.prototype.filter.call(help.querySelectorAll("a[href], button, input, select, textarea"),
      function (el) { return !el.disabled && el.getClientRects().length; });
  }

  function openHelp() {
    if (!help || help.open) return;
    helpOpener = document.activeElement;
    help.showModal();
    var close = help.querySelector("[data-close-help]");
    if (close) close.focus();
  }

  function closeHelp() {
    if (help && help.open) help.close();
  }

  function setUpHelp() {
    if (!help) return;
    help.addEventListener("click", function (event) {
      // The dialog itself is hit only on its backdrop (its box fills it).
      if (event.target === help || event.target.hasAttribute("data-close-help")) closeHelp();
    });
    help.addEventListener("keydown", function (event) {
      if (event.key !== "Tab") return;
      var controls = helpControls();
      if (!controls.length) return;
      var first = controls[0], last = controls[controls.length - 1];
      if (event.shiftKey && document.activeElement === first) { last.focus(); event.preventDefault(); }
      else if (!event.shiftKey && document.activeElement === last) { first.focus(); event.preventDefault(); }
    });
    help.addEventListener("close", function () {
      if (helpOpener && document.contains(helpOpener)) helpOpener.focus();
      helpOpener = null;
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-open-help]"), function (button) {
      button.addEventListener("click", openHelp);
    });
  }

  /* Single-key shortcuts, only for staff who have not turned them off (account page; WCAG 2.1.4), and
     only while focus is not in a text field. */
  function shortcutsOn() {
    var meta = document.querySelector('meta[name="desk-shortcuts"]');
    return !meta || meta.getAttribute("content") !== "off";
  }

  function onShortcut(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    var key = event.key;
    if (key === "?") {
      if (help && help.open) closeHelp(); else openHelp();
      event.preventDefault();
      return;
    }
    if (help && help.open) return;
    var handled = true;
    switch (key) {
      case "j": highlight(current + 1); break;
      case "k": highlight(current - 1); break;
      case "o": case "Enter":  // Enter only when no link or button has focus: they keep their own
        if (rows[current] && (key === "o" || target === document.body)) location.href = rows[current].dataset.url;
        else handled = false;
        break;
      case "x":
        if (rows[current]) {
          var box = rows[current].querySelector('input[type="checkbox"]');
          if (box) box.checked = !box.checked;
        }
        break;
      case "a": decide("accept"); break;
      case "r": decide("reject"); break;
      case "s": decide("spam"); break;
      case "c": decide("claim"); break;
      default: handled = false;
    }
    if (handled) event.preventDefault();
  }

  function bindRow(row) {
    row.addEventListener("click", function (event) {
      if (event.target.tagName !== "A" && event.target.tagName !== "INPUT") highlight(rows.indexOf(row));
    });
  }
  rows.forEach(bindRow);
  // The live queue (below) added rows: take them in; the selected row stays the selected one.
  document.addEventListener("desk:rows-added", function (event) {
    var selected = rows[current];
    event.detail.rows.forEach(bindRow);
    rows = Array.prototype.slice.call(document.querySelectorAll("tr.queue-row"));
    current = rows.indexOf(selected);
  });
  setUpHelp();
  if (shortcutsOn()) document.addEventListener("keydown", onShortcut);

  if (rows.length) {
    var saved = 0;
    try { saved = parseInt(sessionStorage.getItem(storageKey) || "0", 10) || 0; } catch (e) { saved = 0; }
    highlight(saved);
  }
})();


/* The live queue: the desk queue keeps itself current without a reload (README, "The live queue").
   It polls /desk/queue/updates with the version it has: "304" means nothing changed. New rows go to the
   top with a highlight, and their number into the tab title until the editor next presses a key or
   clicks; rows another editor changed are redrawn where they stand; screen readers hear one polite
   sentence. It never moves focus or the keyboard's selected row: a row's <tr> stays, and a cell
   holding focus is left in place. Every 2 s while the tab is visible, every 30 s while it is hidden. */
(function () {
  "use strict";
  var live = document.getElementById("live-queue");
  var table = document.getElementById("queue");
  if (!live || !table || !window.fetch) return;
  var tbody = table.tBodies[0];
  var announcer = document.getElementById("queue-announcer");
  var title = document.title;
  var version = live.dataset.version;
  var seen = live.dataset.seen;
  var unseen = 0;
  var timer = null;
  var busy = false;
  var VISIBLE_MS = 2000, HIDDEN_MS = 30000, AFTER_ERROR_MS = 15000, MAX_SHOWN = 100;

  function queueRows() {
    return Array.prototype.slice.call(tbody.querySelectorAll("tr.queue-row"));
  }

  function findRow(id) {
    return tbody.querySelector('tr.queue-row[data-id="' + id + '"]');
  }

  function parseRow(html) {
    var holder = document.createElement("tbody");  // rows parse only inside a table section
    holder.innerHTML = html;  // drawn by the server's row macro, reader text escaped there
    return holder.querySelector("tr");
  }

  // Redraw ``row`` as ``fresh`` shows it, keeping the <tr> itself, its selection and any focus inside it.
  function redraw(row, fresh) {
    var active = document.activeElement;
    var box = row.querySelector('input[type="checkbox"]');
    var checked = box ? box.checked : false;
    ["version", "stamp", "url", "decide"].forEach(function (key) { row.dataset[key] = fresh.dataset[key]; });
    row.classList.toggle("left-tab", fresh.classList.contains("left-tab"));
    var oldCells = Array.prototype.slice.call(row.cells);
    var newCells = Array.prototype.slice.call(fresh.cells);
    newCells.forEach(function (cell, i) {
      var old = oldCells[i];
      if (!old) { row.appendChild(cell); return; }
      if (old.contains(active) && active !== document.body) {
        var oldBox = old.querySelector('input[type="checkbox"]');
        var newBox = cell.querySelector('input[type="checkbox"]');
        if (oldBox && newBox) oldBox.value = newBox.value;  // a bulk decision carries the version shown
        return;
      }
      row.replaceChild(cell, old);
    });
    var newBox = row.querySelector('input[type="checkbox"]');
    if (newBox) newBox.checked = checked;
  }

  function showTitle() {
    document.title = unseen ? "(" + unseen + ") " + title : title;
  }

  function announce(sentence) {
    if (!announcer || !sentence) return;
    announcer.textContent = "";
    setTimeout(function () { announcer.textContent = sentence; }, 100);  // the same words again are heard again
  }

  function apply(data) {
    version = data.version;
    seen = data.seen;
    data.changed.forEach(function (item) {
      var row = findRow(item.id);
      if (row) redraw(row, parseRow(item.html));
    });
    data.gone.forEach(function (id) {
      var row = findRow(id);
      if (row) row.classList.add("left-tab");
    });
    var added = [];
    for (var i = data.arrived.length - 1; i >= 0; i--) {  // newest first: the newest ends on top
      var fresh = parseRow(data.arrived[i].html);
      var existing = findRow(data.arrived[i].id);
      if (existing) { redraw(existing, fresh); continue; }
      tbody.insertBefore(fresh, tbody.firstChild);
      added.push(fresh);
    }
    Object.keys(data.counts).forEach(function (tab) {
      var count = document.querySelector('.tabs a[data-tab="' + tab + '"] .count');
      if (count) count.textContent = data.counts[tab];
    });
    if (added.length) {
      Array.prototype.forEach.call(live.querySelectorAll("[data-when-rows]"), function (el) { el.hidden = false; });
      Array.prototype.forEach.call(live.querySelectorAll("[data-when-empty]"), function (el) { el.hidden = true; });
      unseen += added.length;
      showTitle();
      document.dispatchEvent(new CustomEvent("desk:rows-added", { detail: { rows: added } }));
    }
    announce(data.announcement);
  }

  function later(ms) {
    clearTimeout(timer);
    timer = setTimeout(poll, ms);
  }

  function pause() {
    return document.visibilityState === "hidden" ? HIDDEN_MS : VISIBLE_MS;
  }

  function poll() {
    if (busy) return;
    busy = true;
    // The first MAX_SHOWN rows (the server's limit); ids and hex stamps need no escaping.
    var shown = queueRows().slice(0, MAX_SHOWN).map(function (row) {
      return row.dataset.id + ":" + row.dataset.stamp;
    }).join(",");
    var url = live.dataset.updates + (live.dataset.updates.indexOf("?") < 0 ? "?" : "&") +
      "since=" + encodeURIComponent(version) + "&seen=" + encodeURIComponent(seen) + "&shown=" + shown;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 304) return null;
        if (response.status === 401 || response.status === 403) throw new Error("signed out");
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      })
      .then(function (data) {
        if (data) apply(data);
        busy = false;
        later(pause());
      })
      .catch(function (error) {
        busy = false;
        if (String(error.message) !== "signed out") later(AFTER_ERROR_MS);  // signed out: stop asking
      });
  }

  function seenByEditor() {
    if (!unseen) return;
    unseen = 0;
    showTitle();
    Array.prototype.forEach.call(tbody.querySelectorAll("tr.queue-row.arrived"), function (row) {
      row.classList.remove("arrived");
    });
  }
  document.addEventListener("keydown", seenByEditor);
  document.addEventListener("pointerdown", seenByEditor);
  document.addEventListener("visibilitychange", function () {
    later(document.visibilityState === "visible" ? 0 : HIDDEN_MS);
  });
  later(pause());
})();
