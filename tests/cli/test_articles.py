"""The flask commands, run as an admin would run them."""

from ipaddress import ip_network

import pytest
from sqlalchemy import select

from readerdesk.models import Article, ArticleRevision
from readerdesk.services.articles.sites import create_site
from tests.cli.shared import BOX_OPTIONS, NEWS_PAGE, WORDPRESS_SITE, add_site, count
from tests.fakes.http import LocalServer
from tests.fakes.wordpress import FakeWordPress, load_posts

# The fake servers listen on 127.0.0.1, which outbound fetches refuse unless allowed.
pytestmark = pytest.mark.app_config(ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")])


def test_importing_a_saved_news_page_stores_only_the_articles_own_text(runner, db_session):
    add_site(runner, "news", *BOX_OPTIONS)
    result = runner.invoke(args=["articles", "import", str(NEWS_PAGE), "--site", "news"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("created: https://example-news.test/2026/11/metro-line-extension/")
    revision = db_session.scalars(select(ArticleRevision)).one()
    for marker in ("RELATED-MARKER", "DONATION-MARKER", "ADBLOCK-MARKER", "SCRIPT-MARKER", "SHARE-MARKER"):
        assert marker not in revision.text and marker not in revision.html
    assert "The extension adds four stations between Riverside and the airport." in revision.text
    assert "<iframe" not in revision.html and "<script" not in revision.html
    # The canonical URL lost its tracking parameter.
    assert db_session.scalars(select(Article)).one().url == "https://example-news.test/2026/11/metro-line-extension/"


def test_importing_the_same_page_again_adds_no_revision(runner, db_session):
    add_site(runner, "news", *BOX_OPTIONS)
    runner.invoke(args=["articles", "import", str(NEWS_PAGE)])
    again = runner.invoke(args=["articles", "import", str(NEWS_PAGE)])
    assert again.exit_code == 0 and again.output.startswith("unchanged:")
    assert count(db_session, ArticleRevision) == 1


def test_import_from_a_url_and_extra_exclusions_on_the_command_line(runner, db_session):
    add_site(runner, "news")
    page = NEWS_PAGE.read_bytes()
    with LocalServer(lambda *a: (200, {"Content-Type": "text/html; charset=utf-8"}, page)) as server:
        result = runner.invoke(args=["articles", "import", f"{server.url}/metro", *BOX_OPTIONS])
    assert result.exit_code == 0, result.output
    assert "RELATED-MARKER" not in db_session.scalars(select(ArticleRevision)).one().text


@pytest.mark.parametrize("setup, source_args, message", [
    ("missing", ["/nonexistent/page.html"], "no such file"),
    ("binary", [], "not an HTML file"),
    ("json", [], "not HTML"),
    ("page", ["--selector", ".nothing-here"], "matches nothing"),
    ("empty", [], "empty after extraction"),
])
def test_import_errors_are_one_line_exit_1_and_write_nothing(runner, db_session, tmp_path, setup, source_args, message):
    add_site(runner, "news")
    files = {
        "binary": b"\x89PNG\r\n\x1a\n\xff\xfe\x00",
        "json": b'{"title": "not a page"}',
        "page": NEWS_PAGE.read_bytes(),
        "empty": b"<html><body><article class='entry-content'><script>x()</script></article></body></html>",
    }
    args = source_args
    if setup in files:
        path = tmp_path / "page.html"
        path.write_bytes(files[setup])
        args = [str(path), *source_args]
    result = runner.invoke(args=["articles", "import", *args])
    assert result.exit_code == 1
    assert message in result.output
    assert result.output.strip().count("\n") == 0
    assert count(db_session, Article) == 0


def test_import_from_unreachable_or_non_html_urls(runner, db_session):
    add_site(runner, "news")
    unreachable = runner.invoke(args=["articles", "import", "http://127.0.0.1:9/nothing"])
    assert unreachable.exit_code == 1 and "cannot reach" in unreachable.output
    with LocalServer(lambda *a: (200, {"Content-Type": "application/pdf"}, b"%PDF")) as server:
        pdf = runner.invoke(args=["articles", "import", f"{server.url}/file.pdf"])
    assert pdf.exit_code == 1 and "not an HTML page" in pdf.output
    with LocalServer(lambda *a: (404, {"Content-Type": "text/html"}, b"gone")) as server:
        missing = runner.invoke(args=["articles", "import", f"{server.url}/gone"])
    assert missing.exit_code == 1 and "HTTP 404" in missing.output
    assert count(db_session, Article) == 0


def test_sync_wordpress_pulls_every_page_and_drops_plugin_boxes(runner, db_session):
    add_site(runner, "wp", base_url=WORDPRESS_SITE)
    with FakeWordPress() as wordpress:
        result = runner.invoke(args=["articles", "sync-wordpress", wordpress.url, "--per-page", "2"])
        assert result.exit_code == 0, result.output
        assert "5 created, 0 updated, 0 unchanged, 0 skipped" in result.output
        pages = [int(q["page"][0]) for _, _, q, _, _ in wordpress.requests]
    assert pages == [1, 2, 3]
    articles = db_session.scalars(select(Article).order_by(Article.external_id)).all()
    assert {a.external_id for a in articles} == {"wp:4786", "wp:4790", "wp:4799", "wp:4807", "wp:4812"}
    gritting = next(a for a in articles if a.external_id == "wp:4812")
    assert gritting.title == "Council’s winter gritting plan extended to cycle paths"
    assert gritting.url == "https://wp-example.test/2026/11/winter-gritting-plan-cycle-paths/"
    for article in articles:
        assert "Share this" not in article.current_revision.text
        assert "Related" not in article.current_revision.text


def test_sync_wordpress_imports_each_posts_author_and_category_as_byline_and_section(runner, db_session):
    add_site(runner, "wp", base_url=WORDPRESS_SITE)
    with FakeWordPress() as wordpress:
        wordpress.hidden_authors.add(7)  # a plugin hides this user: embedded as an error
        assert runner.invoke(args=["articles", "sync-wordpress", wordpress.url]).exit_code == 0
        assert wordpress.embed_requests and set(wordpress.embed_requests) == {"author,wp:term"}
    byline = {a.external_id: (a.authors, a.section) for a in db_session.scalars(select(Article))}
    assert byline == {
        "wp:4812": (["Marta Hryhorenko"], "Transport"),
        # categories [4, 7]: the post's first, not the first by name; "&amp;" read as "&"
        "wp:4807": (["Taras Bondar"], "Transport"),
        "wp:4799": (["Marta Hryhorenko"], "Environment"),
        "wp:4790": ([], "Education"),
        "wp:4786": (["Taras Bondar"], "Transport"),
    }


def test_sync_wordpress_is_incremental_with_modified_after(runner, db_session):
    add_site(runner, "wp", base_url=WORDPRESS_SITE)
    with FakeWordPress() as wordpress:
        runner.invoke(args=["articles", "sync-wordpress", wordpress.url])
        # The post is edited on WordPress; the next run asks only for what changed since the last one.
        edited = next(p for p in wordpress.posts if p["id"] == 4799)
        edited["modified_gmt"] = "2026-11-26T10:00:00"
        edited["content"]["rendered"] += "<p>Update: the council answered on Thursday.</p>"
        result = runner.invoke(args=["articles", "sync-wordpress", wordpress.url])
        second_query = wordpress.requests[-1][2]
    assert result.exit_code == 0, result.output
    assert second_query["modified_after"] == ["2026-11-25T09:02:11"]
    assert "0 created, 1 updated, 0 unchanged" in result.output
    article = db_session.scalar(select(Article).where(Article.external_id == "wp:4799"))
    assert [r.number for r in article.revisions] == [1, 2]


def test_sync_wordpress_since_option_and_errors(runner, db_session):
    add_site(runner, "wp", base_url=WORDPRESS_SITE)
    with FakeWordPress() as wordpress:
        result = runner.invoke(args=["articles", "sync-wordpress", wordpress.url, "--since", "2026-11-20"])
        assert "2 created" in result.output
        bad_date = runner.invoke(args=["articles", "sync-wordpress", wordpress.url, "--since", "last week"])
        assert bad_date.exit_code == 1 and "--since must be a date" in bad_date.output
    with LocalServer(lambda *a: (200, {"Content-Type": "text/html"}, b"<html>not wp</html>")) as server:
        not_wp = runner.invoke(args=["articles", "sync-wordpress", server.url])
    assert not_wp.exit_code == 1 and "did not answer with JSON" in not_wp.output
    unreachable = runner.invoke(args=["articles", "sync-wordpress", "http://127.0.0.1:9"])
    assert unreachable.exit_code == 1 and "cannot reach" in unreachable.output


def test_sync_wordpress_takes_a_fifty_thousand_character_post_and_skips_one_over_the_limit(runner, db_session,
                                                                                         app):
    add_site(runner, "wp", base_url=WORDPRESS_SITE)
    posts = load_posts()
    sentence = "Міська рада ухвалила бюджет на наступний рік після восьмигодинного засідання. "
    posts[0]["content"]["rendered"] = "".join(f"<p>{sentence * 8}{n}</p>" for n in range(80))  # ~52,000 chars
    app.config["MAX_ARTICLE_BYTES"] = 150_000
    posts[1]["content"]["rendered"] = f"<p>{sentence * 1200}</p>"  # ~170,000 bytes in UTF-8
    with FakeWordPress(posts) as wordpress:
        result = runner.invoke(args=["articles", "sync-wordpress", wordpress.url])
    assert result.exit_code == 0, result.output
    assert "4 created, 0 updated, 0 unchanged, 1 skipped" in result.output
    assert f"post {posts[1]['id']}: " in result.output and "larger than MAX_ARTICLE_BYTES (150,000)" in result.output
    big = db_session.scalar(select(Article).where(Article.external_id == f"wp:{posts[0]['id']}"))
    assert len(big.current_revision.text) > 50_000


@pytest.mark.app_config(ALLOWED_FETCH_NETWORKS=[])  # as in production: the listener is not reachable
def test_importing_from_a_loopback_url_is_refused(runner, db_session, listener):
    create_site(db_session, "courier", base_url=listener.url, body_selector="article")
    db_session.commit()
    result = runner.invoke(args=["articles", "import", listener.url + "/story"])
    assert result.exit_code == 1 and "non-public address" in result.output
    assert listener.requests == []


@pytest.mark.app_config(ALLOWED_FETCH_NETWORKS=[])  # as in production: the listener is not reachable
def test_a_wordpress_sync_against_a_private_address_is_refused(runner, db_session, listener):
    create_site(db_session, "courier", base_url=listener.url, body_selector="article")
    db_session.commit()
    result = runner.invoke(args=["articles", "sync-wordpress", listener.url])
    assert result.exit_code == 1 and "non-public address" in result.output
    assert listener.requests == []
