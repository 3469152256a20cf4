"""Synthetic data for the desk benchmark (bench/desk): a site, articles and many corrections.

Deterministic (seeded), bulk-inserted: PostgreSQL COPY, SQLite executemany in batches, with the
table's secondary indexes dropped during the load and built again after it (one sorted build is far
cheaper than a million index insertions, the full-text GIN index above all). The reports come in
duplicate groups like real ones (most alone, some 2-8 readers on one passage), spread over two
years, in every state, some assigned, with comments drawn from a vocabulary so searches have
selective and common words.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, text

from readerdesk.models import AnchorState, Article, ArticleRevision, Correction, Kind, Role, Site, Status
from readerdesk.models.types import DbSession, table_of
from readerdesk.services.articles.sites import create_site
from readerdesk.services.desk.users import PasswordSettings, create_user

BENCH_SITE = "bench"
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "ze", "bri", "dan", "fel", "gor", "hal", "jin", "kor", "lum"]
COMMON = ["the", "council", "bridge", "budget", "mayor", "vote", "wrong", "name", "figure", "date", "spelling",
          "committee", "river", "school", "library", "harbour", "police", "report", "million", "percent"]
STATUS_WEIGHTS = [(Status.NEW, 30), (Status.IN_REVIEW, 5), (Status.ACCEPTED, 10), (Status.PUBLISHED, 15),
                  (Status.REJECTED, 25), (Status.SPAM, 15)]
GROUP_SIZES = [(1, 900), (2, 60), (3, 25), (4, 8), (5, 4), (8, 3)]
COMMENT_POOL = 50_000  # distinct comments, drawn at random for each report
COLUMNS = ["id", "public_id", "idempotency_key", "article_id", "revision_id", "kind", "selectors", "exact", "prefix",
           "suffix", "page_url", "start", "end", "anchor_state", "anchor_revision_id", "anchor_start", "anchor_end",
           "anchor_confidence", "suggestion", "comment", "reader_name", "reader_email", "notify_reader", "language",
           "ip_hash", "status", "version", "assignee_id", "group_id", "is_lead", "group_size", "holds_passage",
           "created_at", "updated_at", "first_decision_at"]
IS_LEAD = COLUMNS.index("is_lead")


class BenchSeedError(RuntimeError):
    pass


@dataclass
class SeedResult:
    site: Site
    articles: int
    corrections: int
    groups: int


def _vocabulary(rng: random.Random, size: int = 3000) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _article_text(rng: random.Random, vocab: list[str], n: int) -> str:
    paragraphs = []
    for p in range(8):
        words = [rng.choice(COMMON if rng.random() < .4 else vocab) for _ in range(rng.randint(30, 60))]
        paragraphs.append(f"Paragraph {p + 1} of story {n}: " + " ".join(words) + ".")
    return "\n\n".join(paragraphs)


def seed_bench(session: DbSession, *, corrections: int, articles: int, now: datetime,
               password_settings: PasswordSettings, seed: int = 20261128,
               progress: Callable[[int], None] = lambda n: None) -> SeedResult:
    if session.scalar(select(Site.id).where(Site.name == BENCH_SITE)) is not None:
        raise BenchSeedError("the bench data is there already; seed an empty database (drop and `db upgrade`)")
    if corrections < 1 or articles < 1:
        raise BenchSeedError("--corrections and --articles must be at least 1")
    rng = random.Random(seed)
    vocab = _vocabulary(rng)
    site = create_site(session, BENCH_SITE, base_url="https://bench.example", body_selector="article").site
    staff = [create_user(session, f"bench-{i}@example.com", f"bench-password-{seed}-{i}",
                         Role.ADMIN if i == 0 else Role.EDITOR, password_settings=password_settings)
             for i in range(5)]
    session.flush()

    # Articles and their revision, in bulk.
    article_rows, revision_rows, texts = [], [], {}
    first_article = (session.scalar(select(func.max(Article.id))) or 0) + 1
    first_revision = (session.scalar(select(func.max(ArticleRevision.id))) or 0) + 1
    for i in range(articles):
        body = _article_text(rng, vocab, i)
        aid, rid = first_article + i, first_revision + i
        texts[aid] = (rid, body)
        article_rows.append({"id": aid, "site_id": site.id, "url": f"https://bench.example/news/{i}",
                             "title": f"Bench story {i}: " + " ".join(rng.choice(vocab) for _ in range(4)),
                             "hosted": False, "created_at": now, "published_at": now})
        html = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
        revision_rows.append({"id": rid, "article_id": aid, "number": 1, "html": html, "text": body,
                              "content_hash": hashlib.sha256(body.encode()).hexdigest(), "created_at": now})
    session.execute(insert(Article), article_rows)
    session.execute(insert(ArticleRevision), revision_rows)
    session.execute(text("UPDATE articles SET current_revision_id = "
                         "(SELECT id FROM article_revisions r WHERE r.article_id = articles.id) WHERE site_id = :s"),
                    {"s": site.id})
    session.flush()

    first_id = (session.scalar(select(func.max(Correction.id))) or 0) + 1
    rows = _correction_rows(rng, vocab, texts, [u.id for u in staff], first_id, corrections, now)
    with _secondary_indexes_dropped(session, Correction.__tablename__):
        groups = _bulk_insert(session, rows, progress)
    if session.get_bind().dialect.name == "postgresql":
        for table in ("corrections", "articles", "article_revisions"):
            session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                 f"(SELECT max(id) FROM {table}))"))
        session.execute(text("ANALYZE"))
    else:
        session.execute(text("ANALYZE"))
    return SeedResult(site=site, articles=articles, corrections=corrections, groups=groups)


def _correction_rows(rng, vocab, texts, staff_ids, first_id, total, now) -> Iterator[tuple]:
    statuses, status_w = zip(*STATUS_WEIGHTS, strict=True)
    sizes, size_w = zip(*GROUP_SIZES, strict=True)
    kinds = [k.value for k in (Kind.TYPO, Kind.FACTUAL, Kind.UNCLEAR, Kind.OTHER)]
    anchors = [a.value for a in (AnchorState.ANCHORED, AnchorState.UNCHANGED, AnchorState.EDITED, AnchorState.REMOVED)]
    anchor_w = [80, 10, 7, 3]
    comments = [" ".join(rng.choice(COMMON if rng.random() < .5 else vocab) for _ in range(rng.randint(3, 15)))
                for _ in range(COMMENT_POOL)]
    article_ids = list(texts)
    start_time = (now - timedelta(days=730)).replace(tzinfo=None)
    step = timedelta(days=730) / total
    next_id, made = first_id, 0
    while made < total:
        size = min(rng.choices(sizes, size_w)[0], total - made)
        article_id = rng.choice(article_ids)
        revision_id, body = texts[article_id]
        start = rng.randrange(0, len(body) - 60)
        end = start + rng.randint(5, 50)
        exact, prefix, suffix = body[start:end], body[max(0, start - 32):start], body[end:end + 32]
        status = rng.choices(statuses, status_w)[0]
        decided_state = status not in Status.undecided()
        assignee = rng.choice(staff_ids) if status != Status.NEW and rng.random() < .5 else None
        anchor = rng.choices(anchors, anchor_w)[0]
        group_id = next_id
        page_url = f"https://bench.example/news/{article_id}"
        for _ in range(size):
            created = start_time + step * made + timedelta(seconds=rng.randrange(601))
            lead = next_id == group_id
            yield (
                next_id, f"bench{next_id:x}", f"bench-{next_id}", article_id, revision_id, rng.choice(kinds),
                "[]", exact, prefix, suffix, page_url, start, end, anchor, revision_id, start, end, 1.0,
                "", rng.choice(comments), f"Reader {next_id}", f"reader{next_id}@example.org", False, "en", "",
                status.value, 1 if status == Status.NEW else 2, assignee, group_id, lead,
                size if lead else 0, lead, created, created, created + timedelta(hours=5) if decided_state else None,
            )
            next_id += 1
            made += 1


@contextmanager
def _secondary_indexes_dropped(session: DbSession, table: str) -> Iterator[None]:
    """Drop the table's plain (non-unique) indexes, and create them again, from their own
    definitions, when the block ends."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        definitions = connection.execute(text(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = :t "
            "AND indexdef NOT LIKE '%UNIQUE%'"
        ), {"t": table}).all()
    else:
        definitions = connection.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = :t AND sql IS NOT NULL "
            "AND sql NOT LIKE 'CREATE UNIQUE%'"), {"t": table}).all()
    for name, _ in definitions:
        connection.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _, definition in definitions:
        connection.execute(text(definition))


