"""The inventory of personal data is complete: every table is in it (or says why it holds none), every
column it names exists, and the README's Privacy section lists every personal field."""

from __future__ import annotations

import re
from pathlib import Path

from readerdesk.extensions import Model
from readerdesk.services.privacy.inventory import FREE_TEXT, NO_READER_DATA, PERSONAL_DATA
from readerdesk.services.privacy.retention import RetentionSettings

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
