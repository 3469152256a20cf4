import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy import text as sa_text

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import AnchorState, Correction, ModerationEvent, Status
from readerdesk.services.corrections import duplicates
from readerdesk.services.corrections.capture import submit_correction
from readerdesk.services.corrections.duplicates import (
    DuplicateError,
    assign_group,
    group_counts,
    member_page,
    merge,
    passage_overlap,
    split,
)
from tests.conftest import is_postgres
from tests.factories import make_article, make_correction, make_user, paragraphs

# Two sentences in one paragraph, and a third paragraph.
TEXT = paragraphs("The council voted twelve to five on Thursday. The mayor said the bridge would reopen in May.",
                  "Residents were not asked.")


def report(session, article, exact, **kwargs):
    c = make_correction(session, article, exact=exact, **kwargs)
    assign_group(session, c)
    return c


def fresh(session, *reports):
    for r in reports:
        session.refresh(r)
    return reports


def test_the_rule_half_of_the_shorter_span():
    assert passage_overlap((10, 20), (10, 20)) == 1.0
    assert passage_overlap((10, 20), (12, 15)) == pytest.approx(0.3)  # a sub-span: all of the shorter
    assert passage_overlap((10, 20), (15, 40)) == pytest.approx(5 / 25)  # half of the shorter, exactly
    assert passage_overlap((10, 20), (16, 40)) is None  # less than half of the shorter
    assert passage_overlap((10, 20), (20, 30)) is None  # touching is not overlapping


def test_the_same_extent_and_sub_spans_join_the_earliest_report(db_session):
    article = make_article(db_session, html=TEXT)
    first = report(db_session, article, "voted twelve to five")
    same = report(db_session, article, "voted twelve to five")
    word = report(db_session, article, "twelve")
    sentence = report(db_session, article, "The council voted twelve to five on Thursday.")
    fresh(db_session, first, same, word, sentence)
    assert {c.group_id for c in (first, same, word, sentence)} == {first.id}
    assert (first.is_lead, first.group_size) == (True, 4)
    # The group's size lives on the lead only: a new report updates one row, not the group.
    assert [c.group_size for c in (same, word, sentence)] == [0, 0, 0]
    assert not any(c.is_lead or c.holds_passage for c in (same, word, sentence))


def test_a_neighbouring_sentence_is_another_passage(db_session):
    article = make_article(db_session, html=TEXT)
    council = report(db_session, article, "voted twelve to five")
    mayor = report(db_session, article, "would reopen in May")
    fresh(db_session, council, mayor)
    assert mayor.group_id == mayor.id and council.group_size == 1 and mayor.group_size == 1


def test_adjacent_spans_do_not_overlap(db_session):
    article = make_article(db_session, html=TEXT)
    a = report(db_session, article, "The council")
    b = report(db_session, article, " voted")  # starts where a ends: half-open ranges do not touch
    assert a.group_id != b.group_id


def test_a_report_bridging_two_groups_joins_one_and_never_fuses_them(db_session):
    article = make_article(db_session, html=TEXT)
    left = report(db_session, article, "on Thursday.")
    right = report(db_session, article, "The mayor said")
    bridge = report(db_session, article, "Thursday. The mayor said")  # covers all of right, part of left
    fresh(db_session, left, right, bridge)
    assert left.group_id == left.id and right.group_id == right.id
    assert bridge.group_id == right.id  # the passage it covers best
    assert (left.group_size, right.group_size) == (1, 2)


def test_a_wide_first_selection_narrows_to_what_readers_share(db_session):
    """The first reader selected across the sentence boundary; the group's passage narrows to the
    text later readers share with it, so the next sentence's reports are not drawn in."""
    article = make_article(db_session, html=TEXT)
    wide = report(db_session, article, "twelve to five on Thursday. The mayor said")
    word = report(db_session, article, "twelve")
    fresh(db_session, wide, word)
    assert word.group_id == wide.id
    text = article.current_revision.text
    assert text[wide.passage_start:wide.passage_end] == "twelve"
    mayor = report(db_session, article, "The mayor said")  # within the first selection, not the passage now
    sentence = report(db_session, article, "The council voted twelve to five on Thursday.")
    fresh(db_session, wide, mayor, sentence)
    assert mayor.group_id == mayor.id and sentence.group_id == wide.id and wide.group_size == 3


