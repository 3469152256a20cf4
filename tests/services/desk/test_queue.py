import base64
from datetime import timedelta

import pytest
from sqlalchemy import select, text, update

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, Correction, Kind, Status
from readerdesk.models.correction import size_class
from readerdesk.services.corrections.duplicates import assign_group
from readerdesk.services.desk import queue
from readerdesk.services.desk.queue import (
    TAB_LABELS,
    QueueError,
    QueueFilters,
    count_ranges,
    filter_conditions,
    parse_filters,
    queue_counts,
    queue_page,
    tab_counts,
    word_frequency,
)
from tests.conftest import is_postgres
from tests.factories import make_article, make_correction, make_site, make_user, paragraphs
from tests.helpers import recorded_statements

T0 = utcnow().replace(microsecond=0) - timedelta(days=10)


def encode(raw: str) -> str:
    """A page link's cursor with ``raw`` inside (group size, microseconds, report id)."""
    return base64.urlsafe_b64encode(raw.encode()).decode()


def ids(page):
    return [c.id for c in page.rows]


def walk(session, filters, actor, page_size):
    """Every row, page by page through the keyset cursors."""
    seen, cursor = [], None
    while True:
        page = queue_page(session, filters, actor=actor, cursor=cursor, page_size=page_size, with_counts=False)
        seen += ids(page)
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


@pytest.fixture
def editor(db_session):
    return make_user(db_session)


def test_priority_puts_bigger_groups_first_then_the_oldest_and_pages_without_gaps(db_session, editor):
    article = make_article(db_session, html=paragraphs(*(f"Paragraph number {i} says something." for i in range(12))))
    reports = {}
    # Groups of sizes 3, 1, 2, 1, 3 (created in this order, one minute apart).
    for n, (para, size) in enumerate([(0, 3), (1, 1), (2, 2), (3, 1), (4, 3)]):
        for k in range(size):
            c = make_correction(db_session, article, exact=f"Paragraph number {para}",
                                created_at=T0 + timedelta(minutes=10 * n + k))
            assign_group(db_session, c)
            reports.setdefault(para, c)
    expected = [reports[p].id for p in (0, 4, 2, 1, 3)]
    for page_size in (1, 2, 3, 50):
        assert walk(db_session, QueueFilters(), editor, page_size) == expected
    oldest = walk(db_session, QueueFilters(sort="oldest"), editor, 2)
    assert oldest == [reports[p].id for p in (0, 1, 2, 3, 4)]
    assert walk(db_session, QueueFilters(sort="newest"), editor, 2) == oldest[::-1]


def test_priority_sorts_large_groups_by_their_exact_size_across_size_classes(db_session, editor):
    # Sizes above 16 share a class per doubling (17-32, 33-64): the queue still sorts them exactly.
    article = make_article(db_session, html=paragraphs(*(f"Paragraph number {i} says something." for i in range(12))))
    sizes = [20, 40, 17, 16, 33, 20, 1, 64, 65, 2, 31]
    leads = []
    for n, size in enumerate(sizes):
        lead = make_correction(db_session, article, exact=f"Paragraph number {n}", created_at=T0 + timedelta(minutes=n))
        db_session.execute(update(Correction).where(Correction.id == lead.id).values(group_size=size))
        leads.append((size, n, lead.id))
    db_session.expire_all()
    expected = [lead_id for size, n, lead_id in sorted(leads, key=lambda t: (-t[0], t[1]))]
    for page_size in (1, 2, 3, 50):
        assert walk(db_session, QueueFilters(), editor, page_size) == expected
    assert {c.id: (c.group_size, c.size_class) for c in db_session.scalars(select(Correction))} == {
        lead_id: (size, size_class(size)) for size, n, lead_id in leads}


