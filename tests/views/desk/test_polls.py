"""The polls desk over HTTP: an editor creates a poll, sees results, exports counts, moderates."""

import re
from datetime import UTC, datetime, timedelta

from flask import url_for
from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.models import Poll, PollEvent, SuggestionStatus, TopicSuggestion
from readerdesk.services.polls.ballots import cast_vote
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_patron, make_poll, make_site, make_user
from tests.helpers import english_left, sign_in


def local(moment):
    return moment.strftime("%Y-%m-%dT%H:%M")


def test_an_editor_creates_a_poll_and_a_bad_one_gets_a_sentence(client, db_session):
    site = make_site(db_session, "demo")
    editor = make_user(db_session, "ed@example.com")
    db_session.commit()
    sign_in(client, editor)
    now = utcnow()
    data = {"site": str(site.id), "question": "What next?", "topics": "Housing\nSchools | the new one",
            "opens_at": local(now), "closes_at": local(now + timedelta(days=3)), "eligibility": "patrons",
            "max_choices": "1", "results_visibility": "after_close"}
    bad = client.post("/desk/polls/new", data={**data, "topics": "Only one"})
    assert bad.status_code == 400 and b"2 to 20 topics" in bad.data
    response = client.post("/desk/polls/new", data=data)
    assert response.status_code == 302
    poll = db_session.scalar(select(Poll))
    assert [t.description for t in poll.topics] == ["", "the new one"]
    page = client.get(f"/desk/polls/{poll.id}")
    assert b"0 ballots cast" in page.data and b"<svg" in page.data and b"created the poll" in page.data


def test_results_tiers_eligible_count_and_a_csv_without_voters(client, db_session):
    site = make_site(db_session)
    poll = make_poll(db_session, site, topics=("<script>alert(1)</script>", "Schools"))
    voter = make_patron(db_session, site, "voter@example.org")
    make_patron(db_session, site)
    cast_vote(db_session, TEST_SECRET_KEY, poll, voter, [poll.topics[0].id], tell_when_covered=False, now=utcnow())
    editor = make_user(db_session)
    db_session.commit()
    sign_in(client, editor)
    page = client.get(f"/desk/polls/{poll.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert re.search(r"1 ballot cast;\s*2 people may vote now", page)
    assert "<th>coffee</th>" in page
    edit = client.get(f"/desk/polls/{poll.id}/edit")
    assert edit.status_code == 302  # voted in: only extend or close
    csv = client.get(f"/desk/polls/{poll.id}/results.csv")
    assert csv.mimetype == "text/csv" and "voter@example.org" not in csv.get_data(as_text=True)
    actions = db_session.scalars(select(PollEvent.action).where(PollEvent.poll_id == poll.id)).all()
    assert actions == ["create", "export"]


def test_close_early_then_extending_is_refused_politely(client, db_session):
    poll = make_poll(db_session, make_site(db_session))
    editor = make_user(db_session)
    db_session.commit()
    sign_in(client, editor)
    assert client.post(f"/desk/polls/{poll.id}/close").status_code == 303
    response = client.post(f"/desk/polls/{poll.id}/extend", data={"closes_at": local(utcnow() + timedelta(days=9))},
                           follow_redirects=True)
    assert b"cannot be reopened" in response.data
    assert client.get("/desk/polls/999999").status_code == 404


def test_suggestions_are_accepted_merged_or_rejected(client, db_session):
    site = make_site(db_session)
    poll, patron = make_poll(db_session, site), make_patron(db_session, site)
    rows = [TopicSuggestion(site=site, poll=poll, patron=patron, title=f"Idea {n}", body="") for n in range(3)]
    db_session.add_all(rows)
    editor = make_user(db_session)
    db_session.commit()
    sign_in(client, editor)
    assert b"Idea 2" in client.get("/desk/polls/suggestions").data
    client.post(f"/desk/polls/suggestions/{rows[0].id}", data={"decision": "accept", "poll_id": poll.id})
    client.post(f"/desk/polls/suggestions/{rows[1].id}", data={"decision": "merge", "topic_id": poll.topics[0].id})
    client.post(f"/desk/polls/suggestions/{rows[2].id}", data={"decision": "reject"})
    assert [r.status for r in rows] == [SuggestionStatus.ACCEPTED, SuggestionStatus.MERGED,
                                        SuggestionStatus.REJECTED]
    assert [t.title for t in poll.topics][-1] == "Idea 0"
    assert client.post("/desk/polls/suggestions/999999", data={"decision": "reject"}).status_code == 404


def test_a_ukrainian_editor_runs_polls_in_ukrainian_with_plurals_dates_and_the_services_sentences(
        app, db_session, in_ukrainian):
    site = make_site(db_session)
    site.time_zone = "Europe/Kyiv"
    poll = make_poll(db_session, site, topics=("Housing", "Schools"), max_choices=2,
                     opens_at=datetime(2026, 11, 30, 22, 0, tzinfo=UTC),
                     closes_at=datetime(2027, 1, 5, 10, 0, tzinfo=UTC), now=datetime(2026, 11, 30, 23, 0, tzinfo=UTC))
    voters = [make_patron(db_session, site, f"voter{i}@example.org") for i in range(5)]
    for voter in voters:
        cast_vote(db_session, TEST_SECRET_KEY, poll, voter, [poll.topics[0].id], tell_when_covered=False, now=utcnow())
    db_session.commit()
    with app.test_request_context():  # the public pages' addresses, shown as links
        links = (url_for("polls.public_results", site_name=site.name, poll_id=poll.id),
                 url_for("polls.ask_for_link", poll_id=poll.id))
    data = (*links, poll.question, "Housing", "Schools", site.title or site.name, site.name, "Europe/Kyiv", "coffee")

    page = in_ukrainian.get(f"/desk/polls/{poll.id}").get_data(as_text=True)
    assert "5 бюлетенів подано;" in page and "5 осіб можуть голосувати зараз." in page  # the "many" form
    assert "до 2 голосів" in page  # the "few" form
    assert "1 груд. 2026\u202fр., 00:00" in page  # opens at midnight in Kyiv, 22:00 UTC
    assert "<td>100%</td>" in page and "Голоси за темами" in page  # the share, and the chart's title
    assert english_left(page, *data, "https://…") == []

    index = in_ukrainian.get("/desk/polls").get_data(as_text=True)
    assert "<h1>Опитування про теми</h1>" in index and "<td>відкрите</td>" in index
    assert english_left(index, *data) == []
    for path in ("/desk/polls/new", "/desk/polls/suggestions"):
        assert english_left(in_ukrainian.get(path).get_data(as_text=True), *data) == []

    # A service's refusal, in the desk's language.
    refused = in_ukrainian.post(f"/desk/polls/{poll.id}/extend", data={"closes_at": "2026-12-20T10:00"},
                                follow_redirects=True).get_data(as_text=True)
    assert "Продовження переносить закриття на пізніше" in refused

    # The same page for an English editor: the check sees English, so it can fail.
    english = make_user(db_session, "ed@example.com")
    db_session.commit()
    client = app.test_client()
    sign_in(client, english)
    english_page = client.get(f"/desk/polls/{poll.id}").get_data(as_text=True)
    assert "5 ballots cast;" in english_page and english_left(english_page, *data) != []
