"""Readers' corrections as they arrive: validate a report, find its article and passage, store it.

The widget (``static/readerdesk.js``) sends W3C Web Annotation selectors measured in the canonical
text of the article body (see ``readerdesk.text.canonical``). The server never trusts the offsets: it
looks for the quote in the article's current revision with the anchoring engine
(``services.reanchoring.anchor_in``), using the prefix, suffix and position only as hints, and
stores the span it found next to the selectors as sent.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import datetime
from typing import TypeVar

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from readerdesk.anchoring import Anchor, anchor
from readerdesk.models import (
    AnchorState,
    Article,
    ArticleRevision,
    Correction,
    DecoyReport,
    Kind,
    Site,
    Status,
)
from readerdesk.models.article import part_text
from readerdesk.models.site import BODY, PART_NAMES
from readerdesk.models.types import DbSession
from readerdesk.services.corrections.duplicates import Arrival, assign_group, find_group, lock_article
from readerdesk.services.corrections.reanchoring import anchor_new_report, quote_is_found, quote_selectors
from readerdesk.services.corrections.report_rows import insert_report_jobs, write_report
from readerdesk.text.canonical import normalise_plain_text
from readerdesk.text.languages import N_, Translator, pick_language
from readerdesk.text.urls import InvalidURL, normalise_origin, normalise_url

MAX_QUOTE = 2000  # code points
MAX_CONTEXT = 500  # prefix / suffix as sent
MAX_COMMENT = 5000
MAX_SUGGESTION = 5000
MAX_NAME = 200
MAX_EMAIL = 320
MAX_URL = 1000
MAX_LINKS = 2  # links in a comment or suggestion: more is what spam looks like
MAX_SELECTORS = 10
PASSAGE_KINDS = (Kind.TYPO, Kind.FACTUAL, Kind.UNCLEAR, Kind.OTHER)
HONEYPOT_FIELD = "website"
_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{8,100}$")
_LANGUAGE_RE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_LINK_RE = re.compile(r"https?://|\bwww\.", re.IGNORECASE)
T = TypeVar("T")


class InvalidCorrection(ValueError):
    """Some fields are missing or wrong; ``problems`` maps each to a sentence for the reader (a
    catalogue key and its values: :meth:`fields` says them)."""

    def __init__(self, problems: dict[str, tuple[str, dict]]):
        super().__init__("Some fields are missing or invalid.")
        self.problems = problems

    def fields(self, translator: Translator) -> dict[str, str]:
        return {name: translator.gettext(message, **{key: translator.number(value) if type(value) is int else value
                                                      for key, value in values.items()})
                for name, (message, values) in self.problems.items()}


class ArticleNotFound(LookupError):
    """No site readerdesk knows has an article at this URL."""


KEY_REUSED = N_("This idempotency key was used for a different report. Send a new key for a new report.")


class IdempotencyKeyReused(ValueError):
    """The key belongs to a report with a different body: a client bug, or someone guessing keys."""

    def message(self, translator: Translator) -> str:
        return translator.gettext(KEY_REUSED)


ORIGIN_REFUSED = N_("This website (%(origin)s) is not set up to send corrections for %(site)s. "
                    "The site's admin can add it to the allowed origins.")


class OriginNotAllowed(PermissionError):
    """The page sending the report is not on an origin the article's site allows."""

    def __init__(self, origin: str, site_label: str):
        super().__init__(ORIGIN_REFUSED % {"origin": origin, "site": site_label})
        self.origin, self.site_label = origin, site_label

    def message(self, translator: Translator) -> str:
        return translator.gettext(ORIGIN_REFUSED, origin=self.origin, site=self.site_label)


