"""The desk queue: one row per duplicate group, filtered, searched, sorted, keyset-paginated.

Built to stay fast at a million reports:
- pages use keyset cursors on the sort key and the id (never OFFSET), served by the indexes
  ``ix_corrections_queue_*`` / ``ix_corrections_lead_*`` on (status, is_lead, [size_class,] created_at, id);
- priority order (bigger groups first, then the oldest) is read one group size class at a time, so
  each step is an ascending range scan of one index even though the two keys sort in opposite
  directions (``models.correction.size_class``: one class per size up to 16, then per doubling);
- tab counts stop at :data:`COUNT_CAP` (shown as "1,000+"): each state's count reads at most that
  many matches (plus one) from an index that starts with the state, all in one statement; a search
  for a rare word looks at its rows in the full-text index first (``tab_counts``).
"""

from __future__ import annotations

import base64
import time as time_module
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Select,
    and_,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    text,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import joinedload

from readerdesk.models import SEARCH_VECTOR, AnchorState, Article, Correction, Kind, Status, User
from readerdesk.models.correction import EXACT_SIZE_CLASSES, size_class
from readerdesk.models.types import DbSession
from readerdesk.text.ids import parse_id
from readerdesk.text.languages import N_
from readerdesk.text.translatable import TranslatableError

TABS: dict[str, Status | None] = {**{status.value: status for status in Status}, "all": None}
# In lower case, as the catalogues have them; the queue capitalises each in its language.
TAB_LABELS = {tab: status.label if status else N_("all") for tab, status in TABS.items()}
SORTS = {"priority": N_("Priority"), "newest": N_("Newest first"), "oldest": N_("Oldest first")}
PAGE_SIZE = 50
COUNT_CAP = 1_000
WIDE_SAMPLE_FACTOR = 10  # tab_counts' look at a rarer word's rows: ten times the cap's
COMMON_WORD_SHARE = 0.04  # a search for words in this share of reports counts state by state (tab_counts)
MAX_QUERY_LENGTH = 200


class QueueError(TranslatableError, ValueError):
    """A filter or cursor the queue cannot use; the message says which (in the desk's language through
    ``views.locale.explain``)."""


@dataclass
class QueueFilters:
    tab: str = "new"
    sort: str = "priority"
    site_id: int | None = None
    article_id: int | None = None
    kind: Kind | None = None
    anchor_state: AnchorState | None = None
    assignee: str = ""  # "", "mine", "unassigned" or a user id
    date_from: datetime | None = None
    date_to: datetime | None = None  # inclusive day: reports before the next midnight
    q: str = ""


@dataclass
class QueuePage:
    rows: list[Correction]
    next_cursor: str | None
    filters: QueueFilters
    counts: dict[str, tuple[int, bool]] = field(default_factory=dict)  # tab -> (count, capped)


def day_start(day) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def search_condition(dialect_name: str, q: str) -> ColumnElement[bool]:
    """Full-text match of the quote and the comment. The one place that knows the dialects:
    PostgreSQL matches the stored ``to_tsvector('simple', exact || ' ' || comment)`` column, which
    has a GIN index (``models.correction.FULLTEXT_DDL``); SQLite falls back to a case-insensitive
    LIKE on both."""
    if dialect_name == "postgresql":
        return _SEARCH_VECTOR.op("@@")(func.plainto_tsquery(_SIMPLE, q))
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(Correction.exact.ilike(pattern, escape="\\"), Correction.comment.ilike(pattern, escape="\\"))


# Literals, not bound parameters, so the expression is the index's expression and the planner uses it.
_SIMPLE: ColumnClause[Any] = literal_column("'simple'::regconfig")
_SEARCH_VECTOR: ColumnClause[Any] = literal_column(f"{Correction.__tablename__}.{SEARCH_VECTOR}")


