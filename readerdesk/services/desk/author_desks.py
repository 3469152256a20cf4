"""Author-to-desk mapping: admins say which desk each byline's author belongs to (``AuthorDesk``).
Names are matched exactly as they stand in ``Article.authors``. Plain functions; they never commit."""

from __future__ import annotations

from sqlalchemy import select

from readerdesk.models import AuthorDesk
from readerdesk.models.desk_mapping import MAX_NAME
from readerdesk.models.types import DbSession
from readerdesk.text.languages import N_
from readerdesk.text.translatable import TranslatableError


class AuthorDeskError(TranslatableError, ValueError):
    """A mapping that cannot be saved; the message says why, for the form."""


def desk_map(session: DbSession) -> dict[str, str]:
    """Every mapped author's desk, by author."""
    return {author: desk for author, desk in session.execute(select(AuthorDesk.author, AuthorDesk.desk))}


def list_mappings(session: DbSession) -> list[AuthorDesk]:
    return list(session.scalars(select(AuthorDesk).order_by(AuthorDesk.desk, AuthorDesk.author)))


def set_desk(session: DbSession, author: str, desk: str) -> AuthorDesk | None:
    """Put ``author`` on ``desk`` (replacing their desk); an empty desk removes the mapping."""
    author, desk = author.strip(), desk.strip()
    if not author:
        raise AuthorDeskError(N_("Name the author, as in the articles' bylines."))
    if len(author) > MAX_NAME or len(desk) > MAX_NAME:
        raise AuthorDeskError(N_("Names are at most %(count)d characters."), count=MAX_NAME)
    row = session.scalar(select(AuthorDesk).where(AuthorDesk.author == author))
    if not desk:
        if row is not None:
            session.delete(row)
        return None
    if row is None:
        row = AuthorDesk(author=author, desk=desk)
        session.add(row)
    row.desk = desk
    session.flush()
    return row
