"""A fake WordPress REST API (/wp-json/wp/v2/posts) serving realistic JSON from tests/fixtures/wordpress.

Besides the public list readerdesk syncs from, it keeps editable posts the way WordPress does: raw
content (what the editor typed, Gutenberg block comments included) rendered on the fly, a
``modified_gmt`` that moves on every update, and a revision per update. ``context=edit`` and every
write need HTTP basic auth with a user's application password and the right to edit; a write whose
``If-Unmodified-Since`` is older than the post's ``modified_gmt`` is refused with 412, as a
stricter WordPress would.
"""

from __future__ import annotations

import base64
import json
import math
import re
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path

from tests.fakes.http import LocalServer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "wordpress"
JSON = {"Content-Type": "application/json; charset=UTF-8"}
_BLOCK_COMMENT_RE = re.compile(r"<!-- /?wp:[^>]*-->\n?")
_POST_RE = re.compile(r"^/wp-json/wp/v2/posts/(\d+)(/revisions)?$")


AUTHORS = {3: "Marta Hryhorenko", 5: "Taras Bondar", 7: "Ivan Petrenko"}
CATEGORIES = {1: ("Uncategorized", "uncategorized"), 4: ("Transport", "transport"),
              7: ("City &amp; Council", "city-council"), 9: ("Environment", "environment"),
              11: ("Education", "education")}


def load_posts() -> list[dict]:
    posts = []
    for name in ("posts_page1.json", "posts_page2.json"):
        posts.extend(json.loads((FIXTURES / name).read_text(encoding="utf-8")))
    return posts


def render(raw: str) -> str:
    """What WordPress shows for raw content, near enough: block comments gone, and for classic
    content (no <p>) wpautop's paragraphs from blank lines, with curly apostrophes."""
    html = _BLOCK_COMMENT_RE.sub("", raw)
    if "<p" not in html:
        html = "\n".join(f"<p>{part.strip()}</p>" for part in re.split(r"\n\s*\n", html) if part.strip())
    return html.replace("'", "&#8217;")


def _error(status: int, code: str, message: str) -> tuple[int, dict, bytes]:
    return status, JSON, json.dumps({"code": code, "message": message, "data": {"status": status}}).encode()


