import json
import os
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from ipaddress import ip_network

import pytest
from sqlalchemy import select, update

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.mail import SendInProgress, after_decision, new_correction, send_digest, send_once
from readerdesk.models import Kind, NotificationSent
from readerdesk.services.desk import moderation
from readerdesk.services.effects import Job
from readerdesk.services.mail import notifications
from readerdesk.services.mail.smtp import SmtpSettings, stable_message_id
from readerdesk.services.outbound import AddressRefused
from readerdesk.services.publishing import publish as publishing
from tests.conftest import mail_settings
from tests.factories import make_article, make_correction, make_site, make_user

HTML = "<p>The council voted twelve to five on Tuesday.</p><p>The mayor-elect spoke, briefly &amp; warmly.</p>"


def reader_correction(db_session, *, language="en", site=None, **kwargs):
    article = make_article(db_session, site, html=HTML, title="Council approves the bridge")
    kwargs.setdefault("reader_email", "reader@example.org")
    kwargs.setdefault("reader_name", "Olena")
    kwargs.setdefault("notify_reader", True)
    kwargs.setdefault("suggestion", "eleven to five")
    return make_correction(db_session, article, exact="twelve to five", language=language, **kwargs)


def body(message, kind):
    return message.get_body((kind,)).get_content()


def test_the_reader_gets_the_published_note_and_a_link_to_the_corrected_passage(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor = make_user(db_session)
    correction = reader_correction(db_session)
    preview = publishing.preview_wording(correction, "eleven to five")
    result = publishing.publish(db_session, correction, note_type="correction", body="",
                                was_wrong="the vote was 12–5 & unanimous <not>", is_right="It was 11–5.", actor=editor,
                                now=utcnow(), expected_version=1, apply_wording="eleven to five",
                                expected_passage=preview.passage.text)
    db_session.commit()
    after_decision(correction.id, result.event.id)
    [message] = smtp_server.messages
    assert message["To"] == "reader@example.org"
    assert message["Subject"] == "Your correction was published: Council approves the bridge"
    text, html = body(message, "plain"), body(message, "html")
    assert "Hello Olena," in text
    assert "An earlier version of this article said the vote was 12–5 & unanimous <not>. It was 11–5." in text
    link = f"{correction.article.url}#:~:text=eleven%20to%20five"
    assert link in text and f'href="{link}"' in html
    assert "12–5 &amp; unanimous &lt;not&gt;." in html and "<not>" not in html
    assert "asked, when you sent your report" in text  # the footer says why they got it


def test_the_email_is_in_the_readers_language(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor = make_user(db_session)
    correction = reader_correction(db_session, language="uk")
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    db_session.commit()
    after_decision(correction.id, event.id)
    [message] = smtp_server.messages
    assert message["Subject"] == "Дякуємо — ваше повідомлення прийнято: Council approves the bridge"
    assert "Вітаємо, Olena!" in body(message, "plain") and "статтю буде виправлено" in body(message, "plain")


def test_a_rejection_is_polite_and_carries_the_reason_meant_for_the_reader(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor = make_user(db_session)
    correction = reader_correction(db_session, reader_name="<b>Eve</b>")
    event = moderation.reject(db_session, correction, actor=editor, now=utcnow(), expected_version=1,
                              reason="internal: reader is confused", reader_message="The minutes confirm 12 votes.")
    db_session.commit()
    after_decision(correction.id, event.id)
    [message] = smtp_server.messages
    text, html = body(message, "plain"), body(message, "html")
    assert message["Subject"] == "About your report on “Council approves the bridge”"
    assert "Thank you for taking the time" in text and "The minutes confirm 12 votes." in text
    assert "internal" not in text
    assert "&lt;b&gt;Eve&lt;/b&gt;" in html and "<b>Eve</b>" not in html



@pytest.mark.parametrize("language, code, sentence", [
    ("en", "opinion", "The passage is an opinion, not a statement of fact we can correct."),
    ("uk", "already_corrected", "Статтю вже було виправлено."),
    ("en", "duplicate", "Another reader reported the same passage"),
])
def test_a_rejections_reason_code_is_told_to_the_reader_in_their_language(app, db_session, smtp_server, language,
                                                                          code, sentence):
    app.config.update(mail_settings(smtp_server))
    correction = reader_correction(db_session, language=language)
    event = moderation.reject(db_session, correction, actor=make_user(db_session), now=utcnow(), expected_version=1,
                              code=code)
    db_session.commit()
    after_decision(correction.id, event.id)
    [message] = smtp_server.messages
    assert sentence in body(message, "plain")


def test_an_unknown_reason_code_is_refused(db_session):
    correction = reader_correction(db_session)
    with pytest.raises(moderation.ModerationError, match="Choose a reason"):
        moderation.reject(db_session, correction, actor=make_user(db_session), now=utcnow(), expected_version=1,
                          code="boring")

def test_nothing_is_sent_for_spam_without_consent_or_twice_for_the_same_decision(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor = make_user(db_session)
    spam = reader_correction(db_session)
    spam_event = moderation.mark_spam(db_session, spam, actor=editor, now=utcnow(), expected_version=1)
    silent = reader_correction(db_session, notify_reader=False)
    silent_event = moderation.accept(db_session, silent, actor=editor, now=utcnow(), expected_version=1)
    wanted = reader_correction(db_session)
    wanted_event = moderation.accept(db_session, wanted, actor=editor, now=utcnow(), expected_version=1)
    db_session.commit()
    after_decision(spam.id, spam_event.id)
    after_decision(silent.id, silent_event.id)
    after_decision(wanted.id, wanted_event.id)
    after_decision(wanted.id, wanted_event.id)  # a retried or duplicated job
    assert len(smtp_server.messages) == 1
    assert db_session.query(NotificationSent).filter_by(kind=notifications.READER_DECISION).count() == 1


def test_a_failed_send_is_not_recorded_so_the_retry_sends_it(app, db_session, smtp_server):
    editor = make_user(db_session)
    correction = reader_correction(db_session)
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    db_session.commit()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=1, HTTP_TIMEOUT=2)  # nothing listens there
    with pytest.raises(OSError):
        after_decision(correction.id, event.id)
    assert db_session.query(NotificationSent).count() == 0
    app.config.update(mail_settings(smtp_server))
    after_decision(correction.id, event.id)
    assert len(smtp_server.messages) == 1


@pytest.mark.real_commits  # another connection looks during the send
def test_the_attempt_is_recorded_before_the_send_and_confirmed_after_it(app, db_session):
    seen = []

    def send():
        with db.engine.connect() as other:  # what a runner starting now would see
            seen.append(other.execute(select(NotificationSent.attempts, NotificationSent.sent_at)).all())

    assert send_once(db_session, "test-kind", "k1", send, now=utcnow()) is True
    assert seen == [[(1, None)]]
    assert db_session.scalar(select(NotificationSent.sent_at)) is not None
    assert send_once(db_session, "test-kind", "k1", send, now=utcnow()) is False
    assert len(seen) == 1


def test_a_runner_that_died_during_the_send_is_taken_over_with_the_same_message_id(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor = make_user(db_session)
    correction = reader_correction(db_session)
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    db_session.commit()
    after_decision(correction.id, event.id)
    # As if the runner had been killed after the mail server took the message, before confirming it.
    db_session.execute(update(NotificationSent).values(sent_at=None, attempted_at=utcnow() - timedelta(minutes=5)))
    db_session.commit()
    after_decision(correction.id, event.id)
    first, second = smtp_server.messages
    assert first["Message-ID"] == second["Message-ID"] == stable_message_id(
        notifications.READER_DECISION, str(event.id), sender="Desk <desk@example.com>",
        namespace=app.config["PUBLIC_URL"])
    row = db_session.scalar(select(NotificationSent))
    assert row.attempts == 2 and row.sent_at is not None
    after_decision(correction.id, event.id)
    assert len(smtp_server.messages) == 2


def test_an_attempt_still_in_flight_elsewhere_asks_for_a_later_retry(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server))
    editor = make_user(db_session)
    correction = reader_correction(db_session)
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    db_session.add(NotificationSent(kind=notifications.READER_DECISION, key=str(event.id), recipient="x",
                                    attempted_at=utcnow(), attempts=1))
    db_session.commit()
    with pytest.raises(SendInProgress):
        after_decision(correction.id, event.id)
    assert smtp_server.messages == []


def test_editors_get_an_email_for_each_new_correction(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), EDITOR_NOTIFICATIONS="each", PUBLIC_URL="https://desk.example")
    make_user(db_session, "ed@example.com")
    make_user(db_session, "admin@example.com", role="admin")
    correction = reader_correction(db_session)
    db_session.commit()
    new_correction(correction.id)
    new_correction(correction.id)
    assert sorted(m["To"] for m in smtp_server.messages) == ["admin@example.com", "ed@example.com"]
    text = body(smtp_server.messages[0], "plain")
    assert "twelve to five" in text and "Suggested: eleven to five" in text
    assert f"https://desk.example/desk/corrections/{correction.id}" in text


def test_each_editor_gets_the_new_report_email_in_their_desk_language(app, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), EDITOR_NOTIFICATIONS="each", PUBLIC_URL="https://desk.example")
    olena = make_user(db_session, "olena@example.com")
    olena.language = "uk"
    make_user(db_session, "ed@example.com")  # no choice: English
    make_user(db_session, "taras@example.com").language = "uk"
    correction = reader_correction(db_session, kind=Kind.FACTUAL)
    db_session.commit()
    new_correction(correction.id)  # one job, two languages
    sent = {m["To"]: m for m in smtp_server.messages}
    assert set(sent) == {"olena@example.com", "taras@example.com", "ed@example.com"}
    ukrainian, english = sent["olena@example.com"], sent["ed@example.com"]
    assert ukrainian["Subject"] == "Нове звернення до статті «Council approves the bridge»"
    text = body(ukrainian, "plain")
    assert "(фактична помилка):" not in text and "фактична помилка:" in text
    assert "Пропозиція: eleven to five" in text and "Відкрити в панелі редакції" in body(ukrainian, "html")
    assert "Ви отримуєте цей лист, бо працюєте в редакції" in text and "Suggested" not in text
    assert sent["taras@example.com"]["Subject"] == ukrainian["Subject"]
    assert english["Subject"] == "New correction on “Council approves the bridge”"
    assert "Suggested: eleven to five" in body(english, "plain") and "Пропозиція" not in body(english, "plain")


@pytest.mark.parametrize("mode", ["digest", "off"])
def test_no_email_per_correction_in_digest_or_off_mode(app, db_session, smtp_server, mode):
    app.config.update(mail_settings(smtp_server), EDITOR_NOTIFICATIONS=mode)
    make_user(db_session)
    correction = reader_correction(db_session)
    db_session.commit()
    new_correction(correction.id)
    assert smtp_server.messages == []


def test_the_digest_command_sends_one_email_per_editor_with_what_arrived_since_the_last_one(
        app, db_session, runner, smtp_server):
    app.config.update(mail_settings(smtp_server), EDITOR_NOTIFICATIONS="digest")
    make_user(db_session, "ed@example.com")
    make_user(db_session, "ed2@example.com")
    site = make_site(db_session)
    first = reader_correction(db_session, site=site, created_at=utcnow() - timedelta(hours=2))
    db_session.commit()
    result = runner.invoke(args=["readerdesk", "send-digest"])
    assert result.exit_code == 0, result.output
    assert "Sent 2 digest email(s) with 1 correction(s)" in result.output
    assert sorted(m["To"] for m in smtp_server.messages) == ["ed2@example.com", "ed@example.com"]
    assert "1 new correction since" in body(smtp_server.messages[0], "plain")

    second = make_article(db_session, site, html="<p>Harbour dredging starts.</p>", title="Harbour works")
    make_correction(db_session, second, exact="dredging")
    db_session.commit()
    result = runner.invoke(args=["readerdesk", "send-digest"])
    assert result.exit_code == 0, result.output
    latest = body(smtp_server.messages[-1], "plain")
    assert "Harbour works" in latest and first.article.title not in latest
    result = runner.invoke(args=["readerdesk", "send-digest"])
    assert "nothing sent" in result.output and len(smtp_server.messages) == 4


def test_a_ukrainian_editors_digest_counts_with_ukrainian_plurals_and_dates_in_the_desk_time_zone(
        app, db_session, smtp_server):
    app.config.update(DESK_TIMEZONE="Europe/Kyiv")
    make_user(db_session, "olena@example.com").language = "uk"
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    site = make_site(db_session)
    for hours in (1, 2, 3, 4, 5):
        reader_correction(db_session, site=site, created_at=now - timedelta(hours=hours))
    db_session.commit()
    report = send_digest(db_session, now=now, settings=SmtpSettings.from_config(mail_settings(smtp_server)),
                         public_url="https://desk.example")
    assert report.emails == 1
    [message] = smtp_server.messages
    assert message["Subject"] == "Зведення readerdesk: 5 нових звернень"
    assert "5 нових звернень з 30 лист. 2026\N{NARROW NO-BREAK SPACE}р., 14:00:" in body(message, "plain")


def test_the_digest_command_without_smtp_is_a_one_line_error(app, db_session, runner):
    make_user(db_session)
    reader_correction(db_session)
    db_session.commit()
    result = runner.invoke(args=["readerdesk", "send-digest"])
    assert result.exit_code == 1
    assert result.output.strip().startswith("Error: MAIL_SERVER is not set")


class _Recorder(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        length = int(self.headers.get("Content-Length", 0))
        type(self).received.append((self.path, self.headers.get("Content-Type"), self.rfile.read(length)))
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


@pytest.fixture
def slack_server():
    _Recorder.received = []
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_slack_gets_one_message_per_new_correction(app, db_session, slack_server):
    port = slack_server.server_address[1]
    app.config.update(SLACK_WEBHOOK_URL=f"http://127.0.0.1:{port}/hooks/T000/B000", EDITOR_NOTIFICATIONS="off",
                      ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")],
                      PUBLIC_URL="https://desk.example")
    correction = reader_correction(db_session, suggestion="<eleven> & five")
    db_session.commit()
    new_correction(correction.id)
    new_correction(correction.id)
    [(path, content_type, raw)] = _Recorder.received
    assert path == "/hooks/T000/B000" and content_type == "application/json"
    text = json.loads(raw)["text"]
    assert "Council approves the bridge" in text and "> twelve to five" in text
    assert "&lt;eleven&gt; &amp; five" in text
    assert f"<https://desk.example/desk/corrections/{correction.id}|Open it on the desk>" in text


def test_slack_speaks_the_reports_sites_language(app, db_session, slack_server):
    port = slack_server.server_address[1]
    app.config.update(SLACK_WEBHOOK_URL=f"http://127.0.0.1:{port}/hooks/T000/B000", EDITOR_NOTIFICATIONS="off",
                      ALLOWED_FETCH_NETWORKS=[ip_network("127.0.0.0/8")], PUBLIC_URL="https://desk.example")
    correction = reader_correction(db_session, site=make_site(db_session, language="uk"), kind=Kind.TYPO)
    db_session.commit()
    new_correction(correction.id)
    [(_, _, raw)] = _Recorder.received
    text = json.loads(raw)["text"]
    assert text.startswith("Нове звернення (одрук) до статті «Council approves the bridge»")
    assert "Пропозиція: eleven to five" in text and "|Відкрити в панелі редакції>" in text


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/4")


def _redis_or_skip():
    from redis import Redis
    from redis.exceptions import ConnectionError as RedisConnectionError

    client = Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except (RedisConnectionError, OSError):
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    return client


def test_with_redis_the_job_waits_on_the_queue_until_the_worker_sends_it(app, db_session, smtp_server):
    from rq import Queue

    from readerdesk.jobs.runner import QUEUE_NAME, run_worker
    from readerdesk.unit_of_work import unit_of_work

    redis = _redis_or_skip()
    Queue(QUEUE_NAME, connection=redis).empty()
    app.config.update(mail_settings(smtp_server), REDIS_URL=REDIS_URL)
    editor = make_user(db_session)
    correction = reader_correction(db_session)
    event = moderation.accept(db_session, correction, actor=editor, now=utcnow(), expected_version=1)
    db_session.commit()
    try:
        with unit_of_work(db.session) as work:
            work.after_commit(Job("after_decision", (correction.id, event.id)))
        assert Queue(QUEUE_NAME, connection=redis).count == 1
        assert smtp_server.messages == []  # nothing sent inline
        run_worker(app, burst=True)
        [message] = smtp_server.messages
        assert message["Subject"].startswith("Thank you — your report was accepted")
    finally:
        Queue(QUEUE_NAME, connection=redis).empty()


def test_slack_at_a_loopback_address_gets_nothing(app, db_session, listener):
    from tests.factories import make_correction

    app.config.update(SLACK_WEBHOOK_URL=listener.url + "/hooks/x", EDITOR_NOTIFICATIONS="off")
    correction = make_correction(db_session)
    db_session.commit()
    with pytest.raises(AddressRefused):  # the job fails (the runner retries, then logs it)
        new_correction(correction.id)
    assert listener.requests == []
