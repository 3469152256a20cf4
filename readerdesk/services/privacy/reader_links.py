"""The reader's "Delete my email from this report" link, on their status page and in every email.

The link is signed with the secret key and names the report and a digest of the address it was made
for (never the address itself: links end up in logs). It works while the report still holds that
address, so it works once: after it, the address is gone and the link says so. It does not expire,
since the reader may find the email months later; retention removes the address anyway."""

from __future__ import annotations

import hashlib
import hmac

from itsdangerous import BadSignature, URLSafeSerializer

from readerdesk.models import Correction
from readerdesk.models.types import DbSession
from readerdesk.services.corrections.capture import get_by_public_id
from readerdesk.text.emails import normalise_email

SALT = "readerdesk.reader-forget"


class ForgetLinkInvalid(ValueError):
    """A link that was not made here, or for a report that no longer exists."""


class AlreadyForgotten(LookupError):
    """The report no longer holds the address the link was made for (the link was used, or retention
    or an erasure got there first)."""

    def __init__(self, correction: Correction):
        super().__init__("This report no longer holds the address.")
        self.correction = correction


# Where the link lands; its page posts the token from the fragment (static/fragment-token.js).
FORGET_LINK_PATH = "/privacy/forget"

def _address_digest(secret_key: str, email: str) -> str:
    digest = hmac.new(secret_key.encode("utf-8"), normalise_email(email).encode("utf-8"), hashlib.sha256)
    return digest.hexdigest()[:32]


def can_forget(correction: Correction) -> bool:
    """Whether the report holds anything the link would remove."""
    return bool(correction.reader_email or correction.reader_name)


def forget_token(secret_key: str, correction: Correction) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps(
        {"r": correction.public_id, "e": _address_digest(secret_key, correction.reader_email)})


def forget_url(public_url: str, secret_key: str, correction: Correction) -> str:
    """The link for emails, from this service's public address (views.public.privacy serves it). The
    token rides in the fragment, which browsers never send: no access log, proxy or Referer sees it."""
    return f"{public_url.rstrip('/')}{FORGET_LINK_PATH}#{forget_token(secret_key, correction)}"


def correction_for_token(session: DbSession, secret_key: str, token: str) -> Correction:
    """The report a link is for, still holding the address it was made for. Raises ForgetLinkInvalid or
    AlreadyForgotten."""
    try:
        data = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except BadSignature:
        raise ForgetLinkInvalid("This link is not valid.") from None
    if not (isinstance(data, dict) and isinstance(data.get("r"), str) and isinstance(data.get("e"), str)):
        raise ForgetLinkInvalid("This link is not valid.")
    correction = get_by_public_id(session, data["r"])
    if not isinstance(correction, Correction):  # none, or a decoy (which keeps no address to forget)
        raise ForgetLinkInvalid("This link is not valid.")
    if not can_forget(correction) or not hmac.compare_digest(
            _address_digest(secret_key, correction.reader_email), data["e"]):
        raise AlreadyForgotten(correction)
    return correction
