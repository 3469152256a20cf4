import pytest

from readerdesk.text.urls import InvalidURL, normalise_origin, normalise_url


@pytest.mark.parametrize("url, expected", [
    ("HTTPS://News.Example:443/2026/11/story/?utm_source=x&id=3&fbclid=abc#comments",
     "https://news.example/2026/11/story/?id=3"),
    ("http://news.example", "http://news.example/"),
    ("http://news.example:8080/a?b=1&utm_medium=mail&b=2", "http://news.example:8080/a?b=1&b=2"),
    ("https://news.example/a?gclid=1&mc_cid=2", "https://news.example/a"),
])
def test_normalise_url_drops_fragments_tracking_and_default_ports(url, expected):
    assert normalise_url(url) == expected


@pytest.mark.parametrize("bad", ["", "news.example/story", "ftp://news.example/x", "javascript:alert(1)", "http://"])
def test_normalise_url_refuses_what_is_not_an_http_url(bad):
    with pytest.raises(InvalidURL):
        normalise_url(bad)


def test_normalise_origin():
    assert normalise_origin("HTTP://127.0.0.1:5000/path?x") == "http://127.0.0.1:5000"
    assert normalise_origin("https://news.example:443") == "https://news.example"
