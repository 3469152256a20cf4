import pytest

from readerdesk.services.articles.sites import SiteError, create_site, hash_token, site_for_token


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
