"""Topics patrons suggest, and what editors do with them: accept into a poll, merge with a topic, reject."""

from __future__ import annotations

import unicodedata
from datetime import datetime

from sqlalchemy import select

from readerdesk.models import MAX_TOPICS_PER_POLL, Patron, Poll, PollTopic, SuggestionStatus, TopicSuggestion, User
from readerdesk.models.types import DbSession
from readerdesk.services.polls.audit import log_poll_action
from readerdesk.services.polls.editing import PollError, ballots_cast
from readerdesk.services.polls.errors import PatronMessage
from readerdesk.text.languages import N_

MAX_TITLE, MAX_BODY = 200, 500


class SuggestionError(PatronMessage):
    """A suggestion the patron must fix; the message says how."""


def suggest_topic(session: DbSession, poll: Poll, patron: Patron, title: str, body: str, *,
                  now: datetime) -> TopicSuggestion:
    title = unicodedata.normalize("NFC", (title or "").strip())
    body = unicodedata.normalize("NFC", (body or "").strip())
    if not title:
        raise SuggestionError(N_("Give your suggested topic a title."))
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        raise SuggestionError(N_("A suggestion is a title (at most %(title)s characters) and a sentence "
                                 "(at most %(body)s)."), title=MAX_TITLE, body=MAX_BODY)
    suggestion = TopicSuggestion(site_id=poll.site_id, poll_id=poll.id, patron_id=patron.id, title=title, body=body,
                                 created_at=now)
    session.add(suggestion)
    session.flush()
    return suggestion


def pending_suggestions(session: DbSession, site_id: int | None = None) -> list[TopicSuggestion]:
    query = select(TopicSuggestion).where(TopicSuggestion.status == SuggestionStatus.PENDING)
    if site_id is not None:
        query = query.where(TopicSuggestion.site_id == site_id)
    return list(session.scalars(query.order_by(TopicSuggestion.id)))


def _pending(session: DbSession, suggestion_id: int) -> TopicSuggestion:
    suggestion = session.get(TopicSuggestion, suggestion_id)
    if suggestion is None:
        raise LookupError("There is no such suggestion.")
    if suggestion.status is not SuggestionStatus.PENDING:
        raise PollError(N_("This suggestion was decided already."))
    return suggestion


def _decide(suggestion: TopicSuggestion, status: SuggestionStatus, actor: User | None, now: datetime) -> None:
    suggestion.status, suggestion.decided_at, suggestion.decided_by_id = status, now, actor and actor.id


def accept_suggestion(session: DbSession, suggestion_id: int, poll: Poll, *, actor: User | None,
                      now: datetime) -> PollTopic:
    """Add the suggestion to ``poll`` as a topic: only while nobody has voted in it."""
    suggestion = _pending(session, suggestion_id)
    if poll.site_id != suggestion.site_id:
        raise PollError(N_("That poll is for another site."))
    if ballots_cast(session, poll):
        raise PollError(N_("People have voted in that poll: its topics cannot change. Merge the suggestion instead."))
    if len(poll.topics) >= MAX_TOPICS_PER_POLL:
        raise PollError(N_("That poll has %(count)d topics already."), count=MAX_TOPICS_PER_POLL)
    if any(t.title.casefold() == suggestion.title.casefold() for t in poll.topics):
        raise PollError(N_("That poll has a topic with this title: merge the suggestion into it."))
    topic = PollTopic(title=suggestion.title, description=suggestion.body, position=len(poll.topics))
    poll.topics.append(topic)
    session.flush()
    suggestion.topic_id = topic.id
    _decide(suggestion, SuggestionStatus.ACCEPTED, actor, now)
    log_poll_action(session, site_id=poll.site_id, poll_id=poll.id, actor=actor, action="accept",
                    detail=suggestion.title, now=now)
    return topic


def merge_suggestion(session: DbSession, suggestion_id: int, topic: PollTopic, *, actor: User | None,
                     now: datetime) -> TopicSuggestion:
    suggestion = _pending(session, suggestion_id)
    if topic.poll.site_id != suggestion.site_id:
        raise PollError(N_("That topic is in another site's poll."))
    suggestion.topic_id = topic.id
    _decide(suggestion, SuggestionStatus.MERGED, actor, now)
    log_poll_action(session, site_id=suggestion.site_id, poll_id=topic.poll_id, actor=actor, action="merge",
                    detail=f"{suggestion.title} → {topic.title}", now=now)
    return suggestion


def reject_suggestion(session: DbSession, suggestion_id: int, *, actor: User | None, now: datetime) -> TopicSuggestion:
    suggestion = _pending(session, suggestion_id)
    _decide(suggestion, SuggestionStatus.REJECTED, actor, now)
    log_poll_action(session, site_id=suggestion.site_id, poll_id=suggestion.poll_id, actor=actor, action="reject",
                    detail=suggestion.title, now=now)
    return suggestion
