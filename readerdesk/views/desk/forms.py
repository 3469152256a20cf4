"""The desk's forms (triage, publishing, the patrons wall, staff and sites): shape only (required,
lengths, choices); the domain rules live in services.

Templates draw them with templates/macros/forms.html, so each label, limit and choice is written
here once. Decision forms carry the version the editor saw: services refuse a stale one.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    Field,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import HiddenInput

from readerdesk.models import Eligibility, NoteType, ResultsVisibility
from readerdesk.models.moderation import RejectionCode
from readerdesk.services.publishing.policy_page import MAX_POLICY_MARKDOWN
from readerdesk.services.publishing.publish import MAX_NOTE_LENGTH, MAX_WORDING_LENGTH
from readerdesk.text.ids import MAX_ID, parse_id, parse_id_list
from readerdesk.text.languages import LANGUAGES, language_name


def optional_id(raw) -> int | None:
    """A SelectField's ``coerce`` for "an id, or nobody": "" is None; anything but an id is a
    ValueError, which WTForms turns into a field error."""
    if raw is None or raw == "":
        return None
    value = parse_id(raw)
    if value is None:
        raise ValueError(_l("Not a valid choice."))
    return value


class IdField(Field):
    """One record's id, through text.ids.parse_id: "²", "-3" or a number too large is an error."""

    widget = HiddenInput()

    def process_formdata(self, valuelist: list) -> None:
        if valuelist:
            self.data = parse_id(valuelist[0])
            if self.data is None:
                raise ValueError(_l("Not a valid id."))

    def _value(self) -> str:
        return "" if self.data is None else str(self.data)


class IdListField(StringField):
    """Ids an editor types ("12, 15", "#12 #15"), through text.ids.parse_id_list; ``data`` is the list."""

    MAX_LENGTH = 500

    def process_formdata(self, valuelist: list) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = parse_id_list(self.raw) if len(self.raw) <= self.MAX_LENGTH else None
        if self.raw.strip() and self.data is None:
            raise ValueError(_l("Give report numbers, e.g. 12, 15."))

    def _value(self) -> str:
        return getattr(self, "raw", None) or ", ".join(str(i) for i in self.data or ())


def version_field() -> IntegerField:
    """The version of the report the editor saw, sent back with the decision."""
    return IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


# --- triage --------------------------------------------------------------------------------------

# In the order the buttons appear; a report's page shows the ones its state allows.
DECISIONS = [SelectChoice("claim", _l("Claim")), SelectChoice("accept", _l("Accept")),
             SelectChoice("reject", _l("Reject")), SelectChoice("spam", _l("Spam")),
             SelectChoice("reopen", _l("Reopen (undo)"))]
BULK_DECISIONS = [SelectChoice("accept", _l("Accept")), SelectChoice("reject", _l("Reject")),
                  SelectChoice("spam", _l("Spam"))]


class DecisionForm(FlaskForm):
    action = SelectField(choices=DECISIONS)  # drawn as one submit button per action
    version = version_field()
    reason = TextAreaField(_l("Why (optional, kept in the log)"), validators=[Optional(), Length(max=2000)],
                           render_kw={"rows": 2})
    reader_message = TextAreaField(_l("Message to the reader with a rejection (optional, emailed to them)"),
                                   validators=[Optional(), Length(max=2000)], render_kw={"rows": 2})
    rejection_code = SelectField(_l("Reason for a rejection (told to the reader in their language)"),
                                 choices=[SelectChoice("", "—"),
                                          *(SelectChoice(c.value, _l(c.label)) for c in RejectionCode)], default="")
    next = HiddenField()


NOBODY = SelectChoice("", _l("Nobody"))


class AssignForm(FlaskForm):
    # Choices are the active staff, set by the view; "" is nobody. Any user id is accepted here:
    # the view checks that the user exists.
    assignee = SelectField(_l("Assigned to"), choices=[NOBODY], coerce=optional_id, validate_choice=False)
    version = version_field()


class NoteForm(FlaskForm):
    body = TextAreaField(_l("Add a note (staff only)"), id="note-body",
                         validators=[DataRequired(message=_l("Write something first.")), Length(max=10_000)],
                         render_kw={"rows": 3})


class MergeForm(FlaskForm):
    others = IdListField(_l("Same issue as report #"), id="merge-others",
                         validators=[DataRequired(message=_l("Give report numbers, e.g. 12, 15."))],
                         render_kw={"size": 12, "placeholder": _l("e.g. 12, 15")})


