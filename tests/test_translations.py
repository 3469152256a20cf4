"""The gettext catalogues in readerdesk/translations: every marked string is in each catalogue, none
is kept after its source went, Ukrainian is complete (plurals and placeholders included), the
committed .mo files are compiled from the .po files as they are, and the desk's templates mark
every string a user reads (`make translations` updates the catalogues)."""

import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.checkers import python_format
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "readerdesk" / "translations"
LANGUAGES = ("en", "uk")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None, "N_plural": (1, 2),
            "lazy_gettext": None, "lazy_ngettext": (1, 2)}
METHODS = [("**.py", "python"), ("**.html", "jinja2"), ("**.txt", "jinja2"), ("**.js", "javascript")]  # babel.cfg


def _key(message_id) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def _marked_in_the_source() -> set[str]:
    found = set()
    for folder in (ROOT / "readerdesk", ROOT / "templates", ROOT / "static" / "src" / "widget"):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
                folder, METHODS, keywords=KEYWORDS, options_map={"**.html": {"trimmed": "false"}}):
            found.add(_key(message))
    return found


def _catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_string_and_no_unused_one(language):
    in_catalogue = {_key(m.id) for m in _catalogue(language) if m.id}
    in_source = _marked_in_the_source()
    assert sorted(in_source - in_catalogue) == [], "missing: run `make translations` and translate them"
    assert sorted(in_catalogue - in_source) == [], "unused: run `make translations`"


def test_ukrainian_is_complete_with_three_plural_forms_and_the_same_placeholders():
    catalogue = _catalogue("uk")
    assert catalogue.num_plurals == 3
    for message in catalogue:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert len(strings) == (3 if message.pluralizable else 1) and all(strings), f"untranslated: {message.id!r}"
        python_format(catalogue, message)  # raises on a placeholder missing or added


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_is_compiled_from_the_po(language):
    compiled = io.BytesIO()
    write_mo(compiled, _catalogue(language))  # what `pybabel compile` writes
    committed = (TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo").read_bytes()
    assert committed == compiled.getvalue(), "run `make translations-compile` and commit the .mo"


# --- the templates mark what users read ----------------------------------------------------------

TEMPLATES = ROOT / "templates"
# Every page a reader or patron sees, drawn in their page's or site's language.
READER_PAGES = ["errors/error.html", *sorted(str(p.relative_to(ROOT / "templates"))
                                             for p in (ROOT / "templates" / "public").rglob("*.html"))]
# Every desk template, and the pages staff see before the desk (the site chrome, signing in).
CHECKED = ["base.html", "auth/login.html", "auth/two_factor.html",
           *sorted(str(p.relative_to(TEMPLATES)) for p in (TEMPLATES / "desk").rglob("*.html")), *READER_PAGES]
# Words that are the same in every language: the product's name, key names, symbols.
SAME_IN_EVERY_LANGUAGE = {"readerdesk", "Stripe", "WordPress", "https", "Esc", "j", "k", "o", "a", "r", "s", "c", "x"}
# Comments, trans blocks, expressions, tags, and the blocks that fill attributes (a class, the lang).
JINJA = re.compile(r"\{%-?\s*block (?:body_class|lang)\s*-?%\}.*?\{%-?\s*endblock\s*-?%\}"
                   r"|\{#.*?#\}|\{%-?\s*trans\b.*?endtrans\s*-?%\}|\{\{.*?\}\}|\{%.*?%\}", re.S)
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}


class _Words(HTMLParser):
    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self.words += [value for name, value in attrs if name in VISIBLE_ATTRIBUTES and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.words.append(data)


def untranslated(source: str) -> list[str]:
    """The text a user would read that no gettext call or trans block covers."""
    parser = _Words()
    parser.feed(JINJA.sub(" ", source))
    return [text for text in (" ".join(w.split()) for w in parser.words)
            if set(re.findall(r"[A-Za-z]+", text)) - SAME_IN_EVERY_LANGUAGE]


@pytest.mark.parametrize("name", CHECKED)
def test_template_marks_every_visible_string(name):
    assert untranslated((TEMPLATES / name).read_text()) == []


def test_the_check_finds_an_unmarked_string():
    assert untranslated('<p title="Open it">{{ _("Ready") }} Nothing here. <kbd>j</kbd></p>') == [
        "Open it", "Nothing here."]
