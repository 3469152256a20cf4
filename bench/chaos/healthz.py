"""How long /healthz waits behind readers' reports: gunicorn's sync workers against gthread workers.

    .venv/bin/python bench/chaos/healthz.py [--seconds 20] [--rounds 2]

On one private stack (``stack.Stack``), for each worker class and condition in turn, readers send
reports without pause while a probe asks /healthz every 100 ms (2 s timeout, like a load balancer's):

* steady: 6 readers;
* slow transactions: the same, while another transaction holds one article's row lock for 2 s out
  of every 3 (an import re-anchoring a long article, a migration): the reports on that article wait.

Prints the probe's median, p99 and worst latency, its timeouts, and the reports' throughput and median.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import requests  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.chaos.load import send_report  # noqa: E402
from bench.chaos.run import (  # noqa: E402
    LOAD_ARTICLES,
    in_process_app,
    load_report,
    quiet_in_process_servers,
    seed,
    stop_cleanly_on_sigterm,
)
from bench.chaos.stack import GUNICORN_ARGS, Stack  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.models import Article  # noqa: E402

WORKER_CLASSES = {
    "sync (-w 2)": ["-w", "2", "--timeout", "30"],
    "gthread (-w 2 --threads 4)": GUNICORN_ARGS,
}
README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- healthz:begin -->", "<!-- healthz:end -->"
PROBE_EVERY, PROBE_TIMEOUT, READERS = 0.1, 2.0, 6
LOCK_FOR, LOCK_EVERY = 2.0, 3.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def hold_article_locks(app, article_ids: list[int], stop: float) -> None:
    """Another transaction holding one article's row lock for LOCK_FOR seconds out of every LOCK_EVERY."""
    for article_id in itertools.cycle(article_ids):
        if time.monotonic() >= stop:
            return
        with app.app_context():
            db.session.execute(select(Article.id).where(Article.id == article_id).with_for_update())
            time.sleep(min(LOCK_FOR, max(0.0, stop - time.monotonic())))
            db.session.rollback()
        time.sleep(LOCK_EVERY - LOCK_FOR)


def measure(stack: Stack, urls: dict, seconds: float, keys, app=None, article_ids=None) -> dict:
    stop = time.monotonic() + seconds
    probes, timeouts, reports = [], 0, []
    lock = threading.Lock()

    def reader():
        while time.monotonic() < stop:
            n = next(keys)
            started = time.monotonic()
            sent = send_report(stack.url, load_report(f"hz-{n:06d}", urls, n), stop + 30)
            with lock:
                reports.append((time.monotonic() - started, sent.acknowledged))

    threads = [threading.Thread(target=reader) for _ in range(READERS)]
    if article_ids:
        threads.append(threading.Thread(target=hold_article_locks, args=(app, article_ids, stop)))
    for thread in threads:
        thread.start()
    session = requests.Session()
    while time.monotonic() < stop:
        started = time.monotonic()
        try:
            session.get(stack.url + "/healthz", timeout=PROBE_TIMEOUT)
            probes.append(time.monotonic() - started)
        except requests.RequestException:
            timeouts += 1
        time.sleep(max(0.0, PROBE_EVERY - (time.monotonic() - started)))
    for thread in threads:
        thread.join()
    return {"probes": len(probes) + timeouts, "p50_ms": statistics.median(probes) * 1000,
            "p99_ms": percentile(probes, 99) * 1000, "max_ms": max(probes) * 1000, "timeouts": timeouts,
            "reports_per_s": sum(1 for _, ok in reports if ok) / seconds,
            "report_p50_ms": statistics.median(t for t, _ in reports) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--readme", action="store_true", help="record the table in bench/chaos/README.md")
    args = parser.parse_args()
    quiet_in_process_servers()
    stop_cleanly_on_sigterm()
    keys = itertools.count()
    results: dict[tuple[str, str], list[dict]] = {}
    with Stack() as stack:
        app = in_process_app(stack)
        urls = seed(app)
        with app.app_context():
            article_ids = list(db.session.scalars(select(Article.id).where(Article.url.in_(urls["load"][:3]))))
        assert len(urls["load"]) == LOAD_ARTICLES
        for _ in range(args.rounds):
            for name, gunicorn_args in WORKER_CLASSES.items():
                stack.stop_gunicorn()
                stack.gunicorn_args = gunicorn_args
                stack.start_gunicorn()
                for condition, locked in (("steady", None), ("slow transactions", article_ids)):
                    results.setdefault((condition, name), []).append(
                        measure(stack, urls, args.seconds, keys, app, locked))
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    lines = [f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load average {load} when it "
             f"ended; {args.rounds} round(s) of {args.seconds:.0f} s per row, medians of the rounds.", "",
             "| condition | workers | /healthz median ms | p99 ms | worst ms | probes timed out (2 s) | reports/s "
             "| report median ms |", "|---|---|---|---|---|---|---|---|"]
    for (condition, name), runs in results.items():
        def med(key, runs=runs):
            return statistics.median(r[key] for r in runs)
        lines.append(f"| {condition} | {name} | {med('p50_ms'):.0f} | {med('p99_ms'):.0f} | {med('max_ms'):.0f} | "
                     f"{sum(r['timeouts'] for r in runs)} of {sum(r['probes'] for r in runs)} | "
                     f"{med('reports_per_s'):.1f} | {med('report_p50_ms'):.0f} |")
    lines += ["", f"Command: `.venv/bin/python bench/chaos/healthz.py {' '.join(sys.argv[1:])}`"]
    print("\n".join(lines))
    if args.readme:
        text = README.read_text(encoding="utf-8")
        head, _, rest = text.partition(BEGIN)
        _, _, tail = rest.partition(END)
        README.write_text(head + BEGIN + "\n" + "\n".join(lines) + "\n" + END + tail, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