def test_filters_narrow_the_queue_and_counts_follow_them(db_session, editor):
    other_editor = make_user(db_session)
    site_a, site_b = make_site(db_session), make_site(db_session)
    a, b = make_article(db_session, site_a), make_article(db_session, site_b)
    typo = make_correction(db_session, a, kind=Kind.TYPO, comment="misspelt council", created_at=T0)
    fact = make_correction(db_session, b, exact="twelve to five", kind=Kind.FACTUAL, assignee_id=editor.id,
                           status=Status.IN_REVIEW, created_at=T0 + timedelta(days=2))
    theirs = make_correction(db_session, b, exact="Second paragraph", assignee_id=other_editor.id,
                             created_at=T0 + timedelta(days=4))
    theirs.anchor_state = AnchorState.REMOVED

    def rows(**kw):
        return ids(queue_page(db_session, QueueFilters(tab="all", **kw), actor=editor, with_counts=False))

    assert set(rows()) == {typo.id, fact.id, theirs.id}
    assert rows(site_id=site_a.id) == [typo.id]
    assert set(rows(article_id=b.id)) == {fact.id, theirs.id}
    assert rows(kind=Kind.FACTUAL) == [fact.id]
    assert rows(anchor_state=AnchorState.REMOVED) == [theirs.id]
    assert rows(assignee="mine") == [fact.id]
    assert rows(assignee="unassigned") == [typo.id]
    assert rows(assignee=str(other_editor.id)) == [theirs.id]
    assert rows(date_from=T0 + timedelta(days=1), date_to=T0 + timedelta(days=3)) == [fact.id]
    assert rows(q="misspelt") == [typo.id]
    assert rows(q="twelve") == [fact.id]
    counts = queue_page(db_session, QueueFilters(tab="new", site_id=site_b.id), actor=editor).counts
    assert counts["new"] == (1, False) and counts["in_review"] == (1, False) and counts["all"] == (2, False)


def test_counts_stop_at_the_cap_in_one_statement(db_session, editor):
    article, other = make_article(db_session), make_article(db_session)
    for _ in range(4):
        make_correction(db_session, article)
    make_correction(db_session, other, status=Status.SPAM)
    make_correction(db_session, other)
    db_session.flush()
    with recorded_statements(db_session) as statements:
        counts = tab_counts(db_session, filter_conditions(db_session, QueueFilters(), editor), cap=3)
    assert counts["new"] == (3, True) and counts["spam"] == (1, False) and counts["all"] == (3, True)
    assert counts["published"] == (0, False)
    assert len(statements) == 1
    with recorded_statements(db_session) as statements:
        only_other = filter_conditions(db_session, QueueFilters(article_id=other.id), editor)
        counts = tab_counts(db_session, only_other, cap=3)
    assert (counts["new"], counts["spam"], counts["all"], counts["published"]) == ((1, False), (1, False),
                                                                                  (2, False), (0, False))
    assert len(statements) == 1


def test_all_is_capped_when_the_states_together_pass_the_cap(db_session, editor):
    article = make_article(db_session)
    for status in (Status.NEW, Status.NEW, Status.SPAM, Status.REJECTED):
        make_correction(db_session, article, status=status)
    db_session.flush()
    counts = tab_counts(db_session, filter_conditions(db_session, QueueFilters(), editor), cap=3)
    assert counts["new"] == (2, False) and counts["spam"] == (1, False) and counts["all"] == (3, True)
    counts = tab_counts(db_session, filter_conditions(db_session, QueueFilters(), editor), cap=4)
    assert counts["all"] == (4, False)


def searched_reports(db_session, more: int):
    """5 + ``more`` new reports with "bridge", one spam with it, one new without it."""
    article, other = make_article(db_session), make_article(db_session)
    for _ in range(5 + more):
        make_correction(db_session, article, comment="The bridge is closed.")
    make_correction(db_session, other, status=Status.SPAM, comment="A bridge too far.")
    make_correction(db_session, other, comment="No match here.")
    db_session.flush()


def assert_bridge_counts(counts):
    assert counts["new"] == (3, True) and counts["spam"] == (1, False) and counts["all"] == (3, True)
    assert counts["published"] == (0, False)


