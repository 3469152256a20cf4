"""Sites: create them, find them (the one rule for "no site named" is :func:`find_site`),
authenticate their CMS by API token, and know which page origins they allow."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser
from sqlalchemy import select

from readerdesk.models import Site
from readerdesk.models.site import BODY, PART_NAMES
from readerdesk.models.types import DbSession
from readerdesk.text.languages import N_
from readerdesk.text.translatable import Phrase, TranslatableError
from readerdesk.text.urls import InvalidURL, absolute_link, normalise_origin, normalise_url

NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
TOKEN_PREFIX = "rdk_"


class SiteError(TranslatableError, ValueError):
    """Bad site settings; the message says which."""


class PrivacyUrlInvalid(SiteError):
    """The privacy policy URL is not an absolute http(s) URL."""


class StandardsUrlInvalid(SiteError):
    """One of the standards links (``field``) is not an absolute http(s) URL."""

    def __init__(self, field: str, message: str, **values: object):
        self.field = field
        super().__init__(message, **values)


class PartsInvalid(SiteError):
    """A reportable part is not NAME=CSS with a known name and a valid selector."""


class SiteNotFound(LookupError):
    """No site by that name, or none to fall back on; the message says which (in the CLI's words:
    views show their own)."""


@dataclass(frozen=True)
class CreatedSite:
    site: Site
    api_token: str  # shown once; only its hash is stored


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_api_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def _check_selector(selector: str) -> str:
    selector = selector.strip()
    if not selector:
        raise SiteError(N_("a CSS selector cannot be empty"))
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except Exception:
        raise SiteError(N_("invalid CSS selector %(selector)r"), selector=selector) from None
    return selector


def create_site(
    session: DbSession,
    name: str,
    *,
    base_url: str,
    body_selector: str,
    exclude_selectors: Sequence[str] = (),
    allowed_origins: Sequence[str] = (),
    title: str = "",
    language: str = "en",
    currency: str = "EUR",
    parts: dict[str, str] | None = None,
    privacy_url: str = "",
    support_tiers: Sequence[dict] = (),
) -> CreatedSite:
    """A new site. ``support_tiers`` (``SUPPORT_TIERS``, for the CLI and the desk) become the site's own
    tiers, which an admin then edits at the desk."""
    name = name.strip().lower()
    if not NAME_RE.match(name):
        raise SiteError(N_("a site name is 1-80 lower-case letters, digits and dashes, e.g. kyiv-daily"))
    if session.scalar(select(Site.id).where(Site.name == name)) is not None:
        raise SiteError(N_("a site named %(name)r exists already"), name=name)
    try:
        base = normalise_url(base_url)
        origins = sorted({normalise_origin(base_url), *(normalise_origin(o) for o in allowed_origins)})
    except InvalidURL as exc:
        raise SiteError(exc.message, **exc.values) from None
    if not re.fullmatch(r"[A-Z]{3}", currency.upper()):
        raise SiteError(N_("currency must be a three-letter ISO 4217 code, e.g. EUR"))
    token = new_api_token()
    site = Site(
        name=name,
        title=title or name,
        base_url=base,
        body_selector=_check_selector(body_selector),
        exclude_selectors=[_check_selector(s) for s in exclude_selectors],
        parts=check_parts(parts or {}),
        allowed_origins=origins,
        api_token_hash=hash_token(token),
        language=language,
        currency=currency.upper(),
        privacy_url=_privacy_url(privacy_url),
        support_tiers=[dict(t) for t in support_tiers],
    )
    session.add(site)
    session.flush()
    return CreatedSite(site=site, api_token=token)


def check_parts(parts: dict[str, str]) -> dict[str, str]:
    """Reportable parts besides the body: {name: CSS selector}, names from models.site.PART_NAMES."""
    out = {}
    for name, selector in parts.items():
        if name not in PART_NAMES or name == BODY:
            raise PartsInvalid(N_("unknown part %(name)r: the parts are %(parts)s"), name=name,
                               parts=", ".join(PART_NAMES[1:]))
        try:
            out[name] = _check_selector(selector)
        except SiteError as exc:
            raise PartsInvalid(N_("%(name)s: %(why)s"), name=name, why=exc) from None
    return out


def parse_parts(lines: list[str]) -> dict[str, str]:
    """``["headline=h1", "caption=figure figcaption"]`` (the CLI's and the desk form's way) -> a dict."""
    parts = {}
    for line in lines:
        if not line.strip():
            continue
        name, sep, selector = line.partition("=")
        if not sep:
            raise PartsInvalid(N_("a part is NAME=CSS, e.g. headline=h1 (got %(line)r)"), line=line.strip())
        parts[name.strip()] = selector.strip()
    return check_parts(parts)


def _privacy_url(url: str | None) -> str:
    """The site's privacy policy, linked from the notices where readers give their data ("" for none)."""
    if not (url or "").strip():
        return ""
    try:
        return absolute_link(url or "")
    except InvalidURL:
        raise PrivacyUrlInvalid(N_("the privacy policy URL must be an absolute http(s) URL, got %(url)r"),
                                url=url) from None


STANDARDS_LINKS = {"principles_url": N_("the publishing principles URL"),
                   "corrections_policy_url": N_("the corrections policy URL"),
                   "feedback_policy_url": N_("the feedback policy URL")}


