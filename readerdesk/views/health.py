"""Liveness and readiness probes for the load balancer.

``/healthz`` touches nothing: the process answers. ``/readyz`` checks the database and Redis, each
with a short timeout, and says which one failed. Only the database makes it 503: without Redis the app
keeps taking reports and sign-ins (in-memory rate limits, jobs waiting in the outbox), so taking every
instance out of the load balancer would turn a degraded service into an outage.
"""

from __future__ import annotations

from contextlib import suppress

from flask import Blueprint, current_app, jsonify
from redis.exceptions import RedisError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from readerdesk.extensions import db
from readerdesk.jobs.runner import redis_client

bp = Blueprint("health", __name__)
PROBE_STATEMENT_TIMEOUT_MS = 1000


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _database_ok() -> bool:
    try:
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text(f"SET LOCAL statement_timeout = {PROBE_STATEMENT_TIMEOUT_MS}"))
        db.session.execute(text("SELECT 1"))
        db.session.rollback()
    except SQLAlchemyError:
        with suppress(SQLAlchemyError):
            db.session.rollback()
        return False
    return True


def _redis_state() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return "not configured"
    try:
        redis_client(url, timeout=current_app.config["REDIS_TIMEOUT"]).ping()
    except (RedisError, OSError):
        return "unreachable"
    return "ok"


@bp.get("/readyz")
def readyz():
    database = "ok" if _database_ok() else "unreachable"
    redis = _redis_state()
    if database != "ok":
        return jsonify(status="unavailable", database=database, redis=redis), 503
    return jsonify(status="ok" if redis != "unreachable" else "degraded", database=database, redis=redis)
