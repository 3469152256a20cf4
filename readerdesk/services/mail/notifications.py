"""Telling people what happened: readers about decisions on their reports, editors about new ones.

Composing the messages lives here; sending them is a job (``readerdesk.jobs.mail``), which runs
after the decision or report was committed and records every send once in ``notifications_sent``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

import requests
from markupsafe import Markup
from sqlalchemy import func, select

from readerdesk.models import Correction, NotificationSent, Status
from readerdesk.models.moderation import ModerationEvent
from readerdesk.models.types import DbSession
from readerdesk.services.effects import Job
from readerdesk.services.outbound import post_json
from readerdesk.text.languages import N_, Translator

log = logging.getLogger("readerdesk.notifications")

READER_DECISION = "reader-decision"
EDITOR_NEW = "editor-new"
SLACK_NEW = "slack-new"
TARGET_REMINDER = "target-reminder"  # one row per report, target and recipient
SLACK_REMINDER = "slack-reminder"  # one row per report and target
DIGEST = "digest"  # one row per editor per digest
DIGEST_RUN = "digest-run"  # one row per completed digest: its sent_at is where the next one starts
FIRST_DIGEST_WINDOW = timedelta(days=1)
SHORT_FRAGMENT_WORDS = 8  # longer passages are linked with textStart,textEnd
FRAGMENT_EDGE_WORDS = 4


# --- text fragments ------------------------------------------------------------------------


def _fragment_part(text: str) -> str:
    """Percent-encode a text directive part (Text Fragments spec): besides what URLs reserve,
    ``-``, ``,`` and ``&`` have meanings inside the directive, so they are encoded too."""
    return quote(text, safe="").replace("-", "%2D")


def text_fragment_url(url: str, passage: str) -> str:
    """``url`` with a ``#:~:text=`` fragment that scrolls to and highlights ``passage``."""
    words = passage.split()
    if not words:
        return url
    base = url.split("#", 1)[0]
    if len(words) <= SHORT_FRAGMENT_WORDS and "\n" not in passage:
        directive = _fragment_part(" ".join(words))
    else:
        edge = min(FRAGMENT_EDGE_WORDS, len(words) // 2) or 1
        directive = (_fragment_part(" ".join(words[:edge])) + ","
                     + _fragment_part(" ".join(words[-edge:])))
    return f"{base}#:~:text={directive}"


# --- composing messages ----------------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True)
class Quote:
    text: str


def compose(paragraphs: list[str | Link | Quote], footer: str) -> tuple[str, str]:
    """Plain text and HTML bodies from the same paragraphs; everything is escaped in the HTML."""
    text_parts, html_parts = [], []
    for part in paragraphs:
        if isinstance(part, Link):
            text_parts.append(f"{part.label}:\n{part.url}")
            html_parts.append(Markup('<p><a href="{}">{}</a></p>').format(part.url, part.label))
        elif isinstance(part, Quote):
            text_parts.append("\n".join(f"> {line}" for line in part.text.splitlines() or [""]))
            html_parts.append(Markup('<blockquote style="border-left:3px solid #ccc;margin:0;padding-left:1em">'
                                     "{}</blockquote>").format(part.text))
        else:
            text_parts.append(part)
            html_parts.append(Markup("<p>{}</p>").format(part))
    text = "\n\n".join(text_parts) + "\n\n-- \n" + footer + "\n"
    html = (Markup('<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">')
            + Markup("").join(html_parts)
            + Markup('<hr><p style="color:#666;font-size:0.9em">{}</p></body></html>').format(footer))
    return text, str(html)


# Why an editor rejected a report, in the reader's words (models.moderation.RejectionCode's values).
REJECTION_REASONS = {
    "not_an_error": N_("What the article says is correct: we found no error."),
    "already_corrected": N_("The article had already been corrected."),
    "opinion": N_("The passage is an opinion, not a statement of fact we can correct."),
    "out_of_scope": N_("This is outside what our corrections cover."),
    "duplicate": N_("Another reader reported the same passage, and we answered there."),
}


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    text: str
    html: str | None = None


def decision_email(correction: Correction, event: ModerationEvent, translator: Translator, *, forget_url: str,
                   note_text: str = "", corrected_passage: str | None = None) -> Email | None:
    """The reader's email about ``event``, or None when there is nothing to tell them. ``translator`` says
    it in the reader's language (the job forces the report's ``language``). ``forget_url`` is the reader's
    "Delete my email from this report" link (services.privacy.reader_links)."""
    if event.action not in ("publish", "accept", "reject"):
        return None
    if not correction.notify_reader or not correction.reader_email:
        return None
    _ = translator.gettext
    article, site = correction.article, correction.article.site
    title = article.title
    paragraphs: list[str | Link | Quote] = [
        _("Hello %(name)s,", name=correction.reader_name) if correction.reader_name else _("Hello,")]
    if event.action == "publish":
        subject = _("Your correction was published: %(title)s", title=title)
        paragraphs.append(_("Thank you for your report on “%(title)s”. We have corrected the article.", title=title))
        if note_text:
            paragraphs += [_("The note we published with it:"), Quote(note_text)]
        passage = corrected_passage if corrected_passage is not None else correction.exact
        paragraphs.append(Link(_("See the corrected passage"), text_fragment_url(article.url, passage)))
    elif event.action == "accept":
        subject = _("Thank you — your report was accepted: %(title)s", title=title)
        paragraphs.append(_("Thank you for your report on “%(title)s”. Our editors checked it and agree: "
                            "the article will be corrected.", title=title))
    else:
        subject = _("About your report on “%(title)s”", title=title)
        paragraphs.append(_("Thank you for taking the time to report a possible error in “%(title)s”. "
                            "Our editors checked it carefully and decided not to change the article.", title=title))
        if event.rejection_code:
            paragraphs.append(_(REJECTION_REASONS[event.rejection_code.value]))
        if event.reader_message:
            paragraphs += [_("The editors' explanation:"), Quote(event.reader_message)]
        paragraphs.append(_("Reports like yours help us get things right, and we read every one."))
    if correction.exact and event.action != "publish":
        suggestion = f"\n→ {correction.suggestion}" if correction.suggestion else ""
        paragraphs += [_("Your report:"), Quote(correction.exact + suggestion)]
    paragraphs.append(Link(_("Delete my email from this report"), forget_url))
    footer = _("You receive this message because you asked, when you sent your report to %(site)s, to be told "
               "what happened to it. We use your address for nothing else.", site=site.title or site.name)
    text, html = compose(paragraphs, footer)
    return Email(to=correction.reader_email, subject=subject, text=text, html=html)


def decision_jobs(events: list[ModerationEvent]) -> list[Job]:
    """After commit, each decision's email to its reader (the job sends only if they asked)."""
    return [Job("after_decision", (event.correction_id, event.id)) for event in events]


# --- editors ---------------------------------------------------------------------------------------


def desk_url(public_url: str, correction: Correction) -> str:
    """The report's page at the desk, from this service's public address (never the request's Host)."""
    return f"{public_url.rstrip('/')}/desk/corrections/{correction.id}"


def _summary_lines(correction: Correction) -> list[str | Link | Quote]:
    lines: list[str | Link | Quote] = [f"“{correction.article.title}” ({correction.article.site.name}), "
                                       f"{correction.kind.value}:"]
    if correction.exact:
        lines.append(Quote(correction.exact))
    if correction.suggestion:
        lines.append(f"Suggested: {correction.suggestion}")
    if correction.comment:
        lines.append(f"Comment: {correction.comment}")
    return lines


EDITOR_FOOTER = ("You receive this because you are on the readerdesk staff. An admin can switch these "
                 "emails to a daily digest or off (EDITOR_NOTIFICATIONS).")


def new_correction_email(correction: Correction, to: str, *, public_url: str) -> Email:
    text, html = compose([*_summary_lines(correction), Link("Open it on the desk", desk_url(public_url, correction))],
                         EDITOR_FOOTER)
    return Email(to=to, subject=f"New correction on “{correction.article.title}”", text=text, html=html)


TARGET_WORDS = {"decision": "a first decision", "correction": "a published correction"}


def reminder_subject(correction: Correction, target: str, hours: int) -> str:
    return f"{hours} h without {TARGET_WORDS[target]}: “{correction.article.title}”"


def reminder_email(correction: Correction, target: str, hours: int, to: str, *, public_url: str) -> Email:
    """The one reminder that a report reached its site's target (``services.desk.reminders``)."""
    lead = (f"This report has waited {hours} hours, the site's target for {TARGET_WORDS[target]}; "
            "it is flagged late in the queue.")
    link = Link("Open it on the desk", desk_url(public_url, correction))
    text, html = compose([lead, *_summary_lines(correction), link], EDITOR_FOOTER)
    return Email(to=to, subject=reminder_subject(correction, target, hours), text=text, html=html)


def _slack_escape(value: str) -> str:  # Slack's mrkdwn reserves & < >
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_reminder_text(correction: Correction, target: str, hours: int, *, public_url: str) -> str:
    return (f"{_slack_escape(reminder_subject(correction, target, hours))}\n"
            f"<{desk_url(public_url, correction)}|Open it on the desk>")


def slack_text(correction: Correction, *, public_url: str) -> str:
    esc = _slack_escape

    text = f"New {correction.kind.value} report on “{esc(correction.article.title)}”"
    if correction.exact:
        text += f"\n> {esc(correction.exact[:300])}"
    if correction.suggestion:
        text += f"\nSuggested: {esc(correction.suggestion[:300])}"
    return text + f"\n<{desk_url(public_url, correction)}|Open it on the desk>"


def post_to_slack(http: requests.Session, webhook_url: str, text: str, *, timeout: float) -> None:
    """Post to a Slack incoming webhook through a guarded session (``services.outbound``). Raises FetchError."""
    post_json(http, webhook_url, {"text": text}, timeout=timeout)


# --- the editors' digest ---------------------------------------------------------------------------


def last_digest_at(session: DbSession) -> datetime | None:
    return session.scalar(select(func.max(NotificationSent.sent_at)).where(NotificationSent.kind == DIGEST_RUN))


def digest_period_start(session: DbSession, *, now: datetime) -> datetime:
    """Where the next digest starts: the end of the last completed one, or a day ago."""
    return last_digest_at(session) or now - FIRST_DIGEST_WINDOW


def corrections_between(session: DbSession, since: datetime, until: datetime) -> list[Correction]:
    return list(session.scalars(
        select(Correction).where(Correction.created_at > since, Correction.created_at <= until,
                                 Correction.status != Status.SPAM)
        .order_by(Correction.created_at, Correction.id)
    ))


def digest_email(corrections: list[Correction], *, since: datetime, public_url: str) -> tuple[str, str, str]:
    """(subject, text, html) of the digest listing ``corrections``."""
    plural = "s" if len(corrections) != 1 else ""
    paragraphs: list[str | Link | Quote] = [
        f"{len(corrections)} new correction{plural} since {since:%Y-%m-%d %H:%M} UTC:"]
    for correction in corrections:
        paragraphs += [*_summary_lines(correction), Link("Open it on the desk", desk_url(public_url, correction))]
    text, html = compose(paragraphs, EDITOR_FOOTER)
    return f"readerdesk digest: {len(corrections)} new correction{plural}", text, html
