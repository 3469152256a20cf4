"""gunicorn's settings for readerdesk; gunicorn reads ./gunicorn.conf.py by itself (`gunicorn app:app`).

Only a start-up check lives here: several workers without REDIS_URL each count rate limits alone."""

from __future__ import annotations

from readerdesk.config import load_config, multi_worker_warning


def when_ready(server) -> None:
    warning = multi_worker_warning(load_config("instance"), server.cfg.workers)
    if warning:
        server.log.warning("!" * 20 + " readerdesk: " + warning + " " + "!" * 20)
