"""The app with one more route, for ``run.py --floor``: the least a durable POST costs through readerdesk.

``POST /bench/floor`` parses the JSON body and stores it as one row of ``bench_floor`` (one INSERT,
one commit on the session), then answers 201 with the row's id. It runs through every request hook
the app has (host check, input guards, security headers, CORS), as ``/healthz`` and a reader's report
do, but no rate limit, no validation, no anchoring, no grouping and no Redis. What a report costs
above it is readerdesk's own work; what it costs above ``/healthz`` is any durable write's.

Served by gunicorn as ``bench.api.floor:create_floor_app()``; the benchmark creates the table
(``FLOOR_TABLE_SQL``).
"""

from __future__ import annotations

from flask import Flask, jsonify, request
from sqlalchemy import text

from readerdesk import create_app
from readerdesk.extensions import csrf, db

FLOOR_PATH = "/bench/floor"
FLOOR_TABLE_SQL = "CREATE TABLE bench_floor (id bigserial PRIMARY KEY, body jsonb NOT NULL)"
_INSERT = text("INSERT INTO bench_floor (body) VALUES (CAST(:body AS jsonb)) RETURNING id")


def create_floor_app() -> Flask:
    app = create_app()

    @app.post(FLOOR_PATH)
    @csrf.exempt
    def floor():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify(error="Send one JSON object."), 400
        row_id = db.session.execute(_INSERT, {"body": request.get_data(as_text=True)}).scalar_one()
        db.session.commit()
        return jsonify(id=row_id), 201

    return app