def _bulk_insert(session: DbSession, rows: Iterator[tuple], progress: Callable[[int], None],
                 batch: int = 20_000) -> int:
    groups = 0
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        driver = connection.connection.driver_connection
        assert driver is not None  # a live psycopg connection: the session just opened it
        cursor = driver.cursor()
        columns = ", ".join(f'"{c}"' for c in COLUMNS)
        with cursor.copy(f"COPY corrections ({columns}) FROM STDIN") as copy:
            for n, row in enumerate(rows, 1):
                copy.write_row(row)
                groups += row[IS_LEAD]
                if n % 100_000 == 0:
                    progress(n)
        return groups
    table = table_of(Correction)
    chunk: list[dict] = []
    for n, row in enumerate(rows, start=1):
        record = dict(zip(COLUMNS, row, strict=True))
        record["selectors"] = json.loads(record["selectors"])
        for key in ("created_at", "updated_at", "first_decision_at"):
            if record[key] is not None:
                record[key] = record[key].replace(tzinfo=UTC)
        chunk.append(record)
        groups += record["is_lead"]
        if len(chunk) == batch:
            connection.execute(insert(table), chunk)
            chunk = []
            if n % 100_000 == 0:
                progress(n)
    if chunk:
        connection.execute(insert(table), chunk)
    return groups
