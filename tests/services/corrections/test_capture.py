"""Storing readers' reports: validation, locating the quote, idempotency, the re-fetch job."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, Correction, Kind, OutboxEntry
from readerdesk.services.articles.ingest import add_revision
from readerdesk.services.corrections import capture as service
from readerdesk.services.corrections.capture import (
    ArticleNotFound,
    InvalidCorrection,
    OriginNotAllowed,
    parse_correction,
    public_status,
    submit_correction,
)
from readerdesk.services.corrections.passages import anchor_story
from readerdesk.text.diff import DiffPart
from readerdesk.text.languages import ENGLISH
from tests.factories import make_article, make_site, paragraphs

SENDER = "5c1f" * 16  # what services.privacy.ip_hashing made of the sender's address


def report(article, exact: str | None = None, **fields) -> dict:
    data = {"idempotency_key": fields.pop("key", "key-" + str(abs(hash((exact, str(fields)))))),
            "article_url": article.url, "kind": "typo", **fields}
    if exact is not None:
        data["selectors"] = [{"type": "TextQuoteSelector", "exact": exact,
                              "prefix": fields.get("prefix", ""), "suffix": fields.get("suffix", "")}]
    return data


@dataclass
class Stored:
    correction: Correction
    created: bool


def submit(session, data, origin=None, ip_hash=SENDER):
    """``submit_correction``, with the stored report loaded as the ORM has it."""
    submission = submit_correction(session, data, origin=origin, own_origins={"https://desk.example"},
                                   ip_hash=ip_hash, now=utcnow())
    return Stored(submission.load(session), submission.created)


# --- finding the passage (the anchoring engine) -----------------------------------------------

REPEATS = paragraphs("The committee met on Monday to hear the residents.",
                     "Then the committee voted on the plan for the new bridge.",
                     "Later the committee left the hall without a statement.")


def test_the_quote_is_resolved_by_its_context_among_repeats(db_session):
    article = make_article(db_session, html=REPEATS)
    text = article.current_revision.text
    second = text.index("committee", text.index("committee") + 1)
    sent = report(article, "committee", prefix="Then the ", suffix=" voted on the plan")
    correction = submit(db_session, sent).correction
    assert (correction.start, correction.end) == (second, second + len("committee"))
    assert correction.anchor_state == AnchorState.ANCHORED
    assert correction.revision_id == article.current_revision_id


def test_a_repeated_quote_without_context_is_ambiguous_not_guessed(db_session):
    article = make_article(db_session, html=REPEATS)
    correction = submit(db_session, report(article, "committee")).correction
    assert correction.anchor_state == AnchorState.AMBIGUOUS
    assert correction.start is None and correction.exact == "committee"


def test_a_quote_the_revision_does_not_have_is_stored_unanchored(db_session):
    article = make_article(db_session, html=REPEATS)
    correction = submit(db_session, report(article, "words the reader saw in a newer version")).correction
    assert correction.anchor_state == AnchorState.UNANCHORED
    assert db_session.get(Correction, correction.id).exact == "words the reader saw in a newer version"


def test_with_its_full_context_every_selection_resolves_to_itself(db_session):
    article = make_article(db_session, html=REPEATS)
    text = article.current_revision.text
    for start in range(0, len(text) - 4, 7):
        for length in (4, 9, 25):
            end = min(len(text), start + length)
            data = report(article, text[start:end], prefix=text[max(0, start - 32):start], suffix=text[end:end + 32],
                          key=f"selection-{start}-{length}")
            data["selectors"].append({"type": "TextPositionSelector", "start": start, "end": end})
            correction = submit(db_session, data).correction
            assert (correction.start, correction.end) == (start, end), text[start:end]


# --- validation ------------------------------------------------------------------------------


def test_parse_reports_every_field_problem(db_session):
    with pytest.raises(InvalidCorrection) as caught:
        parse_correction({
            "idempotency_key": "short", "article_url": "ftp://x", "kind": "nonsense", "selectors": "nope",
            "comment": "http://a http://b http://c", "email": "not-an-email", "notify": "yes", "name": 5,
        })
    fields = caught.value.fields(ENGLISH)
    assert set(fields) >= {"idempotency_key", "article_url", "kind", "selectors", "comment", "email", "notify", "name"}
    assert "at most 2 links" in fields["comment"]


@pytest.mark.parametrize("selectors, message", [
    ([{"type": "TextPositionSelector", "start": -1, "end": 3}], "0 ≤ start ≤ end"),
    ([{"type": "TextPositionSelector", "start": 5, "end": 3}], "0 ≤ start ≤ end"),
    ([{"type": "TextQuoteSelector", "exact": 7}], "must be text"),
    ([{"type": "TextQuoteSelector", "exact": "x" * 2001}], "too long"),
    ([{"type": "TextQuoteSelector", "exact": "   "}], "empty"),
    (["not an object"], "an object"),
    ([], "needs the quoted passage"),
])
def test_bad_selectors(selectors, message):
    with pytest.raises(InvalidCorrection) as caught:
        parse_correction({"idempotency_key": "k" * 10, "article_url": "https://a.example/x", "kind": "typo",
                          "selectors": selectors})
    assert message in caught.value.fields(ENGLISH)["selectors"]


def test_limits_and_consent():
    base = {"idempotency_key": "k" * 10, "article_url": "https://a.example/x", "kind": "general"}
    with pytest.raises(InvalidCorrection) as caught:
        parse_correction({**base, "comment": "x" * 5001})
    assert "at most 5,000" in caught.value.fields(ENGLISH)["comment"]
    with pytest.raises(InvalidCorrection) as caught:
        parse_correction({**base, "comment": "ok", "notify": True})
    assert "email" in caught.value.fields(ENGLISH)["notify"]
    with pytest.raises(InvalidCorrection) as caught:
        parse_correction({**base, "comment": "   "})
    assert caught.value.fields(ENGLISH) == {"comment": "Please write your message."}


def test_text_is_stored_nfc_without_invisible_characters():
    parsed = parse_correction({"idempotency_key": "k" * 10, "article_url": "https://a.example/x", "kind": "general",
                               "comment": "Cafe\u0301\u200b is <b>here</b>", "name": " Zoë "})
    assert parsed.comment == "Café is <b>here</b>"  # kept as text, escaped on output
    assert parsed.reader_name == "Zoë"


# --- storing ---------------------------------------------------------------------------------


def test_submit_anchors_in_the_current_revision(db_session):
    article = make_article(db_session, html=paragraphs("One two three.", "Four five six."))
    submission = submit(db_session, report(article, "five", prefix="Four ", suffix=" six.", suggestion="5"))
    correction = submission.correction
    assert submission.created
    assert correction.revision_id == article.current_revision.id
    assert article.current_revision.text[correction.start:correction.end] == "five"
    assert correction.anchor_state == AnchorState.ANCHORED
    assert (correction.anchor_start, correction.anchor_end) == (correction.start, correction.end)
    assert correction.group_id == correction.id
    [anchor] = correction.anchors
    assert anchor.state == AnchorState.ANCHORED and anchor.revision_id == article.current_revision.id
    assert correction.ip_hash == SENDER
    assert len(correction.public_id) >= 16


def test_unknown_quote_is_stored_unanchored(db_session):
    article = make_article(db_session)
    correction = submit(db_session, report(article, "words the article never had")).correction
    assert correction.id is not None
    assert correction.anchor_state == AnchorState.UNANCHORED
    assert correction.start is None and correction.exact == "words the article never had"
    assert not service.needs_refetch(correction)  # the site has no connector


def test_ambiguous_quote(db_session):
    article = make_article(db_session, html=paragraphs("same words", "same words"))
    correction = submit(db_session, report(article, "same words")).correction
    assert correction.anchor_state == AnchorState.AMBIGUOUS and correction.start is None


def test_same_key_and_body_returns_the_same_correction_and_another_body_is_refused(db_session):
    article = make_article(db_session)
    first = submit(db_session, report(article, "phrase", key="same-key-123"))
    again = submit(db_session, report(article, "phrase", key="same-key-123"))
    assert again.correction.id == first.correction.id and not again.created
    with pytest.raises(service.IdempotencyKeyReused):
        submit(db_session, report(article, "phrase", key="same-key-123", comment="another report"))
    assert db_session.scalar(select(func.count(Correction.id))) == 1


def test_article_and_origin_rules(db_session):
    site = make_site(db_session, base_url="https://news.example", allowed_origins=["https://www.news.example"])
    article = make_article(db_session, site)
    data = report(article, "phrase")
    with pytest.raises(ArticleNotFound):
        submit(db_session, {**data, "article_url": "https://news.example/unknown"})
    with pytest.raises(OriginNotAllowed):
        submit(db_session, data, origin="https://evil.example")
    with pytest.raises(OriginNotAllowed):
        submit(db_session, data, origin="null")
    assert submit(db_session, data, origin="https://WWW.news.example").created
    # Tracking parameters and fragments do not hide the article; readerdesk's own origin is allowed.
    assert submit(db_session, {**data, "key": "other-key-1", "idempotency_key": "other-key-1",
                               "article_url": article.url + "?utm_source=x#p2"}, origin="https://desk.example").created


def test_general_message(db_session):
    article = make_article(db_session)
    correction = submit(db_session, {"idempotency_key": "general-1", "article_url": article.url, "kind": "general",
                                     "comment": "Thanks for the article"}).correction
    assert correction.kind == Kind.GENERAL and correction.anchor_state == AnchorState.NONE
    assert correction.anchors == []


def test_public_status_has_no_personal_data(db_session):
    article = make_article(db_session)
    correction = submit(db_session, report(article, "phrase", name="Ada Reader", email="ada@example.com",
                                           notify=True, comment="private note")).correction
    status = public_status(correction, ENGLISH)
    flat = repr(status)
    assert "Ada" not in flat and "ada@example.com" not in flat and "private note" not in flat
    assert status["status"] == "new" and status["quote"] == "phrase"


# --- evidence at capture: the reader's copy of the page may be older -------------------------

DATED = paragraphs("The council met on Monday to hear the residents about the bridge.",
                   "Works will begin on 12 March 2027 and end by October, the engineers said.",
                   "The mayor left the hall without a statement.")


def test_a_quote_found_word_for_word_in_the_current_revision_is_recorded_as_such(db_session):
    article = make_article(db_session, html=DATED)
    correction = submit(db_session, report(article, "Works will begin on 12 March 2027")).correction
    assert correction.quote_verbatim is True and not correction.reported_on_older_revision
    assert correction.captured_revision_id == correction.revision_id == article.current_revision_id


def test_a_report_from_an_older_copy_of_the_page_is_anchored_there_and_followed_forward(db_session):
    """The stale-page report: the article changed one digit of a date; a reader on the old copy
    reports that sentence with the old date and suggests the new one."""
    article = make_article(db_session, html=DATED)
    r1 = article.current_revision
    r2 = add_revision(db_session, article, DATED.replace("12 March", "13 March"), now=utcnow())
    sentence = "Works will begin on 12 March 2027 and end by October, the engineers said."
    correction = submit(db_session, report(article, sentence, prefix="about the bridge.\n\n", suffix="\n\nThe mayor",
                                           suggestion=sentence.replace("12", "13"))).correction
    assert correction.captured_revision_id == r2.id
    assert correction.revision_id == r1.id and correction.quote_verbatim is True
    assert correction.reported_on_older_revision
    history = [(a.revision_id, a.state) for a in correction.anchors]
    assert history == [(r1.id, AnchorState.ANCHORED), (r2.id, AnchorState.EDITED)]
    assert r2.text[correction.anchor_start:correction.anchor_end] == sentence.replace("12", "13")

    story = anchor_story(db_session, correction)
    assert str(story.headline) == "Reported on an older version of the article (revision 1) — possibly already fixed"
    assert "The passage now reads (revision 2): “Works will begin on 13 March 2027" in str(story.detail)
    assert DiffPart("delete", "12") in story.diff and DiffPart("insert", "13") in story.diff
    assert "exactly as the reader saw it" not in str(story.detail)


def test_an_approximate_match_found_nowhere_word_for_word_is_not_verbatim(db_session):
    article = make_article(db_session, html=DATED)
    correction = submit(db_session, report(article, "Works will begin on 12 Marhc 2027 and end by October",
                                           suffix=", the engineers said.")).correction
    assert correction.anchor_state == AnchorState.ANCHORED and correction.quote_verbatim is False
    assert not correction.reported_on_older_revision


# --- reportable parts ------------------------------------------------------------------------


def test_a_report_on_the_headline_is_anchored_in_the_headline_text(db_session):
    site = make_site(db_session, parts={"headline": "h1", "caption": "figcaption"})
    article = make_article(db_session, site, title="Council votes to repair the bridge",
                           html=DATED + "<figure><figcaption>The bridge in March, seen from the east bank."
                                        "</figcaption></figure>")
    revision = article.current_revision
    assert revision.parts == {"headline": "Council votes to repair the bridge",
                              "caption": "The bridge in March, seen from the east bank."}
    headline = submit(db_session, report(article, "repair", part="headline", key="k-headline-1")).correction
    assert (headline.part, headline.start, headline.end) == ("headline", 17, 23)
    caption = submit(db_session, report(article, "east bank", part="caption", clipped=True,
                                        key="k-caption-1")).correction
    assert caption.part == "caption" and caption.selection_clipped
    assert revision.parts["caption"][caption.start:caption.end] == "east bank"


def test_a_headline_report_follows_the_headline_through_revisions(db_session):
    article = make_article(db_session, title="Council votes to repair the bridge", html=DATED)
    correction = submit(db_session, report(article, "repair", part="headline", key="k-headline-2")).correction
    article.title = "Council votes to repair and repaint the bridge"
    r2 = add_revision(db_session, article, DATED, now=utcnow(), parts={"headline": article.title})
    assert r2 is not None and correction.anchor_revision_id == r2.id
    assert correction.anchor_state == AnchorState.UNCHANGED
    assert r2.parts["headline"][correction.anchor_start:correction.anchor_end] == "repair"


def test_an_unknown_part_is_refused_and_a_general_message_keeps_its_selected_text(db_session):
    article = make_article(db_session, html=DATED)
    with pytest.raises(InvalidCorrection) as exc:
        parse_correction(report(article, "Works", part="sidebar"))
    assert "part" in exc.value.fields(ENGLISH)
    message = submit(db_session, report(article, kind="general", comment="Is the photo credit right?",
                                        selected_text="Photo: City archive")).correction
    assert message.selected_text == "Photo: City archive" and message.anchor_state == AnchorState.NONE


# --- the jobs a new report writes ---------------------------------------------------------------


def outbox(session):
    return [(row.job, row.args) for row in session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))]


def test_a_new_report_writes_the_jobs_the_caller_wants_and_names_their_rows(db_session):
    article = make_article(db_session, html=paragraphs("One two three.", "Four five six."))
    submission = submit_correction(db_session, report(article, "five", key="jobs-key-0001"), origin=None,
                                   own_origins=set(), ip_hash=SENDER, now=utcnow())
    rows = db_session.scalars(select(OutboxEntry)).all()
    assert outbox(db_session) == [("new_correction", [submission.id])]
    assert submission.outbox_ids == tuple(row.id for row in rows)
    again = submit_correction(db_session, report(article, "five", key="jobs-key-0001"), origin=None,
                              own_origins=set(), ip_hash=SENDER, now=utcnow())
    assert not again.created and again.outbox_ids == ()  # the editors were told of it the first time
    quiet = submit_correction(db_session, report(article, "two", key="jobs-key-0002"), origin=None,
                              own_origins=set(), ip_hash=SENDER, now=utcnow(), wanted=lambda job: False)
    assert quiet.created and quiet.outbox_ids == () and len(outbox(db_session)) == 1


def test_a_quote_in_no_revision_on_a_site_that_can_be_fetched_also_asks_for_the_refetch(db_session):
    site = make_site(db_session)
    site.connector = "html"  # the article's page is fetched again (jobs.articles)
    article = make_article(db_session, site, html=paragraphs("One two three."))
    unseen = submit_correction(db_session, report(article, "words the article never had"), origin=None,
                               own_origins=set(), ip_hash=SENDER, now=utcnow())
    assert unseen.refetch
    assert outbox(db_session) == [("new_correction", [unseen.id]), ("refetch_and_anchor", [unseen.id])]
    trapped = submit_correction(db_session, report(article, "two", website="https://spam.example"), origin=None,
                                own_origins=set(), ip_hash=SENDER, now=utcnow())
    assert trapped.decoy and trapped.outbox_ids == () and len(outbox(db_session)) == 2  # a decoy tells nobody