class SplitForm(FlaskForm):
    member = IdField(validators=[InputRequired()])  # the report to take out of the group


class BulkForm(FlaskForm):
    action = SelectField(choices=BULK_DECISIONS)  # drawn as buttons; the rows' checkboxes are the items
    next = HiddenField()


# --- publishing ----------------------------------------------------------------------------------

NOTE_TYPE_CHOICES = [SelectChoice(t.value, _l(t.label)) for t in NoteType]


class PublishForm(FlaskForm):
    """Shape only: services.publishing checks the rules (a body for public notes, a preview...)."""

    note_type = SelectField(_l("Public note"), choices=NOTE_TYPE_CHOICES, default=NoteType.CORRECTION.value)
    was_wrong = TextAreaField(_l("What the article said (wrong or misleading)"),
                              validators=[Length(max=MAX_NOTE_LENGTH)], render_kw={"rows": 2, "cols": 70,
                                         "placeholder": _l("the committee had twelve members")})
    is_right = TextAreaField(_l("What is right"), validators=[Length(max=MAX_NOTE_LENGTH)],
                             render_kw={"rows": 2, "cols": 70, "placeholder": _l("It has eleven.")})
    body = TextAreaField(_l("Note readers will see"), validators=[Length(max=MAX_NOTE_LENGTH)],
                         render_kw={"rows": 4, "cols": 70})
    apply_wording = BooleanField(_l("Change the article text"))
    wording = TextAreaField(_l("New wording of the passage"), validators=[Length(max=MAX_WORDING_LENGTH)],
                            render_kw={"rows": 3, "cols": 70})
    # What the preview showed; publishing refuses if the text or the wording changed since.
    expected_passage = HiddenField()
    previewed_wording = HiddenField()
    # For a post changed in its CMS: the version (services.articles.cms.RawDocument) the preview read.
    expected_cms_version = HiddenField(validators=[Length(max=100)])
    version = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    preview = SubmitField(_l("Preview"), render_kw={"class": "button secondary"})
    confirm = SubmitField(_l("Publish"), render_kw={"class": "button"})


class ApproveNoteForm(FlaskForm):
    """A second editor approves a proposed note (Site.second_approval)."""

    version = IntegerField(widget=HiddenInput(), validators=[DataRequired(), NumberRange(min=1, max=MAX_ID)])
    approve = SubmitField(_l("Approve and publish"), render_kw={"class": "button"})


# --- the supporters wall -------------------------------------------------------------------------

class WallDecisionForm(FlaskForm):
    decision = SelectField(choices=[SelectChoice("approved", _l("Approve")), SelectChoice("rejected", _l("Reject")),
                                    SelectChoice("pending", _l("Back to pending"))])


# --- topic polls -------------------------------------------------------------------------------

ELIGIBILITY_CHOICES = [SelectChoice(e.value, _l(e.label)) for e in Eligibility]
VISIBILITY_CHOICES = [SelectChoice(v.value, _l(v.label)) for v in ResultsVisibility]


class PollForm(FlaskForm):
    """A poll as the editor types it; times are in the site's time zone (services.polls.editing)."""

    site = SelectField(_l("Site"), choices=[])  # set by the view
    question = StringField(_l("Question"), validators=[DataRequired(), Length(max=300)])
    topics = TextAreaField(_l("Topics"), validators=[DataRequired(), Length(max=30_000)],
                           description=_l("One topic a line, 2 to 20: title | optional description."))
    opens_at = DateTimeLocalField(_l("Opens"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    closes_at = DateTimeLocalField(_l("Closes"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])
    eligibility = SelectField(_l("Who may vote"), choices=ELIGIBILITY_CHOICES)
    max_choices = IntegerField(_l("Votes per person"), default=1, validators=[InputRequired(), NumberRange(1, 20)],
                               description=_l("1 for one vote; more lets each person choose up to that many topics."))
    results_visibility = SelectField(_l("Results"), choices=VISIBILITY_CHOICES, default="after_close")


class ExtendPollForm(FlaskForm):
    closes_at = DateTimeLocalField(_l("New closing time"), format="%Y-%m-%dT%H:%M", validators=[InputRequired()])


class CoveredForm(FlaskForm):
    url = URLField(_l("Article that covers it"), validators=[DataRequired(), Length(max=2000)])


class SuggestionDecisionForm(FlaskForm):
    decision = SelectField(choices=[SelectChoice("accept", _l("Accept into the poll")),
                                    SelectChoice("merge", _l("Merge with the topic")),
                                    SelectChoice("reject", _l("Reject"))])
    poll_id = SelectField(_l("Poll"), choices=[], coerce=optional_id, validate_choice=False)
    topic_id = SelectField(_l("Topic"), choices=[], coerce=optional_id, validate_choice=False)


# --- administration ------------------------------------------------------------------------------

ROLES = [SelectChoice("editor", _l("Editor")), SelectChoice("admin", _l("Admin")), SelectChoice("author", _l("Author"))]
BYLINE_HELP = _l("For an author: the name they sign articles with, exactly as in the bylines. They see only "
                 "this name's figures.")


class UserCreateForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=320)])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)],
                             description=_l("At least 10 characters. Give it to them in person or by a channel "
                                            "you trust."))
    role = SelectField(_l("Role"), choices=ROLES)
    byline = StringField(_l("Byline name"), validators=[Optional(), Length(max=200)], description=BYLINE_HELP)


class UserRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=ROLES)
    byline = StringField(_l("Byline name"), validators=[Optional(), Length(max=200)])


class UserActiveForm(FlaskForm):
    # Drawn as the one button that applies.
    active = SelectField(choices=[SelectChoice("0", _l("Deactivate")), SelectChoice("1", _l("Reactivate"))])


class AuthorDeskForm(FlaskForm):
    author = StringField(_l("Author, as in the bylines"), validators=[DataRequired(), Length(max=200)])
    desk = StringField(_l("Desk (empty to remove the author's desk)"), validators=[Optional(), Length(max=200)])


class SiteCreateForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    base_url = StringField(_l("Base URL"), validators=[DataRequired(), Length(max=500)])
    body_selector = StringField(_l("Body selector"), validators=[DataRequired(), Length(max=500)])
    exclude_selectors = TextAreaField(_l("Exclude selectors (one a line)"), validators=[Optional(), Length(max=5000)])
    allowed_origins = TextAreaField(_l("Other allowed origins (one a line)"), validators=[Optional(), Length(max=5000)])
    language = StringField(_l("Language"), default="en", validators=[DataRequired(), Length(max=10)])
    currency = StringField(_l("Currency"), default="EUR", validators=[DataRequired(), Length(max=3)])


class SiteEditForm(FlaskForm):
    allowed_origins = TextAreaField(_l("Allowed origins (one a line)"), validators=[Optional(), Length(max=5000)])
    exclude_selectors = TextAreaField(_l("Exclude selectors (one a line)"), validators=[Optional(), Length(max=5000)])
    parts = TextAreaField(_l("Reportable parts besides the body (one a line, NAME=CSS: headline, standfirst, caption)"),
                          validators=[Optional(), Length(max=2000)])
    connector = SelectField(_l("Connector"), choices=[SelectChoice("", _l("None")),
                                                  SelectChoice("html", _l("Fetch the article page (html)")),
                                                  SelectChoice("wordpress", _l("WordPress REST API"))])
    connector_url = StringField(_l("WordPress URL"), validators=[Optional(), Length(max=500)])
    privacy_url = StringField(_l("Privacy policy URL"), validators=[Optional(), Length(max=500)],
                              description=_l("Linked from the notices in the widget and on the support form. "
                                          "Without it they link to readerdesk's own page on the data it keeps."))
    # Standards: linked from every article's JSON-LD (services.articles.sites.update_standards).
    principles_url = StringField(_l("Publishing principles URL"), validators=[Optional(), Length(max=500)],
                                 description=_l("schema.org publishingPrinciples: your ethics and standards."))
    corrections_policy_url = StringField(_l("Corrections policy URL"), validators=[Optional(), Length(max=500)],
                                         description=_l("schema.org correctionsPolicy."))
    feedback_policy_url = StringField(_l("Feedback policy URL"), validators=[Optional(), Length(max=500)],
                                      description=_l("schema.org actionableFeedbackPolicy: how readers reach you."))
    policy_markdown = TextAreaField(
        _l("Corrections and feedback policy readerdesk hosts (Markdown)"),
        validators=[Optional(), Length(max=MAX_POLICY_MARKDOWN)],
        description=_l("Shown at the site's policy page; the JSON-LD links to it where the corrections or "
                       "feedback policy URL above is empty. Headings, lists, links and emphasis; no HTML."))
    second_approval = BooleanField(_l("Retractions and clarifications need a second editor's approval"))
    target_decision_hours = IntegerField(_l("Target for a first decision (hours; empty for none)"),
                                         validators=[Optional(), NumberRange(min=1, max=24 * 365)])
    target_correction_hours = IntegerField(_l("Target for a published correction of a factual error (hours)"),
                                           validators=[Optional(), NumberRange(min=1, max=24 * 365)])
    # Patrons: the support page and receipts (checked by services.patrons.site_settings).
    currency = StringField(_l("Currency (ISO 4217, e.g. EUR, UAH, JPY)"), validators=[DataRequired(), Length(max=3)])
    support_tiers = TextAreaField(_l("Tiers, one a line: id | name | amount | month or year | description"),
                                  validators=[DataRequired(), Length(max=5000)])
    min_amount = StringField(_l("Smallest custom amount"), validators=[DataRequired(), Length(max=20)])
    max_amount = StringField(_l("Largest custom amount"), validators=[DataRequired(), Length(max=20)])
    fee_percent = StringField(_l("Card fee a reader may cover: percent"), validators=[DataRequired(), Length(max=10)])
    fee_fixed = StringField(_l("… plus a fixed part"), validators=[Optional(), Length(max=20)])
    wall_grace_days = IntegerField(_l("Days a canceled supporter stays on the wall"),
                                   validators=[InputRequired(), NumberRange(min=0, max=3650)])
    legal_name = StringField(_l("Legal name (on receipts)"), validators=[Optional(), Length(max=200)])
    legal_address = TextAreaField(_l("Legal address (on receipts)"), validators=[Optional(), Length(max=1000)])
    tax_id = StringField(_l("Tax id (EIN or national equivalent)"), validators=[Optional(), Length(max=100)])
    receipt_statement = TextAreaField(_l("Statement on receipts"), validators=[Optional(), Length(max=1000)])
    # Topic polls.
    time_zone = StringField(_l("Time zone (IANA, e.g. Europe/Kyiv): poll times are shown in it"),
                            validators=[Optional(), Length(max=64)])
    past_due_grace_days = IntegerField(_l("Days a past-due patron may still vote in polls"),
                                       validators=[Optional(), NumberRange(min=0, max=365)])


