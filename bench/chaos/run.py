"""The chaos run: break PostgreSQL, Redis and the worker under load and check that nothing readerdesk
acknowledged is lost (``make chaos``; see README.md beside this file).

    .venv/bin/python bench/chaos/run.py [--readme]

It starts its own PostgreSQL cluster, redis-server, mail server and fake Stripe on free ports of
127.0.0.1 (``stack.Stack``), gunicorn with 2 workers and ``flask worker``, runs five scenarios, and
prints one line each: what was sent, what was stored, what was lost (must be 0), what was duplicated.
It exits 1 when an invariant breaks, and removes everything it started in any case.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import re
import signal
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import requests  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from bench.chaos.load import send_reports  # noqa: E402
from bench.chaos.stack import SECRET_KEY, Stack  # noqa: E402
from bench.readme import replace_block  # noqa: E402
from readerdesk import create_app  # noqa: E402
from readerdesk.clock import utcnow  # noqa: E402
from readerdesk.config import normalise_database_url  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.jobs.timetable import TIMETABLED_JOBS  # noqa: E402
from readerdesk.models import (  # noqa: E402
    Correction,
    OutboxEntry,
    OutboxStatus,
    Site,
)
from tests.factories import PASSWORD, make_article, make_site, make_user, paragraphs  # noqa: E402
from tests.fakes.stripe import WEBHOOK_SECRET, signed  # noqa: E402
from tests.patron_scenarios import forget_stripe_state, outcome, patron_histories  # noqa: E402

README = Path(__file__).with_name("README.md")
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
BUDGET_SECONDS = 300
EDITOR = "editor@chaos.example"
# Readers' reports spread over a few articles and passages, as on a news site (scenario 4 is the
# worst case: everyone on one passage).
LOAD_ARTICLES, LOAD_SENTENCES = 10, 20


@dataclass
class Result:
    name: str
    line: str
    ok: bool
    figures: dict = field(default_factory=dict)


# --- set-up ----------------------------------------------------------------------------------------------


def sentences(prefix: str, count: int) -> list[str]:
    return [f"{prefix} sentence {i} says the council met {i} times" for i in range(count)]


def seed(app) -> dict:
    with app.app_context():
        site = make_site(db.session, "chaos", base_url="https://chaos.example")
        make_user(db.session, EDITOR, password=PASSWORD)
        load = [make_article(db.session, site, url=f"https://chaos.example/load/{n}",
                             html=paragraphs(*sentences("Load", LOAD_SENTENCES))).url for n in range(LOAD_ARTICLES)]
        decide = make_article(db.session, site, url="https://chaos.example/decisions",
                              html=paragraphs(*sentences("Decision", 100)))
        one = make_article(db.session, site, url="https://chaos.example/one-passage",
                           html=paragraphs("The bridge will cost 14 million euros, the mayor said."))
        db.session.commit()
        return {"load": load, "decide": decide.url, "one": one.url, "site": site.id}


def report(key: str, article_url: str, quote: str, email: str | None = None) -> dict:
    payload = {"idempotency_key": key, "article_url": article_url, "kind": "factual",
               "selectors": [{"type": "TextQuoteSelector", "exact": quote}], "comment": "Chaos run."}
    if email:
        payload.update(email=email, notify=True)
    return payload


def load_report(key: str, urls: dict, n: int) -> dict:
    quotes = sentences("Load", LOAD_SENTENCES)
    return report(key, urls["load"][n % LOAD_ARTICLES], quotes[(n // LOAD_ARTICLES) % LOAD_SENTENCES])


def rows_per_key(app, prefix: str) -> dict[str, int]:
    with app.app_context():
        found = db.session.execute(select(Correction.idempotency_key, func.count())
                                   .where(Correction.idempotency_key.like(f"{prefix}%"))
                                   .group_by(Correction.idempotency_key)).all()
        db.session.rollback()
        return dict(found)


def outbox_counts(app) -> dict[str, int]:
    """The outbox's rows by status, leaving out timetabled work (the daily privacy purge and the target
    reminders, which the worker schedules at its start): pending all run long, by design, and nothing
    the run asked for."""
    with app.app_context():
        found = dict(db.session.execute(select(OutboxEntry.status, func.count())
                                        .where(OutboxEntry.job.not_in(TIMETABLED_JOBS))
                                        .group_by(OutboxEntry.status)).all())
        db.session.rollback()
        return {status.value: found.get(status, 0) for status in OutboxStatus}


def wait_for_outbox(app, deadline: float) -> dict[str, int]:
    counts = outbox_counts(app)
    while counts["pending"] and time.monotonic() < deadline:
        time.sleep(0.5)
        counts = outbox_counts(app)
    return counts


def stored_and_lost(load, stored: dict[str, int]) -> dict:
    acknowledged = load.acknowledged
    return {
        "sent": len(load.sent), "acknowledged": len(acknowledged), "stored": sum(stored.values()),
        "lost": sum(1 for k in acknowledged if stored.get(k, 0) == 0),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "retried_keys": len(load.retried),
        "retried_keys_with_more_than_one_row": sum(1 for k in load.retried if stored.get(k, 0) > 1),
        "answers_5xx": load.count(lambda s: s >= 500), "answers_500": load.count(lambda s: s == 500),
        "no_answer": load.count(lambda s: s == 0), "seconds": round(load.seconds, 1),
    }


# --- the scenarios ---------------------------------------------------------------------------------------------


def database_restart(stack: Stack, app, urls: dict, count: int, deadline: float) -> Result:
    payloads = [load_report(f"s1-{i:05d}", urls, i) for i in range(count)]
    restarted = threading.Event()

    def restart_once(done: int) -> None:
        if done >= count // 4 and not restarted.is_set():
            restarted.set()
            threading.Thread(target=stack.pg.restart, daemon=True).start()

    load = send_reports(stack.url, payloads, concurrency=20, deadline=deadline, on_progress=restart_once)
    f = stored_and_lost(load, rows_per_key(app, "s1-"))
    ok = (restarted.is_set() and f["lost"] == 0 and f["duplicated"] == 0 and f["acknowledged"] == count
          and f["retried_keys_with_more_than_one_row"] == 0)
    line = (f"1. PostgreSQL restarted once under {count} reports (20 at a time): sent {f['sent']}, acknowledged "
            f"{f['acknowledged']}, stored {f['stored']}, lost {f['lost']}, duplicated {f['duplicated']}; "
            f"{f['answers_5xx']} answers 5xx ({f['answers_500']} of them 500), {f['retried_keys']} keys sent again, "
            f"{f['retried_keys_with_more_than_one_row']} of them with more than one row; {f['seconds']} s")
    return Result("database_restart", line, ok, f)


def redis_restart(stack: Stack, app, urls: dict, count: int, deadline: float) -> Result:
    payloads = [load_report(f"s2-{i:05d}", urls, i * 7) for i in range(count)]
    events: list[str] = []

    def stop_then_start(done: int) -> None:
        if done >= count // 5 and "stopped" not in events:
            events.append("stopped")
            stack.redis.stop()
        elif done >= (count * 3) // 5 and "started" not in events:
            events.append("started")
            stack.redis.start()

    load = send_reports(stack.url, payloads, concurrency=20, deadline=deadline, on_progress=stop_then_start)
    if "started" not in events:
        stack.redis.start()
    f = stored_and_lost(load, rows_per_key(app, "s2-"))
    ok = f["answers_5xx"] == 0 and f["no_answer"] == 0 and f["lost"] == 0 and f["acknowledged"] == count
    line = (f"2. Redis stopped and started under {count} reports: sent {f['sent']}, acknowledged {f['acknowledged']}, "
            f"stored {f['stored']}, lost {f['lost']}, duplicated {f['duplicated']}; {f['answers_5xx']} answers 5xx; "
            f"{f['seconds']} s")
    return Result("redis_restart", line, ok, f)


def sign_in(url: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    page = session.get(url + "/auth/login", timeout=10).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    answer = session.post(url + "/auth/login", data={"email": EDITOR, "password": PASSWORD, "csrf_token": token},
                          allow_redirects=False, timeout=10)
    assert answer.status_code == 302, f"could not sign in: {answer.status_code}"
    # Signing in starts a new server-side session, and with it a new CSRF token: read it from the desk.
    desk = session.get(url + "/desk/", timeout=10).text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', desk).group(1)
    return session, token


def decisions_with_email(stack: Stack, app, urls: dict, count: int, deadline: float) -> Result:
    quotes = sentences("Decision", 100)
    readers = {f"reader-{i}@chaos.example" for i in range(count)}
    payloads = [report(f"s3-{i:05d}", urls["decide"], quotes[i % len(quotes)], email=f"reader-{i}@chaos.example")
                for i in range(count)]
    send_reports(stack.url, payloads, concurrency=10, deadline=deadline)
    with app.app_context():
        reports = db.session.execute(select(Correction.id, Correction.version)
                                     .where(Correction.idempotency_key.like("s3-%")).order_by(Correction.id)).all()
        db.session.rollback()
    desk, token = sign_in(stack.url)
    stack.smtp.delay = 0.05  # a mail relay's pace: a killed worker is often in the middle of a send
    started, orphans, decided = time.monotonic(), 0, 0
    faults = {count // 4: "kill", count // 2: "flush", (count * 3) // 4: "kill"}
    for n, (correction_id, version) in enumerate(reports):
        fault = faults.get(n)
        if fault == "kill":
            orphans += stack.kill_worker()
        elif fault == "flush":
            stack.redis.flush()
        answer = desk.post(f"{stack.url}/desk/corrections/{correction_id}/decide", allow_redirects=False, timeout=15,
                           data={"csrf_token": token, "action": "accept", "version": str(version)})
        decided += answer.status_code == 303
    outbox = wait_for_outbox(app, deadline)
    stack.smtp.delay = 0.0
    received = stack.smtp.received(readers)
    delivered = len({m["To"] for m in list(stack.smtp.messages) if m["To"] in readers})
    duplicated = sum(received.values()) - len(received)
    f = {"decisions": decided, "emails_expected": len(reports), "emails_delivered": delivered,
         "lost": len(reports) - delivered, "duplicated": duplicated, "orphans": orphans,
         "outbox_pending": outbox["pending"], "outbox_failed": outbox["failed"],
         "seconds": round(time.monotonic() - started, 1)}
    ok = decided == count and f["lost"] == 0 and orphans == 0 and outbox["pending"] == 0 and outbox["failed"] == 0
    line = (f"3. Worker SIGKILLed twice, Redis flushed once, under {count} decisions: {decided} decided, "
            f"{f['emails_expected']} emails due, {delivered} delivered, lost {f['lost']}, duplicated {duplicated} "
            f"(goal 0); {orphans} orphaned processes; outbox {outbox['pending']} pending, {outbox['failed']} failed; "
            f"{f['seconds']} s until all were out")
    return Result("worker_kill_and_redis_flush", line, ok, f)


def one_passage(stack: Stack, app, urls: dict, count: int, deadline: float) -> Result:
    quote = "cost 14 million euros"
    payloads = [report(f"s4-{i:05d}", urls["one"], quote) for i in range(count)]
    load = send_reports(stack.url, payloads, concurrency=50, deadline=deadline)
    f = stored_and_lost(load, rows_per_key(app, "s4-"))
    with app.app_context():
        groups = db.session.execute(text(
            "SELECT g.group_id, count(*) AS members, "
            "       sum(CASE WHEN g.is_lead THEN 1 ELSE 0 END) AS leads, "
            "       max(CASE WHEN g.is_lead THEN g.group_size END) AS counted "
            "FROM corrections g WHERE g.idempotency_key LIKE 's4-%' GROUP BY g.group_id")).all()
        db.session.rollback()
    mismatched = [g for g in groups if g.leads != 1 or g.counted != g.members]
    f.update(groups=len(groups), group_sizes=sorted(g.members for g in groups), mismatched_groups=len(mismatched))
    ok = f["lost"] == 0 and f["duplicated"] == 0 and f["acknowledged"] == count and not mismatched
    line = (f"4. {count} parallel reports on one passage: sent {f['sent']}, stored {f['stored']} in {len(groups)} "
            f"group(s) of {f['group_sizes']}, lost {f['lost']}, duplicated {f['duplicated']}; "
            f"{len(mismatched)} groups whose stored count differs from their members; {f['seconds']} s")
    return Result("one_passage", line, ok, f)


def deliver(url: str, event: dict) -> int:
    payload, headers = signed(event, WEBHOOK_SECRET)
    try:
        return requests.post(url + "/stripe/webhook", data=payload, headers=headers, timeout=15).status_code
    except requests.RequestException:
        return 0


def webhooks(stack: Stack, app, urls: dict, seed_value: int, deadline: float) -> Result:
    with app.app_context():
        site = db.session.get(Site, urls["site"])
        events = patron_histories(app, stack.stripe.fake, site)
    in_order = [deliver(stack.url, event) for event in events]
    with app.app_context():
        expected = outcome()
        forget_stripe_state(db.session)
        db.session.commit()
    deliveries = events + random.Random(seed_value).sample(events, k=len(events))  # every event twice
    random.Random(seed_value + 1).shuffle(deliveries)
    sent, retries = 0, 0
    while deliveries and time.monotonic() < deadline and sent < 20 * len(events):
        event = deliveries.pop(0)
        sent += 1
        if deliver(stack.url, event) >= 500:
            retries += 1
            deliveries.append(event)  # Stripe delivers it again later
    with app.app_context():
        final = outcome()
        db.session.rollback()
    f = {"events": len(events), "deliveries": sent, "retried_after_5xx": retries, "undelivered": len(deliveries),
         "in_order_answers": sorted(set(in_order)), "same_state": final == expected,
         "payments": len(final["payments"]), "mrr": final["mrr"],
         "lost": len(expected["payments"]) - len(final["payments"]) if final != expected else 0,
         "duplicated": max(0, len(final["payments"]) - len(expected["payments"]))}
    ok = final == expected and not deliveries and in_order == [200] * len(events)
    line = (f"5. Stripe webhooks shuffled and each delivered twice: {len(events)} events, {sent} deliveries "
            f"({retries} retried after a 5xx); final state {'equals' if final == expected else 'DIFFERS FROM'} the "
            f"in-order state ({f['payments']} payments, MRR {final['mrr']}); lost {f['lost']}, "
            f"duplicated {f['duplicated']}")
    return Result("webhooks", line, ok, f)


def outbox_at_the_end(stack: Stack, app, deadline: float) -> Result:
    outbox = wait_for_outbox(app, deadline)
    ok = outbox["pending"] == 0 and outbox["failed"] == 0
    line = (f"   Jobs at the end (decision emails, receipts): {outbox['done']} done, {outbox['pending']} pending, "
            f"{outbox['failed']} failed")
    return Result("outbox", line, ok, outbox)


# --- main ------------------------------------------------------------------------------------------------------


def in_process_app(stack: Stack):
    """An app on the chaos database, for seeding and counting (the traffic goes to gunicorn)."""
    return create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(stack.database_url),
                       "SECRET_KEY": SECRET_KEY, "PUBLIC_URL": stack.url, "REDIS_URL": stack.redis.url(),
                       "JOBS_BACKGROUND_THREAD": False,
                       "STRIPE_SECRET_KEY": "sk_test_chaos", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
                       "STRIPE_API_BASE": stack.stripe.url, "MAIL_SERVER": None, "RATELIMIT_ENABLED": False})


def run(args) -> list[Result]:
    started = time.monotonic()
    deadline = started + args.budget
    results: list[Result] = []
    with Stack() as stack:
        try:
            app = in_process_app(stack)
            urls = seed(app)
            print(f"   set-up (PostgreSQL, Redis, gunicorn, worker): {time.monotonic() - started:.0f} s", flush=True)
            steps = [
                lambda: database_restart(stack, app, urls, args.reports, deadline),
                lambda: redis_restart(stack, app, urls, args.redis_reports, deadline),
                lambda: decisions_with_email(stack, app, urls, args.decisions, deadline),
                lambda: one_passage(stack, app, urls, args.one_passage, deadline),
                lambda: webhooks(stack, app, urls, args.seed, deadline),
                lambda: outbox_at_the_end(stack, app, deadline),
            ]
            for step in steps:
                result = step()
                results.append(result)
                print(result.line + ("" if result.ok else "  <-- FAILED"), flush=True)
        except BaseException:
            print("gunicorn log:\n" + stack.log_tail("gunicorn.log"), file=sys.stderr)
            print("worker log:\n" + stack.log_tail("worker.log"), file=sys.stderr)
            raise
        if not all(r.ok for r in results):
            print("worker log:\n" + stack.log_tail("worker.log", 60), file=sys.stderr)
    total = time.monotonic() - started
    results.append(Result("total", f"   total {total:.0f} s (budget {args.budget} s)", total <= args.budget,
                          {"seconds": round(total, 1)}))
    print(results[-1].line)
    return results


def write_readme(results: list[Result], args) -> None:
    load = Path("/proc/loadavg").read_text().split()[:3] if Path("/proc/loadavg").exists() else ["?"] * 3
    lines = [f"Recorded {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
             f"{os.cpu_count()} cores, load average {' '.join(load)} when it ended; "
             f"Python {platform.python_version()}.", "", "```", *(r.line for r in results), "```", "",
             f"Command: `{' '.join(['.venv/bin/python', 'bench/chaos/run.py', *sys.argv[1:]])}`"]
    replace_block(README, BEGIN, END, lines)
    (README.parent / "results.json").write_text(json.dumps(
        {"recorded": utcnow().isoformat(), "results": {r.name: {"ok": r.ok, **r.figures} for r in results}},
        indent=2) + "\n", encoding="utf-8")


def quiet_in_process_servers() -> None:
    """The mail server and the Stripe client in this process log every message and request at INFO
    (create_app sets that level): thousands of lines that would bury the scenario lines in CI's log."""
    for name in ("mail.log", "stripe"):
        logging.getLogger(name).setLevel(logging.WARNING)


def stop_cleanly_on_sigterm() -> None:
    """SIGTERM (a CI timeout, `kill`) unwinds like Ctrl+C, so the stack's PostgreSQL cluster,
    redis-server, gunicorn and worker are stopped and their directories removed, not left running."""
    def unwind(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, unwind)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=2000, help="scenario 1: reports during a PostgreSQL restart")
    parser.add_argument("--redis-reports", type=int, default=500, help="scenario 2: reports during a Redis restart")
    parser.add_argument("--decisions", type=int, default=100, help="scenario 3: decisions that each send an email")
    parser.add_argument("--one-passage", type=int, default=200, help="scenario 4: parallel reports on one passage")
    parser.add_argument("--seed", type=int, default=14, help="scenario 5: how the webhooks are shuffled")
    parser.add_argument("--budget", type=int, default=BUDGET_SECONDS, help="seconds the whole run may take")
    parser.add_argument("--readme", action="store_true", help="record the results in bench/chaos/README.md")
    args = parser.parse_args()
    quiet_in_process_servers()
    stop_cleanly_on_sigterm()
    results = run(args)
    if args.readme:
        write_readme(results, args)
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