def filter_conditions(session: DbSession, filters: QueueFilters, actor: User) -> list[ColumnElement[bool]]:
    # "= true", not "IS true": only the former can use the indexes that start with is_lead.
    conds: list[ColumnElement[bool]] = [Correction.is_lead == true()]
    if filters.article_id is not None:
        conds.append(Correction.article_id == filters.article_id)
    if filters.site_id is not None:
        conds.append(Correction.article_id.in_(select(Article.id).where(Article.site_id == filters.site_id)))
    if filters.kind is not None:
        conds.append(Correction.kind == filters.kind)
    if filters.anchor_state is not None:
        conds.append(Correction.anchor_state == filters.anchor_state)
    if filters.assignee == "mine":
        conds.append(Correction.assignee_id == actor.id)
    elif filters.assignee == "unassigned":
        conds.append(Correction.assignee_id.is_(None))
    elif filters.assignee:
        conds.append(Correction.assignee_id == parse_id(filters.assignee))
    if filters.date_from is not None:
        conds.append(Correction.created_at >= filters.date_from)
    if filters.date_to is not None:
        conds.append(Correction.created_at < filters.date_to)
    if filters.q:
        conds.append(search_condition(session.get_bind().dialect.name, filters.q))
    return conds


def status_conditions(tab: str) -> list[ColumnElement[bool]]:
    status = TABS[tab]
    return [Correction.status == status] if status is not None else []


# --- cursors -----------------------------------------------------------------------------------