@pytest.mark.parametrize("more", [0, 40], ids=["fewer-than-the-wide-look", "more"])
def test_a_search_for_a_rarer_word_looks_at_its_rows_before_counting_each_state(db_session, editor, more):
    """On PostgreSQL, a word the statistics do not call common (none are before an ANALYZE): first a
    look at ten times the cap's rows, exact when the word is that rare; else it settles the states
    it saw often enough and counts only the others on their own. SQLite always counts state by state."""
    searched_reports(db_session, more)
    with recorded_statements(db_session) as statements:
        counts = tab_counts(db_session, filter_conditions(db_session, QueueFilters(q="bridge"), editor), cap=3,
                            search="bridge")
    assert_bridge_counts(counts)
    if is_postgres():
        # The word's frequency, the look, and (past the look) the count of each state left open.
        assert len(statements) == (2 if more == 0 else 3)
    else:
        assert len(statements) == 1


@pytest.mark.parametrize("more", [0, 40], ids=["few", "more"])
def test_a_search_for_a_common_word_counts_state_by_state(db_session, editor, more, monkeypatch):
    monkeypatch.setattr(queue, "COMMON_WORD_SHARE", 0.0)  # every word is common
    searched_reports(db_session, more)
    with recorded_statements(db_session) as statements:
        counts = tab_counts(db_session, filter_conditions(db_session, QueueFilters(q="bridge"), editor), cap=3,
                            search="bridge")
    assert_bridge_counts(counts)
    assert len(statements) == (2 if is_postgres() else 1)


@pytest.mark.parametrize("more", [0, 40], ids=["few", "more"])
def test_a_search_for_a_common_word_in_a_date_range_counts_state_by_state(db_session, editor, more, monkeypatch):
    """Each state walks its range in ``ix_corrections_search_dates`` on PostgreSQL: no look at the
    word's rows first, whatever the range (it read the range from the table, 0.1-0.5 s at 1,000,000
    reports)."""
    monkeypatch.setattr(queue, "COMMON_WORD_SHARE", 0.0)  # every word is common
    searched_reports(db_session, more)
    filters = QueueFilters(q="bridge", date_from=T0 - timedelta(days=400))
    with recorded_statements(db_session) as statements:
        counts = tab_counts(db_session, filter_conditions(db_session, filters, editor), cap=3, search="bridge")
    assert_bridge_counts(counts)
    assert len(statements) == (2 if is_postgres() else 1)  # the word's frequency, the states


@pytest.mark.parametrize("more", [0, 40], ids=["fewer-than-the-wide-look", "more"])
def test_a_search_for_a_rare_word_in_a_date_range_looks_at_its_rows_first(db_session, editor, more):
    searched_reports(db_session, more)
    filters = QueueFilters(q="bridge", date_from=T0 - timedelta(days=400))
    with recorded_statements(db_session) as statements:
        counts = tab_counts(db_session, filter_conditions(db_session, filters, editor), cap=3, search="bridge")
    assert_bridge_counts(counts)
    if is_postgres():
        assert len(statements) == (2 if more == 0 else 3)
    else:
        assert len(statements) == 1


