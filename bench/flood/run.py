"""A viral article: what one more report costs when many readers already reported the same passage.

    .venv/bin/python bench/flood/run.py --label after \\
        --database-url sqlite:////tmp/flood.sqlite3 \\
        --database-url postgresql://postgres@127.0.0.1:5432/issue10_db \\
        --redis-url redis://127.0.0.1:6379/10 --sizes 10,100,1000,10000 --repeats 7

For each database and each size n, the database is emptied and n reports are bulk-inserted on one
article, either all on the same passage (one duplicate group of n) or spread over the article's
errors (the "whole article" report set of report_sets.py, one group per error). Then, after one
untimed report, new reports are POSTed one at a time through the Flask test client (view,
validation, anchoring, grouping, commit, and the editors' notification written to the job outbox
and, with --redis-url, handed to RQ), and for each the wall time, the SQL statements and the rows
UPDATEd are recorded. Then the desk's page of the
group's lead is fetched (time and bytes). Last, every realistic report set is POSTed report by
report into an empty database and the groups formed are counted.

Results go to bench/flood/results/<label>.json (one file per run) and are printed; with
``--table LABEL [LABEL...]`` the script prints the README's side-by-side tables from those files.
The machine's load average (1 minute) is recorded before and after every point.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import sys
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from flask import current_app  # noqa: E402
from report_sets import Issue, Report, _selection, report_sets, scores, sentences  # noqa: E402
from sqlalchemy import event, func, insert, select, text  # noqa: E402

from readerdesk import create_app  # noqa: E402
from readerdesk.clock import utcnow  # noqa: E402
from readerdesk.config import normalise_database_url  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.models import AnchorState, Correction, CorrectionAnchor, Role, Status  # noqa: E402
from readerdesk.models.types import table_of  # noqa: E402
from readerdesk.services.articles.ingest import ingest_article  # noqa: E402
from readerdesk.services.articles.sites import create_site  # noqa: E402
from readerdesk.services.desk.users import PasswordSettings, create_user  # noqa: E402

RESULTS = Path(__file__).with_name("results")
ARTICLE_URL = "https://flood.example/news/budget"
PASSWORD = "flood-bench-password"


def make_app(url: str, redis_url: str | None):
    """The app as production runs it for a report: the editors are told of each one, so each report
    writes their job to the outbox and (with Redis) hands it to RQ. Nothing runs the jobs here: no
    worker, and no background thread (the mail server named is never reached)."""
    settings = {"TESTING": True, "SECRET_KEY": "flood-bench-secret-key-0123456789",
                "SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "WTF_CSRF_ENABLED": False,
                "RATELIMIT_CORRECTIONS": "1000000 per minute", "EDITOR_NOTIFICATIONS": "each",
                "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": 9, "SLACK_WEBHOOK_URL": None,
                "JOBS_BACKGROUND_THREAD": False, "PUBLIC_URL": "https://desk.flood.example",
                "TRUSTED_HOSTS": ["localhost"]}  # the test client's host
    if redis_url:
        settings.update(REDIS_URL=redis_url, RATELIMIT_STORAGE_URI=redis_url)
    else:
        settings.update(REDIS_URL=None, RATELIMIT_STORAGE_URI="memory://")
    return create_app(settings)


class Counters:
    """SQL statements and rows UPDATEd on the app's engine."""

    def __init__(self, engine):
        self.statements = self.updated = 0
        event.listen(engine, "after_cursor_execute", self._after)

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        self.statements += 1
        if statement.lstrip().upper().startswith("UPDATE") and cursor.rowcount and cursor.rowcount > 0:
            self.updated += cursor.rowcount

    def reset(self) -> None:
        self.statements = self.updated = 0


def empty_database() -> None:
    db.session.remove()
    db.drop_all()
    db.create_all()


def article_and_editor(text_name: str = "en_council"):
    from report_sets import load_text

    body = load_text(text_name)
    site = create_site(db.session, "flood", base_url="https://flood.example", body_selector="article").site
    html = "".join(f"<p>{p}</p>" for p in body.split("\n\n"))
    article = ingest_article(db.session, site, url=ARTICLE_URL, title="Budget", html=html, now=utcnow()).article
    create_user(db.session, "editor@flood.example", PASSWORD, Role.EDITOR,
                password_settings=PasswordSettings.from_config(current_app.config))
    db.session.commit()
    assert article.current_revision.text == body, "the bench text must be the article's canonical text"
    return article


