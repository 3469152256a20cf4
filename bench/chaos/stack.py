"""Everything the chaos run breaks, started privately: a PostgreSQL cluster and a redis-server on free
ports in temporary directories (``tests.local_servers``), a mail server and a fake Stripe in this
process, gunicorn and ``flask worker`` as child processes. ``Stack.close()`` removes all of it, also
after a failure. Only 127.0.0.1 is ever contacted."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

from tests.fakes.smtp import SmtpServer
from tests.fakes.stripe import WEBHOOK_SECRET, FakeStripeServer
from tests.local_servers import PostgresCluster, RedisServer, free_port

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
SECRET_KEY = "chaos-run-secret-key-0123456789abcdef"
# The recommended production settings (README, Production): sync workers queue health checks behind
# slow requests; gthread workers answer them from another thread.
GUNICORN_ARGS = ["-w", "2", "-k", "gthread", "--threads", "4", "--timeout", "30", "--graceful-timeout", "5"]


class SlowInbox(SmtpServer):
    """The aiosmtpd test server, taking ``delay`` seconds per message, like a real relay: a worker
    killed at a random moment is often in the middle of a send."""

    def __init__(self, delay: float = 0.0):
        super().__init__()
        self.delay = delay
        inner = self.inbox.handle_DATA

        async def slow(server, session, envelope):
            if self.delay:
                await asyncio.sleep(self.delay)
            return await inner(server, session, envelope)

        self.inbox.handle_DATA = slow

    def received(self, recipients: set[str] | None = None) -> Counter:
        """How many times each Message-ID arrived (for ``recipients`` only, if given)."""
        return Counter(m["Message-ID"] for m in list(self.messages) if recipients is None or m["To"] in recipients)


class Stack:
    def __init__(self, gunicorn_args: list[str] | None = None, **settings: str):
        self.dir = Path(tempfile.mkdtemp(prefix="readerdesk-chaos-"))
        self.pg = PostgresCluster()
        self.redis = RedisServer()
        self.smtp = SlowInbox()
        self.stripe = FakeStripeServer()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.gunicorn_args = gunicorn_args or GUNICORN_ARGS
        self.gunicorn: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.database_url = ""
        self.settings = settings

    # --- lifecycle ----------------------------------------------------------------------------------

    def start(self) -> Stack:
        self.pg.start()
        self.database_url = self.pg.create_database("chaos")
        self.redis.start()
        self.smtp.start()
        self.stripe.start()
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url, "REDIS_URL": self.redis.url(), "SECRET_KEY": SECRET_KEY,
            "PUBLIC_URL": self.url, "INSECURE_COOKIES": "1", "FLASK_DEBUG": "0", "READERDESK_TESTING": "0",
            "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": str(self.smtp.port), "MAIL_FROM": "Desk <desk@chaos.example>",
            # Readers' decision emails are what scenario 3 counts; an email to the editors per report
            # would only lengthen the worker's queue on this small machine.
            "HTTP_TIMEOUT": "3", "EDITOR_NOTIFICATIONS": "off",
            "STRIPE_SECRET_KEY": "sk_test_chaos", "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "STRIPE_API_BASE": self.stripe.url,
            # Every report comes from 127.0.0.1: limits stay on (in Redis, or in memory without it), high.
            "RATELIMIT_CORRECTIONS": "100000 per minute", "RATELIMIT_LOGIN": "1000 per minute",
            # Short enough to see a killed worker's job taken over within the run, and, as in production
            # (300 s against 50 s), longer than an email attempt may stay unconfirmed (3 x HTTP_TIMEOUT
            # + 5 s, jobs.mail.send_once): a taken-over email is sent again at once, instead of
            # "in progress" pushing it to the retry a minute later.
            "JOBS_LEASE_SECONDS": "15", "JOBS_POLL_SECONDS": "1",
            **self.settings,
        }
        subprocess.run([str(VENV_BIN / "flask"), "--app", "app", "db", "upgrade"], cwd=ROOT, env=self.env, check=True,
                       capture_output=True)
        self.start_gunicorn()
        self.start_worker()
        return self

    def start_gunicorn(self) -> None:
        log = open(self.dir / "gunicorn.log", "a")  # noqa: SIM115 (closed with the process)
        self.gunicorn = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), *self.gunicorn_args, "-b", f"127.0.0.1:{self.port}", "app:app"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/healthz", timeout=2).ok:
                    return
            except requests.RequestException:
                time.sleep(0.2)
        raise TimeoutError("gunicorn did not answer /healthz in 60 s; see " + str(self.dir / "gunicorn.log"))

    def stop_gunicorn(self) -> None:
        if self.gunicorn is not None and self.gunicorn.poll() is None:
            os.killpg(self.gunicorn.pid, signal.SIGTERM)
            self.gunicorn.wait(timeout=30)
        self.gunicorn = None

    def start_worker(self) -> None:
        log = open(self.dir / "worker.log", "a")  # noqa: SIM115
        self.worker = subprocess.Popen([str(VENV_BIN / "flask"), "--app", "app", "worker"], cwd=ROOT, env=self.env,
                                       stdout=log, stderr=subprocess.STDOUT)

    def kill_worker(self) -> int:
        """SIGKILL the worker (wherever it is in a job), start a new one; how many children it left."""
        assert self.worker is not None
        children = self.children(self.worker.pid)
        self.worker.kill()
        self.worker.wait(timeout=10)
        orphans = [pid for pid in children if Path(f"/proc/{pid}").exists()]
        self.start_worker()
        return len(orphans)

    @staticmethod
    def children(pid: int) -> list[int]:
        try:
            return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        except OSError:
            return []

    def close(self) -> None:
        try:
            self.stop_gunicorn()
        except (OSError, subprocess.TimeoutExpired):
            os.killpg(self.gunicorn.pid, signal.SIGKILL)
        if self.worker is not None and self.worker.poll() is None:
            self.worker.terminate()
            try:
                self.worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.worker.kill()
                self.worker.wait(timeout=5)
        for stop in (self.smtp.stop, self.stripe.stop, self.redis.close, self.pg.close):
            try:
                stop()
            except Exception as exc:  # keep removing the rest
                print(f"cleanup: {stop.__qualname__} failed: {exc}", file=sys.stderr)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log_tail(self, name: str, lines: int = 30) -> str:
        path = self.dir / name
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def __enter__(self) -> Stack:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()
