"""Email addresses as readerdesk stores and compares them (staff and patrons alike)."""

import unicodedata


def normalise_email(email: str) -> str:
    """NFC, trimmed, lower-cased: what the unique constraints and every lookup compare."""
    return unicodedata.normalize("NFC", email.strip()).lower()
