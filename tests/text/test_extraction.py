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


def _page(head: str, body: str = "") -> str:
    return f"<!doctype html><html><head>{head}</head><body>{body}<article><p>The text.</p></article></body></html>"


LD = ('<script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "WebPage"}, '
      '{"@type": "NewsArticle", "headline": "Bridge to reopen in May", "datePublished": "2026-11-20T08:30:00Z", '
      '"dateModified": "2026-11-21T09:15:00Z"}]}</script>')


@pytest.mark.parametrize("head, body, title", [
    ('<meta property="og:title" content="From og:title">' + LD, "<h1>From h1</h1>", "From og:title"),
    ("<title>Bridge to reopen - The Courier</title>" + LD, "<h1>From h1</h1>", "Bridge to reopen in May"),
    ("<title>Bridge to reopen - The Courier</title>", "<h1>From  the <em>h1</em></h1>", "From the h1"),
    ("<title>Only a title - The Courier</title>", "", "Only a title - The Courier"),  # the last resort
])
def test_the_headline_comes_from_og_title_then_json_ld_then_h1_never_the_title_suffix(head, body, title):
    assert extract_article(_page(head, body), "article", []).title == title


def test_dates_and_url_come_from_article_meta_then_json_ld():
    article = extract_article(_page(LD + '<link rel="canonical" href="https://news.example/bridge">'), "article", [])
    assert article.published_at.isoformat() == "2026-11-20T08:30:00+00:00"
    assert article.modified_at.isoformat() == "2026-11-21T09:15:00+00:00"
    assert article.canonical_url == "https://news.example/bridge"
    meta = ('<meta property="article:published_time" content="2026-11-19T10:00:00+01:00">'
            '<meta property="article:modified_time" content="2026-11-19T11:00:00+01:00">')
    article = extract_article(_page(meta + LD), "article", [])
    assert article.published_at.isoformat() == "2026-11-19T10:00:00+01:00"
    assert article.modified_at.isoformat() == "2026-11-19T11:00:00+01:00"


def test_reportable_parts_are_read_anywhere_in_the_page():
    page = _page("", '<h1>The headline</h1><p class="standfirst">The standfirst.</p>'
                     "<figure><figcaption>First caption.</figcaption></figure><figure><figcaption>Second."
                     "</figcaption></figure>")
    article = extract_article(page, "article", [], {"headline": "h1", "standfirst": ".standfirst",
                                                    "caption": "figcaption"})
    from readerdesk.text.canonical import canonical_text

    assert {name: canonical_text(html) for name, html in article.parts.items()} == {
        "headline": "The headline", "standfirst": "The standfirst.", "caption": "First caption.\n\nSecond."}


@pytest.mark.parametrize("head, authors, section", [
    ('<meta name="author" content="Olena Koval, Ivan Petrenko"><meta property="article:section" content="Politics">',
     ("Olena Koval", "Ivan Petrenko"), "Politics"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "H", "articleSection": ["Local", "X"],'
     ' "author": [{"@type": "Person", "name": "Ann  Lee"}, {"@type": "Person", "name": "Bo Chen"},'
     ' "Ann Lee"]}</script>',
     ("Ann Lee", "Bo Chen"), "Local"),
    ('<script type="application/ld+json">{"headline": "H", "author": {"name": "Desk"}}</script>', ("Desk",), None),
    ('<meta name="author" content="https://news.example/staff/1">', (), None),
    ("", (), None),
])
def test_the_byline_and_section_come_from_the_page_metadata(head, authors, section):
    page = f"<html><head>{head}</head><body><article><p>Body text.</p></article></body></html>"
    extracted = extract_article(page, "article", [])
    assert (extracted.authors, extracted.section) == (authors, section)
