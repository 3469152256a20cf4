"""The reader's API under load: POST /api/v1/corrections against GET /healthz, on one machine.

    .venv/bin/python bench/api/run.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/issue10_db \\
        --redis-url redis://127.0.0.1:6379/10 [--seconds 10] [--rounds 2] [--workers 4] [--threads 1]

It empties its own schema of the database (``--schema``, default ``api_bench``: the database's other
tables are left alone), creates the tables there, a site and one article, then starts gunicorn (4
sync workers by default; ``--workers 2 --threads 4`` is the README's production command, gthread
workers) with PostgreSQL and Redis (rate limits in Redis, the editor notification queued on RQ). A
load generator in this process (asyncio, one TCP connection per request, as the server closes
them) then alternates phases, ``--rounds`` times: GET /healthz and POST /api/v1/corrections (valid
reports on the article's passages, each with its own idempotency key) at concurrency 10 and 50,
each for ``--seconds``. It records requests per second, p50 and p99
of each, and POST's share of /healthz's rate in the same round. Last, POSTs are sent at a fixed
rate, half the best POST rate measured, for ``--seconds``: p99 there is latency at a load the
server is not saturated by (measured from each request's scheduled start, so a stall is not hidden).

With ``--floor`` every round also POSTs the same bodies to ``/bench/floor`` (bench/api/floor.py: the
same app, one INSERT and its commit), the least a durable write costs on this stack and machine.

The results go to bench/api/README.md between the markers, with the machine's load average (1
minute) before and after every phase. ``--tiny`` runs a second of each, to check the script works.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
from redis import Redis

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.api.floor import FLOOR_PATH, FLOOR_TABLE_SQL  # noqa: E402
from bench.readme import replace_block  # noqa: E402
from readerdesk import create_app  # noqa: E402
from readerdesk.clock import utcnow  # noqa: E402
from readerdesk.config import normalise_database_url  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.services.articles.ingest import ingest_article  # noqa: E402
from readerdesk.services.articles.sites import create_site  # noqa: E402

README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
TEXTS = ROOT / "bench" / "anchoring" / "texts"
ARTICLE_URL = "https://api-bench.example/news/budget"
ORIGIN = "https://api-bench.example"


def article_text() -> str:
    raw = (TEXTS / "en_council.txt").read_text(encoding="utf-8")
    return "\n\n".join(" ".join(p.split()) for p in raw.split("\n\n") if p.strip())


def in_schema(url: str, schema: str) -> str:
    """The database URL with the connection's search_path set to ``schema``."""
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def prepare_database(url: str, schema: str, articles: int = 1) -> str:
    """An empty schema with one site and ``articles`` copies of the article; returns its canonical text."""
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.execute(f'CREATE SCHEMA "{schema}"')
    app = create_app({"TESTING": True, "SECRET_KEY": "api-bench-secret-key-0123456789",
                      "SQLALCHEMY_DATABASE_URI": normalise_database_url(in_schema(url, schema)), "REDIS_URL": None})
    with app.app_context():
        db.create_all()
        db.session.execute(db.text(FLOOR_TABLE_SQL))
        site = create_site(db.session, "bench", base_url=ORIGIN, body_selector="article",
                           allowed_origins=[ORIGIN]).site
        html = "".join(f"<p>{p}</p>" for p in article_text().split("\n\n"))
        for n in range(articles):
            article = ingest_article(db.session, site, url=article_url(n), title="Budget", html=html,
                                     now=utcnow()).article
        db.session.commit()
        text = article.current_revision.text
        db.session.remove()
        db.engine.dispose()
    return text


def article_url(n: int) -> str:
    return ARTICLE_URL if n == 0 else f"{ARTICLE_URL}-{n}"


