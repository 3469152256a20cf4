"""A new report's rows, written in as few statements as the database allows.

A reader's report found word for word in the article (the usual report) writes four things: its row
in ``corrections`` (with its group columns, ``duplicates.membership``), its first anchor-history row,
its group's change (``duplicates.record_arrival``: the lead's size, a held passage narrowed), and an
outbox row for each of its jobs (the editors' notice; a re-fetch). They are written while the
article's groups are locked (``duplicates.lock_article``), so every round trip here is time the next
report on a viral article waits.

* **PostgreSQL**: one statement. The report's id is drawn from its sequence first, so a report that
  starts a group names itself as the group in its INSERT, and data-modifying CTEs write the anchor row,
  the group's UPDATE and the jobs' rows from the inserted row: nothing is written when the idempotency
  key was stored already (the INSERT's ``ON CONFLICT DO NOTHING`` returns no row, and the CTEs select
  from it).
* **SQLite** (no data-modifying CTEs): the same rows in a statement each.

Either way the stored report comes back as a plain row (:class:`StoredReport`: its id, public id,
status and its jobs' outbox ids), or None when the key was stored already: loading it as an ORM
object cost more than the statement. The statements are text compiled once per process: SQLAlchemy
does not cache dialect-specific inserts, and building them costs more than running them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import NamedTuple

from sqlalchemy import ARRAY, ColumnDefault, Integer, bindparam, insert, literal, literal_column, text

from readerdesk.clock import utcnow
from readerdesk.models import AnchorState, Correction, CorrectionAnchor, OutboxEntry, Status
from readerdesk.models.correction import mark_reports_changed
from readerdesk.models.outbox import insert_pending, pending_row
from readerdesk.models.types import DbSession, table_of
from readerdesk.services.corrections.duplicates import GroupChoice, expire_if_loaded, membership, record_arrival

_CORRECTIONS = table_of(Correction)
_COLUMNS = [c for c in _CORRECTIONS.columns if not c.primary_key and c.computed is None]  # the database's own


def _quoted(name: str) -> str:
    return f'"{name}"'




class StoredReport(NamedTuple):
    """A report just stored: what its sender is told, its id, and the outbox rows of its jobs."""

    id: int
    public_id: str
    status: Status
    outbox_ids: tuple[int, ...] = ()


_RETURNED_NAMES = ("id", "public_id", "status")
_RETURNED = ", ".join(_quoted(name) for name in _RETURNED_NAMES)
_RETURNED_COLUMNS = [_CORRECTIONS.c[name] for name in _RETURNED_NAMES]
_OUTBOX = table_of(OutboxEntry)
_INSERT_ANCHOR = insert(table_of(CorrectionAnchor))


def _values(given: frozenset[str], *, skip: str = "") -> tuple[str, str, list]:
    """The INSERT's column names and VALUES for a report whose ``given`` columns are parameters; the
    others take their default, written in the SQL when it is NULL. Few parameters and short SQL:
    psycopg caches its parsing of a query only under 50 parameters and 4,096 characters, and a report
    pays that parsing on every request otherwise."""
    names, values, parameters = [], [], []
    for column in _COLUMNS:
        if column.key == skip:
            continue
        names.append(_quoted(column.name))
        if column.key in given or isinstance(column.default, ColumnDefault):
            values.append(f":{column.key}")
            parameters.append(bindparam(column.key, type_=column.type))
        else:
            values.append("NULL")
    return ", ".join(names), ", ".join(values), parameters


@cache
def _insert_unless_key_exists(given: frozenset[str]):
    """SQLite's INSERT ... ON CONFLICT (idempotency_key) DO NOTHING RETURNING the stored report."""
    names, values, parameters = _values(given)
    sql = (f"INSERT INTO {_CORRECTIONS.name} ({names}) VALUES ({values}) "
           f"ON CONFLICT (idempotency_key) DO NOTHING RETURNING {_RETURNED}")
    return text(sql).bindparams(*parameters).columns(*_RETURNED_COLUMNS)


def _job_row() -> dict[str, str]:
    """The columns of a report's job rows in ``_one_statement`` and their SQL: ``pending_row``'s, with
    the job's name from ``:jobs``, the report's id its argument and the report's time its own."""
    from_report = {"job": "j.name", "args": "json_build_array(report.id)", "created_at": "report.created_at",
                   "next_attempt_at": "report.created_at"}
    return {name: from_report.get(name) or _sql_literal(value, _OUTBOX.c[name].type)
            for name, value in pending_row("", [], utcnow()).items()}


def _sql_literal(value, type_) -> str:
    return str(literal(value, type_).compile(compile_kwargs={"literal_binds": True}))


_JOB_ROW = _job_row()


