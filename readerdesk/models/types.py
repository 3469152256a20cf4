"""Column types shared by the models, and the one type every service gives its database session."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import TypeAlias

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import DateTime, Enum, Table, event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

# What a service's ``session`` parameter accepts: views and the CLI pass Flask-SQLAlchemy's
# ``db.session`` (a scoped session), scripts and benchmarks a plain ``Session``.
DbSession: TypeAlias = Session | scoped_session[FlaskSession]


def table_of(model: type[DeclarativeBase]) -> Table:
    """A model's table, for Core statements that go around the unit of work (bulk UPDATEs by a bound
    id, multi-row INSERTs). ``Model.__table__`` is typed as any FromClause; this is the Table."""
    return model.metadata.tables[model.__tablename__]


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend.

    Stored as naive UTC (SQLite has no time zones); naive values given to it are taken as UTC,
    aware ones are converted. Values come back aware, in UTC.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def string_enum(cls: type[enum.Enum], name: str) -> Enum:
    """An enum column stored as its values in a plain string column (no native ENUM type), so
    adding a value needs no type migration on PostgreSQL."""
    return Enum(cls, name=name, native_enum=False, values_callable=lambda e: [m.value for m in e], length=20)


def append_only(model: type, error: type[Exception], what: str) -> None:
    """Refuse, at flush, any change to or deletion of a stored ``model`` row (an audit log)."""

    @event.listens_for(Session, "before_flush")
    def _refuse_changes(session: Session, flush_context, instances) -> None:
        for obj in (*session.dirty, *session.deleted):
            if isinstance(obj, model) and (obj in session.deleted or session.is_modified(obj)):
                raise error(f"{what} are append-only")