def seed(article, reports: list[Report], issues: list[Issue]) -> dict[int, int]:
    """Bulk-insert ``reports`` as stored reports, one group per error (the lead is the first). Returns
    {error: lead id}."""
    revision = article.current_revision
    text_ = revision.text
    table = table_of(Correction)
    columns = set(table.c.keys())
    first_id = (db.session.scalar(select(func.max(Correction.id))) or 0) + 1
    sizes = Counter(r.issue for r in reports)
    leads: dict[int, int] = {}
    start_time = utcnow() - timedelta(hours=1)
    rows, anchors = [], []
    for n, r in enumerate(reports):
        cid = first_id + n
        lead = leads.setdefault(r.issue, cid)
        row = {"id": cid, "public_id": f"seed{cid:x}", "idempotency_key": f"seed-{cid}-{uuid.uuid4().hex[:8]}",
               "article_id": article.id, "revision_id": revision.id, "kind": "typo", "selectors": [],
               "exact": text_[r.start:r.end], "prefix": text_[max(0, r.start - 32):r.start],
               "suffix": text_[r.end:r.end + 32], "page_url": ARTICLE_URL, "start": r.start, "end": r.end,
               "anchor_state": AnchorState.ANCHORED, "anchor_revision_id": revision.id, "anchor_start": r.start,
               "anchor_end": r.end, "anchor_confidence": 1.0, "language": "en", "status": Status.NEW,
               "group_id": lead, "is_lead": cid == lead, "group_size": sizes[r.issue] if cid == lead else 0,
               "created_at": start_time + timedelta(milliseconds=n), "updated_at": start_time}
        if "holds_passage" in columns:  # the lead holds the group's passage: the error, which every reader selected
            issue = next(i for i in issues if i.id == r.issue)
            row.update(holds_passage=cid == lead, passage_start=issue.start if cid == lead else None,
                       passage_end=issue.end if cid == lead else None)
        rows.append(row)
        anchors.append({"correction_id": cid, "revision_id": revision.id, "state": AnchorState.ANCHORED,
                        "start": r.start, "end": r.end, "confidence": 1.0, "created_at": start_time})
    for chunk in range(0, len(rows), 5000):
        db.session.execute(insert(table), rows[chunk:chunk + 5000])
        db.session.execute(insert(table_of(CorrectionAnchor)), anchors[chunk:chunk + 5000])
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT setval(pg_get_serial_sequence('corrections', 'id'), "
                                "(SELECT max(id) FROM corrections))"))
    db.session.commit()
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return leads


def post_body(text_: str, span: tuple[int, int]) -> dict:
    start, end = span
    return {"idempotency_key": uuid.uuid4().hex, "article_url": ARTICLE_URL, "kind": "typo",
            "selectors": [{"type": "TextQuoteSelector", "exact": text_[start:end],
                           "prefix": text_[max(0, start - 32):start], "suffix": text_[end:end + 32]},
                          {"type": "TextPositionSelector", "start": start, "end": end}],
            "suggestion": "", "comment": "This figure is wrong."}


def load() -> float:
    return os.getloadavg()[0]


