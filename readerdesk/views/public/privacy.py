"""The reader's side of privacy: the "Delete my email from this report" link, and the page that says
what readerdesk keeps, why and for how long (linked from the notices when a site has no policy URL)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_babel import gettext

from readerdesk.clock import utcnow
from readerdesk.extensions import TRANSLATOR, db
from readerdesk.models import Correction, Site
from readerdesk.services.privacy.audit import Actor
from readerdesk.services.privacy.erasure import remove_reader_contact
from readerdesk.services.privacy.inventory import PERSONAL_DATA
from readerdesk.services.privacy.reader_links import (
    FORGET_LINK_PATH,
    AlreadyForgotten,
    ForgetLinkInvalid,
    correction_for_token,
)
from readerdesk.services.privacy.retention import RetentionSettings
from readerdesk.text.languages import pick_language
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.links import public_url_for
from readerdesk.views.locale import use_page_language
from readerdesk.views.public.sites import site_or_404

bp = Blueprint("privacy", __name__)
READER_LINK = Actor(label="the reader's own link")


def retention_settings() -> RetentionSettings:
    return RetentionSettings.from_config(current_app.config)


def data_page_url(site: Site) -> str:
    """readerdesk's page on the data it keeps: where notices link when the site has no policy URL."""
    return public_url_for("privacy.data_page", site=site.name)


@bp.get("/privacy")
def data_page():
    """In the ``lang`` asked for, else the site's language."""
    site = site_or_404(request.args.get("site"))
    use_page_language(pick_language(request.args.get("lang"), site.language))
    settings = retention_settings()
    fields = [(gettext(f.what), gettext(f.purpose), f.retention_for(settings, TRANSLATOR)) for f in PERSONAL_DATA]
    return render_template("public/privacy/data.html", site=site, fields=fields)


def _page(template: str, correction: Correction, status: int = 200, **context):
    """In the language the reader wrote in."""
    use_page_language(correction.language)
    return render_template(f"public/privacy/{template}.html", correction=correction, site=correction.article.site,
                           **context), status


@bp.route(FORGET_LINK_PATH, methods=["GET", "POST"])
def forget():
    """The link's token is in its fragment, never in a URL the server sees. GET is a landing page whose
    script posts the token; that POST asks (mail scanners open links: they must not use this one up);
    the POST the reader's button sends, with ``confirm``, removes the address."""
    if request.method == "GET":
        return render_template("public/privacy/forget_open.html")  # no report known yet: the browser's language
    token = request.form.get("token", "")
    try:
        correction = correction_for_token(db.session, current_app.config["SECRET_KEY"], token)
    except ForgetLinkInvalid:
        abort(404, description=gettext("This link is not valid."))
    except AlreadyForgotten as gone:
        return _page("forgotten", gone.correction)
    if not request.form.get("confirm"):
        return _page("forget", correction, token=token)
    with unit_of_work(db.session):
        remove_reader_contact(db.session, correction, actor=READER_LINK, now=utcnow())
    return _page("forgotten", correction)
