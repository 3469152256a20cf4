"""WTForms: shape only (required, lengths, choices). Domain rules live in services."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from readerdesk.text.ids import MAX_ID


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me signed in")
    next = StringField()


# --- support page (patrons) ----------------------------------------------------------------------


FREQUENCIES = [("month", "Monthly"), ("year", "Yearly"), ("once", "One time")]


class SupportForm(FlaskForm):
    """Shape only: which tier (or "custom"), the amount as typed, who pays. The amount floor,
    currency and fee live in services.patrons."""

    choice = RadioField("Your support", choices=[],
                        validators=[DataRequired(message="Choose a tier or your own amount.")])
    custom_amount = StringField("Amount", validators=[Length(max=20)])
    frequency = RadioField("How often", choices=FREQUENCIES, default="month")
    email = EmailField("Email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=320)])
    name = StringField("Name (optional)", validators=[Optional(), Length(max=200)])
    cover_fee = BooleanField("Add the card fee so the newsroom receives my full amount")
    list_publicly = BooleanField("List me on the supporters wall")
    display_name = StringField("Name to show on the wall", validators=[Optional(), Length(max=120)])
    form_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])

    def validate_custom_amount(self, field):
        if self.choice.data == "custom" and not (field.data or "").strip():
            raise ValidationError("Enter the amount you want to give.")


class ManageSupportForm(FlaskForm):
    email = EmailField("Your email", validators=[DataRequired(), Email(check_deliverability=False), Length(max=320)])


class WallDecisionForm(FlaskForm):
    decision = SelectField(choices=[("approved", "Approve"), ("rejected", "Reject"), ("pending", "Back to pending")])


# --- the desk ----------------------------------------------------------------------------------
# Decision forms carry the version the editor saw; services refuse a stale one.

class DecisionForm(FlaskForm):
    action = StringField(validators=[DataRequired(), AnyOf(["accept", "reject", "spam", "reopen", "claim"])])
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])
    reason = TextAreaField(validators=[Optional(), Length(max=2000)])
    reader_message = TextAreaField(validators=[Optional(), Length(max=2000)])
    next = StringField()


class AssignForm(FlaskForm):
    assignee = StringField()  # a user id, or empty for nobody
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


class NoteForm(FlaskForm):
    body = TextAreaField("Note", validators=[DataRequired(message="Write something first."), Length(max=10_000)])


class MergeForm(FlaskForm):
    others = StringField("Report numbers", validators=[
        DataRequired(), Length(max=500), Regexp(r"^[\d,\s#]+$", message="Give report numbers, e.g. 12, 15."),
    ])


class SplitForm(FlaskForm):
    member = IntegerField(validators=[InputRequired(), NumberRange(min=1, max=MAX_ID)])


class BulkForm(FlaskForm):
    action = StringField(validators=[DataRequired(), AnyOf(["accept", "reject", "spam"])])
    next = StringField()


# --- administration ----------------------------------------------------------------------------

class UserCreateForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    role = SelectField("Role", choices=[("editor", "Editor"), ("admin", "Admin")])


class UserRoleForm(FlaskForm):
    role = SelectField("Role", choices=[("editor", "Editor"), ("admin", "Admin")])


class UserActiveForm(FlaskForm):
    active = StringField(validators=[AnyOf(["0", "1"])])


class SiteCreateForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    title = StringField("Title", validators=[Optional(), Length(max=200)])
    base_url = StringField("Base URL", validators=[DataRequired(), Length(max=500)])
    body_selector = StringField("Body selector", validators=[DataRequired(), Length(max=500)])
    exclude_selectors = TextAreaField("Exclude selectors (one a line)", validators=[Optional(), Length(max=5000)])
    allowed_origins = TextAreaField("Other allowed origins (one a line)", validators=[Optional(), Length(max=5000)])
    language = StringField("Language", default="en", validators=[DataRequired(), Length(max=10)])
    currency = StringField("Currency", default="EUR", validators=[DataRequired(), Length(max=3)])


class SiteEditForm(FlaskForm):
    allowed_origins = TextAreaField("Allowed origins (one a line)", validators=[Optional(), Length(max=5000)])
    exclude_selectors = TextAreaField("Exclude selectors (one a line)", validators=[Optional(), Length(max=5000)])
    connector = SelectField("Connector", choices=[("", "None"), ("html", "Fetch the article page (html)"),
                                                  ("wordpress", "WordPress REST API")])
    connector_url = StringField("WordPress URL", validators=[Optional(), Length(max=500)])
    # Patrons: the support page and receipts (checked by services.patrons.site_settings).
    currency = StringField("Currency (ISO 4217, e.g. EUR, UAH, JPY)", validators=[DataRequired(), Length(max=3)])
    support_tiers = TextAreaField("Tiers, one a line: id | name | amount | month or year | description",
                                  validators=[DataRequired(), Length(max=5000)])
    min_amount = StringField("Smallest custom amount", validators=[DataRequired(), Length(max=20)])
    max_amount = StringField("Largest custom amount", validators=[DataRequired(), Length(max=20)])
    fee_percent = StringField("Card fee a reader may cover: percent", validators=[DataRequired(), Length(max=10)])
    fee_fixed = StringField("… plus a fixed part", validators=[Optional(), Length(max=20)])
    wall_grace_days = IntegerField("Days a canceled supporter stays on the wall",
                                   validators=[InputRequired(), NumberRange(min=0, max=3650)])
    legal_name = StringField("Legal name (on receipts)", validators=[Optional(), Length(max=200)])
    legal_address = TextAreaField("Legal address (on receipts)", validators=[Optional(), Length(max=1000)])
    tax_id = StringField("Tax id (EIN or national equivalent)", validators=[Optional(), Length(max=100)])
    receipt_statement = TextAreaField("Statement on receipts", validators=[Optional(), Length(max=1000)])


class ConfirmForm(FlaskForm):
    """A button that only needs the CSRF token (e.g. rotate a token)."""


def lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
