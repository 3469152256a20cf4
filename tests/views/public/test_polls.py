"""Patrons vote through single-use links; bad input gets a sentence, never a 500."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from readerdesk.clock import utcnow
from readerdesk.models import PatronStatus, PollBallot, ResultsVisibility, TopicSuggestion
from readerdesk.services.polls.ballots import make_vote_token
from tests.conftest import TEST_SECRET_KEY, mail_settings
from tests.factories import make_patron, make_poll, make_site
from tests.helpers import run_jobs


def token_in(message) -> str:
    return re.search(r"https?://\S+/support/polls/vote#(\S+)", message.get_content())[1]


def ballot(client, token: str, **vote):
    """What the landing page's script posts (the token), or with ``vote`` the ballot itself."""
    return client.post("/support/polls/vote", data={"token": token, **({"cast": "1", **vote} if vote else {})})


def test_a_patron_asks_for_a_link_votes_and_the_link_is_then_used(app, client, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    site = make_site(db_session, "demo")
    poll = make_poll(db_session, site)
    make_patron(db_session, site, "ann@example.org")
    db_session.commit()
    assert b"What should we cover next?" in client.get("/support/polls?site=demo").data
    for email in ("ann@example.org", "stranger@example.org"):  # the same answer for both
        page = client.post(f"/support/polls/{poll.id}", data={"email": email})
        assert page.status_code == 200 and b"If this address belongs to a patron" in page.data
    run_jobs()
    [message] = smtp_server.messages
    assert message["To"] == "ann@example.org"
    token = token_in(message)
    assert b"fragment-token.js" in client.get("/support/polls/vote").data  # the landing page
    page = ballot(client, token)
    assert page.status_code == 200 and b'name="topics"' in page.data
    voted = ballot(client, token, topics=str(poll.topics[1].id), tell_when_covered="y",
                   suggestion_title="Bridges", suggestion_body="Are they safe?")
    assert b"Your vote is counted." in voted.data
    assert db_session.scalar(select(func.count()).select_from(PollBallot)) == 1
    assert db_session.scalar(select(TopicSuggestion.title)) == "Bridges"
    again = ballot(client, token, topics=str(poll.topics[0].id))
    assert again.status_code == 400 and b"used already" in again.data


def test_bad_input_gets_a_sentence(client, db_session):
    site = make_site(db_session)
    poll, other = make_poll(db_session, site, max_choices=1), make_poll(db_session, site)
    patron = make_patron(db_session, site)
    canceled = make_patron(db_session, site, status=PatronStatus.CANCELED)
    db_session.commit()
    token = make_vote_token(TEST_SECRET_KEY, patron, poll, expires_at=poll.closes_at)
    two = ballot(client, token, topics=[str(t.id) for t in poll.topics[:2]])
    assert two.status_code == 400 and b"You can choose one topic in this poll." in two.data
    foreign = ballot(client, token, topics=str(other.topics[0].id))
    assert foreign.status_code == 400 and b"not in this poll" in foreign.data
    junk = ballot(client, token, topics="x")
    assert junk.status_code == 400
    canceled_token = make_vote_token(TEST_SECRET_KEY, canceled, poll, expires_at=poll.closes_at)
    refused = ballot(client, canceled_token)
    assert b"Become a patron to vote in the next one." in refused.data
    assert ballot(client, "garbage").status_code == 400
    assert client.get("/support/polls/999999").status_code == 404
    assert client.get(f"/sites/{site.name}/polls/999999").status_code == 404
    expired = make_vote_token(TEST_SECRET_KEY, patron, poll, expires_at=utcnow() - timedelta(seconds=1))
    assert b"has expired" in ballot(client, expired).data


def test_public_results_follow_the_polls_rule_and_the_page_speaks_the_sites_language(client, db_session):
    site = make_site(db_session, language="uk")
    now = utcnow()
    after = make_poll(db_session, site, results_visibility=ResultsVisibility.AFTER_CLOSE)
    page = client.get(f"/sites/{site.name}/polls/{after.id}").get_data(as_text=True)
    assert 'lang="uk"' in page and "Результати буде показано, коли опитування закриється." in page
    after.closes_at = now - timedelta(minutes=1)
    db_session.commit()
    page = client.get(f"/sites/{site.name}/polls/{after.id}").get_data(as_text=True)
    assert "Проголосували 0 патронів." in page and "<svg" in page
    closed = client.post(f"/support/polls/{after.id}", data={"email": "a@example.org"})
    assert closed.status_code == 400 and "не приймає голосів" in closed.get_data(as_text=True)


def test_the_support_boxs_endpoint_gives_the_open_poll_to_any_origin(client, db_session):
    site = make_site(db_session, "demo")
    assert client.get("/api/v1/polls/open?site=demo").get_json() == {"poll": None}
    poll = make_poll(db_session, site)
    db_session.commit()
    response = client.get("/api/v1/polls/open?site=demo", headers={"Origin": "https://elsewhere.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.get_json()["poll"]
    assert (body["question"], body["topics"]) == (poll.question, ["Housing", "Schools", "Transport"])
    assert body["vote_url"].endswith(f"/support/polls/{poll.id}")
    assert client.get("/api/v1/polls/open?site=nowhere").status_code == 404
