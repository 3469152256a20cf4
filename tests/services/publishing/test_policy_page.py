"""The hosted policy page: Markdown rendered safely, stored as an admin typed it (NFC, \n)."""

import re

import pytest

from readerdesk.services.publishing.policy_page import (
    MAX_POLICY_MARKDOWN,
    PolicyError,
    hosts_policy,
    policy_html,
    set_hosted_policy,
)
from readerdesk.services.publishing.publish import site_policies
from tests.factories import make_site

POLICY = """# How we correct

We fix factual errors **promptly** and say what was wrong.

- Write to [the desk](https://news.example/contact) or use *Report an error*.
- We answer within 48 hours.

| Type | Meaning |
| --- | :-: |
| Correction | A factual error fixed |
"""


def test_markdown_becomes_headings_lists_links_and_tables():
    html = str(policy_html(POLICY))
    assert "<h1>How we correct</h1>" in html and "<strong>promptly</strong>" in html
    assert '<a href="https://news.example/contact" rel="noopener nofollow">the desk</a>' in html
    assert "<li>We answer within 48 hours.</li>" in html and "<em>Report an error</em>" in html
    assert "<th>Type</th>" in html and "<td>Correction</td>" in html


@pytest.mark.parametrize("markdown", [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<a href='javascript:alert(1)'>x</a>",
    "[x](data:text/html,<script>alert(1)</script>)",
    '![x](https://evil.example/track.png "t")',
])
def test_no_script_handler_or_foreign_scheme_survives(markdown):
    html = str(policy_html(markdown)).lower()
    assert "<script" not in html and "<img" not in html and "<a href=\"javascript" not in html
    assert not re.search(r"<[^>]+\son\w+=", html)  # no event handler on any tag
    assert not re.search(r"""<[^>]+\s(href|src)=["']?(javascript|data):""", html)  # in a real tag, not text


def test_set_hosted_policy_normalises_and_refuses_what_is_too_long():
    class Site:  # only the column the service sets
        policy_markdown = ""

    site = Site()
    set_hosted_policy(site, "Cafe\u0301\r\nline")
    assert site.policy_markdown == "Caf\u00e9\nline" and hosts_policy(site)
    set_hosted_policy(site, "  \n ")
    assert site.policy_markdown == "" and not hosts_policy(site)
    with pytest.raises(PolicyError, match="at most 50,000 characters"):
        set_hosted_policy(site, "x" * (MAX_POLICY_MARKDOWN + 1))
    with pytest.raises(PolicyError, match="shows no images"):
        set_hosted_policy(site, "See ![the desk](https://cdn.example/desk.png).")
    set_hosted_policy(site, "See [the desk](https://cdn.example/desk.png).")  # a link to it is fine
    assert hosts_policy(site)


def test_json_ld_links_the_hosted_page_only_where_no_url_is_set(db_session):
    site = make_site(db_session)
    hosted = "https://desk.example/sites/x/policy"
    assert site_policies(site) == {} and site_policies(site, None) == {}
    site.corrections_policy_url = "https://news.example/corrections"
    assert site_policies(site, hosted) == {"publishingPrinciples": hosted,
                                           "correctionsPolicy": "https://news.example/corrections",
                                           "actionableFeedbackPolicy": hosted}
