"""``flask --app app articles ...``: import articles from a page, a file or WordPress."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from readerdesk.cli.common import fail, http_session, parse_since, site_or_fail
from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.articles.fetching import FetchError, fetch_html
from readerdesk.services.articles.ingest import IngestError, ingest_article
from readerdesk.services.articles.wordpress import PER_PAGE, SyncReport, iter_posts, last_synced, store_post
from readerdesk.text.extraction import ExtractionError, extract_article

articles_cli = AppGroup("articles", help="Import articles into readerdesk.")


@articles_cli.command("import")
@click.argument("source")
@click.option("--site", "site_name", help="Site name (optional when there is only one).")
@click.option("--selector", help="CSS selector of the body (default: the site's).")
@click.option("--exclude", multiple=True, help="Extra selector to drop inside the body (repeatable).")
@click.option("--url", "url_override", help="Article URL, when SOURCE is a file without <link rel=canonical>.")
def articles_import(source, site_name, selector, exclude, url_override):
    """Import an article from a saved HTML file or an http(s) URL."""
    site = site_or_fail(site_name)
    if source.startswith(("http://", "https://")):
        try:
            document = fetch_html(http_session(), source, timeout=current_app.config["HTTP_TIMEOUT"])
        except FetchError as exc:
            fail(str(exc))
        fallback_url = source
    else:
        path = Path(source)
        if not path.is_file():
            fail(f"no such file: {source}")
        try:
            document = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            fail(f"{source} is not an HTML file (not UTF-8 text)")
        except OSError as exc:
            fail(f"cannot read {source}: {exc.strerror}")
        fallback_url = None
    excludes = [*site.exclude_selectors, *exclude]
    try:
        extracted = extract_article(document, selector or site.body_selector, excludes, site.parts)
    except ExtractionError as exc:
        fail(str(exc))
    url = url_override or extracted.canonical_url or fallback_url
    if not url:
        fail("the page has no <link rel=canonical>; give the article URL with --url")
    try:
        result = ingest_article(db.session, site, url=url, title=extracted.title, html=extracted.html,
                                published_at=extracted.published_at, modified_at=extracted.modified_at,
                                parts=extracted.parts, authors=extracted.authors, section=extracted.section,
                                now=utcnow())
    except IngestError as exc:
        fail(str(exc))
    db.session.commit()
    state = "created" if result.created else ("updated" if result.changed else "unchanged")
    revision = result.current_revision
    click.echo(f"{state}: {result.article.url} (article {result.article.id}, revision {revision.number}, "
               f"{len(revision.text)} characters)")


@articles_cli.command("sync-wordpress")
@click.argument("base_url")
@click.option("--site", "site_name", help="Site name (optional when there is only one).")
@click.option("--since", help="Only posts modified after this date (default: since the last sync).")
@click.option("--per-page", default=PER_PAGE, show_default=True, type=click.IntRange(1, 100),
              help="Posts per API request.")
def articles_sync_wordpress(base_url, site_name, since, per_page):
    """Pull posts from a WordPress site's REST API."""
    site = site_or_fail(site_name)
    since_at = parse_since(since) or last_synced(db.session, site)
    report = SyncReport()
    totals: dict[str, int] = {}
    try:
        posts = iter_posts(http_session(), base_url, since=since_at, timeout=current_app.config["HTTP_TIMEOUT"],
                           max_article_bytes=current_app.config["MAX_ARTICLE_BYTES"], per_page=per_page,
                           on_total=lambda total: totals.setdefault("posts", total))
        first = next(posts, None)
        if first is not None:
            with click.progressbar(length=totals.get("posts", 1), label="Syncing posts", file=sys.stderr) as bar:
                for post in itertools.chain([first], posts):
                    store_post(db.session, site, post, now=utcnow(), report=report,
                               max_article_bytes=current_app.config["MAX_ARTICLE_BYTES"])
                    bar.update(1)
    except FetchError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
               f"{len(report.skipped)} skipped" + (f" (since {since_at.isoformat()})" if since_at else ""))
    for line in report.skipped:
        click.echo(f"skipped {line}", err=True)
