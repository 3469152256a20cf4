"""The flask commands, run as an admin would run them."""


import pytest

from readerdesk.models import Site
from tests.cli.shared import NEWS_PAGE, add_site, count


def test_sites_add_prints_the_token_once_and_list_shows_the_site(runner, db_session):
    result = add_site(runner, "news", "--exclude", ".ad", "--allow-origin", "https://www.example-news.test")
    token = result.output.split("API token (shown once, store it in your CMS): ")[1].strip()
    assert token.startswith("rdk_")
    listing = runner.invoke(args=["sites", "list"])
    assert "news\thttps://example-news.test/" in listing.output
    assert token not in listing.output
    assert "https://www.example-news.test" in listing.output


@pytest.mark.parametrize("args, message", [
    (["--base-url", "nope", "--body-selector", "article"], "absolute http"),
    (["--base-url", "https://a.example", "--body-selector", "div["], "invalid CSS selector"),
    (["--base-url", "https://a.example", "--body-selector", "article", "--part", "footer=footer"], "unknown part"),
])
def test_sites_add_bad_input_is_one_line_and_exit_1(runner, db_session, args, message):
    result = runner.invoke(args=["sites", "add", "x", *args])
    assert result.exit_code == 1
    assert message in result.output and result.output.count("\n") == 1
    assert count(db_session, Site) == 0


def test_sites_add_takes_reportable_parts(runner, db_session):
    add_site(runner, "news", "--part", "headline=h1", "--part", "caption=figure figcaption")
    assert db_session.query(Site).one().parts == {"headline": "h1", "caption": "figure figcaption"}


def test_a_site_must_be_named_when_there_are_several(runner, db_session):
    add_site(runner, "one")
    add_site(runner, "two")
    result = runner.invoke(args=["articles", "import", str(NEWS_PAGE)])
    assert result.exit_code == 1 and "--site" in result.output
    unknown = runner.invoke(args=["articles", "import", str(NEWS_PAGE), "--site", "three"])
    assert unknown.exit_code == 1 and "no site named 'three'" in unknown.output
