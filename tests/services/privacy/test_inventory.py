"""The inventory of personal data is complete: every table is in it (or says why it holds none), every
column it names exists, and the README's Privacy section lists every personal field."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

from readerdesk.extensions import TRANSLATOR, Model
from readerdesk.services.privacy.inventory import FREE_TEXT, NO_READER_DATA, PERSONAL_DATA
from readerdesk.services.privacy.retention import RetentionSettings
from readerdesk.text.languages import LANGUAGES, TRANSLATIONS

README = Path(__file__).resolve().parents[3] / "README.md"


def test_every_table_is_in_the_inventory_or_says_why_it_holds_no_personal_data(app):
    listed = {f.table for f in PERSONAL_DATA}
    unclassified = set(Model.metadata.tables) - listed - set(NO_READER_DATA)
    assert not unclassified, f"add these tables to services/privacy/inventory.py: {sorted(unclassified)}"
    assert not listed & set(NO_READER_DATA)
    assert not set(NO_READER_DATA) - set(Model.metadata.tables), "the inventory names a table that does not exist"


def test_every_column_the_inventory_names_exists(app):
    for field in PERSONAL_DATA:
        for column in field.columns:
            assert column in Model.metadata.tables[field.table].c, f"{field.table}.{column}"
    for table, column in FREE_TEXT:
        assert column in Model.metadata.tables[table].c, f"{table}.{column}"


def test_the_readme_lists_every_personal_field_with_its_retention():
    text = README.read_text(encoding="utf-8")
    section = re.search(r"^## Privacy\n(.*?)(?=^## )", text, re.MULTILINE | re.DOTALL)
    assert section, "README.md has no Privacy section"
    for field in PERSONAL_DATA:
        for column in field.columns:
            assert f"`{field.table}.{column}`" in section.group(1), f"README's Privacy section misses {column}"
        assert field.retention_for(RetentionSettings()) in section.group(1), field.retention


def test_what_readers_are_told_of_each_field_is_in_every_catalogue():
    """The public page (/privacy) shows what, why and how long in the reader's language: a field added
    in English only (or not marked N_) fails here."""
    for language in LANGUAGES:
        with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
            translated = {m.id for m in read_po(po, locale=language) if m.id and (m.string or language == "en")}
        for field in PERSONAL_DATA:
            missing = [text for text in (field.what, field.purpose, field.retention) if text not in translated]
            assert not missing, f"readerdesk/translations/{language} misses {missing}"


def test_how_long_is_said_with_each_languages_plural_forms(app):
    [contact, ip] = [f for f in PERSONAL_DATA if f.columns in (("reader_email", "reader_name"), ("ip_hash",))]
    settings = RetentionSettings(reader_days=181, ip_days=3, portal_link_max_age=1800)
    assert contact.retention_for(settings).startswith("181 days after the report is closed")
    [link] = [f for f in PERSONAL_DATA if f.table == "portal_link_uses"]
    with force_locale("uk"):
        assert contact.retention_for(settings, TRANSLATOR).startswith("181 день після закриття повідомлення")
        assert ip.retention_for(settings, TRANSLATOR).startswith("3 дні; тоді ж видаляємо й ключ")
        assert link.retention_for(settings, TRANSLATOR) == "Доки посилання не втратить чинності (30 хвилин)"