def encode_cursor(row: Correction) -> str:
    micros = int(row.created_at.timestamp() * 1_000_000)
    return base64.urlsafe_b64encode(f"{row.group_size}.{micros}.{row.id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[int, datetime, int]:
    broken = QueueError(N_("This page link is broken; start again from the first page."))
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        size, micros, row = raw.split(".")
        after = datetime.fromtimestamp(int(micros) / 1_000_000, UTC)
        group_size = int(size)
    except (ValueError, UnicodeDecodeError, OverflowError, OSError):
        raise broken from None
    row_id = parse_id(row)
    if row_id is None:
        raise broken
    return group_size, after, row_id


# --- pages -------------------------------------------------------------------------------------

def _rows(session: DbSession, stmt: Select, limit: int) -> list[Correction]:
    return list(session.scalars(stmt.options(joinedload(Correction.article)).limit(limit)))


def _age_page(session: DbSession, conds, sort: str, cursor, limit: int) -> list[Correction]:
    stmt = select(Correction).where(*conds)
    key = tuple_(Correction.created_at, Correction.id)
    if sort == "newest":
        if cursor:
            stmt = stmt.where(key < tuple_(cursor[1], cursor[2]))
        stmt = stmt.order_by(Correction.created_at.desc(), Correction.id.desc())
    else:
        if cursor:
            stmt = stmt.where(key > tuple_(cursor[1], cursor[2]))
        stmt = stmt.order_by(Correction.created_at, Correction.id)
    return _rows(session, stmt, limit)


def _priority_page(session: DbSession, conds, walk, cursor, limit: int) -> list[Correction]:
    """Bigger groups first, then oldest first: walk the group size classes downwards, each an index
    range (``models.correction.size_class``).

    In a class of one size (up to ``EXACT_SIZE_CLASSES``) the index's order is the queue's: oldest
    first. A class of larger groups (17-32, 33-64, ...) holds few; its rows are sorted here by their
    exact size, then age. The next class down is found with ``walk`` (state and lead only: an
    index-only max), not with every filter, which would make the planner aggregate all matching
    rows; a class with no filtered rows just yields an empty block.
    """
    rows: list[Correction] = []
    age = tuple_(Correction.created_at, Correction.id)

    def block(group_class: int, after: tuple[int, datetime, int] | None) -> list[Correction]:
        stmt = select(Correction).where(*conds, Correction.size_class == group_class)
        if group_class <= EXACT_SIZE_CLASSES:  # every group in it has this size
            if after:
                stmt = stmt.where(age > tuple_(literal(after[1]), literal(after[2])))
            stmt = stmt.order_by(Correction.created_at, Correction.id)
        else:
            if after:
                stmt = stmt.where(or_(Correction.group_size < after[0],
                                      and_(Correction.group_size == after[0],
                                           age > tuple_(literal(after[1]), literal(after[2])))))
            stmt = stmt.order_by(Correction.group_size.desc(), Correction.created_at, Correction.id)
        return _rows(session, stmt, limit - len(rows))

    current: int | None
    if cursor:
        current = size_class(cursor[0])
        rows += block(current, cursor)
    else:
        current = session.scalar(select(func.max(Correction.size_class)).where(*walk))
        if current is None:
            return rows
        rows += block(current, None)
    while len(rows) < limit:
        current = session.scalar(select(func.max(Correction.size_class)).where(*walk, Correction.size_class < current))
        if current is None:
            break
        rows += block(current, None)
    return rows


def check_filters(filters: QueueFilters) -> None:
    """:class:`QueueError` for a tab, sort or search the queue cannot show."""
    if filters.tab not in TABS:
        raise QueueError(N_("There is no tab “%(tab)s”."), tab=filters.tab)
    if filters.sort not in SORTS:
        raise QueueError(N_("Sort by one of: %(sorts)s."), sorts=", ".join(SORTS))
    if len(filters.q) > MAX_QUERY_LENGTH:
        raise QueueError(N_("Search for at most %(max)d characters."), max=MAX_QUERY_LENGTH)


_CUSTOM_PLANS = text("SET LOCAL plan_cache_mode = force_custom_plan")


def plan_with_values(session: DbSession) -> None:
    """On PostgreSQL, plan the rest of this transaction's statements for their values. psycopg
    prepares a statement run five times on a connection, and after five more PostgreSQL may plan it
    once for any values; a generic plan of the queue's counts knows neither the state (so no
    per-state index applies) nor the word searched for: at 1,000,000 reports a search's counts went
    from 18-64 ms to 1.1-1.4 s from the eleventh run on a connection. Prepared statements stay on for
    the rest of the app (a reader's report, simple lookups by key, saves ~2 ms of the server's CPU)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_CUSTOM_PLANS)


def queue_page(session: DbSession, filters: QueueFilters, *, actor: User, cursor: str | None = None,
               page_size: int | None = None, with_counts: bool = True, count_cache_seconds: float = 0) -> QueuePage:
    check_filters(filters)
    plan_with_values(session)
    page_size = page_size or PAGE_SIZE
    position = decode_cursor(cursor) if cursor else None
    base = filter_conditions(session, filters, actor)
    conds = [*base, *status_conditions(filters.tab)]
    if len(base) > 1 and not session.scalar(select(exists().where(*conds))):
        # Filters nothing matches: an index answers that at once, where walking the sort order
        # would read every row of the tab to find none.
        rows = []
    elif filters.sort == "priority":
        walk = [Correction.is_lead == true(), *status_conditions(filters.tab)]
        rows = _priority_page(session, conds, walk, position, page_size + 1)
    else:
        rows = _age_page(session, conds, filters.sort, position, page_size + 1)
    has_more = len(rows) > page_size
    rows = rows[:page_size]
    counts = {}
    if with_counts:
        counts = _counts(session, filters, actor, count_cache_seconds, base)
    return QueuePage(rows=rows, next_cursor=encode_cursor(rows[-1]) if has_more else None, filters=filters,
                     counts=counts)


def queue_counts(session: DbSession, filters: QueueFilters, *, actor: User, count_cache_seconds: float = 0,
                 base: list[ColumnElement[bool]] | None = None) -> dict[str, tuple[int, bool]]:
    """Each tab's count under ``filters`` (see :func:`tab_counts`), filtered ones kept briefly."""
    plan_with_values(session)
    return _counts(session, filters, actor, count_cache_seconds, base)


def _counts(session: DbSession, filters: QueueFilters, actor: User, count_cache_seconds: float,
            base: list[ColumnElement[bool]] | None) -> dict[str, tuple[int, bool]]:
    if base is None:
        base = filter_conditions(session, filters, actor)
    return _cached_counts(session, filters, actor, [*base, *count_ranges(filters)], count_cache_seconds)


# Filtered counts, briefly remembered: (database, filters, actor) -> (expires, counts).
_count_cache: dict[tuple, tuple[float, dict]] = {}


def _cached_counts(session: DbSession, filters: QueueFilters, actor: User, base, seconds: float) -> dict:
    """Tab counts; with filters set (they can make a count read many rows) kept for ``seconds``.

    Unfiltered counts are always fresh: each is an index-only scan stopped at the cap.
    """
    filtered = any(getattr(filters, name) for name in
                   ("site_id", "article_id", "kind", "anchor_state", "assignee", "date_from", "date_to", "q"))
    if not filtered or seconds <= 0:
        return tab_counts(session, base, search=filters.q)
    key = (str(session.get_bind().engine.url), filters.site_id, filters.article_id, filters.kind, filters.anchor_state,
           filters.assignee, actor.id if filters.assignee == "mine" else None, filters.date_from, filters.date_to,
           filters.q)
    now = time_module.monotonic()
    hit = _count_cache.get(key)
    if hit and hit[0] > now:
        return hit[1]
    if len(_count_cache) > 1000:
        _count_cache.clear()
    counts = tab_counts(session, base, search=filters.q)
    _count_cache[key] = (now + seconds, counts)
    return counts


def tab_counts(session: DbSession, base: list[ColumnElement[bool]], cap: int = COUNT_CAP, *,
               search: str = "") -> dict[str, tuple[int, bool]]:
    """Rows per tab under the same filters, counted up to ``cap`` (then shown as "cap+").

    Counted state by state: one UNION ALL of a capped subquery per state, each reading at most
    ``cap + 1`` matches from an index that starts with the state; "all" is their sum, the states
    splitting the rows. Without a search that is ``ix_corrections_counts``. With one on PostgreSQL
    the planner picks, for each state, the cheaper of walking the state's leads in an index that
    holds the stored vector and checking the word there, stopping after ``cap + 1`` matches
    (``ix_corrections_search_counts`` with the usual filters, ``ix_corrections_search_dates`` in a
    date range: about ``cap`` divided by the word's share of entries), and taking the word's
    entries from the state's own full-text index (``ix_corrections_fulltext_<state>``: the word's
    share of the state's leads). Before it, a search for a rare word (``search``; see
    :func:`_looks_first`) looks at its first ``WIDE_SAMPLE_FACTOR * (cap + 1)`` rows from the
    full-text index: exact for every tab when the word is that rare, and any state seen more than
    ``cap`` times there is "cap+" whatever the rest holds. So one statement; with a search on
    PostgreSQL, the word's frequency first, and for a rare word the look before the states it
    leaves open: at most three."""
    counts = dict.fromkeys(Status, 0)
    open_states = list(Status)
    if search and _looks_first(session, search):
        wide = (cap + 1) * WIDE_SAMPLE_FACTOR
        total, counts = _first_rows_by_status(session, base, wide)
        open_states = [status for status in Status if counts[status] <= cap] if total >= wide else []
    if open_states:
        counts.update(dict.fromkeys(open_states, 0))
        capped = [select(Correction.status).where(*base, Correction.status == status).limit(cap + 1).subquery()
                  for status in open_states]
        per_status = union_all(*(select(sub.c.status) for sub in capped)).subquery()
        counts.update(session.execute(select(per_status.c.status, func.count()).group_by(per_status.c.status)).all())
    out = {tab: (min(counts[status], cap), counts[status] > cap) for tab, status in TABS.items() if status is not None}
    total = sum(counts.values())
    out["all"] = (min(total, cap), total > cap)
    return out


def _looks_first(session: DbSession, search: str) -> bool:
    """Whether a search's counts look at its first rows (all states) before counting each state.

    Not on SQLite (no full-text index; its LIKE reads rows either way). On PostgreSQL, only for a
    rare word (the column statistics' share below ``COMMON_WORD_SHARE``): its rows from the
    full-text index, in a date range too, are usually all there is, and one look counts every
    state. A common word's whole bitmap would take about 0.1 s for a quarter of a million reports
    and know no states, where each state's walk or its own index finds ``cap + 1`` matches in a
    few thousand entries. A date range does not change that since ``ix_corrections_search_dates``
    holds each state's range (before it, the range was read from the table: 0.1-0.5 s for a
    common word in a month or a year at 1,000,000 reports)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    return word_frequency(session, search) < COMMON_WORD_SHARE


def word_frequency(session: DbSession, search: str) -> float:
    """The share of reports the planner's statistics expect to hold every word of ``search``
    (PostgreSQL): each word's frequency among the stored vector's most common elements, 0 for one
    that is not among them, multiplied together as the planner does. 0 before an ANALYZE."""
    return session.scalar(_WORD_FREQUENCY, {"q": search, "table": Correction.__tablename__,
                                            "column": SEARCH_VECTOR}) or 0.0


_WORD_FREQUENCY = text("""
    SELECT CASE WHEN bool_and(common.freq IS NOT NULL) THEN exp(sum(ln(common.freq))) ELSE 0 END
    FROM unnest(tsvector_to_array(to_tsvector('simple', :q))) AS word(lexeme)
    LEFT JOIN (
        SELECT element.lexeme, element.freq
        FROM pg_stats, unnest(most_common_elems::text::text[], most_common_elem_freqs) AS element(lexeme, freq)
        WHERE schemaname = current_schema() AND tablename = :table AND attname = :column
    ) AS common USING (lexeme)
""")


def _first_rows_by_status(session: DbSession, base: list[ColumnElement[bool]],
                          limit: int) -> tuple[int, dict[Status, int]]:
    """How many of the first ``limit`` rows matching ``base`` there are, and in each state."""
    sample = select(Correction.status).where(*base).limit(limit).subquery()
    total, *per_state = session.execute(select(
        func.count(), *(func.count().filter(sample.c.status == status) for status in Status),
    ).select_from(sample)).one()
    return total, dict(zip(Status, per_state, strict=True))


def count_ranges(filters: QueueFilters) -> list[ColumnElement[bool]]:
    """Conditions that hold for every row, added to the counts' filters so that each state's count
    reads its index as a few ranges: ``kind IN (every kind)`` when the filters leave the kind open
    but set a column after it in ``ix_corrections_counts`` (the anchor state, the assignee), and the
    same for the anchor state before the assignee. PostgreSQL 15 has no skip scan; without them,
    ``anchor_state=ambiguous`` alone read all 854,000 leads' index entries to find none. The
    columns hold only their enum's values (the ORM writes nothing else, and would not read it)."""
    conds: list[ColumnElement[bool]] = []
    if filters.kind is None and (filters.anchor_state is not None or filters.assignee):
        conds.append(Correction.kind.in_(list(Kind)))
    if filters.anchor_state is None and filters.assignee:
        conds.append(Correction.anchor_state.in_(list(AnchorState)))
    return conds


def _int_arg(args, name: str) -> int | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    value = parse_id(raw)
    if value is None:
        raise QueueError(N_("“%(name)s” must be a number."), name=name)
    return value


def _enum_arg(args, name: str, enum):
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        return enum(raw)
    except ValueError:
        raise QueueError(N_("“%(value)s” is not a valid %(name)s."), value=raw, name=name) from None


def _date_arg(args, name: str) -> date | None:
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    try:
        day = datetime.strptime(raw, "%Y-%m-%d").date()
    except ValueError:
        raise QueueError(N_("“%(name)s” must be a date like 2026-11-30."), name=name) from None
    if not 1900 <= day.year <= 9000:  # and the day after it exists
        raise QueueError(N_("“%(name)s” must be a date between 1900 and 9000."), name=name)
    return day


def parse_filters(args, *, default_tab: str = "new") -> QueueFilters:
    """Queue filters from query-string arguments; :class:`QueueError` on values that make no sense."""
    assignee = (args.get("assignee") or "").strip()
    if assignee not in ("", "mine", "unassigned") and parse_id(assignee) is None:
        raise QueueError(N_("Assignee must be mine, unassigned or a staff member."))
    date_from, date_to = _date_arg(args, "date_from"), _date_arg(args, "date_to")
    if date_from and date_to and date_to < date_from:
        raise QueueError(N_("The end date is before the start date."))
    return QueueFilters(
        tab=(args.get("tab") or default_tab), sort=(args.get("sort") or "priority"),
        site_id=_int_arg(args, "site"), article_id=_int_arg(args, "article"), kind=_enum_arg(args, "kind", Kind),
        anchor_state=_enum_arg(args, "anchor_state", AnchorState), assignee=assignee,
        date_from=day_start(date_from) if date_from else None,
        date_to=day_start(date_to + timedelta(days=1)) if date_to else None,
        q=" ".join((args.get("q") or "").split()),
    )
