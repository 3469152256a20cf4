"""A site's CMS write credentials, sealed with a key derived from ``SECRET_KEY``.

The WordPress application password is stored encrypted (Fernet: AES-128-CBC with HMAC-SHA256), its
key derived from ``SECRET_KEY`` with HKDF, so a copy of the database alone does not give write access
to the newsroom's CMS. It is never shown again once set; changing ``SECRET_KEY`` makes it unreadable
and it must be set again.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from readerdesk.models import Site
from readerdesk.text.languages import N_
from readerdesk.text.translatable import TranslatableError

MAX_USER_LENGTH = 60
MAX_PASSWORD_LENGTH = 200


class CredentialsError(TranslatableError, ValueError):
    """The credentials cannot be set or read; the message says why (one line)."""


@dataclass(frozen=True)
class WordPressCredentials:
    user: str
    application_password: str


def _fernet(secret_key: str) -> Fernet:
    if not secret_key:
        raise CredentialsError(N_("SECRET_KEY is not set: CMS credentials cannot be sealed without it"))
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
               info=b"readerdesk cms credentials v1").derive(secret_key.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret_key: str, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode("utf-8")).decode("ascii")


def unseal(secret_key: str, token: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, ValueError):
        raise CredentialsError(N_("the stored password cannot be read (was SECRET_KEY changed?): set it "
                                  "again")) from None


def set_wordpress_credentials(site: Site, user: str, application_password: str, *, secret_key: str) -> None:
    """Store the WordPress user and its application password (sealed) on ``site``; never commits."""
    user = (user or "").strip()
    password = (application_password or "").strip()
    if not user or len(user) > MAX_USER_LENGTH or any(c.isspace() for c in user) or ":" in user:
        raise CredentialsError(N_("give the WordPress user name (at most %(count)d characters, no spaces or "
                                  "colons)"), count=MAX_USER_LENGTH)
    if not password:
        raise CredentialsError(N_("give the application password WordPress showed when it was created"))
    if len(password) > MAX_PASSWORD_LENGTH:
        raise CredentialsError(N_("an application password is at most %(count)d characters"), count=MAX_PASSWORD_LENGTH)
    site.wordpress_user = user
    site.wordpress_secret = seal(secret_key, password)


def clear_wordpress_credentials(site: Site) -> None:
    site.wordpress_user = None
    site.wordpress_secret = None


def wordpress_credentials(site: Site, *, secret_key: str) -> WordPressCredentials | None:
    """The site's WordPress credentials, or None when none are set. Raises CredentialsError when the
    stored password cannot be unsealed."""
    if not site.wordpress_user or not site.wordpress_secret:
        return None
    return WordPressCredentials(site.wordpress_user, unseal(secret_key, site.wordpress_secret))
