"""Jobs that email patrons about topic polls: a voting link they asked for, the announcement of a new
poll, and the news that a topic they voted for was covered.

Each goes through the send-once ledger: a link once per outbox job, an announcement once per poll and
patron, a covered-topic email once per topic and voter.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from flask import current_app, render_template
from flask_babel import force_locale, gettext

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.mail import send_mail_once
from readerdesk.jobs.outbox import current_entry_id
from readerdesk.models import Patron, Poll, PollTopic
from readerdesk.services.mail.notifications import Email
from readerdesk.services.mail.smtp import SmtpSettings, send_email
from readerdesk.services.polls.ballots import make_vote_token, vote_link
from readerdesk.services.polls.covered import voters_to_tell
from readerdesk.services.polls.eligibility import eligible_patrons
from readerdesk.services.privacy.erasure import is_erased_address
from readerdesk.text.languages import pick_language

log = logging.getLogger("readerdesk.jobs.polls")
POLL_LINK = "poll-link"
POLL_ANNOUNCEMENT = "poll-announcement"
TOPIC_COVERED = "poll-topic-covered"


def _settings() -> SmtpSettings | None:
    settings = SmtpSettings.from_config(current_app.config)
    return settings if settings.server else None


def _public(path: str) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def _send(settings: SmtpSettings, kind: str, key: str | None, to: str, subject: str, text: str) -> None:
    if is_erased_address(to):
        return
    if key is None:
        send_email(settings, to, subject, text)
        return
    send_mail_once(db.session, settings, kind, key, Email(to=to, subject=subject, text=text), now=utcnow(),
                   public_url=current_app.config["PUBLIC_URL"])


def _render(template: str, **context) -> str:
    return render_template(f"mail/polls/{template}.txt", **context)


def send_poll_link(patron_id: int, poll_id: int) -> None:
    """A single-use voting link, made here (no token waits in the outbox); valid PORTAL_LINK_MAX_AGE, and
    never past the poll's closing time."""
    patron, poll, settings = db.session.get(Patron, patron_id), db.session.get(Poll, poll_id), _settings()
    if patron is None or poll is None or settings is None:
        return
    config = current_app.config
    expires_at = min(utcnow() + timedelta(seconds=config["PORTAL_LINK_MAX_AGE"]), poll.closes_at)
    link = vote_link(config["PUBLIC_URL"], make_vote_token(config["SECRET_KEY"], patron, poll, expires_at=expires_at))
    entry_id = current_entry_id()
    with force_locale(pick_language(poll.site.language)):
        subject = gettext("Your voting link: %(question)s", question=poll.question)
        text = _render("link", poll=poll, link=link, minutes=current_app.config["PORTAL_LINK_MAX_AGE"] // 60)
    _send(settings, POLL_LINK, None if entry_id is None else f"outbox:{entry_id}", patron.email, subject, text)


def send_poll_announcements(poll_id: int) -> int:
    """Email every eligible patron who did not opt out a link to vote (valid until the poll closes)."""
    poll, settings = db.session.get(Poll, poll_id), _settings()
    if poll is None or settings is None:
        return 0
    sent = 0
    for patron in eligible_patrons(db.session, poll, now=utcnow()):
        if not patron.poll_announcements:
            continue
        token = make_vote_token(current_app.config["SECRET_KEY"], patron, poll, expires_at=poll.closes_at)
        with force_locale(pick_language(poll.site.language)):
            subject = gettext("Vote for the topics we cover next: %(question)s", question=poll.question)
            text = _render("announcement", poll=poll, link=vote_link(current_app.config["PUBLIC_URL"], token),
                           opt_out=_public(f"/sites/{poll.site.name}/support/polls"))
        _send(settings, POLL_ANNOUNCEMENT, f"{poll.id}:{patron.id}", patron.email, subject, text)
        sent += 1
    return sent


def send_topic_covered(topic_id: int) -> int:
    topic, settings = db.session.get(PollTopic, topic_id), _settings()
    if topic is None or settings is None or not topic.covered_url:
        return 0
    sent = 0
    with force_locale(pick_language(topic.poll.site.language)):
        subject = gettext("You voted for it, we wrote it: %(topic)s", topic=topic.title)
        text = _render("covered", topic=topic, poll=topic.poll)
    for voter in voters_to_tell(db.session, current_app.config["SECRET_KEY"], topic):
        _send(settings, TOPIC_COVERED, f"{topic.id}:{voter.id}", voter.patron.email, subject, text)
        sent += 1
    return sent
