// The widget's own words, one table per language. The server's sentences a reader may see here
// (field errors, refusals) come from readerdesk/text/i18n.py in the reader's language.
// Adding a language is adding one table.

import { site } from "./page.js";

const STRINGS = {
  en: {
    correctionTitle: "Suggest a correction",
    messageTitle: "Write to us",
    writeHint: "Noticed a mistake? Select it and press Ctrl+Enter, or ",
    writeLink: "write to us here",
    passage: "The passage you selected",
    selectedText: "The text you selected",
    clipped: "Your selection went on past this part of the page: this report is about the text above only.",
    noteLink: "read the note",
    kindQuestion: "What is wrong?",
    typo: "Typo",
    factual: "Factual error",
    unclear: "Unclear",
    other: "Other",
    suggestion: "Suggested wording",
    comment: "Comment",
    message: "Your message",
    name: "Name (optional)",
    email: "Email (optional)",
    notify: "Tell me what the editors decide",
    send: "Send",
    cancel: "Cancel",
    close: "Close",
    suggestButton: "Suggest a correction",
    sending: "Sending…",
    thanks: "Thank you! The editors will look at your report.",
    followStatus: "Follow its status",
    offline:
      "You seem to be offline. Your report is saved on this device and will be sent automatically when you are back online.",
    keptForLater: "Your report is saved on this device and will be sent again later.",
    sentLater: "Your saved report has now been sent. Thank you!",
    failed: "Something went wrong. Please try again later.",
    checkFields: "Please check the fields marked below.",
    privacy: "Your name and email are optional. We use them only to tell you what the editors decided.",
  },
  uk: {
    correctionTitle: "Запропонувати виправлення",
    messageTitle: "Напишіть нам",
    writeHint: "Помітили помилку? Виділіть її та натисніть Ctrl+Enter або ",
    writeLink: "напишіть нам тут",
    passage: "Виділений уривок",
    selectedText: "Виділений текст",
    clipped: "Виділення виходило за межі цієї частини сторінки: повідомлення стосується лише тексту вище.",
    noteLink: "прочитати примітку",
    kindQuestion: "Що не так?",
    typo: "Одруківка",
    factual: "Фактична помилка",
    unclear: "Незрозуміло",
    other: "Інше",
    suggestion: "Як має бути",
    comment: "Коментар",
    message: "Ваше повідомлення",
    name: "Ім’я (необов’язково)",
    email: "Email (необов’язково)",
    notify: "Повідомте мені про рішення редакції",
    send: "Надіслати",
    cancel: "Скасувати",
    close: "Закрити",
    suggestButton: "Запропонувати виправлення",
    sending: "Надсилаємо…",
    thanks: "Дякуємо! Редакція розгляне ваше повідомлення.",
    followStatus: "Стежити за статусом",
    offline:
      "Схоже, немає з’єднання. Повідомлення збережено на цьому пристрої й надійде автоматично, щойно з’єднання відновиться.",
    keptForLater: "Повідомлення збережено на цьому пристрої й буде надіслано пізніше.",
    sentLater: "Збережене повідомлення надіслано. Дякуємо!",
    failed: "Щось пішло не так. Спробуйте пізніше.",
    checkFields: "Перевірте позначені поля.",
    privacy: "Ім’я та email необов’язкові. Ми використовуємо їх лише для того, щоб повідомити вам рішення редакції.",
  },
};

// The language the widget speaks, and its table. Set by chooseLanguage().
export let language = "en";
export let strings = STRINGS.en;

/**
 * Follows the page's lang attribute, else the site's language; English when we have no table for it.
 * Called again before each dialog opens, since a page may set its lang after the widget loaded.
 */
export function chooseLanguage() {
  const code = (document.documentElement.lang || site.language || "en").toLowerCase().split("-")[0];
  language = STRINGS[code] ? code : "en";
  strings = STRINGS[language];
}

/** "Correction, 1 December 2026: " before a published note's text. */
export function noteHeading(note) {
  return `${note.label}, ${new Date(note.published_at).toLocaleDateString(language)}: `;
}
