"""A report sent through the public API reaches the editors' inboxes, after it is stored."""

from sqlalchemy import func, select

from readerdesk.models import Correction
from tests.conftest import mail_settings
from tests.factories import make_article, make_user
from tests.helpers import run_jobs


def send(client, article, key="report-0001"):
    return client.post("/api/v1/corrections", json={
        "idempotency_key": key, "article_url": article.url, "kind": "factual",
        "selectors": [{"type": "TextQuoteSelector", "exact": "voted twelve to five"}],
        "comment": "The minutes say eleven.",
    })


def test_editors_get_an_email_for_a_new_report(app, client, db_session, smtp_server):
    app.config.update(mail_settings(smtp_server), EDITOR_NOTIFICATIONS="each")
    editor = make_user(db_session, "desk@example.com")
    article = make_article(db_session, title="Council votes")
    db_session.commit()
    assert send(client, article).status_code == 201
    assert smtp_server.messages == []  # told after the response, not inside the request
    assert run_jobs() == 1
    [message] = smtp_server.messages
    assert message["To"] == editor.email
    assert "Council votes" in message["Subject"]
    assert "The minutes say eleven." in message.get_body(("plain",)).get_content()
    # The same report again (a retry) tells nobody twice.
    assert send(client, article).status_code == 200
    assert run_jobs() == 0
    assert len(smtp_server.messages) == 1


def test_the_report_is_stored_when_the_mail_server_is_down(app, client, db_session):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=9, EDITOR_NOTIFICATIONS="each")
    make_user(db_session, "desk@example.com")
    article = make_article(db_session)
    db_session.commit()
    assert send(client, article).status_code == 201
    assert db_session.scalar(select(func.count()).select_from(Correction)) == 1
