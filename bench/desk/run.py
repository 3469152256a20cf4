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
import os
import platform
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sqlalchemy import func, select, text  # noqa: E402

from readerdesk import create_app  # noqa: E402
from readerdesk.config import normalise_database_url  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.models import Article, Correction, Status, User  # noqa: E402
from readerdesk.services.articles.sites import SiteNotFound, get_site  # noqa: E402
from readerdesk.services.desk.queue import encode_cursor  # noqa: E402

README = Path(__file__).with_name("README.md")
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
        user_id = db.session.scalar(select(User.id).where(User.email == "bench-1@example.com"))
        todo, total = cases(db.session)
        dialect = db.engine.dialect.name
        version = db.session.scalar(text("SELECT version()" if dialect == "postgresql" else "SELECT sqlite_version()"))
        db.session.remove()
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = str(user_id)
            session["_fresh"] = True
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


def write_readme(runs: list[dict], n: int, command: str) -> None:
    labels = list(runs[0]["results"])
    head = "| case | " + " | ".join(f"{r['dialect']}, {r['mode']}: median (p90) ms" for r in runs) + " | rows |"
    lines = [head, "|" + "---|" * (len(runs) + 2)]
    for label in labels:
        cells = [f"{r['results'][label][0]:.1f} ({r['results'][label][1]:.1f})" for r in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {runs[0]['results'][label][2]} |")
    block = "\n".join([
        BEGIN,
        f"Recorded {time.strftime('%Y-%m-%d')} on {platform.machine()} with {os.cpu_count()} cores "
        f"(a shared, noisy machine: figures are medians), Python {platform.python_version()}; "
        + "; ".join(sorted({f"{r['dialect']} {r['version']}, {r['total']:,} reports" for r in runs}))
        + f"; {n} timed requests per case after one warm-up.",
        "",
        *lines,
        "",
        f"Command: `{command}`",
        END,
    ])
    current = README.read_text(encoding="utf-8") if README.exists() else f"# Desk queue benchmark\n\n{BEGIN}\n{END}\n"
    README.write_text(re.sub(re.escape(BEGIN) + ".*?" + re.escape(END), lambda _: block, current, flags=re.S),
                      encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", required=True, help="A seeded database (repeatable).")
    parser.add_argument("--requests", type=int, default=15, help="Timed requests per case.")
    parser.add_argument("--no-readme", action="store_true", help="Print only; do not rewrite README.md.")
    args = parser.parse_args()
    # Each database twice: tab counts computed on every load, then the steady state where a
    # filtered view's counts are reused for DESK_COUNT_CACHE_SECONDS (unfiltered ones never are).
    runs = [measure(url, args.requests, cache) for url in args.database_url for cache in (0, 30)]
    if not args.no_readme:
        command = "python bench/desk/run.py " + " ".join(f"--database-url {u}" for u in args.database_url) + \
            f" --requests {args.requests}"
        write_readme(runs, args.requests, command)
        print(f"Wrote {README}")


if __name__ == "__main__":
    main()
