// The report dialog and the touch screens' "Suggest a correction" button.
//
// Both live in a Shadow DOM on a <div data-readerdesk> at the end of the body: the page's styles
// cannot reach them and ours cannot leak out. They are built on first use, so a reader who never
// reports costs the page nothing but a few listeners.
//
// Ids and classes in the markup, kept short because they ship to every reader (dialog.css uses
// the classes):
//   #h the title           #body everything hidden after sending   #w-q the passage part
//   #ql, #q the passage (or the text selected outside the article)   #cl "your selection was cut"
//   #w-k the kind and the suggestion   #w-NAME, #NAME, #e-NAME a field, its control and its error
//   #m the message line     #x Cancel/Close   #s Send   #pn the privacy notice
//   .f the touch button     .ck a checkbox or radio label   .i a text input   .e a field's error
//   .m/.g the message line (green when all is well)   .bt the buttons   .p the main button   .hp the honeypot
//   .pn the privacy notice

import DIALOG_CSS from "./dialog.css";
import { sendReport } from "./offline-queue.js";
import { articleUrl, site } from "./page.js";
import { chooseLanguage, language, strings } from "./strings.js";

const KINDS = ["typo", "factual", "unclear", "other"]; // the first is checked by default

let root; // the shadow root, once built
let dialog;
let form;
let suggestButton;
let buttonPassage; // the passage the touch button reports on

// The report being written: its passage ({ exact, selectors, part, clipped }, or null for a general
// message), the text selected outside the article a general message carries as context, and the
// idempotency key it is sent with, so a retry is stored once.
let passage;
let context;
let reportKey;
let sending = false;
let focusBefore; // what had focus before the dialog opened, to give it back on close

function find(selector) {
  return root.querySelector(selector);
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A labelled control with a place for the server's error beside it.
function field(name, label, control) {
  return `<div id=w-${name}><label for=${name}>${escapeHtml(label)}</label>${control}<p class=e id=e-${name}></p></div>`;
}

function textarea(name) {
  return `<textarea id=${name} name=${name} rows=3></textarea>`;
}

// No whitespace between tags: text nodes would add gaps between the inline-flex labels.
function markup() {
  const kinds = KINDS.map(
    (kind, i) => `<label><input type=radio name=kind value=${kind}${i ? "" : " checked"}> ${escapeHtml(strings[kind])}</label>`,
  ).join("");
  return (
    `<style>${DIALOG_CSS}</style>` +
    `<button type=button class=f hidden>${escapeHtml(strings.suggestButton)}</button>` +
    "<dialog aria-labelledby=h><form novalidate><h2 id=h></h2>" +
    "<div id=body>" +
    "<div id=w-q><p id=ql class=ck></p><blockquote id=q></blockquote>" +
    `<p id=cl>${escapeHtml(strings.clipped)}</p><div id=w-k>` +
    `<fieldset><legend>${escapeHtml(strings.kindQuestion)}</legend>${kinds}</fieldset>` +
    field("suggestion", strings.suggestion, textarea("suggestion")) +
    "</div></div>" +
    field("comment", strings.comment, textarea("comment")) +
    field("name", strings.name, "<input class=i id=name name=name autocomplete=name>") +
    field("email", strings.email, "<input class=i id=email name=email type=email autocomplete=email>") +
    `<label class=ck><input type=checkbox name=notify id=notify> ${escapeHtml(strings.notify)}</label><p class=e id=e-notify></p>` +
    "<p class=pn id=pn></p>" +
    // The honeypot: people never see it, bots fill it in, and the server then stores nothing.
    "<div class=hp aria-hidden=true><label>Website <input name=website tabindex=-1 autocomplete=off></label></div>" +
    "</div>" +
    "<p class=m id=m role=status aria-live=polite></p>" +
    `<div class=bt><button type=button id=x>${escapeHtml(strings.cancel)}</button><button class=p id=s>${escapeHtml(strings.send)}</button></div>` +
    "</form></dialog>"
  );
}

// The words in the markup are fixed when it is built: call chooseLanguage() first.
function build() {
  const host = document.createElement("div");
  host.setAttribute("data-readerdesk", "");
  document.body.appendChild(host);
  root = host.attachShadow({ mode: "open" });
  root.innerHTML = markup();
  dialog = find("dialog");
  form = find("form");
  suggestButton = find(".f");

  find("#x").onclick = () => dialog.close();
  dialog.addEventListener("close", () => {
    if (focusBefore && focusBefore.focus) focusBefore.focus();
    focusBefore = null;
  });
  dialog.addEventListener("keydown", onDialogKeydown);
  form.onsubmit = (event) => {
    event.preventDefault();
    submit();
  };
  suggestButton.onpointerdown = (event) => event.preventDefault(); // a tap must not clear the selection
  suggestButton.onclick = () => {
    suggestButton.hidden = true;
    openDialog(buttonPassage);
  };
}

function onDialogKeydown(event) {
  if (event.key === "Escape") {
    event.preventDefault();
    dialog.close();
  } else if (event.key === "Enter" && event.target.localName === "input") {
    event.preventDefault(); // Enter in a text field never sends the form early
  } else if (event.key === "Tab") {
    keepFocusInside(event);
  }
}

// Tab from the last control goes to the first, Shift+Tab from the first to the last: a keyboard
// user never lands on the page behind the dialog.
function keepFocusInside(event) {
  const focusable = Array.from(root.querySelectorAll("input,textarea,button,a[href]")).filter(
    (el) =>
      !el.disabled &&
      el.tabIndex >= 0 &&
      el.getClientRects().length && // not hidden
      (el.type !== "radio" || el.checked) && // a radio group is one tab stop
      dialog.contains(el),
  );
  const index = focusable.indexOf(root.activeElement);
  if (event.shiftKey ? index <= 0 : index === focusable.length - 1) {
    event.preventDefault();
    focusable[event.shiftKey ? focusable.length - 1 : 0].focus();
  }
}

function say(message, good) {
  const line = find("#m");
  line.textContent = message || "";
  line.className = good ? "m g" : "m";
}

function newReportKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => (b + 256).toString(16).slice(1)).join("");
}

