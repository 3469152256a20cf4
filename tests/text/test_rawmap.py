"""A passage of the rendered article's canonical text, found and rewritten in the post's raw content."""

import pytest

from readerdesk.text.canonical import canonical_text
from readerdesk.text.rawmap import RawMappingError, edit_raw, raw_text

GUTENBERG = (
    "<!-- wp:paragraph -->\n"
    '<p>The council <em>voted</em> twelve to <a href="https://news.example/m?a=1&amp;b=2">five</a> on Tuesday.</p>\n'
    "<!-- /wp:paragraph -->\n\n"
    '<!-- wp:image {"id":12,"sizeSlug":"large"} -->\n'
    '<figure class="wp-block-image size-large">'
    '<img src="https://news.example/a.jpg" alt="The bridge" class="wp-image-12"/>'
    "<figcaption>The bridge in May.</figcaption></figure>\n"
    "<!-- /wp:image -->\n\n"
    "<!-- wp:paragraph -->\n<p>Second&nbsp;para with &amp; and &#8220;entities&#8221;.</p>\n<!-- /wp:paragraph -->"
)
CLASSIC = ("The mayor said it's \"fine\" -- really...\nShe left at noon.\n\n"
           "<strong>Next</strong> paragraph, with a "
           "<a href=\"https://news.example/x\" title=\"a &quot;title&quot;\">link</a>.")
# What WordPress renders for CLASSIC (wpautop + wptexturize), as the sync stored it.
CLASSIC_RENDERED = ("<p>The mayor said it&#8217;s &#8220;fine&#8221; &#8212; really&#8230;<br />\n"
                    "She left at noon.</p>\n"
                    "<p><strong>Next</strong> paragraph, with a <a href=\"https://news.example/x\">link</a>.</p>")

# (name, raw content, rendered HTML the revision came from, passage, new wording, expected raw content)
CASES = [
    ("gutenberg: one word", GUTENBERG, GUTENBERG, "twelve", "eleven",
     GUTENBERG.replace("twelve", "eleven")),
    ("gutenberg: across <em> and a link, both left empty", GUTENBERG, GUTENBERG, "voted twelve to five",
     "voted eleven to four",
     GUTENBERG.replace('<em>voted</em> twelve to <a href="https://news.example/m?a=1&amp;b=2">five</a>',
                       "<em>voted eleven to four</em>")),
    ("gutenberg: the passage ends inside a link", GUTENBERG, GUTENBERG, "to five", "to four",
     GUTENBERG.replace('to <a href="https://news.example/m?a=1&amp;b=2">five</a>', "to four")),
    ("gutenberg: a caption inside a block with attributes", GUTENBERG, GUTENBERG, "bridge in May", "bridge in June",
     GUTENBERG.replace("The bridge in May.", "The bridge in June.")),
    ("entities: &nbsp; and &amp; inside the passage", GUTENBERG, GUTENBERG, "Second para with &",
     "A second paragraph, &",
     GUTENBERG.replace("Second&nbsp;para with &amp;", "A second paragraph, &amp;")),
    ("entities: the passage ends on a numeric entity", GUTENBERG, GUTENBERG, "“entities”", "‘entities’",
     GUTENBERG.replace("&#8220;entities&#8221;", "‘entities’")),
    ("gutenberg: across two blocks keeps the block comments", GUTENBERG, GUTENBERG, "Tuesday.\n\nThe bridge",
     "Tuesday. A bridge",
     GUTENBERG.replace("Tuesday.</p>", "Tuesday. A bridge</p>").replace("<figcaption>The bridge", "<figcaption>")),
    ("classic: curly quotes and dashes match the straight ones typed", CLASSIC, CLASSIC_RENDERED,
     "it’s “fine” — really…", "it is fine", CLASSIC.replace("it's \"fine\" -- really...", "it is fine")),
    ("classic: a blank line is a paragraph", CLASSIC, CLASSIC_RENDERED, "Next paragraph", "Following paragraph",
     CLASSIC.replace("<strong>Next</strong> paragraph", "<strong>Following paragraph</strong>")),
    ("classic: a link whose attribute holds the same words", CLASSIC, CLASSIC_RENDERED, "a link", "an anchor",
     CLASSIC.replace('a <a href="https://news.example/x" title="a &quot;title&quot;">link</a>', "an anchor")),
    ("cyrillic", "<!-- wp:paragraph -->\n<p>Міська рада <strong>ухвалила</strong> бюджет у вівторок.</p>\n"
     "<!-- /wp:paragraph -->", None, "ухвалила бюджет", "відхилила бюджет",
     "<!-- wp:paragraph -->\n<p>Міська рада <strong>відхилила бюджет</strong> у вівторок.</p>\n<!-- /wp:paragraph -->"),
    ("cyrillic: combining accent composed by NFC", "<p>Зро\u0301билa він це</p>", None, "він", "вона",
     "<p>Зро\u0301билa вона це</p>"),
    ("cjk", "<!-- wp:paragraph -->\n<p>東京都は<em>新しい</em>予算を承認した。</p>\n<!-- /wp:paragraph -->", None,
     "新しい予算", "古い予算",
     "<!-- wp:paragraph -->\n<p>東京都は<em>古い予算</em>を承認した。</p>\n<!-- /wp:paragraph -->"),
    ("markup in the wording is escaped, never written as tags", "<p>Five votes.</p>", None, "Five", "<b>Six</b> & more",
     "<p>&lt;b&gt;Six&lt;/b&gt; &amp; more votes.</p>"),
]


