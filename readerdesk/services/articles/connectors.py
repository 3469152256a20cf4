"""Re-fetching one article from where its site publishes it (the site's connector).

Used when a reader quotes text readerdesk has not seen: the article changed on the CMS and nobody
pushed the new version yet. ``Site.connector`` says how: ``"html"`` fetches the article page and
extracts the body with the site's selectors; ``"wordpress"`` reads the post from the REST API at
``Site.connector_url`` by its ``wp:<id>`` external id.
"""

from __future__ import annotations

from datetime import datetime

import requests

from readerdesk.models import Article, Site
from readerdesk.models.types import DbSession
from readerdesk.services.articles.cms import CmsConnector, CmsError
from readerdesk.services.articles.credentials import wordpress_credentials
from readerdesk.services.articles.fetching import MAX_PAGE_BYTES, FetchError, fetch_html, get
from readerdesk.services.articles.ingest import IngestError, ingest_article
from readerdesk.services.articles.wordpress import EMBED, SyncReport, posts_endpoint, store_post
from readerdesk.services.articles.wordpress_edit import WordPressConnector
from readerdesk.text.extraction import ExtractionError, extract_article
from readerdesk.text.languages import N_


class RefetchError(RuntimeError):
    """The article could not be re-fetched; the message says why (one line)."""


def refetch_article(session: DbSession, article: Article, *, http: requests.Session, now: datetime,
                    timeout: float, max_article_bytes: int) -> None:
    """Fetch the article again through its site's connector and ingest it (flushes, never commits).

    A changed text becomes a new current revision; an unchanged one changes nothing."""
    site = article.site
    try:
        if site.connector == "html":
            extracted = extract_article(fetch_html(http, article.url, timeout=timeout), site.body_selector,
                                        site.exclude_selectors, site.parts)
            ingest_article(session, site, url=article.url, title=extracted.title or article.title,
                           html=extracted.html, now=now, modified_at=extracted.modified_at, parts=extracted.parts,
                           authors=extracted.authors, section=extracted.section)
        elif site.connector == "wordpress":
            external = article.external_id or ""
            if not external.startswith("wp:") or not site.connector_url:
                raise RefetchError(f"article {article.id} has no WordPress post id or the site no connector URL")
            response = get(http, f"{posts_endpoint(site.connector_url)}/{external[3:]}", params=EMBED,
                           timeout=timeout, max_bytes=max(MAX_PAGE_BYTES, max_article_bytes))
            try:
                post = response.json()
            except ValueError:
                raise RefetchError(f"{response.url} did not answer with JSON") from None
            report = SyncReport()
            store_post(session, site, post if isinstance(post, dict) else {}, now=now, report=report,
                       max_article_bytes=max_article_bytes)
            if report.skipped:
                raise RefetchError(report.skipped[0])
        else:
            raise RefetchError(f"site {site.name} has no connector to re-fetch articles with")
    except (FetchError, ExtractionError, IngestError) as exc:
        raise RefetchError(str(exc)) from None


def can_edit_in_cms(article: Article) -> bool:
    """The article comes from a CMS readerdesk has write credentials for (WordPress, for now)."""
    site = article.site
    return (not article.hosted and site.connector == "wordpress" and bool(site.connector_url)
            and bool(site.wordpress_user and site.wordpress_secret) and (article.external_id or "").startswith("wp:"))


def cms_connector(site: Site, *, http: requests.Session, secret_key: str, timeout: float) -> CmsConnector:
    """The connector that changes ``site``'s articles in its CMS (services.articles.cms). Raises
    CredentialsError when the stored credentials cannot be read, CmsError when the site has none."""
    credentials = wordpress_credentials(site, secret_key=secret_key)
    if site.connector != "wordpress" or credentials is None:
        raise CmsError(N_("The site %(site)s has no WordPress write access: set a user and an application "
                          "password at the site's settings."), site=site.name)
    return WordPressConnector(site, credentials, http=http, timeout=timeout)
