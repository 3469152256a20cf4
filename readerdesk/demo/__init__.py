"""The demo: two sites, sample articles written for readerdesk (one with a second revision),
and an admin. Loading it again changes nothing but the admin's password, which it prints."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from readerdesk.config import DEFAULT_SUPPORT_TIERS
from readerdesk.demo.patrons import add_demo_patrons
from readerdesk.demo.polls import add_demo_polls
from readerdesk.demo.reports import DEMO_REPORTS, add_demo_report
from readerdesk.models import Article, Role, Site, User
from readerdesk.models.types import DbSession
from readerdesk.services.articles.ingest import add_revision, ingest_article
from readerdesk.services.articles.sites import SiteNotFound, create_site, get_site
from readerdesk.services.desk.users import PasswordSettings, create_user, normalise_email, set_password
from readerdesk.text.extraction import parse_datetime

ARTICLES_DIR = Path(__file__).parent / "articles"
DEMO_ADMIN_EMAIL = "admin@example.com"
DEMO_EDITOR_EMAIL = "editor@example.com"
DEMO_BASE_URL = "http://127.0.0.1:5000"
DEMO_SITES = {
    # name: (title, language, article slugs)
    "demo": ("The Riverside Courier", "en", ["bridge", "library", "harbour"]),
    "demo-uk": ("Вісник громади", "uk", ["hromada"]),
}
BODY_SELECTOR = ".article-body"
# Readers may also report on the headline, the standfirst and photo captions of the demo's pages
# (templates/public/pages/article.html).
PART_SELECTORS = {"headline": "article > header > h1", "standfirst": "article > header > .standfirst",
                  "caption": "figcaption"}


@dataclass
class DemoResult:
    lines: list[str] = field(default_factory=list)
    admin_password: str = ""
    editor_password: str = ""


def _meta(slug: str) -> dict:
    return json.loads((ARTICLES_DIR / f"{slug}.json").read_text(encoding="utf-8"))


def hosted_article_url(site: Site, slug: str) -> str:
    return f"{site.base_url.rstrip('/')}/sites/{site.name}/news/{slug}"


def _demo_site(session: DbSession, name: str, title: str, language: str, base_url: str, result: DemoResult) -> Site:
    try:
        return get_site(session, name)
    except SiteNotFound:
        site = create_site(
            session, name, base_url=base_url, body_selector=BODY_SELECTOR, title=title, language=language,
            allowed_origins=[base_url, base_url.replace("127.0.0.1", "localhost")], parts=PART_SELECTORS,
            support_tiers=DEFAULT_SUPPORT_TIERS,
        ).site
        result.lines.append(f"Created site {name} ({title}).")
    return site


def _demo_article(session: DbSession, site: Site, slug: str, now: datetime, result: DemoResult) -> Article:
    meta = _meta(slug)
    url = hosted_article_url(site, slug)
    existing = session.scalar(select(Article).where(Article.site_id == site.id, Article.url == url))
    if existing is not None:
        return existing
    ingested = ingest_article(
        session, site, url=url, title=meta["title"], html=(ARTICLES_DIR / f"{slug}.html").read_text(encoding="utf-8"),
        external_id=f"demo:{slug}", published_at=parse_datetime(meta["published"]),
        modified_at=parse_datetime(meta.get("modified") or meta["published"]), now=now, hosted=True,
        parts={"standfirst": meta["standfirst"]} if meta.get("standfirst") else None,
    )
    article = ingested.article
    second = ARTICLES_DIR / f"{slug}.v2.html"
    if second.exists():
        add_revision(session, article, second.read_text(encoding="utf-8"), now=now,
                     source_modified_at=parse_datetime(meta.get("revision2_modified")))
    result.lines.append(f"Added article “{article.title}” ({len(article.revisions)} revision(s)).")
    return article


def _demo_user(session: DbSession, email: str, role: Role, name: str, password_settings: PasswordSettings) -> str:
    """Create the account, or give it a new password; returns the password."""
    password = secrets.token_urlsafe(12)
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        create_user(session, email, password, role, name=name, password_settings=password_settings)
    else:
        set_password(user, password, password_settings=password_settings)
    return password


def load_demo(session: DbSession, *, now: datetime, password_settings: PasswordSettings,
              base_url: str = DEMO_BASE_URL, secret_key: str | None = None) -> DemoResult:
    """The demo's sites, articles, reports, patrons and staff; with the app's ``secret_key`` also two
    topic polls with votes (secret ballots are keyed with it)."""
    result = DemoResult()
    articles = {}
    for name, (title, language, slugs) in DEMO_SITES.items():
        site = _demo_site(session, name, title, language, base_url, result)
        for slug in slugs:
            articles[slug] = _demo_article(session, site, slug, now, result)
    for report in DEMO_REPORTS:
        add_demo_report(session, articles[report.slug], report, now=now)
    result.lines.append(f"{len(DEMO_REPORTS)} sample reader reports are on the desk.")
    if add_demo_patrons(session, articles["bridge"].site, now=now):
        result.lines.append("Sample patrons and payments are on the patrons desk (/desk/patrons).")
    if secret_key is not None and add_demo_polls(session, articles["bridge"].site, secret_key=secret_key, now=now,
                                                 covered_url=hosted_article_url(articles["library"].site, "library")):
        result.lines.append("An open and a closed topic poll with votes are at /desk/polls.")

    password = _demo_user(session, DEMO_ADMIN_EMAIL, Role.ADMIN, "Demo admin", password_settings)
    result.admin_password = password
    result.editor_password = _demo_user(session, DEMO_EDITOR_EMAIL, Role.EDITOR, "Demo editor", password_settings)
    result.lines.append(f"Demo admin: {DEMO_ADMIN_EMAIL}  password: {password}  (a new one each time the demo loads; "
                        "admins set up two-factor sign-in with an authenticator app at their first sign-in)")
    result.lines.append(f"Demo editor: {DEMO_EDITOR_EMAIL}  password: {result.editor_password}")
    result.lines.append(f"Open {base_url}/sites/demo/ for the articles and {base_url}/desk/ for the desk.")
    return result
