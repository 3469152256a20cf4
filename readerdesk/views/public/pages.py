"""Public pages: the site list, each site's article index, and the article pages readerdesk serves."""

from flask import Blueprint, abort, current_app, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from readerdesk.extensions import TRANSLATOR, db
from readerdesk.models import Article, Correction, Site
from readerdesk.services.articles.ingest import articles_of_site
from readerdesk.services.articles.sites import list_sites
from readerdesk.services.corrections.capture import get_by_public_id, public_status
from readerdesk.services.privacy.reader_links import can_forget, forget_token
from readerdesk.services.publishing.policy_page import hosts_policy, policy_html
from readerdesk.services.publishing.publish import date_modified, news_article_json_ld_with_notes, public_notes
from readerdesk.text.ids import arg_id
from readerdesk.views.links import hosted_policy_url
from readerdesk.views.locale import use_page_language
from readerdesk.views.public.sites import site_or_404

bp = Blueprint("pages", __name__)
PAGE_SIZE = 30


@bp.get("/")
def home():
    return render_template("public/pages/home.html", sites=list_sites(db.session))


@bp.get("/sites/<site_name>/")
def site_index(site_name: str):
    site = site_or_404(site_name)
    before = arg_id(request.args, "before")
    articles = articles_of_site(db.session, site, limit=PAGE_SIZE + 1, before_id=before)
    has_more = len(articles) > PAGE_SIZE
    articles = articles[:PAGE_SIZE]
    return render_template("public/pages/site.html", site=site, articles=articles,
                           next_before=articles[-1].id if has_more else None)


@bp.get("/sites/<site_name>/news/<slug>")
def hosted_article(site_name: str, slug: str):
    """An article readerdesk publishes itself, at the path of its canonical URL."""
    site = site_or_404(site_name)
    url = site.base_url.rstrip("/") + request.path
    found = db.session.scalar(select(Article).where(Article.site_id == site.id, Article.url == url))
    return _render_article(site, found)


@bp.get("/sites/<site_name>/articles/<int:article_id>")
def article(site_name: str, article_id: int):
    site = site_or_404(site_name)
    found = db.session.scalar(select(Article).where(Article.id == article_id, Article.site_id == site.id))
    return _render_article(site, found)


def _render_article(site: Site, article: Article | None):
    if article is None or article.current_revision is None:
        abort(404, description=gettext("There is no such article."))
    notes = public_notes(db.session, article)
    return render_template("public/pages/article.html", site=site, article=article, revision=article.current_revision,
                           notes=notes, modified=date_modified(article, notes), json_ld=news_article_json_ld_with_notes(
                               article, notes, hosted_policy_url=hosted_policy_url(site)))


@bp.get("/sites/<site_name>/policy")
def policy(site_name: str):
    """The corrections and feedback policy readerdesk hosts for the site (Markdown admins edit)."""
    site = site_or_404(site_name)
    if not hosts_policy(site):
        abort(404, description=gettext("This site has no policy page here."))
    return render_template("public/pages/policy.html", site=site, policy=policy_html(site.policy_markdown))


@bp.get("/status/<public_id>")
def correction_status_page(public_id: str):
    """The reader's status link: what happened to their report, with no personal data."""
    correction = get_by_public_id(db.session, public_id)
    if correction is None:
        abort(404, description=gettext("We could not find this report. Check the link in your confirmation."))
    use_page_language(correction.language)  # the language the reader wrote in
    status = public_status(correction, TRANSLATOR)
    forget = (url_for("privacy.forget") + "#" + forget_token(current_app.config["SECRET_KEY"], correction)
              if isinstance(correction, Correction) and can_forget(correction) else None)
    return render_template("public/pages/status.html", status=status, correction=correction,
                           site=correction.article.site,
                           forget_url=forget)
