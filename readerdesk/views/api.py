"""The JSON API under /api/v1. No cookies, no CSRF: callers authenticate by token or are anonymous."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from readerdesk.clock import utcnow
from readerdesk.extensions import csrf, db
from readerdesk.extraction import parse_datetime
from readerdesk.services.articles import IngestError, ingest_article
from readerdesk.services.sites import site_for_token
from readerdesk.views.errors import error_response

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


def json_body() -> dict:
    """The request's JSON object, or a 4xx error response raised as an exception."""
    if not request.is_json:
        raise ApiError(415, "Send JSON with Content-Type: application/json.")
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "The body is not a JSON object.")
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
    if errors:
        return error_response(400, "Some fields are missing or invalid.", fields=errors)
    try:
        result = ingest_article(
            db.session, site, url=data["url"], title=data["title"], html=data["html"], now=utcnow(),
            modified_at=modified, published_at=published,
            external_id=str(external_id) if external_id is not None else None,
        )
    except IngestError as exc:
        db.session.rollback()
        return error_response(400, str(exc))
    db.session.commit()
    article = result.article
    return jsonify(
        id=article.id, url=article.url, revision=article.current_revision.number,
        changed=result.changed, created=result.created,
    ), (201 if result.created else 200)
