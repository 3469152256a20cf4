"""Drafts of refused forms: what an editor typed into a decision another editor got to first, kept
for the page the desk redirects them to (post/redirect/get) and handed back there exactly once.

A draft belongs to one signed-in browser (its StaffSession) and one page ("report:12"); a newer
refusal on the same page replaces it. It lives for DRAFT_LIFETIME: long enough to follow a redirect
(or a coffee break), short enough that text never waits for long in the database. Expired drafts are
deleted whenever a new one is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from readerdesk.models import FormDraft, StaffSession
from readerdesk.models.types import DbSession

DRAFT_LIFETIME = timedelta(hours=1)


def keep_draft(session: DbSession, staff_session: StaffSession, page: str, *, form: str,
               fields: Mapping[str, str], message: str, now: datetime) -> FormDraft:
    """Keep ``fields`` (form field name → text) and why the form was refused, for ``page``."""
    session.execute(delete(FormDraft).where(
        (FormDraft.created_at < now - DRAFT_LIFETIME)
        | ((FormDraft.staff_session_id == staff_session.id) & (FormDraft.page == page))))
    draft = FormDraft(staff_session_id=staff_session.id, page=page, form=form, fields=dict(fields),
                      message=message, created_at=now)
    session.add(draft)
    return draft


def take_draft(session: DbSession, staff_session: StaffSession, page: str, *, now: datetime) -> FormDraft | None:
    """The draft kept for ``page`` in this browser, deleted as it is taken; None when there is none
    or it expired."""
    draft = session.scalar(select(FormDraft).where(FormDraft.staff_session_id == staff_session.id,
                                                   FormDraft.page == page))
    if draft is None:
        return None
    session.delete(draft)
    return draft if draft.created_at >= now - DRAFT_LIFETIME else None