def update_standards(site: Site, *, second_approval: bool, target_decision_hours: int | None = None,
                     target_correction_hours: int | None = None, **urls: str | None) -> None:
    """The newsroom's standards links (STANDARDS_LINKS, each "" for none) that every article page's JSON-LD
    carries, whether retractions and clarifications need a second editor, and the time-to-correct
    targets in hours (None for none). Validates all first."""
    for hours in (target_decision_hours, target_correction_hours):
        if hours is not None and not 1 <= hours <= 24 * 365:
            raise SiteError(N_("a target is a number of hours from 1 to 8760"))
    checked = {}
    for field, what in STANDARDS_LINKS.items():
        url = (urls.get(field) or "").strip()
        try:
            checked[field] = absolute_link(url) if url else ""
        except InvalidURL:
            raise StandardsUrlInvalid(field, N_("%(what)s must be an absolute http(s) URL, got %(url)r"),
                                      what=Phrase(what), url=url) from None
    for field, url in checked.items():
        setattr(site, field, url)
    site.second_approval = bool(second_approval)
    site.target_decision_hours, site.target_correction_hours = target_decision_hours, target_correction_hours


def get_site(session: DbSession, name: str) -> Site:
    """The site called ``name`` (case and surrounding spaces ignored), or SiteNotFound."""
    site = session.scalar(select(Site).where(Site.name == name.strip().lower()))
    if site is None:
        raise SiteNotFound(f"no site named {name!r}; `flask --app app sites list` shows them")
    return site


def find_site(session: DbSession, name: str | None = None, *, guess: bool = True) -> Site:
    """The site a request or a command means, named or not. Every lookup that may name no site
    (the support pages, the CLI) goes through here, so there is one rule for the fallback:

    1. A name is given: that site (:func:`get_site`). A name no site has is SiteNotFound, never
       another site in its place.
    2. No name, one site: that site.
    3. No name, several sites: the first one created (lowest id), the newsroom's main site, so
       links without a site (the "Support us" link in the page header) still lead somewhere. A
       caller for whom a wrong guess is costly (the CLI writing articles into a site) passes
       ``guess=False`` and gets SiteNotFound asking for a name instead.
    4. No site at all: SiteNotFound.
    """
    if name:
        return get_site(session, name)
    first_two = session.scalars(select(Site).order_by(Site.id).limit(2)).all()
    if not first_two:
        raise SiteNotFound("there is no site yet: create one with `flask --app app sites add`")
    if len(first_two) > 1 and not guess:
        raise SiteNotFound("there is more than one site: name one with --site")
    return first_two[0]


def list_sites(session: DbSession) -> list[Site]:
    return list(session.scalars(select(Site).order_by(Site.name)))


def site_for_origin(session: DbSession, origin: str) -> Site | None:
    """The first site (by id) that lists ``origin`` among its allowed origins."""
    try:
        origin = normalise_origin(origin)
    except InvalidURL:
        return None
    return next((s for s in session.scalars(select(Site).order_by(Site.id)) if origin in s.allowed_origins), None)


def all_allowed_origins(session: DbSession) -> set[str]:
    """Every origin some site allows (the CORS allow-list). Sites are few; their lists are small."""
    return {o for origins in session.scalars(select(Site.allowed_origins)) for o in (origins or [])}


def site_for_token(session: DbSession, site_name: str, token: str) -> Site | None:
    """The site whose API token this is, if it is ``site_name``'s; None otherwise."""
    if not token:
        return None
    site = session.scalar(select(Site).where(Site.api_token_hash == hash_token(token)))
    # The name is not a secret (the token hash found the site): a plain comparison, which also
    # copes with names no site can have, like "é".
    if site is None or site.name != site_name.strip().lower():
        return None
    return site


def rotate_token(site: Site) -> str:
    token = new_api_token()
    site.api_token_hash = hash_token(token)
    return token


CONNECTORS = (None, "html", "wordpress")


def update_site(site: Site, *, allowed_origins: list[str], exclude_selectors: list[str], connector: str | None,
                connector_url: str | None, privacy_url: str | None, parts: dict[str, str] | None = None) -> None:
    """Change the settings an admin edits on the desk. Validates everything before changing anything."""
    try:
        others = {normalise_origin(o) for o in allowed_origins if o.strip()}
        origins = sorted({normalise_origin(site.base_url), *others})
    except InvalidURL as exc:
        raise SiteError(exc.message, **exc.values) from None
    excludes = [_check_selector(s) for s in exclude_selectors if s.strip()]
    connector = connector or None
    if connector not in CONNECTORS:
        raise SiteError(N_("the connector is none, html or wordpress"))
    url = (connector_url or "").strip() or None
    if connector == "wordpress":
        if not url:
            raise SiteError(N_("a WordPress connector needs the site's URL (where /wp-json/ lives)"))
        try:
            url = normalise_url(url)
        except InvalidURL as exc:
            raise SiteError(exc.message, **exc.values) from None
    elif url:
        raise SiteError(N_("only the wordpress connector takes a URL"))
    checked_parts = check_parts(parts) if parts is not None else site.parts
    policy = _privacy_url(privacy_url)
    site.allowed_origins, site.exclude_selectors = origins, excludes
    site.connector, site.connector_url = connector, url
    site.parts = checked_parts
    site.privacy_url = policy
