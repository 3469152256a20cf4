"""Changing a post through the WordPress REST API, as a user with an application password.

Reads ``/wp-json/wp/v2/posts/<id>?context=edit`` (the raw content and ``modified_gmt``) and writes
with ``POST /wp-json/wp/v2/posts/<id>``. WordPress itself has no conditional update, so the write is
made conditional twice: the post is read again right before writing and the write is refused when
its ``modified_gmt`` moved, and the request carries ``If-Unmodified-Since`` for a server (or a proxy
plugin) that honours it, answering 412. WordPress keeps a revision of every update, so an edit can
be undone there.
"""

from __future__ import annotations

from datetime import UTC, datetime

import requests

from readerdesk.models import ArticleRevision, Site
from readerdesk.models.types import DbSession
from readerdesk.services.articles.cms import CmsConflict, CmsError, RawDocument
from readerdesk.services.articles.credentials import WordPressCredentials
from readerdesk.services.articles.wordpress import SyncReport, posts_endpoint, store_post
from readerdesk.text.languages import N_
from readerdesk.text.translatable import Phrase

MAX_RESPONSE_BYTES = 10 * 1024 * 1024


class WordPressConnector:
    """services.articles.cms.CmsConnector for one WordPress site."""

    def __init__(self, site: Site, credentials: WordPressCredentials, *, http: requests.Session, timeout: float):
        if not site.connector_url:
            raise CmsError(N_("The site %(site)s has no WordPress URL: set it at the site's settings."), site=site.name)
        self.site, self.credentials, self.http, self.timeout = site, credentials, http, timeout
        self.base_url = site.connector_url.rstrip("/")

    def _post_url(self, external_id: str) -> str:
        if not external_id.startswith("wp:") or not external_id[3:].isdigit():
            raise CmsError(N_("This article did not come from WordPress (it has no post id), so readerdesk "
                              "cannot change it there."))
        return f"{posts_endpoint(self.base_url)}/{external_id[3:]}"

    def _request(self, method: str, url: str, external_id: str, **kwargs) -> dict:
        auth = (self.credentials.user, self.credentials.application_password)
        try:
            response = self.http.request(method, url, auth=auth, timeout=self.timeout, allow_redirects=False,
                                         **kwargs)
        except requests.exceptions.Timeout:
            raise CmsError(N_("WordPress at %(url)s did not answer within %(seconds)s seconds. Nothing was changed; "
                              "try again later."), url=self.base_url, seconds=f"{self.timeout:g}") from None
        except (requests.exceptions.RequestException, RuntimeError) as exc:
            # RuntimeError: the outbound guard refusing a non-public address says why in one line.
            reason = str(exc) if isinstance(exc, RuntimeError) and str(exc) else Phrase(N_("the connection failed"))
            raise CmsError(N_("WordPress at %(url)s cannot be reached (%(reason)s). Nothing was changed."),
                           url=self.base_url, reason=reason) from None
        status = response.status_code
        user = self.credentials.user
        if status == 401:
            raise CmsError(N_("WordPress refused the user name or application password of “%(user)s”. Set them "
                              "again at the site's settings (an application password is revoked when the user's "
                              "password is reset)."), user=user)
        if status == 403:
            raise CmsError(N_("The WordPress user “%(user)s” may not edit this post. Give them the Editor role "
                              "(or Author, for their own posts only)."), user=user)
        if status == 404 or status == 410:
            raise CmsError(N_("The post %(post)s no longer exists in WordPress (deleted or moved to the trash). "
                              "Nothing was changed."), post=external_id)
        if status == 412:
            raise CmsConflict(N_("The post was changed in WordPress since your preview. Nothing was written."))
        if status >= 300:
            raise CmsError(N_("WordPress at %(url)s answered HTTP %(status)s. Nothing was changed."), url=self.base_url,
                           status=status)
        if len(response.content) > MAX_RESPONSE_BYTES:
            raise CmsError(N_("WordPress at %(url)s answered with more than 10 MB."), url=self.base_url)
        try:
            post = response.json()
        except ValueError:
            post = None
        if not isinstance(post, dict) or not isinstance(post.get("content"), dict):
            raise CmsError(N_("%(url)s did not answer like WordPress (no post content). Is the site's WordPress "
                              "URL right?"), url=url)
        return post

    def _document(self, external_id: str, post: dict) -> RawDocument:
        raw = post["content"].get("raw")
        if not isinstance(raw, str):
            raise CmsError(N_("WordPress did not send the raw content of %(post)s: the user “%(user)s” may not "
                              "edit it."), post=external_id, user=self.credentials.user)
        post_id = external_id[3:]
        return RawDocument(external_id=external_id, raw=raw, modified=str(post.get("modified_gmt") or ""),
                           edit_url=f"{self.base_url}/wp-admin/post.php?post={post_id}&action=edit",
                           payload=post)

    def fetch_raw(self, external_id: str) -> RawDocument:
        post = self._request("GET", self._post_url(external_id), external_id, params={"context": "edit"})
        return self._document(external_id, post)

    def write_raw(self, document: RawDocument, raw: str) -> RawDocument:
        current = self.fetch_raw(document.external_id)
        if current.version != document.version:
            raise CmsConflict(N_("The post was changed in WordPress since your preview (it was modified at "
                                 "%(when)s UTC). Nothing was written."), when=current.modified)
        headers = {"If-Unmodified-Since": _http_date(document.modified)}
        post = self._request("POST", self._post_url(document.external_id), document.external_id,
                             params={"context": "edit"}, json={"content": raw}, headers=headers)
        return self._document(document.external_id, post)

    def store(self, session: DbSession, document: RawDocument, *, now: datetime) -> ArticleRevision | None:
        report = SyncReport()
        result = store_post(session, self.site, document.payload, now=now, report=report)
        if report.skipped:
            raise CmsError(N_("The post was read but cannot be stored: %(why)s."), why=report.skipped[0])
        return result.revision if result is not None else None


def _http_date(modified_gmt: str) -> str:
    try:
        when = datetime.fromisoformat(modified_gmt).replace(tzinfo=UTC)
    except ValueError:
        return ""
    return when.strftime("%a, %d %b %Y %H:%M:%S GMT")
