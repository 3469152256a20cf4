"""A fake WordPress REST API (/wp-json/wp/v2/posts) serving realistic JSON from tests/fixtures/wordpress."""

from __future__ import annotations

import json
import math
from pathlib import Path

from tests.fakes.http import LocalServer

FIXTURES = Path(__file__).parent.parent / "fixtures" / "wordpress"


def load_posts() -> list[dict]:
    posts = []
    for name in ("posts_page1.json", "posts_page2.json"):
        posts.extend(json.loads((FIXTURES / name).read_text(encoding="utf-8")))
    return posts


class FakeWordPress(LocalServer):
    """Behaves like WordPress for the parameters readerdesk sends: per_page, page, modified_after,
    orderby=modified, order; X-WP-Total and X-WP-TotalPages headers; 400 past the last page."""

    def __init__(self, posts: list[dict] | None = None):
        self.posts = posts if posts is not None else load_posts()
        super().__init__(self.answer)

    def answer(self, method, path, query, body, headers):
        if path != "/wp-json/wp/v2/posts":
            return 404, {"Content-Type": "application/json"}, b'{"code":"rest_no_route","message":"No route was found"}'
        per_page = int(query.get("per_page", ["10"])[0])
        page = int(query.get("page", ["1"])[0])
        posts = self.posts
        if "modified_after" in query:
            after = query["modified_after"][0]
            posts = [p for p in posts if p["modified_gmt"] > after]
        posts = sorted(posts, key=lambda p: p["modified_gmt"], reverse=query.get("order", ["desc"])[0] == "desc")
        total_pages = max(1, math.ceil(len(posts) / per_page))
        if page > total_pages:
            error = {"code": "rest_post_invalid_page_number", "message": "The page number requested is larger "
                     "than the number of pages available.", "data": {"status": 400}}
            return 400, {"Content-Type": "application/json"}, json.dumps(error).encode()
        chunk = posts[(page - 1) * per_page: page * per_page]
        return 200, {
            "Content-Type": "application/json; charset=UTF-8",
            "X-WP-Total": str(len(posts)),
            "X-WP-TotalPages": str(total_pages),
        }, json.dumps(chunk).encode()
