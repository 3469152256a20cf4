"""The JSON API under /api/v1. No cookies, no CSRF: callers authenticate by token or are anonymous.

Cross-origin rules (the widget runs on publishers' pages):
  * A response carries ``Access-Control-Allow-Origin`` only for an origin some site allows (or
    readerdesk's own), and preflights are answered only for those origins.
  * Whether an origin may report on a given article is decided on the request itself: a POST from
    an origin the article's site has not configured gets 403 with a sentence saying so. That refusal
    (and the widget-config refusal a widget on such a page gets first) is readable cross-origin, so
    the widget can show it to the reader; it carries no data.
  * No cookies: the widget sends none and the API sets none (see readerdesk.sessions). With a JSON
    body and the Origin check there is nothing for a CSRF token to add.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext

from readerdesk.clock import utcnow
from readerdesk.extensions import TRANSLATOR, csrf, db, limiter
from readerdesk.models import Site
from readerdesk.models.site import BODY, PART_NAMES
from readerdesk.services.articles.ingest import ArticleConflict, IngestError, ingest_article
from readerdesk.services.articles.sites import all_allowed_origins, site_for_origin, site_for_token
from readerdesk.services.corrections.capture import (
    ArticleNotFound,
    IdempotencyKeyReused,
    InvalidCorrection,
    OriginNotAllowed,
    find_article,
    get_by_public_id,
    public_state,
    public_status,
    submit_correction,
)
from readerdesk.services.privacy.ip_hashing import KnownDayKey, hash_ip, hash_ip_with_key
from readerdesk.services.privacy.notice import report_notice
from readerdesk.text.extraction import parse_datetime
from readerdesk.text.languages import N_, pick_language
from readerdesk.text.urls import InvalidURL, normalise_origin
from readerdesk.unit_of_work import unit_of_work
from readerdesk.views.api.openapi import openapi_document
from readerdesk.views.errors import error_response, once_more_if_connection_lost
from readerdesk.views.links import public_url_for
from readerdesk.views.locale import use_page_language
from readerdesk.views.public.privacy import data_page_url, retention_settings

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
PREFLIGHT_MAX_AGE = 600


def json_body() -> dict:
    """The request's JSON object, or a 4xx error response raised as an exception."""
    if not request.is_json:
        raise ApiError(415, gettext("Send JSON with Content-Type: application/json."))
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "The body is not valid JSON, or not a JSON object: send one object {...}.")
    return data


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_response(exc.status, exc.message, **exc.extra)


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


@bp.put("/sites/<site_name>/articles")
def push_article(site_name: str):
    """A CMS pushes an article (url, title, html, modified), authenticated by the site's API token."""
    site = site_for_token(db.session, site_name, _bearer_token())
    if site is None:
        return error_response(401, "Missing or wrong API token for this site (Authorization: Bearer <token>).")
    data = json_body()
    errors = {}
    for field in ("url", "title", "html"):
        if not isinstance(data.get(field), str) or not data[field].strip():
            errors[field] = "Required, a non-empty string."
    modified = parse_datetime(data["modified"]) if isinstance(data.get("modified"), str) else None
    if data.get("modified") is not None and modified is None:
        errors["modified"] = "An ISO 8601 date-time, e.g. 2026-11-20T08:30:00Z."
    published = parse_datetime(data["published"]) if isinstance(data.get("published"), str) else None
    external_id = data.get("external_id")
    if external_id is not None and not isinstance(external_id, (str, int)):
        errors["external_id"] = "A string or an integer."
    parts = data.get("parts") or {}
    if not isinstance(parts, dict) or any(name not in PART_NAMES or name == BODY or not isinstance(html, str)
                                          for name, html in parts.items()):
        errors["parts"] = "An object of part name (" + ", ".join(PART_NAMES[1:]) + ") to HTML."
    if errors:
        return error_response(400, "Some fields are missing or invalid.", fields=errors)
    try:
        with unit_of_work(db.session):
            result = ingest_article(
                db.session, site, url=data["url"], title=data["title"], html=data["html"], now=utcnow(),
                modified_at=modified, published_at=published,
                external_id=str(external_id) if external_id is not None else None, parts=parts,
            )
    except IngestError as exc:
        return error_response(409 if isinstance(exc, ArticleConflict) else 400, str(exc))
    article = result.article
    return jsonify(
        id=article.id, url=article.url, revision=result.current_revision.number,
        changed=result.changed, created=result.created,
    ), (201 if result.created else 200)


