import re

import pytest
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from readerdesk.views.desk.forms import AssignForm, DecisionForm, MergeForm, SplitForm, UserCreateForm

FIELD = '{% from "macros/forms.html" import field %}{{ field(f) }}'


def posted(app, form_class, data: dict):
    """The form as the view sees it after a POST of ``data``, validated."""
    with app.test_request_context(method="POST", data=data):
        form = form_class(formdata=MultiDict(data))
        form.validate()
        return form


def render(app, template: str, **context) -> str:
    with app.test_request_context():
        return render_template_string(template, **context)


def test_the_field_macro_draws_label_field_description_and_errors(app):
    form = posted(app, UserCreateForm, {"email": "", "password": "x" * 2000, "role": "editor"})
    password = render(app, FIELD, f=form.password)
    assert '<label for="password">Password</label>' in password
    assert '<span class="hint" id="password-description">At least 10 characters.' in password
    assert '<span class="field-error">Field cannot be longer than 1024 characters.</span>' in password
    assert 'aria-describedby="password-description password-errors"' in password and 'aria-invalid="true"' in password
    email = render(app, FIELD, f=form.email)
    assert "This field is required." in email and 'aria-describedby="email-errors"' in email
    role = render(app, FIELD, f=form.role)
    assert "field-error" not in role and "aria-invalid" not in role and "aria-describedby" not in role


def test_hidden_fields_have_no_ids_take_a_value_per_row_and_say_their_errors(app):
    template = '{% from "macros/forms.html" import hidden_fields %}{{ hidden_fields(f, values={"member": 7}) }}'
    with app.test_request_context():
        blank = SplitForm(formdata=None)
    assert render(app, template, f=blank) == '<input name="member" type="hidden" value="7">'
    assert render(app, template, f=posted(app, SplitForm, {})).endswith(
        '<p class="field-error">Member: This field is required.</p>')


def test_a_choice_field_as_buttons_keeps_the_choices_that_apply_in_its_order(app):
    template = '{% from "macros/forms.html" import buttons %}{{ buttons(f.action, only=["reopen", "accept"]) }}'
    html = render(app, template, f=posted(app, DecisionForm, {}))
    assert re.findall(r'<button type="submit" name="action" value="(\w+)">', html) == ["accept", "reopen"]
    assert ">Reopen (undo)</button>" in html


@pytest.mark.parametrize("raw, valid, data", [
    ("12", True, 12), ("", True, None), ("²", False, None), ("-3", False, None), ("99999999999", False, None),
])
def test_the_assignee_is_an_id_or_nobody(app, raw, valid, data):
    form = posted(app, AssignForm, {"assignee": raw, "version": "1"})
    assert form.validate() is valid
    assert form.assignee.data == data


@pytest.mark.parametrize("raw, data", [("12", 12), ("²", None), ("0", None), ("", None)])
def test_a_split_names_one_report_by_id(app, raw, data):
    form = posted(app, SplitForm, {"member": raw})
    assert form.member.data == data and form.validate() is (data is not None)


@pytest.mark.parametrize("raw, data", [("#12, 15 12", [12, 15]), ("12, x", None), ("1" * 501, None), ("", None)])
def test_merge_reads_a_typed_list_of_report_numbers(app, raw, data):
    form = posted(app, MergeForm, {"others": raw})
    assert form.others.data == data and form.validate() is (data is not None)
    if raw:
        assert form.others._value() == raw  # shown back as typed
