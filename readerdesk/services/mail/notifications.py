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


def _summary_lines(correction: Correction, translator: Translator) -> list[str | Link | Quote]:
    _ = translator.gettext
    article = correction.article
    lines: list[str | Link | Quote] = [_("“%(title)s” (%(site)s), %(kind)s:", title=article.title,
                                         site=article.site.name, kind=_(correction.kind.value))]
    if correction.exact:
        lines.append(Quote(correction.exact))
    if correction.suggestion:
        lines.append(_("Suggested: %(suggestion)s", suggestion=correction.suggestion))
    if correction.comment:
        lines.append(_("Comment: %(comment)s", comment=correction.comment))
    return lines


OPEN_ON_DESK = N_("Open it on the desk")
EDITOR_FOOTER = N_("You receive this because you are on the readerdesk staff. An admin can switch these "
                   "emails to a daily digest or off (EDITOR_NOTIFICATIONS).")


def _desk_link(correction: Correction, translator: Translator, public_url: str) -> Link:
    return Link(translator.gettext(OPEN_ON_DESK), desk_url(public_url, correction))


def _staff_email(paragraphs: list[str | Link | Quote], subject: str, translator: Translator) -> Email:
    """A message to staff, without its recipient: the job words it once per desk language and sends a
    copy to each staff member who reads that language (``dataclasses.replace(message, to=...)``)."""
    text, html = compose(paragraphs, translator.gettext(EDITOR_FOOTER))
    return Email(to="", subject=subject, text=text, html=html)


def new_correction_email(correction: Correction, translator: Translator, *, public_url: str) -> Email:
    """The email that tells staff about a new report, in ``translator``'s language."""
    return _staff_email([*_summary_lines(correction, translator), _desk_link(correction, translator, public_url)],
                        translator.gettext("New correction on “%(title)s”", title=correction.article.title),
                        translator)


def reminder_subject(correction: Correction, target: str, hours: int, translator: Translator) -> str:
    title = correction.article.title
    if target == "decision":
        return translator.ngettext("%(num)s hour without a first decision: “%(title)s”",
                                   "%(num)s hours without a first decision: “%(title)s”", hours, title=title)
    return translator.ngettext("%(num)s hour without a published correction: “%(title)s”",
                               "%(num)s hours without a published correction: “%(title)s”", hours, title=title)


def _reminder_lead(target: str, hours: int, translator: Translator) -> str:
    if target == "decision":
        return translator.ngettext(
            "This report has waited %(num)s hour, the site's target for a first decision; it is flagged late in "
            "the queue.", "This report has waited %(num)s hours, the site's target for a first decision; it is "
            "flagged late in the queue.", hours)
    return translator.ngettext(
        "This report has waited %(num)s hour, the site's target for a published correction; it is flagged late "
        "in the queue.", "This report has waited %(num)s hours, the site's target for a published correction; "
        "it is flagged late in the queue.", hours)


def reminder_email(correction: Correction, target: str, hours: int, translator: Translator, *,
                   public_url: str) -> Email:
    """The one reminder that a report reached its site's target (``services.desk.reminders``)."""
    return _staff_email([_reminder_lead(target, hours, translator), *_summary_lines(correction, translator),
                         _desk_link(correction, translator, public_url)],
                        reminder_subject(correction, target, hours, translator), translator)


def _slack_escape(value: str) -> str:  # Slack's mrkdwn reserves & < >
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# Slack: one channel for the whole newsroom, so its messages are in the report's site's language (the
# language the newsroom publishes in), not any one editor's. The job passes that site's translator.


def slack_reminder_text(correction: Correction, target: str, hours: int, translator: Translator, *,
                        public_url: str) -> str:
    return (f"{_slack_escape(reminder_subject(correction, target, hours, translator))}\n"
            f"<{desk_url(public_url, correction)}|{_slack_escape(translator.gettext(OPEN_ON_DESK))}>")


def slack_text(correction: Correction, translator: Translator, *, public_url: str) -> str:
    _, esc = translator.gettext, _slack_escape
    text = esc(_("New %(kind)s report on “%(title)s”", kind=_(correction.kind.value), title=correction.article.title))
    if correction.exact:
        text += f"\n> {esc(correction.exact[:300])}"
    if correction.suggestion:
        text += "\n" + esc(_("Suggested: %(suggestion)s", suggestion=correction.suggestion[:300]))
    return text + f"\n<{desk_url(public_url, correction)}|{esc(_(OPEN_ON_DESK))}>"


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


def digest_email(corrections: list[Correction], translator: Translator, *, since: datetime,
                 public_url: str) -> Email:
    """The digest listing ``corrections`` (without its recipient), in ``translator``'s language, the
    start of its period in that language and the desk's time zone."""
    count = len(corrections)
    paragraphs: list[str | Link | Quote] = [translator.ngettext(
        "%(num)s new correction since %(since)s:", "%(num)s new corrections since %(since)s:", count,
        since=translator.moment(since))]
    for correction in corrections:
        paragraphs += [*_summary_lines(correction, translator), _desk_link(correction, translator, public_url)]
    subject = translator.ngettext("readerdesk digest: %(num)s new correction",
                                  "readerdesk digest: %(num)s new corrections", count)
    return _staff_email(paragraphs, subject, translator)
