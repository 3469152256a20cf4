"""What the command-line tests share: the fixture pages, a row counter, and a site added through the CLI."""

from pathlib import Path

from sqlalchemy import func, select

FIXTURES = Path(__file__).parents[1] / "fixtures"
NEWS_PAGE = FIXTURES / "news_page.html"
WORDPRESS_SITE = "https://wp-example.test"  # where the fake WordPress's fixture posts link to
BOX_OPTIONS = ["--exclude", ".related-posts", "--exclude", ".donation-appeal", "--exclude", ".adblock-notice",
               "--exclude", ".share-buttons"]


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def add_site(runner, name="news", *extra, base_url="https://example-news.test"):
    result = runner.invoke(args=["sites", "add", name, "--base-url", base_url,
                                 "--body-selector", "article.entry-content", *extra])
    assert result.exit_code == 0, result.output
    return result
