"""The flask commands, run as an admin would run them."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rq import Worker

from readerdesk import create_app
from readerdesk.extensions import db
from tests.conftest import TEST_SECRET_KEY, app_settings
from tests.local_servers import RedisServer, have_redis

ROOT = Path(__file__).parents[2]


def test_worker_without_redis_says_so(runner):
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 1 and "REDIS_URL is not set" in result.output


@pytest.mark.skipif(not have_redis(), reason="redis-server is not installed")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_worker_stops_on_sigterm_or_sigint_and_leaves_no_process_behind(tmp_path, signum):
    database_url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
    app = create_app(app_settings(tmp_path, SQLALCHEMY_DATABASE_URI=database_url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    with RedisServer() as redis, open(tmp_path / "worker.log", "w") as log:
        env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": redis.url(), "READERDESK_TESTING": "1",
               "SECRET_KEY": TEST_SECRET_KEY, "JOBS_POLL_SECONDS": "0.2"}
        worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker"], cwd=ROOT, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120  # a loaded machine starts Flask slowly
            while not Worker.all(connection=redis.client()) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert Worker.all(connection=redis.client()), (tmp_path / "worker.log").read_text()
            # No scheduler or other child that a SIGKILL could leave behind as an orphan.
            assert Path(f"/proc/{worker.pid}/task/{worker.pid}/children").read_text().split() == []
            worker.send_signal(signum)
            assert worker.wait(timeout=20) == 0
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    assert "worker stopped" in (tmp_path / "worker.log").read_text()
