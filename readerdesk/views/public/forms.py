"""The support page's forms: shape only. The amount floor, the currency and the fee live in
services.patrons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

FREQUENCIES = [SelectChoice("month", _l("Monthly")), SelectChoice("year", _l("Yearly")),
               SelectChoice("once", _l("One time"))]


class SupportForm(FlaskForm):
    """Which tier (or "custom"), the amount as typed, who pays."""

    choice = RadioField(_l("Your support"), choices=[],  # the tiers, set by the view from the settings
                        validators=[DataRequired(message=_l("Choose a tier or your own amount."))])
    custom_amount = StringField(_l("Amount"), validators=[Length(max=20)])
    frequency = RadioField(_l("How often"), choices=FREQUENCIES, default="month")
    email = EmailField(_l("Email"), validators=[DataRequired(), Email(check_deliverability=False), Length(max=320)])
    name = StringField(_l("Name (optional)"), validators=[Optional(), Length(max=200)])
    cover_fee = BooleanField(_l("Add the card fee so the newsroom receives my full amount"))
    list_publicly = BooleanField(_l("List me on the supporters wall"))
    display_name = StringField(_l("Name to show on the wall"), validators=[Optional(), Length(max=120)])
    form_key = HiddenField(validators=[DataRequired(), Length(min=16, max=64)])

    def validate_custom_amount(self, field):
        if self.choice.data == "custom" and not (field.data or "").strip():
            raise ValidationError(_l("Enter the amount you want to give."))


class ManageSupportForm(FlaskForm):
    email = EmailField(_l("Your email"),
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=320)])


class PollLinkForm(FlaskForm):
    email = EmailField(_l("Your email"),
                       validators=[DataRequired(), Email(check_deliverability=False), Length(max=320)])


class BallotForm(FlaskForm):
    """A patron's ballot. Which topics are allowed, and how many, is the service's to say."""

    topics = SelectMultipleField(choices=[], coerce=int, validate_choice=False)
    tell_when_covered = BooleanField(_l("Tell me when a topic I voted for is covered"))
    announcements = BooleanField(_l("Email me when a new poll opens"))
    suggestion_title = StringField(_l("Suggest a topic"), validators=[Optional(), Length(max=200)])
    suggestion_body = StringField(_l("In a sentence"), validators=[Optional(), Length(max=500)])
