"""What the public API says to readers, in their language.

The widget's own strings live in ``static/src/widget/strings.js``; these are the server's sentences a reader
can see there (field errors, refusals, limits). English is the source: a sentence missing from a
catalogue is said in English. Adding a language is adding one catalogue.
"""

from __future__ import annotations

from markupsafe import Markup

SUPPORTED = ("en", "uk")

UK = {
    "Some fields are missing or invalid.": "Деякі поля не заповнено або заповнено неправильно.",
    "Required.": "Обов’язкове поле.",
    "Please write your message.": "Напишіть, будь ласка, ваше повідомлення.",
    "Too long: at most {limit:,} characters (this has {length:,}).":
        "Задовго: щонайбільше {limit:,} символів (зараз {length:,}).",
    "Please include at most {count} links.": "Додайте щонайбільше {count} посилання.",
    "This does not look like an email address.": "Це не схоже на адресу електронної пошти.",
    "To be told the outcome, give your email address.":
        "Щоб дізнатися про рішення, вкажіть адресу електронної пошти.",
    "The quoted passage is too long: at most {limit:,} characters.":
        "Виділений уривок задовгий: щонайбільше {limit:,} символів.",
    "We do not know this article. Check the article URL, or write to the newsroom directly.":
        "Ми не знаємо цієї статті. Перевірте її адресу або напишіть редакції напряму.",
    "This website ({origin}) is not set up to send corrections for {site}. "
    "The site's admin can add it to the allowed origins.":
        "Цей сайт ({origin}) не налаштований надсилати виправлення для {site}. "
        "Адміністратор може додати його до дозволених.",
    "readerdesk does not know this page's site.": "readerdesk не знає сайту цієї сторінки.",
    "You have sent many reports in a short time. Please wait a few minutes and try again.":
        "Ви надіслали багато повідомлень за короткий час. Зачекайте кілька хвилин і спробуйте знову.",
    "What you sent is too large.": "Надіслане завелике.",
    "Send JSON with Content-Type: application/json.": "Надсилайте JSON із Content-Type: application/json.",
    "The body is not a JSON object.": "Тіло запиту не є об’єктом JSON.",
    "Text cannot contain NUL (U+0000) characters.": "Текст не може містити символів NUL (U+0000).",
    "Text cannot contain unpaired surrogates (such as \\ud800): send valid Unicode.":
        "Текст не може містити непарних сурогатів (як-от \\ud800): надсилайте коректний Unicode.",
    "The JSON is nested too deeply (at most {depth} levels).":
        "JSON має завелику вкладеність (щонайбільше {depth} рівнів).",
    "This idempotency key was used for a different report. Send a new key for a new report.":
        "Цей ключ ідемпотентності вже використано для іншого повідомлення. "
        "Для нового повідомлення надішліть новий ключ.",
    # The reader's status page.
    "Received. An editor will look at it soon.": "Отримано. Редактор незабаром його розгляне.",
    "An editor is looking at it.": "Редактор розглядає ваше повідомлення.",
    "Accepted: the editors agree and will correct the article.":
        "Прийнято: редакція погоджується і виправить статтю.",
    "Corrected: the article has been updated.": "Виправлено: статтю оновлено.",
    "Reviewed: the editors decided not to change the article.":
        "Розглянуто: редакція вирішила не змінювати статтю.",
    "Your report": "Ваше повідомлення",
    "Article": "Стаття",
    "The passage you reported": "Уривок, про який ви повідомили",
    "Received": "Отримано",
    "Decided": "Рішення",
    "Published corrections are listed on {link}.": "Опубліковані виправлення зібрано на {link}.",
    "our corrections page": "сторінці виправлень",
}
CATALOGUES = {"uk": UK}


def pick_language(*candidates: str | None) -> str:
    """The first candidate (``uk``, ``uk-UA``, ``en-GB``...) we have sentences for; English otherwise."""
    for candidate in candidates:
        if isinstance(candidate, str) and candidate:
            primary = candidate.strip().lower().replace("_", "-").split("-")[0]
            if primary in SUPPORTED:
                return primary
    return "en"


def say(template: str, language: str, **values) -> str:
    """``template`` in ``language``, filled with ``values``."""
    return CATALOGUES.get(language, {}).get(template, template).format(**values)


def say_html(template: str, language: str, **values) -> Markup:
    """``say`` for templates: the catalogue's text is trusted markup, ``values`` are escaped unless
    they are Markup already (a link built in the template)."""
    return Markup(CATALOGUES.get(language, {}).get(template, template)).format(**values)
