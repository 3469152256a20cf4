import pytest
from sqlalchemy import select, update

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, Correction, CorrectionAnchor, Kind, OutboxEntry, OutboxStatus, Status
from readerdesk.services.corrections.duplicates import GroupChoice
from readerdesk.services.corrections.report_rows import StoredReport, write_report
from tests.conftest import is_postgres
from tests.factories import make_article, paragraphs
from tests.helpers import correction_updates, recorded_statements

TEXT = paragraphs("The council voted twelve to five on Thursday. The mayor said the bridge would reopen in May.")


def values(article, key, start, end, **more):
    now = utcnow()
    anchored = {"captured_revision_id": article.current_revision_id, "anchor_state": AnchorState.ANCHORED,
                "revision_id": article.current_revision_id, "start": start, "end": end, "quote_verbatim": True,
                "anchor_revision_id": article.current_revision_id, "anchor_start": start, "anchor_end": end,
                "anchor_confidence": 1.0}
    return {"public_id": f"pub-{key}", "idempotency_key": key, "body_fingerprint": "f" * 64, "article_id": article.id,
            "kind": Kind.FACTUAL, "selectors": [], "exact": "twelve",
            "ip_hash": "h", "created_at": now, "updated_at": now, **anchored, **more}


def write(session, values, choice, jobs=()):
    """``write_report``, and the stored row as the ORM loads it (None when nothing was stored)."""
    stored = write_report(session, values, choice, jobs)
    return session.get(Correction, stored.id) if stored is not None else None


def an_article(session):
    article = make_article(session, html=TEXT)
    session.flush()  # its current revision's id
    return article


def anchor_rows(session, correction):
    return session.scalars(select(CorrectionAnchor).where(CorrectionAnchor.correction_id == correction.id)).all()


def test_a_report_that_starts_a_group_is_its_own_group_with_its_first_anchor_row(db_session):
    article = an_article(db_session)
    returned = write_report(db_session, values(article, "key-first-0001", 17, 23), None)
    assert isinstance(returned, StoredReport) and returned.public_id == "pub-key-first-0001"
    assert returned.status == Status.NEW
    stored = db_session.get(Correction, returned.id)
    assert (stored.group_id, stored.is_lead, stored.group_size, stored.holds_passage) == (stored.id, True, 1, True)
    # The columns no one gave take their defaults; the ones without a default are empty.
    assert (stored.status, stored.version, stored.assignee_id, stored.first_decision_at) == (Status.NEW, 1, None, None)
    assert (stored.passage_start, stored.passage_end, stored.contact_removed_at) == (None, None, None)
    [row] = anchor_rows(db_session, stored)
    assert (row.revision_id, row.state, row.start, row.end, row.confidence) == (
        article.current_revision_id, AnchorState.ANCHORED, 17, 23, 1.0)
    assert row.created_at == stored.created_at


def test_a_member_grows_its_lead_and_narrows_the_passage_the_lead_holds(db_session):
    article = an_article(db_session)
    lead = write(db_session, values(article, "key-lead-0001", 10, 30), None)
    member = write(db_session, values(article, "key-member-01", 17, 23),
                          GroupChoice(lead.id, lead.id, (17, 23)))
    db_session.refresh(lead)
    db_session.refresh(member)
    assert (member.group_id, member.is_lead, member.group_size, member.holds_passage) == (lead.id, False, 0, False)
    assert (lead.group_size, lead.passage_start, lead.passage_end) == (2, 17, 23)


