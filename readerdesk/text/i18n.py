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
    # Where readers give their data: the widget's form, the support form (services.privacy.notice).
    "Your name and email are optional. We use them only to tell you what the editors decided, and delete "
    "them {days} after we close your report. Your IP address is kept only as a code that cannot be traced "
    "back to you, and erased after {ip_days}.":
        "Ім’я та email необов’язкові. Ми використовуємо їх лише для того, щоб повідомити вам рішення "
        "редакції, і видаляємо через {days} після розгляду повідомлення. IP-адресу зберігаємо лише як код, "
        "за яким вас не встановити, і стираємо через {ip_days}.",
    "We use your email and name to take your payment through Stripe, send your receipts and let you manage "
    "your support, and keep them while you support us. Payment records (amounts and dates) are kept for "
    "accounting. If you do not finish paying, what you typed here is deleted after {days}. You can ask us "
    "to delete your data at any time.":
        "Ваші email та ім’я потрібні, щоб провести платіж через Stripe, надсилати квитанції й дати вам змогу "
        "керувати підтримкою; ми зберігаємо їх, доки ви нас підтримуєте. Записи про платежі (суми й дати) "
        "зберігаються для бухгалтерії. Якщо ви не завершите оплату, введене тут видаляємо через {days}. "
        "Ви будь-коли можете попросити видалити ваші дані.",
    "Privacy policy": "Політика конфіденційності",
    # The reader's "Delete my email from this report" link (views.public.privacy).
    "Delete my email from this report": "Видалити мій email із цього повідомлення",
    "Delete your email from this report": "Видалити ваш email із цього повідомлення",
    "Your name and email address will be removed from this report, and from our records of the emails we "
    "sent you about it. The report itself stays, without them. We will not be able to write to you about it.":
        "Ваші ім’я та адресу email буде видалено з цього повідомлення і з наших записів про листи, які ми "
        "надсилали вам щодо нього. Саме повідомлення залишиться, але без них. Ми більше не зможемо вам про "
        "нього написати.",
    "Delete my email": "Видалити мій email",
    "Your email is deleted": "Ваш email видалено",
    "Your name and email address are no longer stored with this report.":
        "Ваші ім’я та адреса email більше не зберігаються з цим повідомленням.",
    "Follow your report": "Стежити за повідомленням",
    "This link is not valid.": "Це посилання недійсне.",
    "Continue": "Продовжити",
    "This link is incomplete. Copy the whole link from the email.":
        "Посилання неповне. Скопіюйте з листа все посилання.",
    "This page needs JavaScript to read the link from your email.":
        "Щоб прочитати посилання з листа, цій сторінці потрібен JavaScript.",
}
CATALOGUES = {"uk": UK}

# How each language counts days: its plural forms, and which one a number takes.
_DAY_WORDS = {"en": ("day", "days"), "uk": ("день", "дні", "днів")}


def days(count: int, language: str) -> str:
    """"180 days", "1 day"; "21 день", "3 дні", "180 днів" (Ukrainian has three forms)."""
    if language == "uk":
        one, few, many = _DAY_WORDS["uk"]
        last, last_two = count % 10, count % 100
        word = one if last == 1 and last_two != 11 else few if 2 <= last <= 4 and not 12 <= last_two <= 14 else many
    else:
        singular, plural = _DAY_WORDS["en"]
        word = singular if count == 1 else plural
    return f"{count} {word}"


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
