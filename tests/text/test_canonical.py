"""The canonical text rules (readerdesk/canonical.py docstring), and their properties."""

import html

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readerdesk.text.canonical import BLOCK_SEPARATOR, canonical_text, sanitize_html


def test_blocks_are_separated_by_a_blank_line_and_inline_elements_add_no_spaces():
    html = "<h2>Title</h2><p>Wo<b>rd</b> and <a href='/x'>link</a>.</p><ul><li>one</li><li>two</li></ul>"
    assert canonical_text(html) == "Title\n\nWord and link.\n\none\n\ntwo"


def test_whitespace_collapses_and_br_is_a_space():
    assert canonical_text("<p>  a \n\t b&nbsp;&nbsp;c<br>d  </p>") == "a b c d"


def test_soft_hyphens_and_zero_width_characters_disappear():
    assert canonical_text("<p>trans&shy;port ap&#8203;proved a\u200d\u2060b\ufeff</p>") == "transport approved ab"


def test_text_is_nfc():
    decomposed = "Zoe\u0308 Mu\u0308ller"
    assert canonical_text(f"<p>{decomposed}</p>") == "Zoë Müller"


def test_scripts_styles_and_iframes_vanish_with_their_content():
    text = canonical_text("<p>Keep</p><script>alert('SCRIPT')</script><style>p{}</style>"
                          "<iframe src='https://ads.example'>FRAME</iframe><noscript>NOSCRIPT</noscript><p>this</p>")
    assert text == "Keep\n\nthis"


def test_sanitizing_drops_event_handlers_and_javascript_urls():
    cleaned = sanitize_html('<p onclick="x()">a <a href="javascript:alert(1)">b</a><img src=x onerror=alert(1)></p>')
    assert "onclick" not in cleaned and "javascript:" not in cleaned and "onerror" not in cleaned


def test_nested_blocks_end_the_text_before_them():
    assert canonical_text("<div>lead<p>para</p>tail</div>") == "lead\n\npara\n\ntail"


def test_empty_blocks_leave_no_blank_paragraphs():
    assert canonical_text("<p> </p><p>a</p><div><p></p></div><p>b</p>") == "a\n\nb"


def text_as_html(text: str) -> str:
    return "".join(f"<p>{html.escape(block)}</p>" for block in text.split(BLOCK_SEPARATOR))


html_fragments = st.recursive(
    st.text(max_size=20),
    lambda children: st.builds(
        lambda tag, inner, attr: f"<{tag}{attr}>{''.join(inner)}</{tag}>",
        st.sampled_from(["p", "div", "em", "a", "span", "li", "ul", "script", "br", "table", "td", "h2", "x-custom"]),
        st.lists(children, max_size=4),
        st.sampled_from(["", " class='x'", " href='javascript:x'", " onclick='y'"]),
    ),
    max_leaves=25,
)


@pytest.mark.slow
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(), html_fragments))
def test_canonical_text_never_raises_and_is_idempotent(document):
    text = canonical_text(document)
    assert isinstance(text, str)
    assert canonical_text(text_as_html(text)) == text
    assert canonical_text(sanitize_html(document)) == text
    assert text == text.strip()
    assert "\n\n\n" not in text


def test_deep_nesting_does_not_overflow_the_stack():
    assert canonical_text("<span>" * 5000 + "deep" + "</span>" * 5000) == "deep"