@pytest.mark.skipif(not is_postgres(), reason="HOT updates are PostgreSQL's")
def test_on_postgresql_each_member_updates_its_lead_in_place(db_session):
    """A joining report changes its lead's size and passage, none of them in an index: PostgreSQL writes
    the lead's new version on its page with no index entry (HOT), not an entry in each of 25 indexes.
    Only the arrivals that move the group to its next size class (models.correction.size_class) cannot:
    sizes 33 to 64 are one class."""
    article = an_article(db_session)
    lead = write(db_session, values(article, "key-lead-0001", 10, 30), None)
    db_session.execute(update(Correction).where(Correction.id == lead.id).values(group_size=33))
    before = correction_updates(db_session)
    for n in range(10):
        write(db_session, values(article, f"key-member-{n:02}", 17, 23), GroupChoice(lead.id, lead.id, (17, 23)))
    updated, in_place = (after - earlier for after, earlier in zip(correction_updates(db_session), before, strict=True))
    db_session.refresh(lead)
    assert lead.group_size == 43 and updated == 10 and in_place == 10


def test_a_merged_in_holder_narrows_and_the_lead_only_grows(db_session):
    article = an_article(db_session)
    lead = write(db_session, values(article, "key-lead-0002", 40, 60), None)
    holder = write(db_session, values(article, "key-holder-02", 10, 30), None)
    holder.group_id, holder.is_lead, holder.group_size = lead.id, False, 0  # as an editor's merge leaves it
    lead.group_size = 2
    db_session.flush()
    write(db_session, values(article, "key-member-02", 17, 23), GroupChoice(lead.id, holder.id, (17, 23)))
    db_session.refresh(lead)
    db_session.refresh(holder)
    assert (lead.group_size, lead.passage_start, lead.passage_end) == (3, None, None)
    assert (holder.group_size, holder.passage_start, holder.passage_end) == (0, 17, 23)


def outbox_rows(session):
    return session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)).all()


def test_a_report_writes_its_jobs_outbox_rows_and_names_them(db_session):
    article = an_article(db_session)
    first = write_report(db_session, values(article, "key-jobs-0001", 17, 23), None,
                         ["new_correction", "refetch_and_anchor"])
    second = write_report(db_session, values(article, "key-jobs-0002", 17, 23),
                          GroupChoice(first.id, first.id, (17, 23)), ["new_correction"])
    quiet = write_report(db_session, values(article, "key-jobs-0003", 17, 23),
                         GroupChoice(first.id, first.id, (17, 23)))
    rows = outbox_rows(db_session)
    assert [(row.job, row.args) for row in rows] == [
        ("new_correction", [first.id]), ("refetch_and_anchor", [first.id]), ("new_correction", [second.id])]
    assert first.outbox_ids == (rows[0].id, rows[1].id) and second.outbox_ids == (rows[2].id,)
    assert quiet.outbox_ids == ()
    for row in rows:  # due at once, not tried yet, dated with its report
        assert (row.status, row.attempts, row.last_error, row.locked_until) == (OutboxStatus.PENDING, 0, "", None)
        assert row.created_at == row.next_attempt_at == db_session.get(Correction, row.args[0]).created_at


def test_a_stored_key_writes_nothing(db_session):
    article = an_article(db_session)
    lead = write(db_session, values(article, "key-twice-0001", 17, 23), None)
    again = write(db_session, values(article, "key-twice-0001", 17, 23, public_id="pub-other"),
                  GroupChoice(lead.id, lead.id, (18, 22)), ["new_correction"])
    assert again is None
    assert outbox_rows(db_session) == []  # no job for a report already told of
    db_session.refresh(lead)
    assert (lead.group_size, lead.passage_start) == (1, None)
    assert len(anchor_rows(db_session, lead)) == 1
    assert db_session.scalar(select(Correction).where(Correction.public_id == "pub-other")) is None


def test_postgresql_writes_a_report_with_its_job_in_one_statement_and_sqlite_in_four(db_session):
    article = an_article(db_session)
    lead = write(db_session, values(article, "key-count-0001", 17, 23), None)
    with recorded_statements(db_session) as statements:
        write_report(db_session, values(article, "key-count-0002", 17, 23), GroupChoice(lead.id, lead.id, (17, 23)),
                     ["new_correction"])
    assert len(statements) == (1 if is_postgres() else 4), statements
