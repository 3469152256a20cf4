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


def test_set_wordpress_reads_the_password_from_stdin_and_stores_it_sealed(app, runner, db_session):
    from readerdesk.services.articles.credentials import wordpress_credentials

    add_site(runner, "news")
    result = runner.invoke(args=["sites", "set-wordpress", "news", "--user", "desk", "--application-password",
                                 "--url", "https://wp.example-news.test"], input="abcd efgh ijkl mnop\n")
    assert result.exit_code == 0, result.output
    assert "abcd" not in result.output and "stored encrypted and not shown again" in result.output
    site = db_session.query(Site).filter_by(name="news").one()
    assert (site.connector, site.connector_url, site.wordpress_user) == ("wordpress", "https://wp.example-news.test/",
                                                                         "desk")
    assert "abcd" not in site.wordpress_secret
    assert wordpress_credentials(site, secret_key=app.config["SECRET_KEY"]).application_password == \
        "abcd efgh ijkl mnop"
    assert "abcd" not in runner.invoke(args=["sites", "list"]).output


@pytest.mark.parametrize("args, stdin, message", [
    (["nosuch", "--user", "desk", "--application-password"], "pw\n", "no site named 'nosuch'"),
    (["news", "--user", "desk", "--application-password"], "pw\n", "has no WordPress connector: give its address"),
    (["news", "--user", "desk", "--application-password", "--url", "https://wp.example"], "\n",
     "give the application password"),
    (["news", "--user", "desk"], "pw\n", "Missing option '--application-password'"),
])
def test_set_wordpress_bad_input_is_one_line_and_exit_1(runner, db_session, args, stdin, message):
    add_site(runner, "news")
    result = runner.invoke(args=["sites", "set-wordpress", *args], input=stdin)
    assert result.exit_code != 0 and message in result.output
    assert db_session.query(Site).filter_by(name="news").one().wordpress_secret is None
