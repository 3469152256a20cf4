"""Re-anchoring inside the app: 1,000 open corrections on a 50,000-character article, one new revision.

Times ``services.articles.add_revision`` end to end (sanitize, canonical text, diff, re-anchor every
open correction, write 1,000 anchor-history rows, flush) plus the commit, on a real database; the
re-anchoring part of it alone (``reanchor_open_corrections`` and the commit: the same work as the
engine's plus the database's); and in the same run the anchoring engine alone on the same spans (one
``RevisionDiff``, then ``reanchor`` for each). Both start with the engine's caches of encoded texts
empty, as a new revision's text always does: every run has the same texts, and the engine timed
warm, right after the app's run, took about half as long. Re-anchoring / engine is what the app adds
around the engine; add_revision also sanitizes the new HTML and computes its canonical text.

With ``--revision 2`` the revision timed is the article's second: the first (untimed) moved the
reports from "anchored" to "unchanged" and the rest, and most keep their state through the second,
as they do through every later revision of an article.

    .venv/bin/python bench/anchoring/app_reanchor.py                       # SQLite in a temp dir
    .venv/bin/python bench/anchoring/app_reanchor.py --database-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/anchoring/app_reanchor.py --revision 2
"""

from __future__ import annotations

import argparse
import html
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import make_cases  # noqa: E402

from readerdesk import create_app  # noqa: E402
from readerdesk.anchoring import RevisionDiff  # noqa: E402
from readerdesk.anchoring.match import clear_caches  # noqa: E402
from readerdesk.clock import utcnow  # noqa: E402
from readerdesk.extensions import db  # noqa: E402
from readerdesk.models import AnchorState, Correction  # noqa: E402
from readerdesk.services.articles import ingest  # noqa: E402
from readerdesk.services.articles.ingest import add_revision, ingest_article  # noqa: E402
from readerdesk.services.articles.sites import create_site  # noqa: E402


