"""WTForms: shape only (required, lengths, choices). Domain rules live in services."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=320)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me signed in")
    next = StringField()


# --- support page (patrons) ----------------------------------------------------------------------

from wtforms import HiddenField, RadioField, SelectField  # noqa: E402
from wtforms.validators import Email, Optional, ValidationError  # noqa: E402

FREQUENCIES = [("month", "Monthly"), ("year", "Yearly"), ("once", "One time")]


class SupportForm(FlaskForm):
    """Shape only: which tier (or "custom"), the amount as typed, who pays. The amount floor,
    currency and fee live in services.patrons."""

    choice = RadioField("Your support", choices=[], validators=[DataRequired(message="Choose a tier or your own amount.")])
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
