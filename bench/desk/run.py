"""Time the desk queue on a seeded database, through the Flask test client, and write README.md.

Seed first (see README.md), then:

    /work/main/.venv/bin/python bench/desk/run.py \\
        --database-url postgresql://postgres@127.0.0.1:5432/rd_desk \\
        --database-url sqlite:////tmp/desk-bench.sqlite3 --requests 15

Each case is one GET as an editor; the figure is the median (and the 90th percentile) of N
requests after one warm-up request. Then the tab counts alone (``queue_counts``, uncached), for every
case's filters and for more searches (``SEARCHES``), timed alternately with the counts of another
revision (``--before``, main by default) on the same database. Results go to bench/desk/README.md
(the tables between the markers are replaced; the rest of the file is kept).
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from urllib.parse import parse_qsl, urlsplit  # noqa: E402

from sqlalchemy import event, func, select, text  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

from bench.readme import replace_block  # noqa: E402
from readerdesk import create_app  # noqa: E402
from readerdesk.config import normalise_database_url  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.models import Article, Correction, Status, User  # noqa: E402
from readerdesk.services.articles.sites import SiteNotFound, get_site  # noqa: E402
from readerdesk.services.desk.queue import (  # noqa: E402
    encode_cursor,
    parse_filters,
    queue_counts,
    word_frequency,
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


# Searches beyond the benchmark's two words, for the tab counts alone: words from the seed's common
# ones and from the articles' text (in 1-25 % of the reports), alone and with the other filters.
# The seed's reports span the two years before it ran; the date ranges are fixed days inside that
# for a seed made in 2026-12.
SEARCHES = [
    ("`bridge`", "q=bridge"),
    ("`kaloru` (rare)", "q={rare}"),
    ("`bridge river` (both words)", "q=bridge+river"),
    ("`of`", "q=of"),
    ("`story`", "q=story"),
    ("`paragraph`", "q=paragraph"),
    ("`e`", "q=e"),
    ("`mi`", "q=mi"),
    ("`bridge`, kind factual", "q=bridge&kind=factual"),
    ("`bridge`, anchor removed", "q=bridge&anchor_state=removed"),
    ("`bridge`, one assignee", "q=bridge&assignee={staff}"),
    ("`story`, unassigned", "q=story&assignee=unassigned"),
    ("`paragraph`, kind factual", "q=paragraph&kind=factual"),
    ("`bridge`, one week", "q=bridge&date_from=2025-06-01&date_to=2025-06-07"),
    ("`bridge`, one month", "q=bridge&date_from=2025-06-01&date_to=2025-06-30"),
    ("`bridge`, one year", "q=bridge&date_from=2025-06-01&date_to=2026-05-31"),
    ("`bridge`, one month, kind factual", "q=bridge&date_from=2025-06-01&date_to=2025-06-30&kind=factual"),
    ("`paragraph`, one month", "q=paragraph&date_from=2025-06-01&date_to=2025-06-30"),
    ("`kaloru` (rare), one year", "q={rare}&date_from=2025-06-01&date_to=2026-05-31"),
    ("`e`, one year", "q=e&date_from=2025-06-01&date_to=2026-05-31"),
]


def search_cases(session) -> list[tuple[str, str]]:
    """(label, URL) pairs of :data:`SEARCHES`, on the "all" tab (the counts are the same on every tab)."""
    staff_id = session.scalar(select(User.id).where(User.email == BENCH_EDITOR))
    return [(label, "/desk/?tab=all&" + query.format(rare=rare_word(session), staff=staff_id))
            for label, query in SEARCHES]


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


def counts_at(revision: str):
    """``queue_counts`` as the revision ``revision`` of the queue module has it (for the "before" column):
    the module's source from git, loaded under another name next to today's."""
    source = subprocess.run(["git", "show", f"{revision}:readerdesk/services/desk/queue.py"], check=True,
                            capture_output=True, text=True, cwd=Path(__file__).resolve().parents[2]).stdout
    spec = importlib.util.spec_from_loader(f"queue_at_{revision}", loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    exec(compile(source, f"{revision}:readerdesk/services/desk/queue.py", "exec"), module.__dict__)  # noqa: S102
    return module.queue_counts


def resolve(revision: str) -> str:
    return subprocess.run(["git", "rev-parse", "--short", revision], check=True, capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2]).stdout.strip()


def measure_counts(url: str, n: int, before: str, match: str = "") -> dict:
    """The tab counts alone (``queue_counts``, uncached) for every case's filters and for :data:`SEARCHES`:
    (median ms, p90 ms) now and at the revision ``before``, interleaved so that both see the same load,
    the statements now, the load average, and for a search the share of reports the statistics give
    its words."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "TESTING": True,
                      "SECRET_KEY": "bench-secret-key-0123456789", "REDIS_URL": None})
    counts_before = counts_at(before)
    results: dict = {"cases": {}, "searches": {}}
    with app.app_context():
        actor = db.session.scalar(select(User).where(User.email == BENCH_EDITOR))
        todo, _ = cases(db.session)
        statements = []
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(1))
        for group, pairs in (("cases", todo), ("searches", search_cases(db.session))):
            for label, path in pairs:
                if match not in label:
                    continue
                filters = parse_filters(MultiDict(parse_qsl(urlsplit(path).query)))
                ways = {"before": functools.partial(counts_before, filters=filters, actor=actor),
                        "now": functools.partial(queue_counts, filters=filters, actor=actor)}  # uncached
                answers = {key: count(db.session) for key, count in ways.items()}  # warm-up
                assert answers["before"] == answers["now"], (label, answers)
                timings: dict = {"now": [], "before": []}
                for _ in range(n):
                    for key, count in ways.items():
                        statements.clear()
                        started = time.perf_counter()
                        count(db.session)
                        timings[key].append((time.perf_counter() - started) * 1000)
                        if key == "now":
                            issued = len(statements)
                result = {key: (statistics.median(t), sorted(t)[int(len(t) * .9) - 1 if n > 1 else 0])
                          for key, t in timings.items()}
                postgresql = db.engine.dialect.name == "postgresql"  # the statistics' share of the words
                result.update(statements=issued, load=os.getloadavg()[0],
                              share=word_frequency(db.session, filters.q) if filters.q and postgresql else None)
                results[group][label] = result
                print(f"{db.engine.dialect.name:10} tab counts  {label:55} now: median {result['now'][0]:7.1f} ms "
                      f"p90 {result['now'][1]:7.1f} ms, statements {issued}; before: median "
                      f"{result['before'][0]:7.1f} ms; load {result['load']:.1f}", flush=True)
        dialect = db.engine.dialect.name
        db.session.remove()
    return {"dialect": dialect, "before": resolve(before), "results": results}