// What is kept and for how long, as the site's widget-config said it in the page's language, with
// its privacy policy; offline, without the config, the widget's own shorter sentence.
function showPrivacyNotice() {
  const notice = find("#pn");
  const privacy = site.privacy;
  notice.textContent = privacy ? `${privacy.notice} ` : strings.privacy;
  if (privacy && privacy.policy_url) {
    const link = document.createElement("a");
    link.href = privacy.policy_url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = privacy.policy_label;
    notice.append(link);
  }
}

export function isDialogOpen() {
  return Boolean(dialog && dialog.open);
}

/**
 * Opens the dialog on a passage ({ exact, selectors, part, clipped }), or for a general message:
 * with null, or with { context } (text the reader selected outside the article).
 */
export function openDialog(selected) {
  if (!root) build();
  if (dialog.open) return;
  focusBefore = document.activeElement;
  passage = selected && selected.exact ? selected : null;
  context = selected && selected.context ? selected.context : "";
  sending = false;
  reportKey = newReportKey();

  form.reset();
  clearErrors();
  say("");
  find("#body").hidden = find("#s").hidden = false;
  find("#x").textContent = strings.cancel;
  find("#h").textContent = passage ? strings.correctionTitle : strings.messageTitle;
  find("#w-q").hidden = !passage && !context;
  find("#w-k").hidden = !passage;
  find("#cl").hidden = !(passage && passage.clipped);
  find("#ql").textContent = passage ? strings.passage : strings.selectedText;
  find("#q").textContent = passage ? passage.exact : context;
  find("#suggestion").value = passage ? passage.exact : ""; // the reader edits the passage itself
  find("#w-comment label").textContent = passage ? strings.comment : strings.message;
  showPrivacyNotice();
  dialog.showModal();
  (passage ? find("input[name=kind]") : find("#comment")).focus();
}

