import threading

import pytest
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import AnchorState, Correction, ModerationEvent, Status
from readerdesk.services.corrections import duplicates
from readerdesk.services.corrections.capture import submit_correction
from readerdesk.services.corrections.duplicates import DuplicateError, assign_group, merge, split
from tests.conftest import is_postgres
from tests.factories import make_article, make_correction, make_user, paragraphs

TEXT = paragraphs("The council voted twelve to five on Thursday.", "The mayor said the bridge would reopen in May.")


def report(session, article, exact, **kwargs):
    c = make_correction(session, article, exact=exact, **kwargs)
    assign_group(session, c)
    return c


def test_overlapping_passages_share_the_group_of_the_earliest_report(db_session):
    article = make_article(db_session, html=TEXT)
    first = report(db_session, article, "voted twelve to five")
    second = report(db_session, article, "twelve")
    third = report(db_session, article, "council voted")
    elsewhere = report(db_session, article, "reopen in May")
    assert {first.group_id, second.group_id, third.group_id} == {first.id}
    assert (first.is_lead, second.is_lead, first.group_size) == (True, False, 3)
    assert (elsewhere.group_id, elsewhere.group_size) == (elsewhere.id, 1)


def test_adjacent_passages_do_not_overlap(db_session):
    article = make_article(db_session, html=TEXT)
    a = report(db_session, article, "The council")
    b = report(db_session, article, " voted")  # starts where a ends: half-open ranges do not touch
    assert a.group_id != b.group_id


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
    assert later.group_id == later.id and decided.group_size == 1


def test_a_report_bridging_two_groups_joins_them(db_session):
    article = make_article(db_session, html=TEXT)
    left = report(db_session, article, "The council")
    right = report(db_session, article, "twelve to five")
    bridge = report(db_session, article, "council voted twelve")
    assert {left.group_id, right.group_id, bridge.group_id} == {left.id}
    assert left.group_size == 3


def test_merge_and_split_keep_every_report_and_log_it(db_session):
    editor = make_user(db_session)
    article = make_article(db_session, html=TEXT)
    a, b = report(db_session, article, "The council"), report(db_session, article, "the bridge")
    merge(db_session, [b, a], actor=editor, now=utcnow())
    assert (a.group_id, b.group_id, a.group_size, b.is_lead) == (a.id, a.id, 2, False)
    split(db_session, a, actor=editor, now=utcnow())  # the lead leaves: b leads what remains
    assert (a.group_id, a.group_size, b.group_id, b.is_lead, b.group_size) == (a.id, 1, b.id, True, 1)
    actions = [e.action for e in db_session.query(ModerationEvent).order_by(ModerationEvent.id)]
    assert actions == ["merge", "split"]
    assert len(duplicates.members(db_session, a.id)) == 1


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
        split(db_session, report(db_session, article, "Thursday"), actor=editor, now=utcnow())


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
    assert {r.group_size for r in reports} == {readers}
    assert sum(r.is_lead for r in reports) == 1