def report_bodies(text: str, articles: int = 1):
    """Endless valid reports: readers' selections around a few numbers in the article (or, with
    ``articles``, in each of its copies in turn)."""
    spans = []
    for match in re.finditer(r"\$?\d[\d.,]*( million)?", text):
        spans.append((match.start(), match.end()))
        sentence_start = text.rfind(". ", 0, match.start()) + 2
        spans.append((max(0, sentence_start), match.end()))
    for n in itertools.count():
        start, end = spans[n % len(spans)]
        yield json.dumps({
            "idempotency_key": uuid.uuid4().hex, "article_url": article_url(n % articles), "kind": "factual",
            "selectors": [{"type": "TextQuoteSelector", "exact": text[start:end],
                           "prefix": text[max(0, start - 32):start], "suffix": text[end:end + 32]},
                          {"type": "TextPositionSelector", "start": start, "end": end}],
            "comment": "This figure does not match the council's budget papers.", "language": "en",
        }).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(port: int, database_url: str, redis_url: str, workers: int, threads: int,
                   app: str = "app:app") -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis_url,
           "SECRET_KEY": "api-bench-secret-key-0123456789", "RATELIMIT_CORRECTIONS": "1000000 per minute",
           "EDITOR_NOTIFICATIONS": "each", "PUBLIC_URL": f"http://127.0.0.1:{port}", "FLASK_DEBUG": "0",
           # The editors are told of each report: its job goes to the outbox and RQ (no worker runs it).
           "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": "9"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers),
         *(["-k", "gthread", "--threads", str(threads)] if threads > 1 else []), "-b", f"127.0.0.1:{port}",
         "--access-logfile", "-", "--log-level", "warning", app],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn did not start: {process.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start within 60 s")


async def request(port: int, method: str, path: str, body: bytes | None) -> int:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    if body is not None:
        head += f"Content-Type: application/json\r\nOrigin: {ORIGIN}\r\nContent-Length: {len(body)}\r\n"
    writer.write(head.encode() + b"\r\n" + (body or b""))
    await writer.drain()
    status_line = await reader.readline()
    await reader.read()  # until the server closes
    writer.close()
    return int(status_line.split()[1])


async def closed_loop(port: int, method: str, path: str, bodies, concurrency: int, seconds: float) -> dict:
    """``concurrency`` clients, each sending its next request as soon as the last one is answered."""
    latencies, errors = [], 0
    deadline = time.perf_counter() + seconds

    async def client():
        nonlocal errors
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            status = await request(port, method, path, next(bodies) if bodies else None)
            if status >= 300:
                errors += 1
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return summary(latencies, time.perf_counter() - started, errors)


async def open_loop(port: int, bodies, rate: float, seconds: float) -> dict:
    """Requests started at a fixed rate whatever the answers; latency counts from the scheduled start."""
    latencies, errors, tasks = [], 0, []
    start = time.perf_counter()

    async def one(scheduled: float):
        nonlocal errors
        status = await request(port, "POST", "/api/v1/corrections", next(bodies))
        if status >= 300:
            errors += 1
        latencies.append(time.perf_counter() - scheduled)

    for n in range(int(rate * seconds)):
        scheduled = start + n / rate
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        tasks.append(asyncio.create_task(one(scheduled)))
    await asyncio.gather(*tasks)
    return summary(latencies, time.perf_counter() - start, errors)


def summary(latencies: list[float], elapsed: float, errors: int) -> dict:
    ordered = sorted(latencies)
    return {"requests": len(ordered), "errors": errors, "rps": len(ordered) / elapsed,
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * .99))]}


def load() -> float:
    return os.getloadavg()[0]


HEALTHZ, REPORT, FLOOR = "GET /healthz", "POST /api/v1/corrections", f"POST {FLOOR_PATH}"


async def phases(port: int, bodies, seconds: float, rounds: int, floor: bool = False) -> tuple[list[dict], dict]:
    endpoints = [(HEALTHZ, "GET", "/healthz", None), (REPORT, "POST", "/api/v1/corrections", bodies)]
    if floor:
        endpoints.append((FLOOR, "POST", FLOOR_PATH, bodies))
    # Warm up every worker (imports, connection pools) before anything is timed.
    for _, method, path, source in endpoints:
        await closed_loop(port, method, path, source, 8, 2)
    results = []
    for round_ in range(1, rounds + 1):
        for concurrency in (10, 50):
            for label, method, path, source in endpoints:
                before = load()
                result = await closed_loop(port, method, path, source, concurrency, seconds)
                result.update(round=round_, concurrency=concurrency, endpoint=label, load_before=before,
                              load_after=load())
                results.append(result)
                print(f"round {round_} c={concurrency:<3} {label:26} {result['rps']:7.1f} req/s  "
                      f"p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:7.1f} ms  errors {result['errors']}  "
                      f"load {before:.1f}→{result['load_after']:.1f}", flush=True)
    best_post = max(r["rps"] for r in results if r["endpoint"] == REPORT)
    before = load()
    steady = await open_loop(port, bodies, best_post / 2, seconds)
    steady.update(rate=best_post / 2, load_before=before, load_after=load())
    print(f"fixed rate {best_post / 2:.1f}/s POST: p50 {steady['p50_ms']:.1f} ms  p99 {steady['p99_ms']:.1f} ms  "
          f"errors {steady['errors']}", flush=True)
    return results, steady


