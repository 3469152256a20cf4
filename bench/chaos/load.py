"""Readers sending reports the way the widget does: a key per report, the same key again after a 5xx
(once Retry-After has passed) or a dropped connection, a bounded number of times."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import requests

ATTEMPTS = 10
REQUEST_TIMEOUT = 15


@dataclass
class Sent:
    key: str
    statuses: list[int] = field(default_factory=list)  # 0: no answer (connection refused or reset)

    @property
    def acknowledged(self) -> bool:
        return any(200 <= s < 300 for s in self.statuses)

    @property
    def retried_after_5xx(self) -> bool:
        return any(s >= 500 or s == 0 for s in self.statuses)


@dataclass
class Load:
    sent: list[Sent] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, predicate: Callable[[int], bool]) -> int:
        return sum(1 for s in self.sent for status in s.statuses if predicate(status))

    @property
    def acknowledged(self) -> list[str]:
        return [s.key for s in self.sent if s.acknowledged]

    @property
    def retried(self) -> list[str]:
        return [s.key for s in self.sent if s.retried_after_5xx]

    def summary(self) -> str:
        server_errors = self.count(lambda s: s >= 500)
        answers_500 = self.count(lambda s: s == 500)
        no_answer = self.count(lambda s: s == 0)
        return (f"{server_errors} answers 5xx ({answers_500} of them 500), {no_answer} without an answer, "
                f"{len(self.retried)} keys sent again")


_local = threading.local()


def _session() -> requests.Session:
    if not hasattr(_local, "session"):
        _local.session = requests.Session()
    return _local.session


def send_report(url: str, payload: dict, deadline: float) -> Sent:
    sent = Sent(payload["idempotency_key"])
    for _ in range(ATTEMPTS):
        try:
            response = _session().post(url + "/api/v1/corrections", json=payload, timeout=REQUEST_TIMEOUT)
        except requests.RequestException:
            sent.statuses.append(0)
            wait = 0.5
        else:
            sent.statuses.append(response.status_code)
            if response.status_code < 500:
                return sent
            wait = min(float(response.headers.get("Retry-After") or 1), 5)
        if time.monotonic() + wait > deadline:
            break
        time.sleep(wait)
    return sent


def send_reports(url: str, payloads: Iterable[dict], *, concurrency: int, deadline: float,
                 on_progress: Callable[[int], None] | None = None) -> Load:
    """Send every payload with ``concurrency`` readers at once; ``on_progress(n)`` after each one."""
    load = Load()
    lock = threading.Lock()
    started = time.monotonic()

    def one(payload: dict) -> None:
        sent = send_report(url, payload, deadline)
        with lock:
            load.sent.append(sent)
            done = len(load.sent)
        if on_progress is not None:
            on_progress(done)

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        for future in [pool.submit(one, p) for p in payloads]:
            future.result()
    load.seconds = time.monotonic() - started
    return load
