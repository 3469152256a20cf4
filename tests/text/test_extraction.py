"""Extracting an article's own text from a real-looking news page."""

from pathlib import Path

import pytest

from readerdesk.text.extraction import ExtractionError, extract_article

FIXTURES = Path(__file__).parents[1] / "fixtures"
NEWS_PAGE = (FIXTURES / "news_page.html").read_text(encoding="utf-8")
BOXES = [".related-posts", ".donation-appeal", ".adblock-notice", ".share-buttons"]
MARKERS = ["RELATED-MARKER", "DONATION-MARKER", "ADBLOCK-MARKER", "SCRIPT-MARKER", "SHARE-MARKER",
           "Related posts", "cup of coffee", "ad blocker"]


def test_only_the_articles_own_text_reaches_the_canonical_text():
    article = extract_article(NEWS_PAGE, "article.entry-content", BOXES)
    for marker in MARKERS:
        assert marker not in article.text
    assert article.text.split("\n\n")[0] == (
        "The city's transport authority on Tuesday approved a €1.2 billion extension of Metro Line 3, the largest "
        "expansion of the network in two decades. The extension adds four stations between Riverside and the airport.")
    assert article.text.count("\n\n") == 6  # seven paragraphs
    assert "12.4 km" in article.text  # &nbsp; is a space


def test_metadata_comes_from_the_page_head():
    article = extract_article(NEWS_PAGE, "article.entry-content", BOXES)
    assert article.canonical_url.startswith("https://example-news.test/2026/11/metro-line-extension/")
    assert article.published_at.isoformat() == "2026-11-18T07:00:00+02:00"
    assert article.title


def test_without_the_exclusions_the_boxes_would_be_there():
    assert "RELATED-MARKER" in extract_article(NEWS_PAGE, "article.entry-content", []).text


@pytest.mark.parametrize("document, selector, message", [
    ("%PDF-1.7 binary", "article", "not HTML"),
    ('{"json": true}', "article", "not HTML"),
    ("<html><body><p>text</p></body></html>", "article.entry-content", "matches nothing"),
    ("<html><body><article><script>x</script> </article></body></html>", "article", "empty"),
    ("<html><body><article>x</article></body></html>", "article[", "invalid CSS selector"),
])
def test_bad_pages_give_a_clear_error(document, selector, message):
    with pytest.raises(ExtractionError, match=message):
        extract_article(document, selector, [])