SHARE_LABELS = {REPORT: "POST /api/v1/corrections's (a reader's report)",
                FLOOR: f"POST {FLOOR_PATH}'s (one INSERT and its commit: bench/api/floor.py)"}


def share_of_healthz(results: list[dict], endpoint: str) -> list[float]:
    """``endpoint``'s req/s over /healthz's, for each round and concurrency, in the order run."""
    rate = {(r["round"], r["concurrency"], r["endpoint"]): r["rps"] for r in results}
    return [rate[round_, concurrency, endpoint] / rate[round_, concurrency, HEALTHZ]
            for round_, concurrency, name in rate if name == endpoint]


def write_readme(results: list[dict], steady: dict, args, db_version: str) -> None:
    lines = ["| round | concurrency | endpoint | req/s | p50 ms | p99 ms | errors | load before→after |",
             "|---:|---:|---|---:|---:|---:|---:|---|"]
    for r in results:
        lines.append(f"| {r['round']} | {r['concurrency']} | {r['endpoint']} | {r['rps']:.1f} | {r['p50_ms']:.1f} "
                     f"| {r['p99_ms']:.1f} | {r['errors']} | {r['load_before']:.1f}→{r['load_after']:.1f} |")
    shares = {endpoint: share_of_healthz(results, endpoint) for endpoint in (REPORT, FLOOR)
              if any(r["endpoint"] == endpoint for r in results)}
    replace_block(README, BEGIN, END, [
        f"Recorded {time.strftime('%Y-%m-%d %H:%M')} on {platform.machine()}, {os.cpu_count()} cores shared with "
        f"other work (load average in the table), Python {platform.python_version()}, {db_version}, gunicorn "
        + (f"{args.workers} sync workers" if args.threads == 1
           else f"{args.workers} gthread workers of {args.threads} threads") + f"; {args.seconds:g} s per phase.",
        "",
        *lines,
        "",
        *(line for endpoint, ratios in shares.items() for line in (
            f"{SHARE_LABELS[endpoint]} rate as a share of /healthz's in the same round and concurrency: "
            + ", ".join(f"{r:.0%}" for r in ratios) + f" (median {statistics.median(ratios):.0%}).", "")),
        f"At a fixed {steady['rate']:.1f} POST/s (half the best POST rate above): p50 {steady['p50_ms']:.1f} ms, "
        f"p99 {steady['p99_ms']:.1f} ms, {steady['errors']} errors, load {steady['load_before']:.1f}→"
        f"{steady['load_after']:.1f}.",
        "",
        f"Command: `python bench/api/run.py {' '.join(sys.argv[1:])}`",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True, help="A PostgreSQL database.")
    parser.add_argument("--schema", default="api_bench", help="The schema it creates (and drops) there.")
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1,
                        help="gthread workers' threads (the README's production command: --workers 2 --threads 4); "
                             "1: sync workers")
    parser.add_argument("--articles", type=int, default=1,
                        help="Spread the reports over this many articles (1: a viral article, the default).")
    parser.add_argument("--floor", action="store_true",
                        help=f"Also POST to {FLOOR_PATH} in every round (bench/api/floor.py): one INSERT and its "
                             "commit through the same app, the least a durable write costs.")
    parser.add_argument("--tiny", action="store_true", help="One short round; print only.")
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args()
    if args.tiny:
        args.seconds, args.rounds, args.no_readme = 1, 1, True
    text = prepare_database(args.database_url, args.schema, args.articles)
    port = free_port()
    server = start_gunicorn(port, in_schema(args.database_url, args.schema), args.redis_url, args.workers, args.threads,
                            "bench.api.floor:create_floor_app()" if args.floor else "app:app")
    try:
        results, steady = asyncio.run(phases(port, report_bodies(text, args.articles), args.seconds, args.rounds,
                                             args.floor))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:  # a loaded machine: workers still finishing their last requests
            server.kill()
            server.wait()
        with psycopg.connect(args.database_url, autocommit=True) as connection:
            connection.execute(f'DROP SCHEMA IF EXISTS "{args.schema}" CASCADE')
    queue = Redis.from_url(args.redis_url)
    for key in queue.scan_iter("rq:*"):  # the editor notifications this run queued
        queue.delete(key)
    if not args.no_readme:
        with psycopg.connect(args.database_url) as connection:
            db_version = connection.execute("SHOW server_version").fetchone()[0]
        write_readme(results, steady, args, f"PostgreSQL {db_version}")
        print(f"Wrote {README}")


if __name__ == "__main__":
    main()