def test_unanchored_reports_group_by_normalised_quote(db_session):
    article = make_article(db_session, html=TEXT)
    anchored = report(db_session, article, "voted twelve to five")
    lost = make_correction(db_session, article, exact="voted twelve to five")
    lost.exact, lost.anchor_state = "  Voted  TWELVE to five ", AnchorState.UNANCHORED
    lost.anchor_revision, lost.anchor_start, lost.anchor_end = None, None, None
    db_session.flush()
    assign_group(db_session, lost)
    assert lost.group_id == anchored.id


def test_a_report_after_the_decision_starts_a_new_group(db_session):
    article = make_article(db_session, html=TEXT)
    decided = report(db_session, article, "twelve", status=Status.REJECTED)
    later = report(db_session, article, "twelve")
    fresh(db_session, decided, later)
    assert later.group_id == later.id and decided.group_size == 1


def test_a_merge_is_kept_as_new_reports_arrive(db_session):
    editor = make_user(db_session)
    article = make_article(db_session, html=TEXT)
    council, mayor = report(db_session, article, "voted twelve"), report(db_session, article, "reopen in May")
    merge(db_session, [mayor, council], actor=editor, now=utcnow())
    fresh(db_session, council, mayor)
    assert (mayor.group_id, mayor.is_lead, council.group_size) == (council.id, False, 2)
    # New reports on either passage join the merged group.
    on_council = report(db_session, article, "twelve")
    on_mayor = report(db_session, article, "in May")
    fresh(db_session, council, on_council, on_mayor)
    assert on_council.group_id == on_mayor.group_id == council.id and council.group_size == 4
    assert [e.action for e in db_session.scalars(select(ModerationEvent))] == ["merge"]  # mayor moved


def test_a_split_is_kept_as_new_reports_arrive(db_session):
    editor = make_user(db_session)
    article = make_article(db_session, html=TEXT)
    lead = report(db_session, article, "The council voted twelve to five on Thursday.")
    different = report(db_session, article, "on Thursday")  # the reader meant the day, not the vote
    split(db_session, different, actor=editor, now=utcnow())
    fresh(db_session, lead, different)
    assert (different.group_id, different.is_lead, different.group_size, lead.group_size) == (
        different.id, True, 1, 1)
    # A new report like the one split out joins it, not the group it left.
    again = report(db_session, article, "on Thursday")
    vote = report(db_session, article, "voted twelve to five")
    fresh(db_session, lead, different, again, vote)
    assert again.group_id == different.id and vote.group_id == lead.id
    assert (lead.group_size, different.group_size) == (2, 2)


def test_splitting_out_the_lead_hands_the_group_to_the_next_report(db_session):
    editor = make_user(db_session)
    article = make_article(db_session, html=TEXT)
    a, b, c = (report(db_session, article, "twelve") for _ in range(3))
    assert split(db_session, a, actor=editor, now=utcnow()) == b.id
    fresh(db_session, a, b, c)
    assert (a.group_id, a.group_size) == (a.id, 1)
    assert (b.is_lead, b.group_size, c.group_id, c.is_lead) == (True, 2, b.id, False)
    assert len(duplicates.members(db_session, b.id)) == 2
    assert db_session.scalar(select(ModerationEvent.action)) == "split"