/**
 * Shows the touch button below the selected passage, or hides it when `selected` is null.
 * Touch screens have no Ctrl+Enter.
 */
export function placeSuggestButton(selected) {
  if (!root) {
    chooseLanguage();
    build();
  }
  suggestButton.hidden = !(selected && selected.exact);
  if (suggestButton.hidden) return;
  buttonPassage = selected;
  const rect = getSelection().getRangeAt(0).getBoundingClientRect();
  const rightmost = window.scrollX + document.documentElement.clientWidth - 220; // the button stays on screen
  suggestButton.style.top = `${rect.bottom + window.scrollY + 10}px`;
  suggestButton.style.left = `${Math.max(8, Math.min(rect.left + window.scrollX, rightmost))}px`;
}

/** A queued report went out: if the reader is still looking at it, say so. */
export function reportSentLater(key) {
  if (dialog && dialog.open && key === reportKey) say(strings.sentLater, true);
}

function submit() {
  if (sending) return; // a double click sends once; the key makes a retry safe too
  if (site.refusal) return say(site.refusal);
  const value = (name) => form.elements[name].value;
  const report = {
    idempotency_key: reportKey,
    article_url: articleUrl,
    page_url: location.href,
    language,
    kind: passage ? value("kind") : "general",
    suggestion: passage ? value("suggestion") : "",
    comment: value("comment"),
    name: value("name"),
    email: value("email"),
    notify: form.elements.notify.checked,
    website: value("website"),
  };
  if (passage) Object.assign(report, { selectors: passage.selectors, part: passage.part, clipped: passage.clipped });
  else if (context) report.selected_text = context;

  sending = true;
  clearErrors();
  find("#s").disabled = true;
  say(strings.sending, true);
  sendReport(report).then((result) => {
    sending = false;
    find("#s").disabled = false;
    if (!dialog.open || report.idempotency_key !== reportKey) return; // the reader has moved on
    if (result.ok) return showThanks(result.answer);
    find("#s").focus(); // disabling it while sending dropped focus to the page's <body>
    if (result.queued) {
      // Offline, or a server error that said why: the report waits in the queue either way.
      const error = result.answer && result.answer.error;
      return say(error ? `${error} ${strings.keptForLater}` : strings.offline);
    }
    showErrors(result.answer);
  });
}

function showThanks(answer) {
  find("#body").hidden = find("#s").hidden = true;
  say(`${strings.thanks} `, true);
  if (answer && answer.status_url) {
    const link = document.createElement("a");
    link.href = answer.status_page || answer.status_url;
    link.target = "_blank";
    link.rel = "noopener";
    link.textContent = strings.followStatus;
    find("#m").appendChild(link);
  }
  find("#x").textContent = strings.close;
  find("#x").focus();
}

function clearErrors() {
  root.querySelectorAll(".e").forEach((error) => {
    error.textContent = "";
  });
  root.querySelectorAll("[aria-invalid]").forEach((control) => {
    control.removeAttribute("aria-invalid");
    control.removeAttribute("aria-describedby");
  });
}

// The server's field errors go beside their fields, each tied to its control (aria-invalid,
// aria-describedby), and focus goes to the first of those controls; errors for fields the form
// does not show go in the message line, after the server's summary.
function showErrors(answer) {
  const fields = (answer && answer.fields) || {};
  const elsewhere = [];
  for (const name in fields) {
    const error = find(`#e-${name}`);
    if (error) {
      error.textContent = fields[name];
      const control = form.elements[name];
      const first = control.length ? control[0] : control; // a radio group: its first
      first.setAttribute("aria-invalid", "true");
      first.setAttribute("aria-describedby", error.id);
    } else {
      elsewhere.push(fields[name]);
    }
  }
  const details = elsewhere.length ? elsewhere.join(" ") : Object.keys(fields).length ? strings.checkFields : "";
  say(`${(answer && answer.error) || strings.failed} ${details}`);
  const invalid = form.querySelector("[aria-invalid]"); // the first in the form's order
  if (invalid) invalid.focus();
}