@pytest.mark.parametrize("name, raw, rendered, passage, wording, expected", CASES, ids=[c[0] for c in CASES])
def test_the_wording_replaces_exactly_the_passage_in_the_raw_content(name, raw, rendered, passage, wording, expected):
    text = canonical_text(rendered if rendered is not None else raw)
    start = text.index(passage)
    edit = edit_raw(raw, text, start, start + len(passage), wording)
    assert edit.new_raw == expected
    # Everything outside the passage is untouched, byte for byte.
    assert edit.new_raw.startswith(raw[:edit.start]) and edit.new_raw.endswith(raw[edit.end:])


def test_the_raw_text_of_gutenberg_content_is_the_canonical_text_of_what_it_renders():
    assert raw_text(GUTENBERG).text == canonical_text(GUTENBERG)


@pytest.mark.parametrize("raw, rendered, passage, reason", [
    # The passage comes from a shortcode WordPress expands: it is not in the raw content at all.
    ("<p>Intro.</p>[gallery ids=\"1,2\"]", "<p>Intro.</p><p>Three photos of the bridge.</p>", "photos of the bridge",
     "not in the post's content"),
    # Twice the same words with no context to tell them apart (the rendered text differs elsewhere).
    ("[a]<p>Yes</p>[b]<p>Yes</p>[c]", "<p>Box A</p><p>Yes</p><p>Box B</p><p>Yes</p><p>Box C</p>",
     "Yes", "appears 2 times"),
])
def test_a_passage_that_cannot_be_placed_exactly_is_refused(raw, rendered, passage, reason):
    text = canonical_text(rendered)
    start = text.index(passage)
    with pytest.raises(RawMappingError, match=reason):
        edit_raw(raw, text, start, start + len(passage), "x")


def test_several_occurrences_are_told_apart_by_their_context_when_the_texts_differ():
    raw = "<p>The vote was five to two.</p><p>Later, five people left.</p>[related]"
    rendered = "<p>The vote was five to two.</p><p>Later, five people left.</p><p>Related posts</p>"
    text = canonical_text(rendered)
    start = text.index("five people")
    edit = edit_raw(raw, text, start, start + 4, "six")
    assert edit.new_raw == raw.replace("five people", "six people")


def test_no_edit_ever_lands_inside_a_tag_an_attribute_or_a_block_comment():
    raw = ('<!-- wp:paragraph {"className":"vote"} -->\n<p class="vote">vote <a href="https://x.example/vote" '
           'title="vote">vote</a> vote</p>\n<!-- /wp:paragraph -->')
    text = canonical_text(raw)
    for start in range(len(text)):
        for end in range(start + 1, len(text) + 1):
            if text[start:end].strip() != text[start:end]:
                continue
            try:
                edit = edit_raw(raw, text, start, end, "W")
            except RawMappingError:
                continue
            assert '<!-- wp:paragraph {"className":"vote"} -->' in edit.new_raw
            assert '<p class="vote">' in edit.new_raw and "<!-- /wp:paragraph -->" in edit.new_raw
            assert "W" in canonical_text(edit.new_raw)