@pytest.mark.parametrize("share", [0.0, 1.0], ids=["every-word-common", "every-word-rare"])
def test_search_counts_are_exact_below_the_cap_under_every_filter(db_session, editor, monkeypatch, share):
    """What an editor sees on each tab for a search with the other filters, a date range among
    them: the reports that match, exactly, up to the cap, and "cap+" past it; the same whichever
    way the counts are taken (each state walked, or the word's rows looked at first)."""
    monkeypatch.setattr(queue, "COMMON_WORD_SHARE", share)
    other_editor = make_user(db_session)
    site, other_site = make_site(db_session), make_site(db_session)
    articles = [make_article(db_session, site), make_article(db_session, other_site)]
    states = [Status.NEW, Status.NEW, Status.IN_REVIEW, Status.SPAM, Status.NEW, Status.REJECTED, Status.NEW]
    reports = []
    for n in range(42):
        status = states[n % len(states)]
        reports.append(make_correction(
            db_session, articles[n % 2], status=status, created_at=T0 + timedelta(days=n % 9),
            kind=(Kind.TYPO, Kind.FACTUAL, Kind.UNCLEAR)[n % 3],
            comment="The bridge is closed." if n % 4 else "The river is high.",
            assignee_id=(None, editor.id, other_editor.id)[n % 3] if status != Status.NEW else None))
    duplicate = make_correction(db_session, articles[0], comment="The bridge again.")
    duplicate.is_lead = False  # a duplicate of another report: not a row of the queue, not counted
    db_session.flush()
    if is_postgres():
        db_session.execute(text("ANALYZE corrections"))
    cases = [
        {"q": "bridge"},
        {"q": "bridge", "date_from": T0 + timedelta(days=2), "date_to": T0 + timedelta(days=6)},
        {"q": "bridge", "date_from": T0 + timedelta(days=1), "kind": Kind.FACTUAL},
        {"q": "bridge", "date_to": T0 + timedelta(days=5), "assignee": "unassigned"},
        {"q": "bridge", "assignee": "mine", "date_from": T0},
        {"q": "bridge", "site_id": site.id, "date_from": T0 + timedelta(days=3)},
        {"q": "bridge river", "date_from": T0},
        {"q": "river", "kind": Kind.TYPO},
    ]
    for case in cases:
        filters = QueueFilters(**case)

        def matches(report, filters=filters):
            words = {"bridge": "bridge" in report.comment, "river": "river" in report.comment}
            return (all(words[word] for word in filters.q.split())
                    and (filters.date_from is None or report.created_at >= filters.date_from)
                    and (filters.date_to is None or report.created_at < filters.date_to)
                    and filters.kind in (None, report.kind)
                    and (filters.site_id is None or report.article.site_id == filters.site_id)
                    and {"": True, "unassigned": report.assignee_id is None,
                         "mine": report.assignee_id == editor.id}[filters.assignee])

        expected = {status: sum(1 for r in reports if r.status == status and matches(r)) for status in Status}
        for cap in (2, 3, 100):  # 2: past the rare word's look at 30 rows, states left open
            counts = tab_counts(db_session, [*filter_conditions(db_session, filters, editor),
                                             *count_ranges(filters)], cap=cap, search=filters.q)
            assert counts == {**{status.value: (min(n, cap), n > cap) for status, n in expected.items()},
                              "all": (min(sum(expected.values()), cap), sum(expected.values()) > cap)}, case


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_a_words_frequency_comes_from_the_column_statistics(db_session):
    article = make_article(db_session)
    for n in range(40):
        make_correction(db_session, article, comment="The bridge is closed." if n % 4 else "The river is high.")
    db_session.flush()
    assert word_frequency(db_session, "bridge") == 0.0  # no statistics yet
    db_session.execute(text("ANALYZE corrections"))
    assert word_frequency(db_session, "bridge") == pytest.approx(0.75, abs=0.01)
    assert word_frequency(db_session, "the bridge") == pytest.approx(0.75, abs=0.01)  # "the" is in all
    assert word_frequency(db_session, "bridge river") == pytest.approx(0.75 * 0.25, abs=0.01)  # as the planner
    assert word_frequency(db_session, "kaloru") == pytest.approx(0.0, abs=1e-6)
    assert word_frequency(db_session, "%") == 0.0  # no words at all


