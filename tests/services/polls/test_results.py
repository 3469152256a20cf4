"""Results: counts, a chart, the breakdown by tier, the eligible voters, and a CSV without voters."""

import csv
import io

from readerdesk.clock import utcnow
from readerdesk.models import Interval
from readerdesk.services.polls.ballots import cast_vote
from readerdesk.services.polls.results import eligible_voter_count, poll_results, results_chart, results_csv
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_patron, make_poll, make_site


def test_counts_chart_tiers_and_csv_without_voter_identities(db_session):
    site = make_site(db_session)
    poll, now = make_poll(db_session, site, topics=("Housing", "Schools", "=HYPERLINK(evil)"), max_choices=2), utcnow()
    voters = [make_patron(db_session, site, f"v{n}@example.org", tier=tier, stripe_customer_id=f"cus_{n}")
              for n, tier in enumerate(["coffee", "coffee", "reader"])]
    make_patron(db_session, site, "silent@example.org", interval=Interval.YEAR, tier="yearly")
    housing, schools, evil = (t.id for t in poll.topics)
    cast_vote(db_session, TEST_SECRET_KEY, poll, voters[0], [housing, schools], tell_when_covered=False, now=now)
    cast_vote(db_session, TEST_SECRET_KEY, poll, voters[1], [housing], tell_when_covered=False, now=now)
    cast_vote(db_session, TEST_SECRET_KEY, poll, voters[2], [schools, evil], tell_when_covered=False, now=now)

    results = poll_results(db_session, poll)
    assert results.ballots == 3
    assert [(c.topic.title, c.votes) for c in results.topics] == [("Housing", 2), ("Schools", 2),
                                                                  ("=HYPERLINK(evil)", 1)]
    assert results.by_tier == {"coffee": {housing: 2, schools: 1}, "reader": {schools: 1, evil: 1}}
    assert eligible_voter_count(db_session, poll, now=now) == 4
    chart = str(results_chart(results))
    assert chart.startswith('<div class="chart-layouts"><svg') and "Housing: 2" in chart

    text = results_csv(results)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["topic"], r["votes"], r["tier"]) for r in rows[:3]] == [
        ("Housing", "2", "all"), ("Schools", "2", "all"), ("'=HYPERLINK(evil)", "1", "all")]
    assert {r["tier"] for r in rows} == {"all", "coffee", "reader"}
    for secret in ("@example.org", "cus_", "v0"):
        assert secret not in text
