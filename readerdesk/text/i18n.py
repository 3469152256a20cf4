"""What the public API says to readers, in their language.

The widget's own strings live in ``static/src/widget/strings.js``; these are the server's sentences a reader
can see there (field errors, refusals, limits). English is the source: a sentence missing from a
catalogue is said in English. Adding a language is adding one catalogue.
"""

from __future__ import annotations

from markupsafe import Markup

SUPPORTED = ("en", "uk")  # also the desk's languages: readerdesk/translations has a catalogue for each
LANGUAGE_NAMES = {"en": "English", "uk": "Українська"}  # each in itself, as a language picker shows them

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
    "The service is temporarily unavailable.": "Сервіс тимчасово недоступний.",
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
    # The page on the data readerdesk keeps (views.public.privacy; its rows: services.privacy.inventory).
    "Your data": "Ваші дані",
    "What {site} keeps about readers and supporters": "Що {site} зберігає про читачів і прихильників",
    "Corrections and support run on readerdesk. This is everything it keeps about you, why, and for how long.":
        "Виправлення й підтримка працюють на readerdesk. Тут усе, що він зберігає про вас, навіщо і як довго.",
    "The newsroom's {link} says who is responsible and how to reach them.":
        "Хто відповідає за ваші дані і як із ним зв’язатися, сказано в {link} редакції.",
    "privacy policy": "політиці конфіденційності",
    "You may ask the newsroom for a copy of everything it holds about your email address, or to delete it.":
        "Ви можете попросити редакцію надати копію всього, що вона зберігає про вашу адресу email, або "
        "видалити це.",
    "What": "Що",
    "Why": "Навіщо",
    "How long": "Як довго",
    "Nothing is shared with anyone except Stripe, which takes payments for the newsroom. No cookies are set for "
    "readers; the correction widget keeps a report you could not send yet in your browser until it is sent.":
        "Ми ні з ким не ділимося цими даними, крім Stripe, який приймає платежі для редакції. Читачам ми не "
        "встановлюємо cookies; віджет виправлень зберігає у вашому браузері повідомлення, яке ще не вдалося "
        "надіслати, доки його не буде надіслано.",
    "A reporter's email address and name (both optional)": "Email та ім’я автора повідомлення (обидва необов’язкові)",
    "To tell them what the editors decided, when they ask, and to ask them about their report":
        "Щоб повідомити рішення редакції, якщо автор про це просить, і поставити запитання щодо повідомлення",
    "{reader_days} after the report is closed (published, rejected or spam); at once when the reader uses the "
    "“Delete my email from this report” link":
        "{reader_days} після закриття повідомлення (опубліковано, відхилено або спам); одразу, якщо читач "
        "скористається посиланням «Видалити мій email із цього повідомлення»",
    "The address of the page a report was sent from": "Адреса сторінки, з якої надіслано повідомлення",
    "To see the passage where the reader saw it": "Щоб побачити уривок там, де його бачив читач",
    "The sender's IP address, hashed with that day's random key (never the address itself)":
        "IP-адреса відправника, захешована випадковим ключем того дня (саму адресу не зберігаємо ніколи)",
    "Rate limits against floods of reports": "Обмеження частоти проти потоку повідомлень",
    "{ip_days}; the day's key is deleted then too, so no hash can be traced back":
        "{ip_days}; тоді ж видаляємо й ключ того дня, тож жоден хеш не можна відстежити назад",
    "What the reader wrote: the comment and the wording they suggest (with the passage they quoted, which is the "
    "article's text)":
        "Що написав читач: коментар і запропоноване формулювання (з процитованим уривком, який є текстом статті)",
    "The newsroom's editorial record of corrections": "Редакційний архів виправлень",
    "Kept: nothing in it identifies the reader once the name and email are gone":
        "Зберігаємо: без імені та email ніщо в цьому не вказує на читача",
    "What an editor wrote back to a reader": "Що редактор відповів читачеві",
    "Sent with the decision email; part of the decision log": "Надсилається в листі з рішенням; частина журналу рішень",
    "Kept with the decision log": "Зберігаємо разом із журналом рішень",
    "Editors' notes on a report (never shown to readers)":
        "Нотатки редакторів щодо повідомлення (читачам не показуються)",
    "Coordination between editors": "Узгодження роботи редакторів",
    "Kept with the report": "Зберігаємо разом із повідомленням",
    "The address each email went to": "Адреса, на яку надіслано кожен лист",
    "Sending each email exactly once": "Щоб кожен лист надсилався лише один раз",
    "{reader_days} after it was sent": "{reader_days} після надсилання",
    "A patron's email address and name": "Email та ім’я патрона",
    "Receipts, notices of failed payments and the link to manage their support":
        "Квитанції, сповіщення про невдалі платежі й посилання для керування підтримкою",
    "While they support the newsroom, and until they ask for erasure":
        "Доки людина підтримує редакцію і доки не попросить видалити дані",
    "The name a patron asked to show on the supporters wall":
        "Ім’я, яке патрон попросив показати на стіні прихильників",
    "The public supporters wall, once an admin approves it":
        "Публічна стіна прихильників, після схвалення адміністратором",
    "While they are listed": "Доки ім’я є на стіні",
    "A patron's customer and subscription ids at Stripe": "Ідентифікатори клієнта й підписки патрона в Stripe",
    "Matching Stripe's events to the patron; the customer portal":
        "Зіставлення подій Stripe з патроном; портал клієнта",
    "What a reader typed on the support form, and their checkout page at Stripe":
        "Що читач ввів у форму підтримки, і його сторінка оплати в Stripe",
    "Starting the payment at Stripe and creating the patron record":
        "Щоб розпочати платіж у Stripe і створити запис патрона",
    "With the patron's record; for a checkout never finished, {reader_days}":
        "Разом із записом патрона; якщо оплату не завершено, {reader_days}",
    "Each payment: amount, date, what was refunded or lost in a dispute, and Stripe's references":
        "Кожен платіж: сума, дата, що з нього повернуто або втрачено через спір, і ідентифікатори Stripe",
    "Accounting, refunds and disputes": "Бухгалтерія, повернення коштів і спірні платежі",
    "As long as accounting law requires": "Стільки, скільки вимагає законодавство про бухгалтерський облік",
    "Each of a patron's subscriptions at Stripe: its id, when it started and when it ended":
        "Кожна підписка патрона в Stripe: її ідентифікатор, коли вона почалася й коли закінчилася",
    "Following one subscription at a time; new and churned patrons on the desk":
        "Щоб стежити за однією підпискою водночас; нові й утрачені патрони на панелі редакції",
    "What each subscription charged, and from when (a plan change adds a line)":
        "Скільки списувала кожна підписка і з якого часу (зміна тарифу додає рядок)",
    "Monthly recurring revenue month by month, from the amounts in force then":
        "Щомісячний регулярний дохід за кожен місяць, за сумами, чинними тоді",
    "A dispute a patron's bank opened against a payment: Stripe's reference, amount, reason, dates":
        "Спір, який банк патрона відкрив щодо платежу: ідентифікатор Stripe, сума, причина, дати",
    "Accounting, and answering the dispute at Stripe": "Бухгалтерія та відповідь на спір у Stripe",
    "When a “manage my support” link was opened": "Коли відкрито посилання «керувати моєю підтримкою»",
    "Each link works once": "Кожне посилання діє один раз",
    "Until the link has expired ({link_minutes})": "Доки посилання не втратить чинності ({link_minutes})",
    # Topic polls in the inventory of personal data (services.privacy.inventory).
    'That a patron voted in a topic poll, and when (never what they chose)':
        'Що патрон проголосував в опитуванні про теми, і коли (але не за що)',
    'One vote per person; telling voters when a topic they chose is covered':
        'Один голос на особу; щоб повідомити, коли про обрану тему напишуть',
    'What a patron chose in a topic poll, filed under a keyed code with their tier, never their name':
        'Що патрон обрав в опитуванні — під закодованим ключем і з його рівнем підтримки, але ніколи з іменем',
    'Counting the votes, and letting a patron change their vote':
        'Підрахунок голосів і можливість змінити голос',
    "Kept with the poll's results: without the voter record nothing links it to a person":
        'Зберігаємо з результатами опитування: без запису про виборця ніщо не пов’язує його з людиною',
    'When a voting link was used':
        'Коли використано посилання для голосування',
    'Until the link has expired (at the latest when the poll closes)':
        'Доки посилання не втратить чинності (щонайпізніше — до закриття опитування)',
    'A topic a patron suggested for a poll: a title and a sentence':
        'Тема, яку патрон запропонував для опитування: назва і речення',
    'Editors choose topics for the polls from them':
        'Редактори обирають із них теми для опитувань',
    'Kept with the polls; the link to the patron goes on erasure':
        'Зберігаємо з опитуваннями; зв’язок із патроном видаляємо на запит',
    # Topic polls (views.public.polls, services.polls, templates/public/polls, templates/mail/polls).
    'A suggestion is a title (at most {title} characters) and a sentence (at most {body}).':
        'Пропозиція — це назва (щонайбільше {title} символів) і речення (щонайбільше {body}).',
    'As a patron, you help choose what we cover next. A new poll is open:':
        'Як патрон, ви допомагаєте обрати, про що ми напишемо далі. Відкрито нове опитування:',
    'Ask for a new link':
        'Попросити нове посилання',
    'Become a patron to vote':
        'Станьте патроном, щоб голосувати',
    'Check your inbox':
        'Перевірте пошту',
    'Choose at least one topic.':
        'Оберіть принаймні одну тему.',
    'Choose one topic':
        'Оберіть одну тему',
    'Choose up to {count} topics':
        'Оберіть до {count} тем',
    'Email me when a new poll opens':
        'Повідомляти мене про нові опитування',
    'Enter the email you support us with, and we will send you a link to vote. You need no password.':
        'Введіть email, з яким ви нас підтримуєте, і ми надішлемо посилання для голосування. Пароль не потрібен.',
    'Give your suggested topic a title.':
        'Дайте запропонованій темі назву.',
    'Here is your link to vote in our poll:':
        'Ось ваше посилання для голосування в нашому опитуванні:',
    "If this address belongs to a patron who can vote in this poll, we have sent it a voting link. It works once, "
    "for {minutes} minutes.":
        "Якщо ця адреса належить патрону, який може голосувати в цьому опитуванні, ми надіслали на неї посилання. "
        "Воно діє один раз, {minutes} хвилин.",
    'If you did not ask for this link, you can ignore this email.':
        'Якщо ви не просили цього посилання, просто проігноруйте цей лист.',
    'In a sentence':
        'Одним реченням',
    "It works once, for {minutes} minutes. You can change your vote while the poll is open: ask for a new link on "
    "the poll's page.":
        "Воно діє один раз, {minutes} хвилин. Поки опитування відкрите, голос можна змінити: попросіть нове "
        "посилання на сторінці опитування.",
    'No poll is open at the moment.':
        'Зараз немає відкритих опитувань.',
    'Not a patron yet? Only patrons vote in our polls, so no link will come, but you can join them:':
        "Ще не патрон? У наших опитуваннях голосують лише патрони, тож посилання не надійде, але ви можете до них "
        "приєднатися:",
    'One of the topics you chose is not in this poll. Reload the page and choose again.':
        'Однієї з обраних тем немає в цьому опитуванні. Оновіть сторінку й оберіть знову.',
    'Open until {when} ({zone}).':
        'Відкрите до {when} ({zone}).',
    "Patrons choose what we write about. Pick a poll, enter the email you support us with, and we will send you a "
    "link to vote.":
        "Патрони обирають, про що ми пишемо. Оберіть опитування, введіть email, з яким ви нас підтримуєте, і ми "
        "надішлемо посилання для голосування.",
    'Results will be shown when the poll closes.':
        'Результати буде показано, коли опитування закриється.',
    'See the poll':
        'Переглянути опитування',
    'Send me a voting link':
        'Надіслати посилання для голосування',
    'Something in the form is not right: please check it.':
        'Щось у формі не так: перевірте, будь ласка.',
    'Suggest a topic':
        'Запропонувати тему',
    'Tell me when a topic I voted for is covered':
        'Повідомити мене, коли про обрану мною тему напишуть',
    'Thank you':
        'Дякуємо',
    'Thank you for helping us choose.':
        'Дякуємо, що допомагаєте нам обирати.',
    'The results of this poll are not published.':
        'Результати цього опитування не публікуються.',
    'This poll has closed: votes are no longer taken.':
        'Опитування закрито: голоси більше не приймаються.',
    'This poll has not opened yet.':
        'Це опитування ще не відкрилося.',
    'This poll is for active patrons and for donors of the last 12 months. Become a patron to vote.':
        "Це опитування для активних патронів і тих, хто робив внесок за останні 12 місяців. Станьте патроном, щоб "
        "голосувати.",
    'This poll is for active patrons. Become a patron to vote in the next one.':
        'Це опитування для активних патронів. Станьте патроном, щоб проголосувати в наступному.',
    "This poll is for another publication's patrons.":
        'Це опитування для патронів іншого видання.',
    'This poll is not open yet.':
        'Це опитування ще не відкрите.',
    'This poll is not taking votes: it has closed, or has not opened yet.':
        'Це опитування не приймає голосів: воно закрилося або ще не відкрилося.',
    'This voting link has been used already. Ask for a new one below.':
        'Цим посиланням уже скористалися. Попросіть нове нижче.',
    'This voting link has expired. Ask for a new one below.':
        'Термін дії посилання минув. Попросіть нове нижче.',
    'This voting link is not valid. Ask for a new one below.':
        'Це посилання недійсне. Попросіть нове нижче.',
    'To stop these emails, untick “Email me when a new poll opens” when you vote, or write to us:':
        "Щоб не отримувати цих листів, зніміть позначку «Повідомляти мене про нові опитування», коли голосуєте, або "
        "напишіть нам:",
    'Topic':
        'Тема',
    'Topic polls':
        'Опитування про теми',
    'Vote':
        'Проголосувати',
    'Vote for the topics we cover next':
        'Голосуйте за теми, про які ми напишемо далі',
    'Vote for the topics we cover next: {question}':
        'Голосуйте за наступні теми: {question}',
    "Vote here (the link works once; for another, ask on the poll's page):":
        'Голосуйте тут (посилання діє один раз; нове можна попросити на сторінці опитування):',
    'Vote — for patrons':
        'Голосувати — для патронів',
    'Votes':
        'Голоси',
    'Votes per topic':
        'Голоси за темами',
    'We will read your suggestion.':
        'Ми прочитаємо вашу пропозицію.',
    'You can choose at most {count} topics in this poll.':
        'У цьому опитуванні можна обрати щонайбільше {count} тем.',
    'You can choose one topic in this poll.':
        'У цьому опитуванні можна обрати одну тему.',
    'You have voted in this poll: sending this form changes your vote.':
        'Ви вже голосували в цьому опитуванні: ця форма змінить ваш голос.',
    'You voted for it, we wrote it: {topic}':
        'Ви проголосували — ми написали: {topic}',
    'You voted for this topic in our poll “{question}”, and asked to be told when we cover it:':
        'Ви голосували за цю тему в опитуванні «{question}» і просили повідомити, коли ми про неї напишемо:',
    'Your email':
        'Ваш email',
    "Your last payment did not go through, so you cannot vote until it does. You can update your card from the "
    "“manage my support” page.":
        "Ваш останній платіж не пройшов, тож голосувати можна буде, щойно він пройде. Оновити картку можна на "
        "сторінці «керувати підтримкою».",
    'Your payment has not arrived yet. You can vote as soon as it does.':
        'Ваш платіж ще не надійшов. Ви зможете голосувати, щойно він надійде.',
    'Your vote is changed.':
        'Ваш голос змінено.',
    'Your vote is counted.':
        'Ваш голос враховано.',
    'Your vote is secret: the newsroom sees only how many people chose each topic.':
        'Ваш голос таємний: редакція бачить лише, скільки людей обрали кожну тему.',
    'Your voting link: {question}':
        'Ваше посилання для голосування: {question}',
    'until {when}':
        'до {when}',
    'we covered it':
        'ми про це написали',
    '{count} patrons voted.':
        'Проголосували патронів: {count}.',
    'Invalid email address.':
        'Неправильна адреса email.',
    'This field is required.':
        'Це поле обов’язкове.',
    "Continue": "Продовжити",
    "This link is incomplete. Copy the whole link from the email.":
        "Посилання неповне. Скопіюйте з листа все посилання.",
    "This page needs JavaScript to read the link from your email.":
        "Щоб прочитати посилання з листа, цій сторінці потрібен JavaScript.",
}
CATALOGUES = {"uk": UK}

# How each language counts things: its plural forms, and which one a number takes.
_UNIT_WORDS = {
    "day": {"en": ("day", "days"), "uk": ("день", "дні", "днів")},
    "minute": {"en": ("minute", "minutes"), "uk": ("хвилина", "хвилини", "хвилин")},
}


def N_(message: str) -> str:
    """Marks a desk string for the gettext catalogues (pybabel extract -k N_) where it is defined; the
    template translates it where it is shown (``_(label)``)."""
    return message


def counted(count: int, unit: str, language: str) -> str:
    """"180 days", "1 minute"; "21 день", "3 дні", "180 днів" (Ukrainian has three forms)."""
    words = _UNIT_WORDS[unit]
    if language == "uk":
        one, few, many = words["uk"]
        last, last_two = count % 10, count % 100
        word = one if last == 1 and last_two != 11 else few if 2 <= last <= 4 and not 12 <= last_two <= 14 else many
    else:
        singular, plural = words["en"]
        word = singular if count == 1 else plural
    return f"{count} {word}"


def days(count: int, language: str) -> str:
    return counted(count, "day", language)


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
