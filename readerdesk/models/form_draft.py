"""What an editor typed into a form the desk refused (a conflict), kept on the server for the page
the editor is redirected to (post/redirect/get), and taken from there once.

Kept here rather than in the session cookie: a publish form alone holds up to 20,000 characters, far
past a cookie's 4 KB, and a browser drops a cookie that is too big without a word."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from readerdesk.clock import utcnow
from readerdesk.extensions import Model
from readerdesk.models.types import UTCDateTime


class FormDraft(Model):
    """One refused form's text, for one signed-in browser (StaffSession) and one page ("report:12")."""

    __tablename__ = "form_drafts"
    __table_args__ = (UniqueConstraint("staff_session_id", "page", name="uq_form_drafts_session_page"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_session_id: Mapped[int] = mapped_column(ForeignKey("staff_sessions.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(String(100))
    form: Mapped[str] = mapped_column(String(40))  # which of the page's forms the fields belong to
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    message: Mapped[str] = mapped_column(Text, default="")  # why it was refused, in the editor's language
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
