"""Email addresses as readerdesk stores and compares them (staff and patrons alike)."""

import re
import unicodedata


def normalise_email(email: str) -> str:
    """NFC, trimmed, lower-cased: what the unique constraints and every lookup compare."""
    return unicodedata.normalize("NFC", email.strip()).lower()


# Anything shaped like an address, as error messages quote them ("<x@y>", "{'x@y': (550, ...)}").
_ADDRESS = re.compile(r"[^\s@<>'\"(),;:\[\]{}]+@[^\s@<>'\"(),;:\[\]{}]+")


def hide_addresses(text: str) -> str:
    """``text`` with every email address replaced by ``[address]``: for error messages kept on disk."""
    return _ADDRESS.sub("[address]", text)
