"""Time the live queue's poll (/desk/queue/updates) on a seeded database, and write README.md.

Seed first (see README.md), then:

    /work/main/.venv/bin/python bench/desk/live_queue.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/rd_desk --redis-url redis://127.0.0.1:6379/1

Each case is one GET as an editor through the Flask test client (sign-in check, view, version,
queries, rows drawn by the macro, JSON); the figure is the median (and the 90th percentile) of N
requests after one warm-up, with the number of SQL statements one request issued and how many of
them read the reports or the moderation log. Results go to bench/desk/README.md, between the
live-queue markers.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import event, text  # noqa: E402

from bench.readme import replace_block  # noqa: E402
from readerdesk import create_app, queue_changes  # noqa: E402
from readerdesk.config import normalise_database_url  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.services.desk.live_queue import database_version  # noqa: E402

README = Path(__file__).with_name("README.md")
BENCH_EDITOR, BENCH_EDITOR_PASSWORD = "bench-1@example.com", "bench-password-20261128-1"
BEGIN, END = "<!-- live-queue:begin -->", "<!-- live-queue:end -->"
PAGE = re.compile(r'id="live-queue" data-updates="([^"]*)" data-version="([^"]*)" data-seen="(\d+)"')
ROW = re.compile(r'data-id="(\d+)" data-version="\d+"\s+data-stamp="([^"]+)"')


def app_for(database_url: str, redis_url: str | None):
    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url), "TESTING": True,
                       "SECRET_KEY": "bench-secret-key-0123456789", "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "REDIS_URL": redis_url, "REDIS_TIMEOUT": 0.5})


def timed(client, url: str, n: int, status: int, statements: list) -> tuple[float, float, int, int]:
    response = client.get(url)  # warm-up
    assert response.status_code == status, (url, response.status_code, response.get_data(as_text=True)[:300])
    timings = []
    for _ in range(n):
        statements.clear()
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == status
    timings.sort()
    queue_reads = sum(1 for sql in statements if "corrections" in sql or "moderation_events" in sql)
    return statistics.median(timings), timings[int(len(timings) * .9) - 1 if n > 1 else 0], len(statements), \
        queue_reads


def measure(database_url: str, redis_url: str | None, n: int) -> tuple[dict, str, int]:
    results: dict[str, tuple[float, float, int, int]] = {}
    statements: list[str] = []
    for label_redis, url in (("no Redis", None), ("Redis", redis_url)):
        if label_redis == "Redis" and not redis_url:
            continue
        app = app_for(database_url, url)
        with app.app_context():
            event.listen(db.engine, "before_cursor_execute", lambda _c, _cur, sql, *_a: statements.append(sql))
            dialect = db.engine.dialect.name
            which = "SELECT version()" if dialect == "postgresql" else "SELECT sqlite_version()"
            server = db.session.scalar(text(which))
            total = db.session.scalar(text("SELECT count(*) FROM corrections"))
            db.session.remove()
            client = app.test_client()
            signed_in = client.post("/auth/login", data={"email": BENCH_EDITOR, "password": BENCH_EDITOR_PASSWORD})
            assert signed_in.status_code == 302, "cannot sign in as the bench editor (seeded with another --seed?)"
            if url:  # a change, so that Redis holds a version, and this process's listener subscribed
                queue_changes.announce(app.config)
                client.get("/desk/")
                time.sleep(1.5)
            page = client.get("/desk/").get_data(as_text=True)
            updates, version, seen = PAGE.search(page).groups()
            updates = updates.replace("&amp;", "&")
            join = "&" if "?" in updates else "?"
            rows = ROW.findall(page)
            shown = ",".join(f"{i}:{stamp}" for i, stamp in rows)
            stale = ",".join(f"{i}:{stamp if k else '0.0'}" for k, (i, stamp) in enumerate(rows))
            where = "Redis" if url else "the database"
            results[f"unchanged ({len(rows)} rows shown), version from {where}: 304"] = timed(
                client, f"{updates}{join}since={version}&seen={seen}&shown={shown}", n, 304, statements)
            if not url:
                results["changed: one of 50 rows redrawn, arrivals looked for, tab counts: 200"] = timed(
                    client, f"{updates}{join}since=older&seen={seen}&shown={stale}", n, 200, statements)
                results["the queue page itself (/desk/), for comparison: 200"] = timed(
                    client, "/desk/", n, 200, statements)
                started = time.perf_counter()
                for _ in range(n):
                    database_version(db.session)
                per = (time.perf_counter() - started) * 1000 / n
                print(f"database_version alone: {per:.2f} ms")
            for label, (median, p90, count, reads) in results.items():
                print(f"{label:75} median {median:6.1f} ms  p90 {p90:6.1f} ms  statements {count} ({reads} on reports)")
            db.session.remove()
        queue_changes.stop_listeners()
    return results, f"{dialect} {server.split(',')[0]}", total


def write_readme(results: dict, server: str, total: int, n: int, command: str) -> None:
    lines = ["| poll | median (p90) ms | SQL statements (on reports or the log) |", "|---|---|---|"]
    lines += [f"| {label} | {median:.1f} ({p90:.1f}) | {count} ({reads}) |"
              for label, (median, p90, count, reads) in results.items()]
    replace_block(README, BEGIN, END, [
        f"Recorded {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()} with {os.cpu_count()} cores "
        f"(shared, noisy: medians), Python {platform.python_version()}; {server}, {total:,} reports; {n} timed "
        "requests per case after one warm-up. One statement of each request is the sign-in check every desk "
        "request makes (the editor's staff session); the others are the poll's.",
        "",
        *lines,
        "",
        f"Load average (1 minute) at the end: {os.getloadavg()[0]:.1f}.",
        "",
        f"Command: `{command}`",
    ], heading="## The live queue's poll")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="A seeded database.")
    parser.add_argument("--redis-url", help="A Redis for the version (a database number of your own).")
    parser.add_argument("--requests", type=int, default=30, help="Timed requests per case.")
    parser.add_argument("--no-readme", action="store_true", help="Print only; do not rewrite README.md.")
    args = parser.parse_args()
    results, server, total = measure(args.database_url, args.redis_url, args.requests)
    if not args.no_readme:
        command = f"python bench/desk/live_queue.py --database-url {args.database_url}" + \
            (f" --redis-url {args.redis_url}" if args.redis_url else "") + f" --requests {args.requests}"
        write_readme(results, server, total, args.requests, command)
        print(f"Wrote {README}")


if __name__ == "__main__":
    main()
