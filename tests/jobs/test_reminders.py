"""The reminder job: one email to the assignee (or the staff) and one Slack message when a report
reaches its target, never a second one, and the next run on the outbox's timetable."""

import json
from datetime import timedelta
from ipaddress import ip_network

from sqlalchemy import select

from readerdesk.clock import utcnow
from readerdesk.jobs.reminders import RECHECK, send_target_reminders
from readerdesk.models import Kind, OutboxEntry, OutboxStatus
from tests.conftest import mail_settings
from tests.factories import make_article, make_correction, make_site, make_user
from tests.jobs.test_mail import _Recorder, slack_server  # noqa: F401 (a fixture)


def late_report(db_session, *, hours_ago: float, **kwargs):
    site = make_site(db_session)
    site.target_decision_hours = 24
    article = make_article(db_session, site, title="Council <approves> the bridge")
    return make_correction(db_session, article, created_at=utcnow() - timedelta(hours=hours_ago),
                           kind=Kind.FACTUAL, **kwargs)


def pending_runs(db_session):
    db_session.expire_all()
    return [e.next_attempt_at for e in db_session.scalars(
        select(OutboxEntry).where(OutboxEntry.job == "send_target_reminders",
                                  OutboxEntry.status == OutboxStatus.PENDING))]


def test_the_staff_get_one_reminder_and_never_a_second(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), PUBLIC_URL="https://desk.example")
    make_user(db_session, "ed@example.com")
    make_user(db_session, "admin@example.com", role="admin")
    report = late_report(db_session, hours_ago=25)
    make_correction(db_session, report.article, created_at=utcnow() - timedelta(hours=2))  # not due yet
    db_session.commit()
    send_target_reminders()
    send_target_reminders()
    assert sorted(m["To"] for m in smtp_server.messages) == ["admin@example.com", "ed@example.com"]
    message = smtp_server.messages[0]
    assert message["Subject"] == "24 hours without a first decision: “Council <approves> the bridge”"
    text = message.get_body(("plain",)).get_content()
    assert "waited 24 hours" in text and f"https://desk.example/desk/corrections/{report.id}" in text
    [at] = pending_runs(db_session)  # one pending run, however often it ran
    assert at - utcnow() <= RECHECK


def test_a_ukrainian_editor_is_reminded_in_ukrainian_with_the_right_plural(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), PUBLIC_URL="https://desk.example")
    olena = make_user(db_session, "olena@example.com")
    olena.language = "uk"
    report = late_report(db_session, hours_ago=25, assignee_id=olena.id)
    db_session.commit()
    send_target_reminders()
    [message] = smtp_server.messages
    assert message["Subject"] == "24 години без першого рішення: «Council <approves> the bridge»"
    text = message.get_body(("plain",)).get_content()
    assert "Це звернення чекає вже 24 години" in text and f"/desk/corrections/{report.id}" in text
    assert "waited" not in text


def test_the_assignee_alone_is_reminded_and_not_before_the_threshold(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    make_user(db_session, "ed@example.com")
    assignee = make_user(db_session, "olena@example.com")
    report = late_report(db_session, hours_ago=23.9, assignee_id=assignee.id)
    db_session.commit()
    send_target_reminders()
    assert smtp_server.messages == []
    [at] = pending_runs(db_session)
    assert abs(at - (report.created_at + timedelta(hours=24))) < timedelta(seconds=5)  # at the threshold
    report.created_at -= timedelta(hours=1)
    db_session.commit()
    send_target_reminders()
    assert [m["To"] for m in smtp_server.messages] == ["olena@example.com"]


def test_slack_gets_one_escaped_reminder(app, db_session, slack_server):  # noqa: F811
    port = slack_server.server_address[1]
    app.config.update(SLACK_WEBHOOK_URL=f"http://127.0.0.1:{port}/hooks/T000/B000", MAIL_SERVER="",
                      ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")], PUBLIC_URL="https://desk.example")
    report = late_report(db_session, hours_ago=30)
    db_session.commit()
    send_target_reminders()
    send_target_reminders()
    [(_path, _type, raw)] = _Recorder.received
    text = json.loads(raw)["text"]
    assert "Council &lt;approves&gt; the bridge" in text
    assert f"<https://desk.example/desk/corrections/{report.id}|Open it on the desk>" in text