class FakeWordPress(LocalServer):
    """Behaves like WordPress for the parameters readerdesk sends: per_page, page, modified_after,
    orderby=modified, order; X-WP-Total and X-WP-TotalPages headers; 400 past the last page;
    ``_embed`` (the author as /wp/v2/users shows it, or WordPress's error for a hidden user, and the
    categories and tags as ``wp:term``); and for editable posts, context=edit, updates and revisions
    behind basic auth."""

    def __init__(self, posts: list[dict] | None = None):
        self.posts = posts if posts is not None else load_posts()
        # user name → (application password, role); "editor" may edit any post, "subscriber" none.
        self.users: dict[str, tuple[str, str]] = {}
        self.revisions: dict[int, list[dict]] = {}
        self.clock = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
        # Public names of the fixtures' authors and categories, by id (WordPress escapes "&" in term names).
        self.authors: dict[int, str] = dict(AUTHORS)
        self.categories: dict[int, tuple[str, str]] = dict(CATEGORIES)
        self.hidden_authors: set[int] = set()  # as a plugin that hides users does: embedded as an error
        self.embed_requests: list[str] = []
        super().__init__(self.answer)

    # --- what a test sets up or does as another editor -----------------------------------------

    def add_user(self, name: str, application_password: str, role: str = "editor") -> None:
        self.users[name] = (application_password, role)

    def _tick(self) -> str:
        self.clock += timedelta(seconds=1)
        return self.clock.strftime("%Y-%m-%dT%H:%M:%S")

    def add_post(self, post_id: int, raw: str, *, title: str = "A post", slug: str | None = None) -> dict:
        when = self._tick()
        post = {"id": post_id, "date_gmt": when, "modified_gmt": when, "status": "publish", "type": "post",
                "slug": slug or f"post-{post_id}", "link": f"{self.url}/{slug or f'post-{post_id}'}/",
                "title": {"raw": title, "rendered": title}, "content": {"raw": raw, "rendered": render(raw)}}
        self.posts.append(post)
        self.revisions[post_id] = []
        return post

    def edit_post(self, post_id: int, raw: str) -> dict:
        """Another editor saves the post in WordPress."""
        post = self.post(post_id)
        self.revisions[post_id].append({"id": len(self.revisions[post_id]) + 1, "parent": post_id,
                                        "modified_gmt": post["modified_gmt"], "content": dict(post["content"])})
        post["content"] = {"raw": raw, "rendered": render(raw)}
        post["modified_gmt"] = self._tick()
        return post

    def post(self, post_id: int) -> dict:
        return next(p for p in self.posts if p["id"] == post_id)

    # --- the REST API ----------------------------------------------------------------------------

    def answer(self, method, path, query, body, headers):
        if path == "/wp-json/wp/v2/posts" and method == "GET":
            return self._list(query)
        match = _POST_RE.match(path)
        if match is None:
            return _error(404, "rest_no_route", "No route was found matching the URL and request method.")
        post_id, revisions = int(match.group(1)), bool(match.group(2))
        editing = method == "POST" or revisions or query.get("context", ["view"])[0] == "edit"
        role = None
        if editing or "Authorization" in headers:
            role = self._authenticate(headers)
            if isinstance(role, tuple):
                return role
        post = next((p for p in self.posts if p["id"] == post_id), None)
        if post is None:
            return _error(404, "rest_post_invalid_id", "Invalid post ID.")
        if editing and role != "editor":
            return _error(403, "rest_cannot_edit", "Sorry, you are not allowed to edit this post.")
        if revisions:
            return 200, JSON, json.dumps(self.revisions.get(post_id, [])).encode()
        if method == "POST":
            return self._update(post, body, headers)
        return 200, JSON, json.dumps(self._embed(self._view(post, editing), query)).encode()

    def _authenticate(self, headers) -> str | tuple[int, dict, bytes]:
        auth = headers.get("Authorization", "")
        try:
            name, _, password = base64.b64decode(auth.removeprefix("Basic ")).decode().partition(":")
        except ValueError:
            name, password = "", ""
        user = self.users.get(name)
        # WordPress ignores the spaces it shows application passwords with.
        if not auth.startswith("Basic ") or user is None or password.replace(" ", "") != user[0].replace(" ", ""):
            return _error(401, "incorrect_password", "The provided password is an invalid application password.")
        return user[1]

    @staticmethod
    def _view(post: dict, editing: bool) -> dict:
        if editing:
            return post
        shown = dict(post)
        shown["content"] = {"rendered": post["content"]["rendered"], "protected": False}
        shown["title"] = {"rendered": post["title"]["rendered"]}
        return shown

    def _embed(self, post: dict, query) -> dict:
        """``_embed``: the author and the terms, as WordPress embeds them (categories by name, then tags)."""
        if "_embed" not in query:
            return post
        self.embed_requests.append(query["_embed"][0])
        author_id = post.get("author")
        author = ({"code": "rest_user_invalid_id", "message": "Invalid user ID.", "data": {"status": 404}}
                  if author_id in self.hidden_authors or author_id not in self.authors
                  else {"id": author_id, "name": self.authors[author_id], "slug": f"user-{author_id}"})
        categories = sorted(({"id": i, "name": self.categories[i][0], "slug": self.categories[i][1],
                              "taxonomy": "category"} for i in post.get("categories", []) if i in self.categories),
                            key=lambda term: term["name"])
        return {**post, "_embedded": {"author": [author], "wp:term": [categories, []]}}

    def _update(self, post: dict, body: bytes, headers) -> tuple[int, dict, bytes]:
        since = headers.get("If-Unmodified-Since")
        if since:
            modified = datetime.fromisoformat(post["modified_gmt"]).replace(tzinfo=UTC)
            if parsedate_to_datetime(since) < modified:
                return _error(412, "rest_post_modified", "The post was modified since.")
        try:
            content = json.loads(body)["content"]
        except (ValueError, KeyError, TypeError):
            return _error(400, "rest_invalid_param", "Invalid parameter(s): content")
        self.edit_post(post["id"], content if isinstance(content, str) else content.get("raw", ""))
        return 200, JSON, json.dumps(post).encode()

    def _list(self, query):
        per_page = int(query.get("per_page", ["10"])[0])
        page = int(query.get("page", ["1"])[0])
        posts = [self._embed(self._view(p, False), query) for p in self.posts]
        if "modified_after" in query:
            after = query["modified_after"][0]
            posts = [p for p in posts if p["modified_gmt"] > after]
        posts = sorted(posts, key=lambda p: p["modified_gmt"], reverse=query.get("order", ["desc"])[0] == "desc")
        total_pages = max(1, math.ceil(len(posts) / per_page))
        if page > total_pages:
            return _error(400, "rest_post_invalid_page_number", "The page number requested is larger "
                          "than the number of pages available.")
        chunk = posts[(page - 1) * per_page: page * per_page]
        return 200, {**JSON, "X-WP-Total": str(len(posts)), "X-WP-TotalPages": str(total_pages)}, \
            json.dumps(chunk).encode()
