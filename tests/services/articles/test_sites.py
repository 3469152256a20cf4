import pytest

from readerdesk.services.articles.sites import (
    PartsInvalid,
    SiteError,
    SiteNotFound,
    create_site,
    find_site,
    hash_token,
    parse_parts,
    site_for_origin,
    site_for_token,
    update_site,
)
from tests.factories import make_site


def test_create_site_stores_only_the_tokens_hash(db_session):
    created = create_site(db_session, "Kyiv-Daily", base_url="https://kyiv.example/", body_selector="article .body",
                          exclude_selectors=[".ad"], allowed_origins=["https://www.kyiv.example/path"])
    site = created.site
    assert site.name == "kyiv-daily"
    assert created.api_token not in site.api_token_hash
    assert site.api_token_hash == hash_token(created.api_token)
    assert site.allowed_origins == ["https://kyiv.example", "https://www.kyiv.example"]


def test_a_token_only_opens_its_own_site(db_session):
    a = create_site(db_session, "a", base_url="https://a.example", body_selector="article")
    create_site(db_session, "b", base_url="https://b.example", body_selector="article")
    assert site_for_token(db_session, "a", a.api_token).name == "a"
    assert site_for_token(db_session, "b", a.api_token) is None
    assert site_for_token(db_session, "a", "rdk_wrong") is None
    assert site_for_token(db_session, "a", "") is None


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "Bad Name!"}, "lower-case"),
    ({"base_url": "news.example"}, "absolute http"),
    ({"body_selector": "div["}, "invalid CSS selector"),
    ({"exclude_selectors": ["  "]}, "cannot be empty"),
    ({"allowed_origins": ["ftp://x"]}, "absolute http"),
    ({"currency": "euro"}, "ISO 4217"),
])
def test_bad_site_settings_are_refused(db_session, kwargs, message):
    args = {"name": "ok", "base_url": "https://ok.example", "body_selector": "article", **kwargs}
    with pytest.raises(SiteError, match=message):
        create_site(db_session, args.pop("name"), **args)


def test_site_names_are_unique(db_session):
    create_site(db_session, "dup", base_url="https://a.example", body_selector="article")
    with pytest.raises(SiteError, match="exists already"):
        create_site(db_session, "DUP", base_url="https://b.example", body_selector="article")


def test_a_named_site_is_that_site_or_none_other(db_session):
    make_site(db_session, "first")
    second = make_site(db_session, "second")
    assert find_site(db_session, " Second ") == second
    with pytest.raises(SiteNotFound, match="no site named 'third'"):
        find_site(db_session, "third")


def test_without_a_name_the_only_site_then_the_first_created(db_session):
    with pytest.raises(SiteNotFound, match="no site yet"):
        find_site(db_session)
    only = make_site(db_session, "zeta")
    assert find_site(db_session) == find_site(db_session, guess=False) == only
    make_site(db_session, "alpha")  # first by name, created second
    assert find_site(db_session) == only
    assert find_site(db_session, "") == only


def test_a_caller_that_must_not_guess_is_asked_for_a_name(db_session):
    make_site(db_session, "one")
    make_site(db_session, "two")
    with pytest.raises(SiteNotFound, match="name one with --site"):
        find_site(db_session, guess=False)
    assert find_site(db_session, "two", guess=False).name == "two"


def test_a_page_origin_belongs_to_the_first_site_that_allows_it(db_session):
    a = make_site(db_session, "a", base_url="https://a.example", allowed_origins=["https://shared.example"])
    make_site(db_session, "b", base_url="https://b.example", allowed_origins=["https://shared.example"])
    assert site_for_origin(db_session, "https://SHARED.example/") == a
    assert site_for_origin(db_session, "https://b.example").name == "b"
    assert site_for_origin(db_session, "null") is None


def test_reportable_parts_are_name_equals_css_lines(db_session):
    assert parse_parts(["headline=h1", "", " caption = figure figcaption "]) == {
        "headline": "h1", "caption": "figure figcaption"}
    site = create_site(db_session, "parts", base_url="https://p.example", body_selector="article",
                       parts={"standfirst": ".lede"}).site
    assert site.parts == {"standfirst": ".lede"}
    update_site(site, allowed_origins=[], exclude_selectors=[], connector=None, connector_url=None, privacy_url="",
                parts={"headline": "h1"})
    assert site.parts == {"headline": "h1"}


@pytest.mark.parametrize("lines, message", [
    (["headline"], "NAME=CSS"),
    (["footer=footer"], "unknown part 'footer'"),
    (["body=article"], "unknown part 'body'"),
    (["caption=figure["], "caption: invalid CSS selector"),
])
def test_a_bad_part_is_refused_and_changes_nothing(db_session, lines, message):
    site = create_site(db_session, "parts", base_url="https://p.example", body_selector="article",
                       parts={"headline": "h1"}).site
    with pytest.raises(PartsInvalid, match=message):
        update_site(site, allowed_origins=["https://other.example"], exclude_selectors=[], connector=None,
                    connector_url=None, privacy_url="", parts=parse_parts(lines))
    assert site.parts == {"headline": "h1"} and site.allowed_origins == ["https://p.example"]