class WordPressAccessForm(FlaskForm):
    """WordPress write credentials (services.articles.credentials checks them). The password field is
    never filled in from what is stored."""

    user = StringField(_l("WordPress user"), validators=[Optional(), Length(max=60)],
                       description=_l("A user with the Editor role, used only by readerdesk."))
    application_password = PasswordField(_l("Application password"), validators=[Optional(), Length(max=200)],
                                         description=_l("Created in WordPress under Users → Profile → Application "
                                                     "Passwords. Stored encrypted; never shown again."))
    remove = BooleanField(_l("Remove readerdesk's WordPress write access"))


# --- privacy requests ----------------------------------------------------------------------------

class PrivacyRequestForm(FlaskForm):
    """The address an access or erasure request is about (services.privacy.records checks it is one)."""

    email = EmailField(_l("Email address of the person who asked"), validators=[DataRequired(), Length(max=320)])


class PrivacyEraseForm(FlaskForm):
    """The confirmation step of an erasure: the address again, Stripe or not, and a tick."""

    email = HiddenField(validators=[DataRequired(), Length(max=320)])
    stripe = BooleanField(_l("Also delete their customer at Stripe (their active subscriptions are cancelled first)"))
    confirm = BooleanField(_l("I have checked that this request comes from the person at this address"),
                           validators=[DataRequired(message=_l("Tick the box to confirm the erasure."))])


class PolicyForm(FlaskForm):
    two_factor_for_all = BooleanField(_l("Require two-factor sign-in for editors too"))


# --- your own account ----------------------------------------------------------------------------


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=1024)])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), Length(max=1024)])

    def validate_confirm(self, field):
        if field.data != self.new.data:
            raise ValidationError(_l("The two new passwords differ."))


class LanguageForm(FlaskForm):
    language = SelectField(_l("Desk language"), choices=[SelectChoice("", _l("As my browser asks")), *(
        SelectChoice(code, language_name(code)) for code in LANGUAGES)], validators=[Optional()])


class ShortcutsForm(FlaskForm):
    keyboard_shortcuts = BooleanField(
        _l("Single-key shortcuts on the queue and a report's page (j, k, o, a, r, s, c, x, ?)"),
        description=_l("Turn them off if you use speech input or often press keys by accident."))


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (e.g. rotate a token)."""


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
