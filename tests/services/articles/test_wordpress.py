"""Reading a WordPress post's byline and section from what ``_embed`` puts in it."""

from ipaddress import ip_network

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import Article
from readerdesk.services.articles.wordpress import SyncReport, byline_of, iter_posts, store_post
from readerdesk.services.outbound import new_http_session
from tests.factories import make_site


def term(term_id, name, slug=None, taxonomy="category"):
    return {"id": term_id, "name": name, "slug": slug or name.lower(), "taxonomy": taxonomy}


def test_author_names_and_the_posts_first_category_are_the_byline_and_section():
    post = {"categories": [12, 5], "_embedded": {
        "author": [{"id": 3, "name": "  Olena   Koval "}, {"id": 4, "name": "Bo Chen"},
                   {"id": 3, "name": "Olena Koval"}],
        "wp:term": [[term(5, "Culture"), term(12, "News &amp; Politics")], [term(8, "bridges", taxonomy="post_tag")]],
    }}
    assert byline_of(post) == (["Olena Koval", "Bo Chen"], "News & Politics")


def test_uncategorized_tags_hidden_users_and_missing_embeds_give_nothing():
    hidden = {"code": "rest_user_invalid_id", "message": "Invalid user ID.", "data": {"status": 404}}
    terms = [[term(1, "Uncategorized")], [term(8, "Sport", taxonomy="post_tag")]]
    post = {"categories": [1], "_embedded": {"author": [hidden], "wp:term": terms}}
    assert byline_of(post) == ([], None)
    assert byline_of({"id": 1}) == ([], None)
    assert byline_of({"_embedded": "nonsense", "categories": "x"}) == ([], None)
    assert byline_of({"_embedded": {"author": [None, 3, {"name": 5}], "wp:term": [None, [7]]}}) == ([], None)


def test_names_longer_than_the_columns_are_cut():
    post = {"_embedded": {"author": [{"name": "A" * 300}], "wp:term": [[term(2, "S" * 150)]]}}
    authors, section = byline_of(post)
    assert len(authors[0]) == 200 and len(section) == 100


def test_a_real_wordpress_sync_brings_the_author_and_the_category(real_wordpress, db_session):
    """Against WordPress itself (tests/real_wordpress.py): what ``_embed=author,wp:term`` really returns."""
    user = real_wordpress.rest("GET", "users/me", params={"context": "edit"})
    real_wordpress.rest("POST", f"users/{user['id']}", json={"name": "Olena Koval"})
    politics = real_wordpress.rest("POST", "categories", json={"name": "Politics & Power"})
    post = real_wordpress.rest("POST", "posts", json={"title": "Council votes", "content": "<p>The council voted.</p>",
                                                      "status": "publish", "categories": [politics["id"]]})
    site = make_site(db_session, base_url=real_wordpress.url)
    http = new_http_session("readerdesk-test", [ip_network("127.0.0.0/8")])
    report = SyncReport()
    for item in iter_posts(http, real_wordpress.url, since=None, timeout=30, max_article_bytes=1_000_000):
        store_post(db_session, site, item, now=utcnow(), report=report)
    assert not report.skipped
    article = db_session.scalar(select(Article).where(Article.site_id == site.id,
                                                      Article.external_id == f"wp:{post['id']}"))
    assert (article.authors, article.section) == (["Olena Koval"], "Politics & Power")