@dataclass(frozen=True)
class CorrectionInput:
    """A report that passed every check, ready to store."""

    idempotency_key: str
    article_url: str
    page_url: str
    kind: Kind
    selectors: list[dict]
    exact: str
    prefix: str
    suffix: str
    position: int | None  # the client's start, in code points: a hint only
    part: str  # the reportable part the selectors measure (models.site.PART_NAMES)
    clipped: bool  # the reader's selection went on past that part
    selected_text: str  # a general message's context: text selected outside any reportable part
    suggestion: str
    comment: str
    reader_name: str
    reader_email: str
    notify_reader: bool
    language: str | None
    trapped: bool = False  # the honeypot field was filled: store a decoy, tell nobody

    def fingerprint(self) -> str:
        """SHA-256 of the report as parsed (key order and spacing of the JSON do not matter)."""
        # The fields as ``asdict`` gives them, without its deep copy (the same JSON).
        fields = {f.name: getattr(self, f.name) for f in dataclass_fields(self) if f.name != "idempotency_key"}
        fields["kind"] = self.kind.value
        return hashlib.sha256(json.dumps(fields, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Submission:
    """What a stored report's sender is told, and what runs after the commit: plain values, so the
    usual report builds no ORM object (``load`` gives the stored row)."""

    id: int
    public_id: str
    status: Status
    anchored: bool  # placed in a revision of the article
    created: bool  # False when the idempotency key was seen before
    decoy: bool = False  # the honeypot was filled: a DecoyReport, and nobody is told
    refetch: bool = False  # the reader saw text readerdesk does not have (``needs_refetch``)
    outbox_ids: tuple[int, ...] = ()  # its jobs' outbox rows, written with it (``new_report_jobs``)

    @classmethod
    def of(cls, stored: Correction | DecoyReport, *, created: bool) -> Submission:
        if isinstance(stored, DecoyReport):
            return cls(stored.id, stored.public_id, stored.status, stored.anchored, created, decoy=True)
        # Only a new report's jobs ask for the re-fetch: a key seen before loads no article and site for it.
        return cls(stored.id, stored.public_id, stored.status, stored.start is not None, created,
                   refetch=created and needs_refetch(stored))

    def load(self, session: DbSession) -> Correction | DecoyReport:
        """The stored report (or decoy) as an ORM object."""
        stored = session.get(DecoyReport, self.id) if self.decoy else session.get(Correction, self.id)
        assert stored is not None
        return stored


@dataclass
class _Errors:
    problems: dict[str, tuple[str, dict]] = field(default_factory=dict)

    def add(self, name: str, message: str, **values) -> None:
        """The first problem of each field: a catalogue key (marked N_ when a reader can meet it, else
        said in English as it is) and its values."""
        self.problems.setdefault(name, (message, values))


# --- parsing ---------------------------------------------------------------------------------


def is_honeypot_filled(data: dict) -> bool:
    """The hidden ``website`` field: people never see it (the widget sends ""), form-filling bots fill
    it in. Anything but absent, null or "" counts as filled: whitespace, 0, [] and {} too."""
    value = data.get(HONEYPOT_FIELD)
    return value is not None and value != ""


def _text(data: dict, name: str, errors: _Errors, *, limit: int, required: bool = False, what: str = "") -> str:
    value = data.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.add(name, "Must be text.")
        return ""
    value = normalise_plain_text(value).strip()
    if required and not value:
        errors.add(name, what or N_("Required."))
    elif len(value) > limit:
        errors.add(name, N_("Too long: at most %(limit)s characters (this has %(length)s)."),
                   limit=limit, length=len(value))
    return value


def _links_ok(name: str, value: str, errors: _Errors) -> None:
    if len(_LINK_RE.findall(value)) > MAX_LINKS:
        errors.add(name, N_("Please include at most %(count)s links."), count=MAX_LINKS)


def _url(value: str, name: str, errors: _Errors) -> str:
    if not value:
        return ""
    if len(value) > MAX_URL:
        errors.add(name, "Too long: at most %(limit)s characters.", limit=MAX_URL)
        return ""
    try:
        return normalise_url(value)
    except InvalidURL:
        errors.add(name, "Must be an absolute http(s) URL.")
        return ""


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _selectors(raw, errors: _Errors) -> tuple[list[dict], dict | None, dict | None]:
    """The selectors as sent, plus the quote and position selectors among them (validated)."""
    if raw is None:
        return [], None, None
    if not isinstance(raw, list):
        errors.add("selectors", "Must be a list of W3C selectors (TextQuoteSelector, TextPositionSelector).")
        return [], None, None
    if len(raw) > MAX_SELECTORS:
        errors.add("selectors", "At most %(limit)s selectors.", limit=MAX_SELECTORS)
        return [], None, None
    quote = position = None
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            errors.add("selectors", "Each selector must be an object with a \"type\".")
            return [], None, None
        if item["type"] == "TextQuoteSelector" and quote is None:
            quote = item
        elif item["type"] == "TextPositionSelector" and position is None:
            start, end = _int(item.get("start")), _int(item.get("end"))
            if start is None or end is None or start < 0 or end < start:
                errors.add("selectors", "A TextPositionSelector needs whole numbers 0 ≤ start ≤ end.")
                return [], None, None
            position = item
    return raw, quote, position


def _part(data: dict, errors: _Errors) -> tuple[str, bool]:
    """The reportable part the selectors measure, and whether the selection went on past it."""
    part = data.get("part") or BODY
    if part not in PART_NAMES:
        errors.add("part", "One of: " + ", ".join(PART_NAMES) + ".")
        part = BODY
    clipped = data.get("clipped", False)
    if not isinstance(clipped, bool):
        errors.add("clipped", "Must be true or false.")
        clipped = False
    return part, clipped


def _idempotency_key(data: dict, errors: _Errors) -> str:
    key = data.get("idempotency_key")
    if not isinstance(key, str) or not _KEY_RE.match(key):
        errors.add("idempotency_key", "Required: 8-100 letters, digits, - or _ (a random id made by the client).")
        return ""
    return key


def _article_and_page_url(data: dict, errors: _Errors) -> tuple[str, str]:
    """The article's URL, and the page's (the article's when the page sent none)."""
    raw_article_url = data.get("article_url") or data.get("page_url")
    if not isinstance(raw_article_url, str) or not raw_article_url.strip():
        errors.add("article_url", "Required: the URL of the article.")
        raw_article_url = ""
    article_url = _url(raw_article_url.strip(), "article_url", errors)
    page_url_raw = data.get("page_url")
    if page_url_raw is not None and not isinstance(page_url_raw, str):
        errors.add("page_url", "Must be text.")
        page_url_raw = None
    page_url = _url((page_url_raw or "").strip(), "page_url", errors) or article_url
    return article_url, page_url


def _kind(data: dict, errors: _Errors) -> Kind:
    kind_raw = data.get("kind", Kind.OTHER.value)
    try:
        kind = Kind(kind_raw) if isinstance(kind_raw, str) else None
    except ValueError:
        kind = None
    if kind is None:
        errors.add("kind", "One of: " + ", ".join(k.value for k in Kind) + ".")
        return Kind.OTHER
    return kind


def _quote_text(quote: dict | None, errors: _Errors) -> tuple[str, str, str]:
    """The quote selector's exact, prefix and suffix, in NFC; empty when there is no quote."""
    if quote is None:
        return "", "", ""
    exact_raw, prefix_raw, suffix_raw = quote.get("exact"), quote.get("prefix", ""), quote.get("suffix", "")
    if not (isinstance(exact_raw, str) and isinstance(prefix_raw, str) and isinstance(suffix_raw, str)):
        errors.add("selectors", "TextQuoteSelector exact, prefix and suffix must be text.")
        return "", "", ""
    exact = unicodedata.normalize("NFC", exact_raw)
    prefix = unicodedata.normalize("NFC", prefix_raw)[-MAX_CONTEXT:]
    suffix = unicodedata.normalize("NFC", suffix_raw)[:MAX_CONTEXT]
    if not exact.strip():
        errors.add("selectors", "The quoted passage (TextQuoteSelector exact) is empty.")
    elif len(exact) > MAX_QUOTE:
        errors.add("selectors", N_("The quoted passage is too long: at most %(limit)s characters."), limit=MAX_QUOTE)
    return exact, prefix, suffix


def _email_and_notify(data: dict, errors: _Errors) -> tuple[str, bool]:
    """The reader's email address, and whether they asked to be told the outcome (which needs it)."""
    email = _text(data, "email", errors, limit=MAX_EMAIL)
    if email and "email" not in errors.problems:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            errors.add("email", N_("This does not look like an email address."))
    notify = data.get("notify", False)
    if not isinstance(notify, bool):
        errors.add("notify", "Must be true or false.")
        notify = False
    elif notify and not email:
        errors.add("notify", N_("To be told the outcome, give your email address."))
    return email, notify


def _language(data: dict, errors: _Errors) -> str | None:
    language = data.get("language")
    if language is not None and (not isinstance(language, str) or not _LANGUAGE_RE.match(language)):
        errors.add("language", "A language code such as en or uk.")
        return None
    return language.lower() if language else None


def parse_correction(data: dict) -> CorrectionInput:
    """Check a report's fields (types, lengths, formats, links); raise InvalidCorrection listing all problems."""
    errors = _Errors()
    key = _idempotency_key(data, errors)
    article_url, page_url = _article_and_page_url(data, errors)
    kind = _kind(data, errors)

    selectors, quote, position = _selectors(data.get("selectors"), errors)
    exact, prefix, suffix = _quote_text(quote, errors)
    if kind == Kind.GENERAL and quote is not None:
        errors.add("kind", "A general message has no quoted passage; pick what is wrong with the passage.")
    if kind in PASSAGE_KINDS and quote is None and "selectors" not in errors.problems:
        errors.add("selectors", "A correction needs the quoted passage (a TextQuoteSelector).")

    part, clipped = _part(data, errors)
    selected_text = _text(data, "selected_text", errors, limit=MAX_QUOTE)

    suggestion = _text(data, "suggestion", errors, limit=MAX_SUGGESTION)
    comment = _text(data, "comment", errors, limit=MAX_COMMENT, required=kind == Kind.GENERAL,
                    what=N_("Please write your message."))
    _links_ok("suggestion", suggestion, errors)
    _links_ok("comment", comment, errors)
    name = _text(data, "name", errors, limit=MAX_NAME)
    email, notify = _email_and_notify(data, errors)
    language = _language(data, errors)

    if errors.problems:
        raise InvalidCorrection(errors.problems)
    return CorrectionInput(
        idempotency_key=key, article_url=article_url, page_url=page_url, kind=kind, selectors=selectors,
        exact=exact, prefix=prefix, suffix=suffix,
        position=_int(position.get("start")) if position else None,
        part=part, clipped=clipped and quote is not None, selected_text=selected_text if quote is None else "",
        suggestion=suggestion, comment=comment, reader_name=name, reader_email=email, notify_reader=notify,
        language=language, trapped=is_honeypot_filled(data),
    )


# --- finding the article and the passage -----------------------------------------------------


def origin_allowed(allowed_origins: list[str], origin: str | None, own_origins: set[str]) -> bool:
    """No Origin (curl, server to server) or readerdesk's own origin, or one the site configured."""
    if origin is None:
        return True
    try:
        origin = normalise_origin(origin)
    except InvalidURL:  # "null" from sandboxed frames and file:// pages
        return False
    return origin in own_origins or origin in allowed_origins


def _url_key(article_url: str) -> str:
    try:
        return normalise_url(article_url)
    except InvalidURL:
        raise ArticleNotFound(article_url) from None


def _first_allowed(found: list[T], origin: str | None, own_origins: set[str],
                   site_of: Callable[[T], tuple[list[str], str]], article_url: str) -> T:
    """The first of the articles at a URL whose site allows ``origin``. ``site_of`` gives an article's
    site's allowed origins and its name for the refusal. Raises ArticleNotFound when there are none,
    OriginNotAllowed when none allows the origin."""
    if not found:
        raise ArticleNotFound(article_url)
    for article in found:
        if origin_allowed(site_of(article)[0], origin, own_origins):
            return article
    raise OriginNotAllowed(origin or "", site_of(found[0])[1])


def find_article(session: DbSession, article_url: str, origin: str | None, own_origins: set[str]) -> Article:
    """The article at this (normalised) URL on a site that allows ``origin``, loaded with its site in
    one query. Raises ArticleNotFound when no site has the URL, OriginNotAllowed when sites have it
    but none allows the origin."""
    found = list(session.scalars(_ARTICLES_AT_URL, {"url": _url_key(article_url)}))
    return _first_allowed(found, origin, own_origins,
                          lambda article: (article.site.allowed_origins, article.site.title or article.site.name),
                          article_url)


_ARTICLES_AT_URL = select(Article).where(Article.url == bindparam("url")).order_by(Article.id).options(
    joinedload(Article.site))  # built once: building a query with its loader options costs more than running it


@dataclass(frozen=True)
class RevisionText:
    """A revision's id and texts: what anchoring a new report needs of it."""

    id: int
    text: str
    parts: dict[str, str] | None

    def part_text(self, part: str) -> str:
        return part_text(self.text, self.parts, part)


@dataclass(frozen=True)
class ReportedArticle:
    """What storing a report needs of its article, its site and its current revision, as plain values
    read in one statement: a report builds no ORM object for them (the rare paths that do need the
    ORM's article, a decoy and a quote looked for in earlier revisions, load it then)."""

    id: int
    site_label: str  # the site's title, else its name
    site_language: str
    allowed_origins: list[str]
    connector: str | None
    revision: RevisionText | None


def find_reported_article(session: DbSession, article_url: str, origin: str | None,
                          own_origins: set[str]) -> ReportedArticle:
    """``find_article`` for a new report: the same rules, plain values. Flushes what the caller added
    (its statements run on the session's connection, which does not autoflush)."""
    session.flush()
    found = [ReportedArticle(row.id, row.title or row.name, row.language, row.allowed_origins or [], row.connector,
                             RevisionText(row.revision_id, row.text, row.parts) if row.revision_id else None)
             for row in session.connection().execute(_REPORTED_ARTICLES_AT_URL, {"url": _url_key(article_url)})]
    return _first_allowed(found, origin, own_origins, lambda article: (article.allowed_origins, article.site_label),
                          article_url)


_REPORTED_ARTICLES_AT_URL = (
    select(Article.id, Site.name, Site.title, Site.language, Site.allowed_origins, Site.connector,
           ArticleRevision.id.label("revision_id"), ArticleRevision.text, ArticleRevision.parts)
    .join(Site, Site.id == Article.site_id)
    .outerjoin(ArticleRevision, ArticleRevision.id == Article.current_revision_id)
    .where(Article.url == bindparam("url")).order_by(Article.id))
_REVISION_TEXT = select(ArticleRevision.id, ArticleRevision.text, ArticleRevision.parts).where(
    ArticleRevision.id == bindparam("revision_id"))


def _revision_text(session: DbSession, revision_id: int | None) -> RevisionText | None:
    if revision_id is None:
        return None
    row = session.execute(_REVISION_TEXT, {"revision_id": revision_id}).one()
    return RevisionText(row.id, row.text, row.parts)


# --- storing ---------------------------------------------------------------------------------


def new_public_id() -> str:
    return secrets.token_urlsafe(12)


def _by_key(session: DbSession, key: str, *, decoy: bool) -> Correction | DecoyReport | None:
    """The report of this kind (real, or a decoy) stored under ``key``. Each kind looks only at its
    own: a real report whose key a bot's decoy used first is stored, not answered as the decoy, and a
    bot guessing a real report's key gets a decoy of its own, not that report's id."""
    if decoy:
        return session.scalar(select(DecoyReport).where(DecoyReport.idempotency_key == key))
    return session.scalar(select(Correction).where(Correction.idempotency_key == key))


def _seen_before(existing: Correction | DecoyReport, fingerprint: str) -> Submission:
    if existing.body_fingerprint and existing.body_fingerprint != fingerprint:
        raise IdempotencyKeyReused(existing.idempotency_key)
    return Submission.of(existing, created=False)


def _decoy(report: CorrectionInput, article: Article, revision: RevisionText | None, fingerprint: str,
           now: datetime) -> DecoyReport:
    found = bool(report.exact) and revision is not None and quote_is_found(
        quote_selectors(report.selectors, report.exact, report.prefix, report.suffix), revision.part_text(report.part))
    return DecoyReport(public_id=new_public_id(), idempotency_key=report.idempotency_key, body_fingerprint=fingerprint,
                       article=article, kind=report.kind, exact=report.exact,
                       language=report.language or article.site.language, anchored=found, created_at=now)


def _every_job(_name: str) -> bool:
    return True


def submit_correction(
    session: DbSession, data: dict, *, origin: str | None, own_origins: set[str], ip_hash: str, now: datetime,
    wanted: Callable[[str], bool] = _every_job,
) -> Submission:
    """Validate and store a reader's report (never commits). ``ip_hash`` is the sender's address as
    services.privacy.ip_hashing hashes it. A new report's jobs (``new_report_jobs``; those ``wanted``
    keeps, by name) are written to the outbox with it: ``Submission.outbox_ids`` names the rows for
    the caller's unit of work to hand out after the commit.

    The same idempotency key with the same report returns the first correction (``created`` False),
    also when two requests race: the unique constraint decides and the loser reads the winner's row.
    The same key with a different report raises IdempotencyKeyReused. A quote that is not in the
    current revision is stored anyway: anchored in an earlier revision that has it word for word (the
    reader's copy of the page was older), else unanchored (see ``needs_refetch``). The report joins the
    duplicate group of the passage it matches (``services.corrections.duplicates``). A report that
    filled the honeypot goes through the same checks and answers, but only a :class:`DecoyReport`
    is kept.

    The usual report (a quote found word for word in the current revision, or a general message)
    costs four SQL statements on PostgreSQL whatever the article or the group holds: the article with
    its site and revision; the lock on the article's groups, which rereads its current revision; the
    passages held on it; the report with its anchor row, its group's change and its jobs' outbox rows
    (``report_rows``: one statement). The lock is taken after the article is read and the quote
    anchored, so reports on one article wait on each other only for the last two statements and the
    commit. SQLite takes no lock (one writer at a time) and writes the report and its job in four
    statements: six in all. None of them builds an ORM object (plain rows in, plain rows out). Other
    reports take the ORM path, which looks through earlier revisions (``_store_with_evidence``)."""
    report = parse_correction(data)
    article = find_reported_article(session, report.article_url, origin, own_origins)
    fingerprint = report.fingerprint()
    revision = article.revision
    if report.trapped:
        return _store_decoy(session, report, _orm_article(session, article.id), revision, fingerprint, now)
    found = _verbatim_anchor(report, revision)  # before the lock: anchoring takes no one's turn
    # The article's groups are locked from here to the commit (on PostgreSQL: SQLite has one writer at
    # a time anyway), which rereads its current revision: two statements and the commit are left.
    if session.get_bind().dialect.name == "postgresql":
        current_id = lock_article(session, article.id)
        if current_id != (revision.id if revision is not None else None):  # a revision stored meanwhile
            revision = _revision_text(session, current_id)
            found = _verbatim_anchor(report, revision)
    if report.exact and revision is not None and found is None:
        submission = _store_with_evidence(session, report, _orm_article(session, article.id), fingerprint, ip_hash,
                                          now)
        if not submission.created:
            return submission
        jobs = new_report_jobs(submission.refetch, wanted)
        return replace(submission, outbox_ids=insert_report_jobs(session, submission.id, jobs, now=now))
    if revision is not None and found is not None:
        arrival = Arrival(article.id, revision.id, report.part, found.start, found.end, report.exact)
    else:
        arrival = Arrival(article.id, None, report.part, None, None, report.exact)
    anchor_columns = _anchor_columns(report, revision, found)
    refetch = bool(article.connector) and saw_other_text(anchor_columns["anchor_state"], True)
    stored = write_report(session, {
        "public_id": new_public_id(), "idempotency_key": report.idempotency_key, "body_fingerprint": fingerprint,
        "article_id": article.id, "kind": report.kind, "selectors": report.selectors, "exact": report.exact,
        "prefix": report.prefix, "suffix": report.suffix, "part": report.part,
        "selection_clipped": report.clipped, "selected_text": report.selected_text, "page_url": report.page_url,
        "suggestion": report.suggestion, "comment": report.comment, "reader_name": report.reader_name,
        "reader_email": report.reader_email, "notify_reader": report.notify_reader,
        "language": report.language or article.site_language, "ip_hash": ip_hash, "created_at": now,
        "updated_at": now, **anchor_columns,
    }, find_group(session, arrival), new_report_jobs(refetch, wanted))
    if stored is None:  # the key was stored already: by this reader's earlier try, or a racing one
        existing = _by_key(session, report.idempotency_key, decoy=False)
        assert existing is not None  # the conflict was with a committed row, which this statement sees
        return _seen_before(existing, fingerprint)
    return Submission(stored.id, stored.public_id, stored.status, found is not None, created=True,
                      refetch=refetch, outbox_ids=stored.outbox_ids)


def _orm_article(session: DbSession, article_id: int) -> Article:
    article = session.get(Article, article_id)
    assert article is not None  # read a moment ago in this transaction
    return article


def _verbatim_anchor(report: CorrectionInput, revision: RevisionText | None) -> Anchor | None:
    """The engine's anchor of the reader's quote in ``revision`` (in the report's part) when the text
    there is the quote word for word: the usual report. None otherwise."""
    if not report.exact or revision is None:
        return None
    text = revision.part_text(report.part)
    if not text:
        return None
    found = anchor(quote_selectors(report.selectors, report.exact, report.prefix, report.suffix), text)
    if found.state != "anchored" or found.start is None or found.end is None:
        return None
    return found if text[found.start:found.end] == report.exact else None


def _anchor_columns(report: CorrectionInput, revision: RevisionText | None, found: Anchor | None) -> dict:
    """What ``reanchoring.anchor_new_report`` records for the usual report, as columns."""
    if not report.exact:
        return {"anchor_state": AnchorState.NONE}
    if revision is None or found is None:  # an article with no text yet
        return {"anchor_state": AnchorState.UNANCHORED}
    return {"captured_revision_id": revision.id, "anchor_state": AnchorState.ANCHORED, "revision_id": revision.id,
            "start": found.start, "end": found.end, "quote_verbatim": True, "anchor_revision_id": revision.id,
            "anchor_start": found.start, "anchor_end": found.end, "anchor_confidence": found.confidence}


def _store_decoy(session: DbSession, report: CorrectionInput, article: Article, revision: RevisionText | None,
                 fingerprint: str, now: datetime) -> Submission:
    existing = _by_key(session, report.idempotency_key, decoy=True)
    if existing is not None:
        return _seen_before(existing, fingerprint)
    return _add_or_seen(session, _decoy(report, article, revision, fingerprint, now), report, fingerprint)


def _store_with_evidence(session: DbSession, report: CorrectionInput, article: Article, fingerprint: str,
                         ip_hash: str, now: datetime) -> Submission:
    """A quote not word for word in the current revision: placed by ``anchor_new_report`` (earlier
    revisions, then followed forward), through the ORM."""
    existing = _by_key(session, report.idempotency_key, decoy=False)
    if existing is not None:
        return _seen_before(existing, fingerprint)
    stored = Correction(
        public_id=new_public_id(), idempotency_key=report.idempotency_key, body_fingerprint=fingerprint,
        article=article, kind=report.kind, selectors=report.selectors, exact=report.exact, prefix=report.prefix,
        suffix=report.suffix, part=report.part, selection_clipped=report.clipped,
        selected_text=report.selected_text, page_url=report.page_url, suggestion=report.suggestion,
        comment=report.comment, reader_name=report.reader_name, reader_email=report.reader_email,
        notify_reader=report.notify_reader, language=report.language or article.site.language, ip_hash=ip_hash,
        anchor_state=AnchorState.NONE, created_at=now, updated_at=now,
    )
    anchor_new_report(session, stored, article, now=now)
    return _add_or_seen(session, stored, report, fingerprint)


def _add_or_seen(session: DbSession, stored: Correction | DecoyReport, report: CorrectionInput,
                 fingerprint: str) -> Submission:
    try:
        with session.begin_nested():
            session.add(stored)
            session.flush()
            if isinstance(stored, Correction):
                assign_group(session, stored)  # with earlier reports on the same passage, if any
    except IntegrityError:
        existing = _by_key(session, report.idempotency_key, decoy=isinstance(stored, DecoyReport))
        if existing is None:
            raise
        return _seen_before(existing, fingerprint)
    return Submission.of(stored, created=True)


def saw_other_text(anchor_state: AnchorState, quote_verbatim: bool | None) -> bool:
    """The reader's quote is in no revision word for word: unanchored, or matched only approximately."""
    return anchor_state == AnchorState.UNANCHORED or (anchor_state == AnchorState.ANCHORED and quote_verbatim is False)


def needs_refetch(correction: Correction) -> bool:
    """The reader saw text readerdesk does not have, and the site says where to fetch the article."""
    return (saw_other_text(correction.anchor_state, correction.quote_verbatim)
            and bool(correction.article.site.connector))


def new_report_jobs(refetch: bool, wanted: Callable[[str], bool]) -> list[str]:
    """The jobs a new report asks for, by name, each called with its id, of those ``wanted`` keeps:
    tell the editors, and fetch the article again when the reader saw text readerdesk does not have
    (``refetch``). The report is stored whatever happens to these."""
    jobs = ["new_correction", "refetch_and_anchor"] if refetch else ["new_correction"]
    return [job for job in jobs if wanted(job)]


def get_by_public_id(session: DbSession, public_id: str) -> Correction | DecoyReport | None:
    """The report behind a status link (a decoy answers like a real new report)."""
    if not isinstance(public_id, str) or len(public_id) > 32:
        return None
    return (session.scalar(select(Correction).where(Correction.public_id == public_id))
            or session.scalar(select(DecoyReport).where(DecoyReport.public_id == public_id)))


# What the reader's status link says about each state (catalogue keys). Spam reads as a
# rejection: the sender is not told their report was taken for spam.
STATUS_SENTENCES = {
    Status.NEW: N_("Received. An editor will look at it soon."),
    Status.IN_REVIEW: N_("An editor is looking at it."),
    Status.ACCEPTED: N_("Accepted: the editors agree and will correct the article."),
    Status.PUBLISHED: N_("Corrected: the article has been updated."),
    Status.REJECTED: N_("Reviewed: the editors decided not to change the article."),
}


def public_state(status: Status) -> Status:
    """The state a reader is told: spam reads as a rejection."""
    return Status.REJECTED if status is Status.SPAM else status


def public_status(correction: Correction | DecoyReport, translator: Translator) -> dict:
    """What the reader's status link shows: no name, email, IP or message. Its sentence is said by
    ``translator``, which callers set to the report's ``language``."""
    status = public_state(correction.status)
    return {
        "id": correction.public_id,
        "status": status.value,
        "language": pick_language(correction.language),
        "status_text": translator.gettext(STATUS_SENTENCES[status]),
        "kind": correction.kind.value,
        "quote": correction.exact,
        "article": {"url": correction.article.url, "title": correction.article.title},
        "received_at": correction.created_at.isoformat(),
        "decided_at": correction.first_decision_at.isoformat() if correction.first_decision_at else None,
    }