def flood_point(app, counters, scenario: str, n: int, repeats: int, rng: random.Random) -> dict:
    """n stored reports, then ``repeats`` new ones POSTed one by one."""
    sets = {s.name: s for s in report_sets(seed=rng.randrange(1 << 30), scale=max(1, n // 300 + 1))}
    load_before = load()
    with app.app_context():
        empty_database()
        article = article_and_editor()
        text_ = article.current_revision.text
        if scenario == "same passage":
            base = sets["en_council: one error, many extents"]
        else:
            base = sets["en_council: the whole article"]
        issues = base.issues
        reports = base.reports[:n]
        while len(reports) < n:
            reports += base.reports[:n - len(reports)]
        leads = seed(article, reports, issues)
        db.session.remove()
    client = app.test_client()
    weights = Counter(r.issue for r in reports)
    all_sentences = sentences(text_)
    times, statements, updated = [], [], []
    # One report first, untimed: the process's first request of a point compiles statements and
    # fills caches, which is not what the figures are about.
    issue = rng.choices(issues, [weights[i.id] or 0 for i in issues])[0]
    warm = client.post("/api/v1/corrections", json=post_body(text_, _selection(text_, issue, rng, all_sentences, .08)))
    assert warm.status_code == 201, warm.get_data(as_text=True)[:300]
    for _ in range(repeats):
        issue = rng.choices(issues, [weights[i.id] or 0 for i in issues])[0]
        body = post_body(text_, _selection(text_, issue, rng, all_sentences, .08))
        counters.reset()
        started = time.perf_counter()
        response = client.post("/api/v1/corrections", json=body)
        elapsed = time.perf_counter() - started
        assert response.status_code == 201, response.get_data(as_text=True)[:300]
        times.append(elapsed * 1000)
        statements.append(counters.statements)
        updated.append(counters.updated)
    with app.app_context():
        group_size = db.session.scalar(select(func.count()).select_from(Correction).where(
            Correction.group_id == leads[max(weights, key=weights.get)]))
        groups = db.session.scalar(select(func.count(func.distinct(Correction.group_id))))
        db.session.remove()
    return {"scenario": scenario, "n": n, "median_ms": statistics.median(times), "min_ms": min(times),
            "max_ms": max(times), "times_ms": times, "statements": statements, "rows_updated": updated,
            "largest_group_after": group_size, "groups_after": groups,
            "load_before": load_before, "load_after": load()}


def detail_page(app, client_signed_in: bool = False) -> dict:
    """The desk's page of the biggest group's lead, as an editor (after a same-passage point)."""
    with app.app_context():
        lead = db.session.scalar(select(Correction.id).where(Correction.is_lead.is_(True))
                                 .order_by(Correction.group_size.desc()).limit(1))
        size = db.session.scalar(select(func.count()).select_from(Correction).where(Correction.group_id == lead))
        db.session.remove()
    client = app.test_client()
    response = client.post("/auth/login", data={"email": "editor@flood.example", "password": PASSWORD})
    assert response.status_code == 302, response.status_code
    times, size_bytes = [], 0
    for _ in range(3):
        started = time.perf_counter()
        response = client.get(f"/desk/corrections/{lead}")
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
        size_bytes = len(response.data)
    return {"group": size, "median_ms": statistics.median(times), "bytes": size_bytes, "load": load()}


def realistic_sets(app, seed: int, limit: int | None = None) -> list[dict]:
    """Every report set POSTed in arrival order into an empty database (its first ``limit`` reports);
    the groups formed."""
    out = []
    for report_set in report_sets(seed):
        if limit is not None:
            report_set.reports[limit:] = []
        with app.app_context():
            empty_database()
            article_and_editor("en_council" if report_set.name.startswith("en_") else "uk_budget")
            db.session.remove()
        client = app.test_client()
        ids = []
        for r in report_set.reports:
            response = client.post("/api/v1/corrections", json=post_body(report_set.text, (r.start, r.end)))
            assert response.status_code == 201, response.get_data(as_text=True)[:300]
            ids.append(response.get_json()["id"])
        with app.app_context():
            group_of = dict(db.session.execute(select(Correction.public_id, Correction.group_id)).all())
            db.session.remove()
        groups = [group_of[i] for i in ids]
        result = scores(report_set.reports, groups)
        out.append({"set": report_set.name, "reports": len(ids), "errors": len(report_set.issues), **result})
        print(f"  {report_set.name:55} groups {result['groups']:4} (largest {result['largest']:.0%}), "
              f"B³ F1 {result['f1']:.2f}", flush=True)
    return out


def run(url: str, redis_url: str | None, sizes: list[int], repeats: int, with_sets: bool, seed: int,
        set_limit: int | None = None) -> dict:
    app = make_app(url, redis_url)
    rng = random.Random(seed)
    with app.app_context():
        counters = Counters(db.engine)
        dialect = db.engine.dialect.name
        version = db.session.scalar(text("SELECT version()" if dialect == "postgresql" else "SELECT sqlite_version()"))
        db.session.remove()
    result = {"dialect": dialect, "version": version.split(",")[0], "points": [], "detail": [], "sets": []}
    for n in sizes:
        for scenario in ("same passage", "one article"):
            point = flood_point(app, counters, scenario, n, repeats, rng)
            result["points"].append(point)
            print(f"{dialect:10} {scenario:13} n={n:6}: median {point['median_ms']:8.1f} ms "
                  f"(min {point['min_ms']:.1f}, max {point['max_ms']:.1f}), statements {point['statements']}, "
                  f"rows updated {point['rows_updated']}, load {point['load_before']:.1f}→{point['load_after']:.1f}",
                  flush=True)
            if scenario == "same passage":
                detail = detail_page(app)
                result["detail"].append(detail)
                print(f"{dialect:10} detail page, group of {detail['group']}: {detail['median_ms']:.1f} ms, "
                      f"{detail['bytes']:,} bytes", flush=True)
    if with_sets:
        result["sets"] = realistic_sets(app, seed, set_limit)
    if redis_url:
        from redis import Redis

        Redis.from_url(redis_url).flushdb()  # the editor notifications this run queued
    return result


def _point_cell(p: dict | None) -> str:
    if p is None:
        return "—"
    return (f"{p['median_ms']:,.1f} · {statistics.median(p['statements']):.0f} · "
            f"{statistics.median(p['rows_updated']):,.0f} · {p['load_before']:.1f}→{p['load_after']:.1f}")


def _detail_cell(d: dict | None) -> str:
    return "—" if d is None else f"{d['median_ms']:,.1f} · {d['bytes']:,}"


def _by_point(runs: dict, dialect: str) -> tuple[dict, dict]:
    """{(scenario, n): {label: point}} and {group size (its power of ten): {label: detail}} for one
    database."""
    points: dict = {}
    details: dict = {}
    for label, data in runs.items():
        for r in data["runs"]:
            if r["dialect"] != dialect:
                continue
            for p in r["points"]:
                points.setdefault((p["scenario"], p["n"]), {})[label] = p
            for d in r["detail"]:
                details.setdefault(10 ** round(math.log10(d["group"])), {})[label] = d  # ~n of the point
    return points, details


def print_tables(labels: list[str]) -> None:
    runs = {label: json.loads((RESULTS / f"{label}.json").read_text()) for label in labels}
    for dialect in ("sqlite", "postgresql"):
        points, details = _by_point(runs, dialect)
        if not points:
            continue
        print(f"\n{dialect}: one new report (median of the runs; statements and rows updated per POST; "
              "load average before→after)\n")
        print("| reports already there | " + " | ".join(f"{label}: ms · statements · rows updated · load"
                                                      for label in labels) + " |")
        print("|---|" + "---|" * len(labels))
        for (scenario, n), by_label in sorted(points.items(), key=lambda kv: (kv[0][0] != "same passage", kv[0][1])):
            print(f"| {n:,} on {scenario} | " + " | ".join(_point_cell(by_label.get(label)) for label in labels)
                  + " |")
        print(f"\n{dialect}: the desk's page of the group's lead\n")
        print("| group | " + " | ".join(f"{label}: ms · bytes" for label in labels) + " |")
        print("|---|" + "---|" * len(labels))
        for group, by_label in sorted(details.items()):
            print(f"| ~{group:,} | " + " | ".join(_detail_cell(by_label.get(label)) for label in labels) + " |")


def print_sets(before: str, after: str) -> None:
    """The realistic report sets through the app: groups before and after, per database."""
    runs = {label: json.loads((RESULTS / f"{label}.json").read_text()) for label in (before, after)}
    for dialect in ("sqlite", "postgresql"):
        sets = {label: next((r["sets"] for r in data["runs"] if r["dialect"] == dialect and r["sets"]), None)
                for label, data in runs.items()}
        if not all(sets.values()):
            continue
        print(f"\n{dialect}: the report sets POSTed one by one (groups formed; the largest group's share; B³ F1)\n")
        print(f"| report set | reports | errors | {before} | {after} |")
        print("|---|---:|---:|---|---|")
        for b, a in zip(sets[before], sets[after], strict=True):
            print(f"| {a['set']} | {a['reports']} | {a['errors']} "
                  f"| {b['groups']} ({b['largest']:.0%}), F1 {b['f1']:.2f} "
                  f"| {a['groups']} ({a['largest']:.0%}), F1 {a['f1']:.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--redis-url")
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--sets", action="store_true", help="Also POST the realistic report sets.")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--label", help="Save the results as results/<label>.json.")
    parser.add_argument("--table", nargs="+", metavar="LABEL", help="Print the README tables from saved results.")
    parser.add_argument("--sets-table", nargs=2, metavar=("BEFORE", "AFTER"),
                        help="Print the README's report-set table from two saved results.")
    parser.add_argument("--tiny", action="store_true", help="A few reports of everything: to check the script works.")
    args = parser.parse_args()
    set_limit = None
    if args.tiny:
        args.sizes, args.repeats, args.sets, set_limit = "3", 1, True, 6
    if args.table or args.sets_table:
        if args.table:
            print_tables(args.table)
        if args.sets_table:
            print_sets(*args.sets_table)
        return
    if not args.database_url:
        parser.error("give --database-url (repeatable) or --table")
    sizes = [int(s) for s in args.sizes.split(",")]
    runs = [run(url, args.redis_url, sizes, args.repeats, args.sets, args.seed, set_limit)
            for url in args.database_url]
    if args.label:
        RESULTS.mkdir(exist_ok=True)
        commit = os.popen("git rev-parse --short HEAD").read().strip()
        (RESULTS / f"{args.label}.json").write_text(json.dumps({
            "label": args.label, "date": time.strftime("%Y-%m-%d %H:%M"), "commit": commit,
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "command": " ".join(sys.argv), "runs": runs}, indent=1, default=str))


if __name__ == "__main__":
    main()
