"""Plain factory functions for tests: ``make_site(session, ...)`` and friends. They flush, never commit."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta

from readerdesk.clock import utcnow
from readerdesk.config import DEFAULT_SUPPORT_TIERS
from readerdesk.models import Article, Interval, Patron, PatronStatus, Role, Site, User
from readerdesk.services.articles.ingest import ingest_article
from readerdesk.services.articles.sites import create_site
from readerdesk.services.desk.users import PasswordSettings, create_user
from readerdesk.services.polls.editing import PollDraft, TopicDraft, create_poll

_counter = itertools.count(1)
PASSWORD = "correct horse battery staple"
# Argon2id at its cheapest: every sign-in in the suite hashes, and production's cost is for attackers.
CHEAP_PASSWORDS = PasswordSettings(time_cost=1, memory_cost=8, parallelism=1)
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # admins made here have two-factor sign-in with it


def paragraphs(*texts: str) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def make_site(session, name: str | None = None, **kwargs) -> Site:
    kwargs.setdefault("base_url", "https://news.example")
    kwargs.setdefault("body_selector", ".article-body")
    kwargs.setdefault("support_tiers", DEFAULT_SUPPORT_TIERS)
    return create_site(session, name or f"site-{next(_counter)}", **kwargs).site


def make_article(session, site: Site | None = None, *, html: str | None = None, url: str | None = None,
                 title: str = "A headline", now: datetime | None = None, hosted: bool = True, **kwargs) -> Article:
    site = site or make_site(session)
    n = next(_counter)
    html = html or paragraphs(
        f"First paragraph of article {n}, with a phrase that matters.",
        "Second paragraph: the council voted twelve to five.",
    )
    result = ingest_article(session, site, url=url or f"{site.base_url.rstrip('/')}/news/{n}", title=title,
                            html=html, now=now or utcnow(), hosted=hosted, **kwargs)
    return result.article


def make_user(session, email: str | None = None, role: Role | str = Role.EDITOR, password: str = PASSWORD, *,
              two_factor: bool | None = None, byline: str = "") -> User:
    """A staff account. Admins get two-factor sign-in (with TOTP_SECRET) unless ``two_factor=False``:
    the desk requires it of them."""
    user = create_user(session, email or f"editor{next(_counter)}@example.com", password, role,
                       password_settings=CHEAP_PASSWORDS, byline=byline)
    if two_factor if two_factor is not None else user.is_admin:
        user.totp_secret, user.totp_enabled_at = TOTP_SECRET, utcnow()
    session.flush()
    return user


def make_correction(session, article: Article | None = None, *, exact: str | None = None, status=None,
                    created_at: datetime | None = None, **kwargs):
    """A correction anchored on ``exact`` in the article's current revision (inserted directly,
    without the capture API)."""
    import secrets

    from readerdesk.models import AnchorState, Correction, CorrectionAnchor, Kind, Status

    article = article or make_article(session)
    revision = article.current_revision
    exact = exact or revision.text.split("\n\n")[0][:40]
    start = revision.text.find(exact)
    assert start >= 0, f"{exact!r} is not in the article"
    end = start + len(exact)
    correction = Correction(
        public_id=secrets.token_urlsafe(12), idempotency_key=secrets.token_hex(16), article=article,
        revision=revision, kind=kwargs.pop("kind", Kind.TYPO), exact=exact,
        prefix=revision.text[max(0, start - 32):start], suffix=revision.text[end:end + 32],
        start=start, end=end, anchor_state=AnchorState.ANCHORED, anchor_revision=revision,
        anchor_start=start, anchor_end=end, anchor_confidence=1.0,
        status=status or Status.NEW, created_at=created_at or utcnow(), **kwargs,
    )
    session.add(correction)
    session.flush()
    correction.group_id = correction.group_id or correction.id
    session.add(CorrectionAnchor(correction=correction, revision=revision, state=AnchorState.ANCHORED,
                                 start=start, end=end, confidence=1.0))
    session.flush()
    return correction


def make_poll(session, site: Site | None = None, *, topics=("Housing", "Schools", "Transport"), max_choices: int = 1,
              opens_at: datetime | None = None, closes_at: datetime | None = None, now: datetime | None = None,
              **kwargs):
    """An open poll (from an hour ago to a week ahead, in UTC) made through the editors' service."""
    now = now or utcnow()
    site = site or make_site(session)
    draft = PollDraft(question=kwargs.pop("question", "What should we cover next?"),
                      topics=tuple(TopicDraft(t) for t in topics), opens_at=opens_at or now - timedelta(hours=1),
                      closes_at=closes_at or now + timedelta(days=7), max_choices=max_choices, **kwargs)
    return create_poll(session, site, draft, actor=None, now=now - timedelta(hours=2))


def make_patron(session, site: Site, email: str | None = None, **kwargs):
    """A patron as Stripe's events leave one: active, monthly, on a tier, optionally with a customer id."""
    n = next(_counter)
    kwargs.setdefault("status", PatronStatus.ACTIVE)
    kwargs.setdefault("interval", Interval.MONTH)
    kwargs.setdefault("tier", "coffee")
    kwargs.setdefault("amount", 300)
    kwargs.setdefault("supporter_since", utcnow() - timedelta(days=40))
    patron = Patron(site=site, email=email or f"patron{n}@example.org", currency=site.currency, **kwargs)
    session.add(patron)
    session.flush()
    return patron


def make_wordpress_article(session, wordpress, post_id: int, *, user: str = "desk",
                           password: str = "abcd efgh ijkl mnop qrst uvwx", secret_key: str | None = None,
                           site: Site | None = None) -> Article:
    """A site synced from ``wordpress`` (a FakeWordPress or a real one's URL) with write credentials,
    and the post ``post_id`` stored from its public REST answer, as ``articles sync-wordpress`` does."""
    import requests

    from readerdesk.services.articles.credentials import set_wordpress_credentials
    from readerdesk.services.articles.wordpress import SyncReport, posts_endpoint, store_post
    from tests.conftest import TEST_SECRET_KEY

    url = wordpress if isinstance(wordpress, str) else wordpress.url
    if site is None:
        site = make_site(session, base_url=url)
        site.connector, site.connector_url = "wordpress", url
        set_wordpress_credentials(site, user, password, secret_key=secret_key or TEST_SECRET_KEY)
    post = requests.get(f"{posts_endpoint(url)}/{post_id}", timeout=10).json()
    result = store_post(session, site, post, now=utcnow(), report=SyncReport())
    assert result is not None, post
    return result.article
