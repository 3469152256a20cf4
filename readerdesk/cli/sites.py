"""``flask --app app sites ...``: create and list the newsroom's sites."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from readerdesk.cli.common import fail
from readerdesk.extensions import db
from readerdesk.services.articles.credentials import CredentialsError, set_wordpress_credentials
from readerdesk.services.articles.sites import (
    SiteError,
    SiteNotFound,
    create_site,
    get_site,
    list_sites,
    parse_parts,
    update_site,
)

sites_cli = AppGroup("sites", help="Create and list sites, and give readerdesk write access to their WordPress.")


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


@sites_cli.command("set-wordpress")
@click.argument("name")
@click.option("--user", "user", required=True, help="The WordPress user (Editor role) readerdesk writes as.")
@click.option("--application-password", "ask_password", is_flag=True, required=True,
              help="Read the application password from a prompt, or from stdin when it is not a terminal.")
@click.option("--url", default=None, help="The WordPress site's address, when the site has no WordPress connector yet.")
def sites_set_wordpress(name, user, ask_password, url):
    """Give readerdesk write access to a site's WordPress (for "apply the wording")."""
    try:
        site = get_site(db.session, name)
    except SiteNotFound as exc:
        fail(str(exc))
    stdin = sys.stdin
    if stdin.isatty():
        password = click.prompt("Application password", hide_input=True, default="", show_default=False)
    else:
        password = stdin.readline()
    try:
        if url is not None:
            update_site(site, allowed_origins=site.allowed_origins, exclude_selectors=site.exclude_selectors,
                        connector="wordpress", connector_url=url, privacy_url=site.privacy_url)
        if site.connector != "wordpress" or not site.connector_url:
            fail(f"site {name} has no WordPress connector: give its address with --url")
        set_wordpress_credentials(site, user, password, secret_key=current_app.config["SECRET_KEY"])
    except (SiteError, CredentialsError) as exc:
        fail(str(exc))
    db.session.commit()
    click.echo(f"Saved WordPress write access for {site.name} as {site.wordpress_user} at {site.connector_url} "
               "(the password is stored encrypted and not shown again).")