# --- cross-origin ----------------------------------------------------------------------------


def _own_origins() -> set[str]:
    """readerdesk's own origin (PUBLIC_URL): its pages call the API same-origin."""
    try:
        return {normalise_origin(current_app.config["PUBLIC_URL"])}
    except InvalidURL:
        return set()


def _origin() -> str | None:
    return request.headers.get("Origin")


def _cors_allowed(origin: str) -> bool:
    try:
        origin = normalise_origin(origin)
    except InvalidURL:
        return False
    return origin in _own_origins() or origin in all_allowed_origins(db.session)


@bp.before_request
def _preflight():
    if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
        response = current_app.response_class(status=204)
        origin = _origin()
        if origin and _cors_allowed(origin):
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "Content-Type"
            response.headers["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
        response.vary.add("Origin")
        return response
    return None


@bp.after_request
def _cors_headers(response):
    origin = _origin()
    if origin and "Access-Control-Allow-Origin" not in response.headers and (
        g.get("readable_refusal") or g.get("origin_allowed") or _cors_allowed(origin)
    ):
        response.headers["Access-Control-Allow-Origin"] = origin
    if "Retry-After" in response.headers:  # the widget waits that long before sending a 503'd report again
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    response.vary.add("Origin")
    return response


def _refuse_origin(exc: OriginNotAllowed):
    g.readable_refusal = True
    return error_response(403, exc.message(TRANSLATOR), code="origin_not_allowed")


@bp.errorhandler(413)
def _too_large(exc):
    if request.endpoint == "api.push_article":
        limit = current_app.config["MAX_ARTICLE_BYTES"]
        return error_response(413, f"The article is larger than MAX_ARTICLE_BYTES ({limit:,} bytes). Send a "
                                   "shorter body, or ask the admin to raise MAX_ARTICLE_BYTES.")
    return error_response(413)


@bp.errorhandler(429)
def _too_many(exc):
    message = N_("You have sent many reports in a short time. Please wait a few minutes and try again.")
    return error_response(429, gettext(message))


# --- readers' corrections --------------------------------------------------------------------


def _corrections_limit() -> str:
    return current_app.config["RATELIMIT_CORRECTIONS"]


IP_HASH_KEY = "readerdesk.ip_hash"
KNOWN_DAY_KEY = "readerdesk.known_ip_day_key"  # in app.extensions: one per app, so one per process


def sender_ip_hash() -> str:
    """The sender's address hashed with today's key: what the report stores and the rate limit counts
    on, so neither the database nor the limiter's storage ever holds a reader's IP. The day's first
    report makes the key, committed at once: a report refused later in the request must not take it
    away, or the next request would hash the same address differently. Once read, the process keeps
    the day's key (``KnownDayKey``): a report costs no query for it."""
    if IP_HASH_KEY not in request.environ:  # once a request: the limit and the report share it
        request.environ[IP_HASH_KEY] = once_more_if_connection_lost(_hash_sender_ip, "hashing a sender's IP")
    return request.environ[IP_HASH_KEY]


def _hash_sender_ip() -> str:
    known = current_app.extensions.setdefault(KNOWN_DAY_KEY, KnownDayKey())
    now = utcnow()
    if (key := known.get(now.date())) is not None:  # the usual request: no transaction to open
        return hash_ip_with_key(request.remote_addr, key, current_app.config["SECRET_KEY"])
    try:
        with unit_of_work(db.session):
            return hash_ip(db.session, request.remote_addr, known=known, secret_key=current_app.config["SECRET_KEY"],
                           now=now)
    except BaseException:
        known.forget()  # a key made in the transaction that failed was never stored
        raise


def _status_url(public_id: str) -> str:
    return public_url_for("api.correction_status", public_id=public_id)


def _status_page(public_id: str) -> str:
    return public_url_for("pages.correction_status_page", public_id=public_id)


@bp.post("/corrections")
@limiter.limit(_corrections_limit, key_func=sender_ip_hash, methods=["POST"])
def create_correction():
    """A reader's report from the widget (or anyone with curl)."""
    data = json_body()
    ip_hash = sender_ip_hash()
    try:
        # The idempotency key makes a second try safe after a dropped connection: it stores the
        # report, or finds it if the first commit did land after all.
        submission, body = once_more_if_connection_lost(lambda: _store_report(data, ip_hash), "storing a report")
    except InvalidCorrection as exc:
        return error_response(400, gettext("Some fields are missing or invalid."), fields=exc.fields(TRANSLATOR))
    except ArticleNotFound:
        return error_response(404, gettext("We do not know this article. Check the article URL, or write to the "
                                           "newsroom directly."))
    except OriginNotAllowed as exc:
        return _refuse_origin(exc)
    except IdempotencyKeyReused as exc:
        return error_response(422, exc.message(TRANSLATOR), code="idempotency_key_reused")
    response = jsonify(body)
    response.status_code = 201 if submission.created else 200
    response.headers["Location"] = body["status_url"]
    return response


def _store_report(data: dict, ip_hash: str):
    # On a viral article the reports wait on each other from the lock on its groups to this commit:
    # nothing else is done in between (the report's jobs are written by its own statement).
    with unit_of_work(db.session) as work:
        submission = submit_correction(db.session, data, origin=_origin(), own_origins=_own_origins(),
                                       ip_hash=ip_hash, now=utcnow(), wanted=work.wants)
        work.hand_out(submission.outbox_ids)  # none for a decoy (the honeypot was filled): it tells nobody
    g.origin_allowed = True  # the article's site allows it: no need to ask every site again
    # Described as stored, before the jobs (a re-fetch may anchor it a moment later). A decoy is
    # described the same way: bots learn nothing.
    body = {"id": submission.public_id, "status": public_state(submission.status).value,
            "status_url": _status_url(submission.public_id),
            "status_page": _status_page(submission.public_id), "anchored": submission.anchored}
    return submission, body


@bp.get("/corrections/<public_id>")
def correction_status(public_id: str):
    """The status behind the reader's link: no personal data."""
    correction = get_by_public_id(db.session, public_id)
    if correction is None:
        return error_response(404, "There is no report with this id.")
    use_page_language(correction.language)  # the language the reader wrote in
    return jsonify(public_status(correction, TRANSLATOR))


@bp.get("/widget-config")
def widget_config():
    """What the widget needs on a page: the body selector, boxes to skip, the site's language."""
    url = request.args.get("url", "")
    origin = _origin()
    article = None
    site: Site | None
    try:
        article = find_article(db.session, url, origin, _own_origins())
        site = article.site
    except OriginNotAllowed as exc:
        return _refuse_origin(exc)
    except ArticleNotFound:
        site = site_for_origin(db.session, origin) if origin else None
    if site is None:
        g.readable_refusal = True  # the widget shows it; it says nothing about any site
        return error_response(404, gettext("readerdesk does not know this page's site."))
    # The notice under the form, in the page's language (else the site's), as the widget picks its own.
    use_page_language(pick_language(request.args.get("lang"), site.language))
    notice = report_notice(site, retention_settings(), TRANSLATOR, default_policy_url=data_page_url(site))
    response = jsonify(site=site.name, body_selector=site.body_selector, exclude_selectors=site.exclude_selectors,
                       parts=site.parts or {}, language=site.language, article_known=article is not None,
                       privacy={"notice": notice.text, "policy_url": notice.policy_url,
                                "policy_label": notice.policy_label})
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