def test_merge_refuses_other_articles_decided_groups_and_a_single_group(db_session):
    editor = make_user(db_session)
    article, other = make_article(db_session, html=TEXT), make_article(db_session, html=TEXT)
    a = report(db_session, article, "twelve")
    with pytest.raises(DuplicateError, match="same article"):
        merge(db_session, [a, report(db_session, other, "twelve")], actor=editor, now=utcnow())
    with pytest.raises(DuplicateError, match="reopen"):
        merge(db_session, [a, report(db_session, article, "May", status=Status.SPAM)], actor=editor, now=utcnow())
    with pytest.raises(DuplicateError, match="already in one group"):
        merge(db_session, [a, report(db_session, article, "voted twelve")], actor=editor, now=utcnow())
    with pytest.raises(DuplicateError, match="not grouped"):
        split(db_session, report(db_session, article, "Residents"), actor=editor, now=utcnow())


def test_members_come_in_pages_with_the_group_counts(db_session):
    article = make_article(db_session, html=TEXT)
    reports = [report(db_session, article, "twelve", notify_reader=i % 2 == 0, reader_email="r@example.org")
               for i in range(7)]
    lead = reports[0]
    first = member_page(db_session, lead.id, limit=3)
    second = member_page(db_session, lead.id, after=first.next_after, limit=3)
    last = member_page(db_session, lead.id, after=second.next_after, limit=3)
    assert [r.id for r in first.rows + second.rows + last.rows] == [r.id for r in reports]
    assert last.next_after is None
    reports[1].status = Status.IN_REVIEW
    db_session.flush()
    counts = group_counts(db_session, lead.id)
    assert (counts.total, counts.want_reply) == (7, 4)
    assert counts.by_status == {Status.NEW: 6, Status.IN_REVIEW: 1}
    assert db_session.scalar(select(func.sum(Correction.group_size))) == 7  # counted once, on the lead


@pytest.mark.postgres
@pytest.mark.real_commits  # each reader's transaction on its own connection
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_reports_sent_at_the_same_moment_on_one_passage_make_one_group_counting_them_all(app, db_session):
    article = make_article(db_session, html=TEXT)
    db_session.commit()
    article_url, readers = article.url, 12
    barrier = threading.Barrier(readers)

    def send(n):
        with app.app_context():
            barrier.wait()
            submit_correction(db.session, {
                "idempotency_key": f"same-moment-{n:04d}", "article_url": article_url, "kind": "factual",
                "selectors": [{"type": "TextQuoteSelector", "exact": "twelve to five"}]},
                origin=None, own_origins=set(), ip_hash=f"reader-{n}", now=utcnow())
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=send, args=(n,)) for n in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    db_session.expire_all()
    reports = db_session.scalars(select(Correction).where(Correction.article_id == article.id)).all()
    assert len(reports) == readers
    assert {r.group_id for r in reports} == {min(r.id for r in reports)}
    [lead] = [r for r in reports if r.is_lead]
    assert lead.group_size == readers  # the count lives on the lead; the other members carry 0


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_a_viral_articles_members_are_not_read_for_each_new_report(db_session):
    """A new report reads the passages held on its article from the index of the holders alone: its
    cost must not grow with the group's members. (Without statistics the planner's choice is a tie;
    bench/api/README.md has what the old index cost then.)"""
    article = make_article(db_session, html=paragraphs("The council voted twelve to five on Thursday."))
    for n in range(300):
        submit_correction(db_session, {
            "idempotency_key": f"viral-report-{n:04d}", "article_url": article.url, "kind": "factual",
            "selectors": [{"type": "TextQuoteSelector", "exact": "twelve to five"}]},
            origin=None, own_origins=set(), ip_hash=f"reader-{n}", now=utcnow())
    assert db_session.scalar(select(func.count()).where(Correction.article_id == article.id,
                                                        Correction.holds_passage)) == 1
    db_session.execute(sa_text("ANALYZE corrections"))
    query = duplicates._held_passages(False, True)
    parameters = {"article_id": article.id, "part": "body", "revision_id": article.current_revision_id,
                  "start": 20, "end": 34}
    compiled = query.params(parameters).compile(db.engine, compile_kwargs={"literal_binds": True})
    plan = "\n".join(db_session.execute(sa_text("EXPLAIN " + str(compiled))).scalars())
    assert "ix_corrections_passages" in plan, plan
