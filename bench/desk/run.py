"""Time the desk queue on a seeded database, through the Flask test client, and write README.md.

Seed first (see README.md), then:

    /work/main/.venv/bin/python bench/desk/run.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/rd_desk \\
        --database-url sqlite:////tmp/desk-bench.sqlite3 --requests 15

Each case is one GET as an editor; the figure is the median (and the 90th percentile) of N
requests after one warm-up request. Results go to bench/desk/README.md (the table between the
markers is replaced; the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from urllib.parse import parse_qsl, urlsplit  # noqa: E402

from sqlalchemy import event, func, literal, select, text  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from bench.readme import replace_block  # noqa: E402
from readerdesk import create_app  # noqa: E402
from readerdesk.config import normalise_database_url  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.models import Article, Correction, Status, User  # noqa: E402
from readerdesk.services.articles.sites import SiteNotFound, get_site  # noqa: E402
from readerdesk.services.desk.queue import (  # noqa: E402
    TABS,
    encode_cursor,
    filter_conditions,
    parse_filters,
    queue_counts,
)

README = Path(__file__).with_name("README.md")
# The editor `flask readerdesk seed-bench` makes with its default --seed (readerdesk.demo.bench).
BENCH_EDITOR, BENCH_EDITOR_PASSWORD = "bench-1@example.com", "bench-password-20261128-1"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def cases(session) -> list[tuple[str, str]]:
    """(label, URL) pairs, built from the data (ids, a deep cursor, a word to search)."""
    try:
        site = get_site(session, "bench")
    except SiteNotFound:
        sys.exit("Error: no bench data here; run `flask --app app readerdesk seed-bench` first")
    total = session.scalar(select(func.count()).select_from(Correction))
    article_id = session.scalar(select(Article.id).where(Article.site_id == site.id).order_by(Article.id).limit(1))
    staff_id = session.scalar(select(User.id).where(User.email == "bench-1@example.com"))
    # A cursor deep in the table: the lead ~80% of the way through, oldest first (found once, untimed).
    deep = session.scalar(select(Correction).where(Correction.is_lead.is_(True))
                          .order_by(Correction.created_at, Correction.id).offset(int(total * .8 * .85)).limit(1))
    deep_new = session.scalar(select(Correction).where(Correction.is_lead.is_(True), Correction.status == Status.NEW,
                                                       Correction.group_size == 1)
                              .order_by(Correction.created_at, Correction.id).offset(int(total * .2)).limit(1))
    return [
        ("first page: new, priority (with tab counts)", "/desk/"),
        ("first page: all, newest", "/desk/?tab=all&sort=newest"),
        ("deep keyset page: all, oldest, ~80% in", f"/desk/?tab=all&sort=oldest&after={encode_cursor(deep)}"),
        ("deep keyset page: new, priority, in the singletons",
         f"/desk/?tab=new&sort=priority&after={encode_cursor(deep_new)}"),
        ("filtered: one article, all states", f"/desk/?tab=all&article={article_id}"),
        ("filtered: site + kind factual + unassigned, new",
         f"/desk/?tab=new&site={site.id}&kind=factual&assignee=unassigned"),
        ("filtered: one assignee, in review", f"/desk/?tab=in_review&assignee={staff_id}"),
        ("filtered: date range (one week), all", "/desk/?tab=all&date_from=2025-06-01&date_to=2025-06-07"),
        ("search: a rare word, all states", f"/desk/?tab=all&q={rare_word(session)}"),
        ("search: a common word, new", "/desk/?tab=new&q=bridge"),
        ("sparse: kind general (no such report), all", "/desk/?tab=all&kind=general"),
        ("sparse: anchor removed, in review", "/desk/?tab=in_review&anchor_state=removed"),
        ("sparse: anchor ambiguous (no such report), all", "/desk/?tab=all&anchor_state=ambiguous"),
        ("sparse: kind unclear + anchor edited + one assignee, all",
         f"/desk/?tab=all&kind=unclear&anchor_state=edited&assignee={staff_id}"),
    ], total


def rare_word(session) -> str:
    import random

    from readerdesk.demo.bench import _vocabulary

    return _vocabulary(random.Random(20261128))[1234]


def measure(url: str, n: int, cache_seconds: int) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "TESTING": True,
                      "SECRET_KEY": "bench-secret-key-0123456789", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "REDIS_URL": None, "DESK_COUNT_CACHE_SECONDS": cache_seconds})
    results = {}
    with app.app_context():
        todo, total = cases(db.session)
        dialect = db.engine.dialect.name
        version = db.session.scalar(text("SELECT version()" if dialect == "postgresql" else "SELECT sqlite_version()"))
        db.session.remove()
        client = app.test_client()
        # Signed in through the login form, as an editor is (staff sessions live on the server).
        signed_in = client.post("/auth/login", data={"email": BENCH_EDITOR, "password": BENCH_EDITOR_PASSWORD})
        assert signed_in.status_code == 302, "cannot sign in as the bench editor (seeded with another --seed?)"
        for label, path in todo:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code, response.get_data(as_text=True)[:500])
            rows = response.get_data(as_text=True).count('class="queue-row"')
            timings = []
            for _ in range(n):
                started = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
            timings.sort()
            median, p90 = statistics.median(timings), timings[int(len(timings) * .9) - 1 if n > 1 else 0]
            results[label] = (median, p90, rows)
            print(f"{dialect:10} cache={cache_seconds:<3} {label:55} "
                  f"median {median:7.1f} ms  p90 {p90:7.1f} ms  rows {rows}")
    mode = "counts cached" if cache_seconds else "fresh counts"
    return {"dialect": dialect, "mode": mode, "version": version.split(",")[0], "total": total, "results": results}


def tab_counts_before(session, base, cap: int = 10_000) -> dict:
    """The tab counts as they were before issue 10, for comparison in the same run: one query per
    tab, each stopped at 10,000."""
    counts = {}
    for tab, status in TABS.items():
        limited = select(literal(1)).where(*base, *([Correction.status == status] if status else [])).limit(cap + 1)
        n = session.scalar(select(func.count()).select_from(limited.subquery()))
        counts[tab] = (min(n, cap), n > cap)
    return counts


def measure_counts(url: str, n: int) -> dict:
    """The tab counts alone (``queue_counts``, uncached) for every case's filters: (median ms, p90 ms, statements), and
    the same for the counts before issue 10, interleaved with them so that both see the same load."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "TESTING": True,
                      "SECRET_KEY": "bench-secret-key-0123456789", "REDIS_URL": None})
    results = {}
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == BENCH_EDITOR))
        todo, _ = cases(db.session)
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
        for label, path in todo:
            filters = parse_filters(MultiDict(parse_qsl(urlsplit(path).query)))
            base = filter_conditions(db.session, filters, actor)
            now = functools.partial(queue_counts, filters=filters, actor=actor)  # uncached
            now(db.session)  # warm-up
            tab_counts_before(db.session, base)
            timings: dict = {"now": [], "before": []}
            for _ in range(n):
                for key, count in (("before", functools.partial(tab_counts_before, base=base)), ("now", now)):
                    statements.clear()
                    started = time.perf_counter()
                    count(db.session)
                    timings[key].append((time.perf_counter() - started) * 1000)
                    if key == "now":
                        issued = len(statements)
            results[label] = {key: (statistics.median(t), sorted(t)[int(len(t) * .9) - 1 if n > 1 else 0])
                              for key, t in timings.items()}
            results[label]["statements"] = issued
            print(f"{db.engine.dialect.name:10} tab counts  {label:55} now: median {results[label]['now'][0]:7.1f} ms "
                  f"p90 {results[label]['now'][1]:7.1f} ms, statements {issued}; before: median "
                  f"{results[label]['before'][0]:7.1f} ms; load {os.getloadavg()[0]:.1f}", flush=True)
        dialect = db.engine.dialect.name
        db.session.remove()
    return {"dialect": dialect, "results": results}