@cache
def _one_statement(given: frozenset[str]):
    """PostgreSQL's single statement: the report (its id drawn first, so that a report starting a
    group is its own group), its anchor row, its group's lead grown (and narrowed), a merged-in
    holder's passage narrowed, and an outbox row for each of ``:jobs`` (a job name; its argument the
    report's id); it returns the report's row with its outbox rows' ids, or no row when the key was
    stored."""
    names, values, parameters = _values(given, skip="group_id")
    anchors = table_of(CorrectionAnchor).name
    sql = f"""WITH drawn AS (SELECT nextval(pg_get_serial_sequence('{_CORRECTIONS.name}', 'id')) AS id),
report AS (INSERT INTO {_CORRECTIONS.name} (id, group_id, {names})
 VALUES ((SELECT id FROM drawn), COALESCE(CAST(:group_id AS INTEGER), (SELECT id FROM drawn)), {values})
 ON CONFLICT (idempotency_key) DO NOTHING RETURNING *),
anchor AS (INSERT INTO {anchors} (correction_id, revision_id, state, start, "end", confidence, created_at)
 SELECT id, anchor_revision_id, CAST(:anchored AS VARCHAR), anchor_start, anchor_end, anchor_confidence, created_at
 FROM report WHERE anchor_revision_id IS NOT NULL),
lead AS (UPDATE {_CORRECTIONS.name} SET group_size = group_size + 1,
 passage_start = COALESCE(CAST(:lead_start AS INTEGER), passage_start),
 passage_end = COALESCE(CAST(:lead_end AS INTEGER), passage_end)
 WHERE id = CAST(:group_id AS INTEGER) AND EXISTS (SELECT FROM report)),
holder AS (UPDATE {_CORRECTIONS.name} SET passage_start = CAST(:holder_start AS INTEGER),
 passage_end = CAST(:holder_end AS INTEGER)
 WHERE id = CAST(:holder_id AS INTEGER) AND EXISTS (SELECT FROM report)),
jobs AS (INSERT INTO {_OUTBOX.name} ({", ".join(_JOB_ROW)}) SELECT {", ".join(_JOB_ROW.values())}
 FROM report, unnest(CAST(:jobs AS VARCHAR[])) WITH ORDINALITY AS j(name, n) ORDER BY j.n RETURNING id)
SELECT {_RETURNED}, ARRAY(SELECT id FROM jobs ORDER BY id) AS outbox_ids FROM report"""
    return text(sql).bindparams(*parameters).columns(*_RETURNED_COLUMNS, literal_column("outbox_ids", ARRAY(Integer)))


def _with_defaults(values: dict) -> dict:
    """The given columns' values, and the defaults of the others that have one (what the ORM would
    insert); columns with neither are NULL in the statement itself (``_values``)."""
    row = dict(values)
    for column in _COLUMNS:
        default = column.default
        if column.key not in row and isinstance(default, ColumnDefault):
            row[column.key] = default.arg if default.is_scalar else default.arg(None)
    return row


def write_report(session: DbSession, values: dict, choice: GroupChoice | None,
                 jobs: Sequence[str] = ()) -> StoredReport | None:
    """Store a new report (``values``: its columns but the group's) in ``choice``'s group, or as a
    group of its own; a report anchored on arrival (``anchor_revision_id`` given) gets its first
    anchor-history row, and each of ``jobs`` (job names, called with the report's id) an outbox row
    in the same statement: on a viral article every round trip made here is one the next report waits
    for. None when its idempotency key was stored already (nothing is written then). Call under
    ``lock_article``; never commits."""
    values = {**values, **membership(choice)}
    given = frozenset(values)
    row = _with_defaults(values)
    mark_reports_changed(session)  # the open desk queues hear of it once this commits
    if session.get_bind().dialect.name == "postgresql":
        return _in_one_statement(session, given, row, choice, jobs)
    connection = session.connection()  # Core execution: no ORM around statements that build no objects
    returned = connection.execute(_insert_unless_key_exists(given), row).first()
    if returned is None:
        return None
    stored = StoredReport(*returned)
    if row.get("anchor_revision_id") is not None:
        connection.execute(_INSERT_ANCHOR, {
            "correction_id": stored.id, "revision_id": row["anchor_revision_id"], "state": AnchorState.ANCHORED,
            "start": row["anchor_start"], "end": row["anchor_end"], "confidence": row["anchor_confidence"],
            "created_at": row["created_at"]})
    record_arrival(session, stored.id, choice)
    return stored._replace(outbox_ids=insert_report_jobs(session, stored.id, jobs, now=row["created_at"]))


def insert_report_jobs(session: DbSession, report_id: int, jobs: Sequence[str], *, now: datetime) -> tuple[int, ...]:
    """An outbox row for each of ``jobs`` (job names) called with ``report_id``, in the caller's
    transaction; their ids, for the unit of work to hand out after the commit."""
    return tuple(insert_pending(session.connection(), [pending_row(job, [report_id], now) for job in jobs]))


def _in_one_statement(session: DbSession, given: frozenset[str], row: dict, choice: GroupChoice | None,
                      jobs: Sequence[str]) -> StoredReport | None:
    lead = choice.lead_narrowed if choice is not None else None
    holder = choice.holder_narrowed if choice is not None else None
    parameters = {
        **row,
        "group_id": choice.group_id if choice is not None else None,
        "anchored": AnchorState.ANCHORED.value,
        "lead_start": lead[0] if lead else None,
        "lead_end": lead[1] if lead else None,
        "holder_id": choice.holder_id if holder and choice is not None else None,
        "holder_start": holder[0] if holder else None,
        "holder_end": holder[1] if holder else None,
        "jobs": list(jobs),
    }
    returned = session.connection().execute(_one_statement(given - {"group_id"}), parameters).first()
    if returned is None:
        return None
    if choice is not None:
        expire_if_loaded(session, choice.group_id, choice.holder_id)
    return StoredReport(returned.id, returned.public_id, returned.status, tuple(returned.outbox_ids))