def test_counts_spell_out_the_index_columns_before_a_filtered_one(db_session, editor):
    """``kind IN (every kind)`` before an anchor-state or assignee filter, and the anchor states before
    an assignee: the same rows, counted as index ranges."""
    def columns(filters):
        return [cond.left.name for cond in count_ranges(filters)]

    assert columns(QueueFilters()) == [] and columns(QueueFilters(kind=Kind.TYPO, q="x")) == []
    assert columns(QueueFilters(anchor_state=AnchorState.REMOVED)) == ["kind"]
    assert columns(QueueFilters(assignee="unassigned")) == ["kind", "anchor_state"]
    assert columns(QueueFilters(kind=Kind.TYPO, assignee="mine")) == ["anchor_state"]
    article = make_article(db_session)
    removed = make_correction(db_session, article, kind=Kind.FACTUAL, assignee_id=editor.id, status=Status.SPAM)
    removed.anchor_state = AnchorState.REMOVED
    make_correction(db_session, article, kind=Kind.TYPO, assignee_id=editor.id)
    make_correction(db_session, article, kind=Kind.GENERAL)
    db_session.flush()
    counts = queue_counts(db_session, QueueFilters(anchor_state=AnchorState.REMOVED), actor=editor)
    assert counts["spam"] == (1, False) and counts["new"] == (0, False) and counts["all"] == (1, False)
    counts = queue_counts(db_session, QueueFilters(assignee="mine"), actor=editor)
    assert counts["spam"] == (1, False) and counts["new"] == (1, False) and counts["all"] == (2, False)


def test_search_escapes_like_wildcards(db_session, editor):
    article = make_article(db_session)
    make_correction(db_session, article, comment="nothing special")
    assert ids(queue_page(db_session, QueueFilters(tab="all", q="%"), actor=editor, with_counts=False)) == []


def test_only_group_leads_are_rows(db_session, editor):
    article = make_article(db_session)
    lead = make_correction(db_session, article, exact="twelve to five")
    dup = make_correction(db_session, article, exact="twelve")
    assign_group(db_session, dup)
    page = queue_page(db_session, QueueFilters(), actor=editor)
    assert ids(page) == [lead.id] and page.rows[0].group_size == 2 and page.counts["new"] == (1, False)


@pytest.mark.parametrize("args, message", [
    ({"tab": "nope"}, "no tab"), ({"sort": "random"}, "Sort by"), ({"kind": "rant"}, "not a valid kind"),
    ({"date_from": "30/11/2026"}, "date like"), ({"article": "x"}, "must be a number"),
    ({"assignee": "bob"}, "Assignee"), ({"date_from": "2026-12-02", "date_to": "2026-12-01"}, "before the start"),
])
def test_bad_filters_are_explained(db_session, editor, args, message):
    with pytest.raises(QueueError, match=message):
        queue_page(db_session, parse_filters(args), actor=editor)


@pytest.mark.parametrize("cursor", ["garbage!", encode("1.1000.-5"), encode("1.1000.99999999999"), encode("1.1000.²")])
def test_a_broken_cursor_is_explained(db_session, editor, cursor):
    with pytest.raises(QueueError, match="page link is broken"):
        queue_page(db_session, QueueFilters(), actor=editor, cursor=cursor)


def test_the_tabs_are_the_states_with_their_labels_and_all():
    """In lower case, as the catalogues have them; the queue capitalises each in the desk's language."""
    assert TAB_LABELS == {"new": "new", "in_review": "in review", "accepted": "accepted", "published": "published",
                          "rejected": "rejected", "spam": "spam", "all": "all"}


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_the_queue_plans_its_statements_for_their_values_however_often_it_runs(db_session):
    """psycopg prepares a statement run five times on a connection, and PostgreSQL may then plan it
    once for any values: a generic plan of a search's counts uses none of the per-state indexes."""
    editor = make_user(db_session, "planner@example.com")
    make_correction(db_session, make_article(db_session), comment="the bridge is closed")
    for _ in range(12):
        queue_page(db_session, QueueFilters(tab="new", q="bridge"), actor=editor)
        assert db_session.execute(text("SHOW plan_cache_mode")).scalar() == "force_custom_plan"
        queue_counts(db_session, QueueFilters(q="bridge"), actor=editor)
        db_session.rollback()
        assert db_session.execute(text("SHOW plan_cache_mode")).scalar() == "auto"  # the rest of the app's
        db_session.rollback()