def as_html(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n\n"))


def article_texts(size: int, rng: random.Random) -> tuple[str, str, str]:
    texts = make_cases.load_texts()
    body = "\n\n".join(make_cases.vary(t, k) for k in range(1, 80) for t in texts.values())
    old = body[:size]
    old = old[:old.rfind("\n\n")].strip()
    paragraphs = old.split("\n\n")
    # The revision: a paragraph moved, numbers changed, a paragraph added near the top.
    moved = paragraphs.pop(len(paragraphs) // 2)
    paragraphs.append(moved)
    paragraphs.insert(2, "A new paragraph was added here by the editors after readers wrote in.")
    new = "\n\n".join(paragraphs).replace("12", "13", 3)
    # A second revision: another paragraph moved, one cut, a number changed again.
    paragraphs = new.split("\n\n")
    paragraphs.insert(len(paragraphs) // 3, paragraphs.pop(len(paragraphs) // 4))
    paragraphs.pop(len(paragraphs) // 2)
    newer = "\n\n".join(paragraphs).replace("13", "14", 2)
    return old, new, newer


def engine_time(old_text: str, new_text: str, spans: list[tuple[int, int]]) -> tuple[float, float]:
    clear_caches()  # the app's run just encoded these texts; a new revision's text is never cached
    started, cpu = time.perf_counter(), time.process_time()
    diff = RevisionDiff(old_text, new_text)
    for span in spans:
        diff.reanchor(span)
    return time.perf_counter() - started, time.process_time() - cpu


# (wall, CPU) seconds in reanchor_open_corrections, per add_revision. CPU time is this process's
# alone: on a shared machine it moves far less than wall time (SQLite runs in the process too).
REANCHORING: list[tuple[float, float]] = []


def timed_reanchoring(*args, **kwargs):
    started, cpu = time.perf_counter(), time.process_time()
    try:
        return reanchor_open_corrections(*args, **kwargs)
    finally:
        REANCHORING.append((time.perf_counter() - started, time.process_time() - cpu))


reanchor_open_corrections = ingest.reanchor_open_corrections
ingest.reanchor_open_corrections = timed_reanchoring


def run_once(app, size: int, count: int, rng: random.Random,
             timed_revision: int = 1) -> tuple[float, tuple, tuple, dict]:
    with app.app_context():
        db.drop_all()
        db.create_all()
        site = create_site(db.session, "bench", base_url="https://bench.example", body_selector="article").site
        old, new, newer = article_texts(size, rng)
        article = ingest_article(db.session, site, url="https://bench.example/a", title="Bench",
                                 html=as_html(old), now=utcnow()).article
        revision = article.current_revision
        text = revision.text
        words = [i for i in range(1, len(text)) if text[i - 1] == " "]
        rows = []
        for n in range(count):
            start = rng.choice(words)
            end = min(len(text), start + rng.randint(10, 120))
            rows.append(dict(public_id=f"p{n}", idempotency_key=f"k{n}", article_id=article.id,
                             revision_id=revision.id, exact=text[start:end], prefix=text[max(0, start - 32):start],
                             suffix=text[end:end + 32], start=start, end=end, anchor_state=AnchorState.ANCHORED,
                             anchor_revision_id=revision.id, anchor_start=start, anchor_end=end, selectors=[]))
        db.session.execute(db.insert(Correction), rows)
        db.session.commit()
        spans = [(r["start"], r["end"]) for r in rows]
        if timed_revision == 2:
            text = add_revision(db.session, article, as_html(new), now=utcnow()).text
            db.session.commit()
            spans = [(start, end) for start, end in db.session.execute(
                db.select(Correction.anchor_start, Correction.anchor_end).where(Correction.anchor_start.is_not(None)))]
            new = newer
        db.session.expire_all()
        article = db.session.merge(article)
        clear_caches()  # the previous run's engine encoded these same texts
        t0 = time.perf_counter()
        revision = add_revision(db.session, article, as_html(new), now=utcnow())
        t_commit, cpu_commit = time.perf_counter(), time.process_time()
        db.session.commit()
        elapsed = time.perf_counter() - t0
        reanchoring = (REANCHORING[-1][0] + time.perf_counter() - t_commit,
                       REANCHORING[-1][1] + time.process_time() - cpu_commit)
        engine = engine_time(text, revision.text, spans)
        states = dict(db.session.execute(
            db.select(Correction.anchor_state, db.func.count()).group_by(Correction.anchor_state)).all())
        db.session.remove()
        return elapsed, reanchoring, engine, {k.value: v for k, v in states.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--corrections", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--revision", type=int, choices=(1, 2), default=1,
                        help="time the article's first revision after the reports (default) or its second")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        from readerdesk.config import normalise_database_url

        app = create_app({"TESTING": True, "SECRET_KEY": "bench-secret-key-xxxxxxxx",
                          "SQLALCHEMY_DATABASE_URI": normalise_database_url(url)})
        rng = random.Random(11)
        times, reanchorings, engines, states = [], [], [], {}
        for _ in range(args.repeats):
            elapsed, reanchoring, engine, states = run_once(app, args.size, args.corrections, rng, args.revision)
            times.append(elapsed)
            reanchorings.append(reanchoring)
            engines.append(engine)
        dialect = url.split(":", 1)[0]
        wall = [r[0] / e[0] for r, e in zip(reanchorings, engines, strict=True)]
        cpu = [r[1] / e[1] for r, e in zip(reanchorings, engines, strict=True)]

        def ms(values):
            return f"{statistics.median(values) * 1000:.0f} ms"

        print(f"{dialect}: {args.corrections} corrections, {args.size:,}-char article, revision {args.revision}, "
              f"medians of {args.repeats} runs: add_revision + commit {ms(times)} (min {min(times) * 1000:.0f}, max "
              f"{max(times) * 1000:.0f}); re-anchoring + commit {ms([r[0] for r in reanchorings])} wall, "
              f"{ms([r[1] for r in reanchorings])} CPU; the engine alone {ms([e[0] for e in engines])} wall, "
              f"{ms([e[1] for e in engines])} CPU; re-anchoring / engine: {statistics.median(wall):.2f} wall "
              f"(per run {', '.join(f'{r:.2f}' for r in wall)}), {statistics.median(cpu):.2f} CPU "
              f"(per run {', '.join(f'{r:.2f}' for r in cpu)}); load {os.getloadavg()[0]:.1f}; states after: {states}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
