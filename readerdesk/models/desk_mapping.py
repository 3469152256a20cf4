"""Which desk (a newsroom's team: Politics, Sport...) each byline's author belongs to, set by admins;
``services.desk.time_to_correct`` groups its figures by it."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from readerdesk.extensions import Model

MAX_NAME = 200


class AuthorDesk(Model):
    __tablename__ = "author_desks"

    id: Mapped[int] = mapped_column(primary_key=True)
    author: Mapped[str] = mapped_column(String(MAX_NAME), unique=True)  # as in Article.authors
    desk: Mapped[str] = mapped_column(String(MAX_NAME))
