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

  rows.forEach(function (row, i) {
    row.addEventListener("click", function (event) {
      if (event.target.tagName !== "A" && event.target.tagName !== "INPUT") highlight(i);
    });
  });
  setUpHelp();
  if (shortcutsOn()) document.addEventListener("keydown", onShortcut);

  if (rows.length) {
    var saved = 0;
    try { saved = parseInt(sessionStorage.getItem(storageKey) || "0", 10) || 0; } catch (e) { saved = 0; }
    highlight(saved);
  }
})();