def write_readme(runs: list[dict], n: int, command: str, counts: list[dict] | None = None) -> None:
    labels = list(runs[0]["results"])
    head = "| case | " + " | ".join(f"{r['dialect']}, {r['mode']}: median (p90) ms" for r in runs) + " | rows |"
    lines = [head, "|" + "---|" * (len(runs) + 2)]
    for label in labels:
        cells = [f"{r['results'][label][0]:.1f} ({r['results'][label][1]:.1f})" for r in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {runs[0]['results'][label][2]} |")
    count_lines = []
    for run in counts or []:
        count_lines += ["", f"Tab counts alone ({run['dialect']}, uncached, all seven tabs), before issue 10 (a "
                            "query per tab, each stopped at 10,000) and now (capped at 1,000, one statement; "
                            "a search two or three), timed alternately in the same run: median (p90) ms", "",
                        "| filters | before | now | statements now |", "|---|---|---|---|"]
        count_lines += [f"| {label} | {r['before'][0]:.1f} ({r['before'][1]:.1f}) | {r['now'][0]:.1f} "
                        f"({r['now'][1]:.1f}) | {r['statements']} |" for label, r in run["results"].items()]
    replace_block(README, BEGIN, END, [
        f"Recorded {time.strftime('%Y-%m-%d')} on {platform.machine()} with {os.cpu_count()} cores "
        f"(a shared, noisy machine: figures are medians), Python {platform.python_version()}; "
        + "; ".join(sorted({f"{r['dialect']} {r['version']}, {r['total']:,} reports" for r in runs}))
        + f"; {n} timed requests per case after one warm-up.",
        "",
        *lines,
        *count_lines,
        "",
        f"Load average (1 minute) at the end: {os.getloadavg()[0]:.1f}.",
        "",
        f"Command: `{command}`",
    ], heading="# Desk queue benchmark")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", required=True, help="A seeded database (repeatable).")
    parser.add_argument("--requests", type=int, default=15, help="Timed requests per case.")
    parser.add_argument("--no-readme", action="store_true", help="Print only; do not rewrite README.md.")
    parser.add_argument("--counts-only", action="store_true", help="Only the tab counts, before and now.")
    args = parser.parse_args()
    # Each database twice: tab counts computed on every load, then the steady state where a
    # filtered view's counts are reused for DESK_COUNT_CACHE_SECONDS (unfiltered ones never are).
    counts = [measure_counts(url, args.requests) for url in args.database_url]
    if args.counts_only:
        return
    runs = [measure(url, args.requests, cache) for url in args.database_url for cache in (0, 30)]
    if not args.no_readme:
        command = "python bench/desk/run.py " + " ".join(f"--database-url {u}" for u in args.database_url) + \
            f" --requests {args.requests}"
        write_readme(runs, args.requests, command, counts)
        print(f"Wrote {README}")


if __name__ == "__main__":
    main()