def share_text(share: float | None) -> str:
    if share is None:
        return ""
    return "<0.3 %" if share < .003 else f"{share * 100:.1f} %"


def write_readme(runs: list[dict], n: int, command: str, counts: list[dict] | None = None) -> None:
    labels = list(runs[0]["results"])
    head = "| case | " + " | ".join(f"{r['dialect']}, {r['mode']}: median (p90) ms" for r in runs) + " | rows |"
    lines = [head, "|" + "---|" * (len(runs) + 2)]
    for label in labels:
        cells = [f"{r['results'][label][0]:.1f} ({r['results'][label][1]:.1f})" for r in runs]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {runs[0]['results'][label][2]} |")
    count_lines = []
    for run in counts or []:
        count_lines += ["", f"Tab counts alone ({run['dialect']}, uncached, all seven tabs), before (the counts at "
                            f"{run['before']}) and now, timed alternately in the same run: median (p90) ms, and the "
                            "load average (1 minute) after each case", "",
                        "| filters | before | now | statements now | load |", "|---|---:|---:|---:|---:|"]
        count_lines += [f"| {label} | {r['before'][0]:.1f} ({r['before'][1]:.1f}) | {r['now'][0]:.1f} "
                        f"({r['now'][1]:.1f}) | {r['statements']} | {r['load']:.1f} |"
                        for label, r in run["results"]["cases"].items()]
        count_lines += ["", "Searches beyond the benchmark's two words, the same way (`SEARCHES` in run.py; the "
                            "\"all\" tab; a word's share of the reports from the column's statistics):", "",
                        "| search (and filters) | share | before | now | statements now | load |",
                        "|---|---:|---:|---:|---:|---:|"]
        count_lines += [f"| {label} | {share_text(r['share'])} | {r['before'][0]:.1f} ({r['before'][1]:.1f}) | "
                        f"{r['now'][0]:.1f} ({r['now'][1]:.1f}) | {r['statements']} | {r['load']:.1f} |"
                        for label, r in run["results"]["searches"].items()]
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
    parser.add_argument("--match", default="", help="With --counts-only: only the cases whose label holds this.")
    parser.add_argument("--before", default="main", help="The git revision whose tab counts are timed as "
                                                         "\"before\" (default: main).")
    args = parser.parse_args()
    # Each database twice: tab counts computed on every load, then the steady state where a
    # filtered view's counts are reused for DESK_COUNT_CACHE_SECONDS (unfiltered ones never are).
    match = args.match if args.counts_only else ""
    counts = [measure_counts(url, args.requests, args.before, match) for url in args.database_url]
    if args.counts_only:
        return
    runs = [measure(url, args.requests, cache) for url in args.database_url for cache in (0, 30)]
    if not args.no_readme:
        command = "python bench/desk/run.py " + " ".join(f"--database-url {u}" for u in args.database_url) + \
            f" --requests {args.requests} --before {args.before}"
        write_readme(runs, args.requests, command, counts)
        print(f"Wrote {README}")


if __name__ == "__main__":
    main()
