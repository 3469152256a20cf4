"""Open corrections follow their passage into every new revision, with their anchor history."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, Status
from readerdesk.services.articles.ingest import add_revision
from tests.conftest import is_postgres
from tests.factories import make_article, make_correction, make_site, paragraphs
from tests.helpers import correction_updates

P1 = "The council met on Monday evening to discuss the bridge over the Marrow river and its future."
P2 = "Engineers told members that contractors will replace twelve of the bridge's cross-girders next spring."
P3 = "The mayor said the work would cost 4.2 million euros and take about nine months to complete."
P4 = "Residents asked whether the footpath would stay open while the heavy works are going on."


def test_a_report_on_revision_1_is_placed_correctly_on_revision_3_with_its_history(db_session):
    site = make_site(db_session)
    article = make_article(db_session, site, html=paragraphs(P1, P2, P3, P4))
    correction = make_correction(db_session, article, exact="replace twelve of the bridge's cross-girders")
    r1 = article.current_revision

    # Revision 2 fixes the passage itself AND quotes the original wording in a new paragraph: the
    # Hypothesis trap. The correction must follow the edited passage, not jump to the quote.
    quote = "An earlier version said contractors will replace twelve of the bridge's cross-girders."
    r2 = add_revision(db_session, article, paragraphs(P1, P2.replace("twelve", "eleven"), P3, P4, quote), now=utcnow())
    # Revision 3 moves paragraphs around and edits elsewhere.
    r3 = add_revision(db_session, article, paragraphs(
        "Updated on Tuesday.", P3.replace("nine months", "ten months"), P1, P2.replace("twelve", "eleven"), P4, quote),
        now=utcnow())

    assert correction.anchor_revision_id == r3.id
    twelve, eleven = "replace twelve of the bridge's cross-girders", "replace eleven of the bridge's cross-girders"
    assert r3.text[correction.anchor_start:correction.anchor_end] == eleven
    # And it is the passage in the paragraph that was P2, not the quote in the last paragraph.
    assert correction.anchor_start < r3.text.index("An earlier version")
    assert correction.anchor_state == AnchorState.EDITED
    history = [(a.revision_id, a.state, a.before, a.after) for a in correction.anchors]
    assert history == [
        (r1.id, AnchorState.ANCHORED, None, None),
        (r2.id, AnchorState.EDITED, twelve, eleven),
        (r3.id, AnchorState.EDITED, twelve, eleven),
    ]


def test_untouched_passages_are_unchanged_and_shifted(db_session):
    article = make_article(db_session, html=paragraphs(P1, P2, P3))
    correction = make_correction(db_session, article, exact="4.2 million euros")
    revision = add_revision(db_session, article, paragraphs("A new first paragraph.", P1, P2, P3), now=utcnow())
    assert correction.anchor_state == AnchorState.UNCHANGED
    assert revision.text[correction.anchor_start:correction.anchor_end] == "4.2 million euros"


def test_a_deleted_passage_is_removed_not_moved_to_a_look_alike(db_session):
    article = make_article(db_session, html=paragraphs(P1, P2, P3))
    correction = make_correction(db_session, article, exact=P3)
    look_alike = "The mayor said the works would cost 4.3 million euros and take about nine months to finish."
    # P3 is cut; a similar sentence about another official appears at the top.
    add_revision(db_session, article, paragraphs(look_alike.replace("mayor", "treasurer"), P1, P2), now=utcnow())
    assert correction.anchor_state in (AnchorState.REMOVED, AnchorState.AMBIGUOUS)
    assert correction.anchor_start is None and correction.anchor_end is None


def test_closed_corrections_are_left_alone(db_session):
    article = make_article(db_session, html=paragraphs(P1, P2))
    rejected = make_correction(db_session, article, exact="Marrow river", status=Status.REJECTED)
    r1 = article.current_revision
    add_revision(db_session, article, paragraphs("New lead.", P1, P2), now=utcnow())
    assert rejected.anchor_revision_id == r1.id
    assert len(rejected.anchors) == 1


def test_an_unanchored_report_is_anchored_when_the_revision_the_reader_saw_arrives(db_session):
    from readerdesk.models import Correction

    article = make_article(db_session, html=paragraphs(P1, P2))
    correction = Correction(public_id="pub-unanchored", idempotency_key="k-unanchored", article=article,
                            exact="a sentence that only the newer page has", prefix="Breaking: ", suffix=" today.",
                            anchor_state=AnchorState.UNANCHORED, selectors=[])
    db_session.add(correction)
    db_session.flush()
    revision = add_revision(db_session, article, paragraphs(
        P1, "Breaking: a sentence that only the newer page has today.", P2), now=utcnow())
    assert correction.anchor_state == AnchorState.ANCHORED
    assert correction.revision_id == revision.id
    assert revision.text[correction.start:correction.end] == "a sentence that only the newer page has"


def test_many_corrections_share_one_diff(db_session, monkeypatch):
    from readerdesk.services.corrections import reanchoring

    built = []
    real = reanchoring.RevisionDiff
    monkeypatch.setattr(reanchoring, "RevisionDiff", lambda old, new: built.append(1) or real(old, new))
    article = make_article(db_session, html=paragraphs(P1, P2, P3, P4))
    corrections = [make_correction(db_session, article, exact=p[:30]) for p in (P1, P2, P3, P4)]
    revision = add_revision(db_session, article, paragraphs(P4, P3, P2, P1), now=utcnow())
    assert len(built) == 1
    # Paragraphs swapped round: every passage is intact, most in another place.
    assert all(c.anchor_state in (AnchorState.UNCHANGED, AnchorState.MOVED) for c in corrections)
    assert [revision.text[c.anchor_start:c.anchor_end] for c in corrections] == [p[:30] for p in (P1, P2, P3, P4)]
    assert AnchorState.MOVED in {c.anchor_state for c in corrections}


def test_text_inserted_right_before_the_passage_leaves_it_unchanged_in_place(db_session):
    """"He said." -> "He met them. He said.": the diff slides the boundary into the insertion; the
    passage is intact with its context, so it is unchanged, with its own span."""
    article = make_article(db_session, html=paragraphs(P1, "The mayor spoke last. He said the bridge will reopen.", P3))
    correction = make_correction(db_session, article, exact="He said the bridge will reopen.")
    revision = add_revision(db_session, article, paragraphs(
        P1, "The mayor spoke last. He met the engineers first. He said the bridge will reopen.", P3), now=utcnow())
    assert correction.anchor_state == AnchorState.UNCHANGED
    assert revision.text[correction.anchor_start:correction.anchor_end] == "He said the bridge will reopen."


def test_states_agree_with_spans_and_evidence(db_session):
    """Each state is what was observed: unchanged and moved mean the text at the span is the passage
    as reported (unchanged with confidence 1), edited means it differs (before/after say how), removed
    and ambiguous carry no span."""
    article = make_article(db_session, html=paragraphs(P1, P2, P3, P4))
    corrections = [make_correction(db_session, article, exact=e) for e in (
        "Marrow river", "replace twelve of the bridge's cross-girders", "4.2 million euros", P4, "Engineers told",
        "The mayor said the work would cost")]
    texts = [paragraphs("Updated.", P1, P2.replace("twelve", "eleven"), P3, P4),
             paragraphs(P3, "Updated.", P1, P2.replace("twelve", "eleven")),
             paragraphs(P3, "Engineers told", P1, "Engineers told", P2.replace("twelve", "eleven"))]
    seen = set()
    for html in texts:
        add_revision(db_session, article, html, now=utcnow())
    for c in corrections:
        reported = c.revision.text[c.start:c.end]
        for row in c.anchors:
            seen.add(row.state)
            text = row.revision.text
            if row.state in (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.MOVED):
                assert text[row.start:row.end] == reported, (c.exact, row.state)
            if row.state == AnchorState.UNCHANGED:
                assert row.confidence == 1.0
            if row.state == AnchorState.EDITED:
                assert text[row.start:row.end] == row.after != row.before == reported
            if row.state in (AnchorState.REMOVED, AnchorState.AMBIGUOUS):
                assert row.start is None and row.end is None
    assert {AnchorState.UNCHANGED, AnchorState.MOVED, AnchorState.EDITED, AnchorState.REMOVED} <= seen


def test_a_groups_passage_follows_a_new_revision_and_still_draws_its_readers(db_session):
    from readerdesk.services.corrections.duplicates import assign_group

    article = make_article(db_session, html=paragraphs(P1, P2, P3))
    wide = make_correction(db_session, article, exact="contractors will replace twelve of the bridge's cross-girders")
    assign_group(db_session, wide)
    word = make_correction(db_session, article, exact="twelve")
    assign_group(db_session, word)
    db_session.refresh(wide)
    assert article.current_revision.text[wide.passage_start:wide.passage_end] == "twelve"
    revision = add_revision(db_session, article, paragraphs("A new first paragraph.", P1, P2, P3), now=utcnow())
    db_session.refresh(wide)
    assert wide.anchor_revision_id == revision.id
    assert revision.text[wide.passage_start:wide.passage_end] == "twelve"
    # A reader of the new revision who selects the number joins the group.
    later = make_correction(db_session, article, exact="twelve of the bridge's")
    assign_group(db_session, later)
    db_session.refresh(wide)
    assert later.group_id == wide.id and wide.group_size == 3


def _writes_while_reanchoring(db_session, reports: int) -> list[tuple[str, bool]]:
    """The statements writing reports and their history while a revision of an article with
    ``reports`` open reports is stored, each with whether it was an executemany."""
    article = make_article(db_session, html=paragraphs(P1, P2, P3, P4))
    corrections = [make_correction(db_session, article, exact=[P1, P2, P3, P4][n % 4][n:n + 30])
                   for n in range(reports)]
    writes: list[tuple[str, bool]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(("UPDATE CORRECTIONS", "INSERT INTO CORRECTION_ANCHORS")):
            writes.append((statement, executemany))

    engine = db_session.get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        revision = add_revision(db_session, article, paragraphs(P4, P3.replace("nine", "ten"), P2, P1), now=utcnow())
    finally:
        event.remove(engine, "before_cursor_execute", record)
    for n, correction in enumerate(corrections):  # each report followed, with its history row
        assert correction.anchor_revision_id == revision.id
        assert revision.text[correction.anchor_start:correction.anchor_end] == [P1, P2, P3, P4][n % 4][n:n + 30]
        assert [a.revision_id for a in correction.anchors][-1] == revision.id
    return writes


def test_a_revision_writes_its_reports_in_bulk_however_many_there_are(db_session):
    few, many = _writes_while_reanchoring(db_session, 2), _writes_while_reanchoring(db_session, 24)
    assert len(many) == len(few) <= 3  # the reports' anchors (one set of columns here), their history
    if is_postgres():  # an executemany runs one statement per report on the server; unnest runs one
        assert not any(executemany for _, executemany in many)


def test_a_report_is_stamped_updated_only_when_its_anchor_state_changes(db_session):
    """The desk's open queues notice changes by ``updated_at``, and show of an anchor only its state."""
    article = make_article(db_session, html=paragraphs(P1, P2, P3))
    kept, edited = (make_correction(db_session, article, exact=exact) for exact in ("Marrow river", "4.2 million"))
    add_revision(db_session, article, paragraphs("New lead.", P1, P2, P3), now=utcnow())  # anchored -> unchanged
    db_session.expire_all()
    first = {c.id: c.updated_at for c in (kept, edited)}
    assert (kept.anchor_state, edited.anchor_state) == (AnchorState.UNCHANGED, AnchorState.UNCHANGED)

    later = utcnow() + timedelta(minutes=5)
    r3 = add_revision(db_session, article, paragraphs("New lead.", P1, P2, P3.replace("4.2", "4.5")), now=later)
    db_session.expire_all()
    assert (kept.anchor_state, edited.anchor_state) == (AnchorState.UNCHANGED, AnchorState.EDITED)
    assert kept.updated_at == first[kept.id]  # followed, same state: no change a queue shows
    assert edited.updated_at.replace(tzinfo=None) == later.replace(tzinfo=None)
    # Both were followed all the same, with their history.
    assert kept.anchor_revision_id == edited.anchor_revision_id == r3.id
    assert [a.revision_id for a in kept.anchors][-1] == [a.revision_id for a in edited.anchors][-1] == r3.id


@pytest.mark.skipif(not is_postgres(), reason="HOT updates are PostgreSQL's")
def test_on_postgresql_reports_that_keep_their_state_are_updated_in_place(db_session):
    """No indexed column gets a new value, and the page has room: no new entry in any index (HOT).
    (A few reports: every version of them stays on the page within the test's one transaction.)"""
    article = make_article(db_session, html=paragraphs(P1, P2, P3, P4))
    for n in range(4):
        make_correction(db_session, article, exact=[P1, P2, P3, P4][n][n:n + 30])
    add_revision(db_session, article, paragraphs("New lead.", P1, P2, P3, P4), now=utcnow())
    before = correction_updates(db_session)
    add_revision(db_session, article, paragraphs("New lead.", P1, P2, P3, P4, "A closing line."), now=utcnow())
    updates, hot = (after - earlier for after, earlier in zip(correction_updates(db_session), before, strict=True))
    assert updates == 4 and hot == 4

