"""``flask --app app sites ...``: create and list the newsroom's sites."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from readerdesk.cli.common import fail
from readerdesk.extensions import db
from readerdesk.services.articles.sites import SiteError, create_site, list_sites, parse_parts

sites_cli = AppGroup("sites", help="Create and list sites.")


@sites_cli.command("add")
@click.argument("name")
@click.option("--base-url", required=True, help="The site's home page, e.g. https://news.example.")
@click.option("--body-selector", required=True, help="CSS selector of the article body.")
@click.option("--exclude", multiple=True, help="CSS selector of a box to drop inside the body (repeatable).")
@click.option("--allow-origin", multiple=True, help="Another origin allowed to embed the widget (repeatable).")
@click.option("--part", multiple=True, help="A reportable part besides the body, NAME=CSS: headline, standfirst "
              "or caption, e.g. --part headline=h1 --part 'caption=figure figcaption' (repeatable).")
@click.option("--title", default="", help="Display name.")
@click.option("--language", default="en", show_default=True)
@click.option("--currency", default="EUR", show_default=True, help="ISO 4217 currency for donations.")
@click.option("--privacy-url", default="", help="The newsroom's privacy policy, linked where readers give their data.")
def sites_add(name, base_url, body_selector, exclude, allow_origin, part, title, language, currency, privacy_url):
    """Create a site and print its API token (shown once)."""
    try:
        created = create_site(db.session, name, base_url=base_url, body_selector=body_selector,
                              exclude_selectors=list(exclude), allowed_origins=list(allow_origin),
                              title=title, language=language, currency=currency, privacy_url=privacy_url,
                              parts=parse_parts(list(part)), support_tiers=current_app.config["SUPPORT_TIERS"])
    except SiteError as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Created site {created.site.name} ({created.site.base_url}).")
    click.echo(f"API token (shown once, store it in your CMS): {created.api_token}")


@sites_cli.command("list")
def sites_list():
    """Show the sites."""
    sites = list_sites(db.session)
    if not sites:
        click.echo("No sites. Create one with: flask --app app sites add NAME --base-url URL --body-selector CSS")
    for site in sites:
        excluded = ",".join(site.exclude_selectors) or "-"
        parts = ",".join(f"{name}={selector}" for name, selector in (site.parts or {}).items()) or "-"
        click.echo(f"{site.name}\t{site.base_url}\tbody={site.body_selector}\texclude={excluded}"
                   f"\tparts={parts}\torigins={','.join(site.allowed_origins)}")
