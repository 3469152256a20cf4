"""Post/redirect/get for a desk form the desk refused because the report moved on (a conflict).

A stale or illegal decision is answered with a 303 to the page the form came from, never with a page
rendered from the POST: a reload then reloads that page instead of sending the decision again. What
the editor typed is kept on the server (services.desk.form_drafts) for that page and this browser,
and the page, when it is next shown, says why the form was refused, says that the text was kept, and
has it back in the form. Both are taken once: a second reload shows the page as it is.

A form that is merely incomplete (400) is still rendered directly from the POST: nothing was
attempted, the typed text is in the rendered form, and resending it changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import g, redirect
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.services.desk.form_drafts import keep_draft, take_draft
from readerdesk.services.desk.moderation import IllegalTransition, StaleDecision
from readerdesk.unit_of_work import unit_of_work

CONFLICTS = (StaleDecision, IllegalTransition)  # the report is no longer as the editor saw it


@dataclass(frozen=True)
class Refusal:
    """Why the editor's last form on this page was refused, and the text they had typed in it."""

    message: str
    form: str = ""
    fields: dict[str, str] = field(default_factory=dict)

    def for_form(self, name: str) -> dict[str, str]:
        """The kept fields, when they belong to the page's form ``name``."""
        return self.fields if self.form == name else {}


def typed(form: FlaskForm, names: Iterable[str]) -> dict[str, str]:
    """What the editor typed or chose in ``form``'s fields ``names``: text as typed, a ticked box as
    "y"; fields left empty or as they were are left out."""
    kept = {}
    for name in names:
        data = form[name].data
        if data == form[name].default:
            continue
        if data is True:
            kept[name] = "y"
        elif isinstance(data, str) and data.strip():
            kept[name] = data
    return kept


def refuse(page: str, url: str, message: str, *, form: FlaskForm | None = None, form_name: str = "",
           fields: Iterable[str] = ()) -> Response:
    """Keep ``message`` and the typed ``fields`` of ``form`` for ``page``, then 303 to ``url``."""
    with unit_of_work(db.session):
        keep_draft(db.session, g.staff_session, page, form=form_name,
                   fields=typed(form, fields) if form is not None else {}, message=message, now=utcnow())
    return redirect(url, 303)


def refusal(page: str) -> Refusal | None:
    """The refusal kept for ``page`` in this browser, taken (so a reload no longer shows it)."""
    with unit_of_work(db.session):
        draft = take_draft(db.session, g.staff_session, page, now=utcnow())
        return Refusal(draft.message, draft.form, dict(draft.fields)) if draft is not None else None
