"""The OpenAPI document matches the real /api/v1 routes and is a valid OpenAPI 3.1 document."""

from __future__ import annotations

import re

from openapi_spec_validator import validate

IGNORED_METHODS = {"HEAD", "OPTIONS"}  # HEAD is implied by GET; OPTIONS answers CORS preflights


def _routes(app) -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule[len("/api/v1"):])
            routes.setdefault(path, set()).update(m for m in rule.methods if m not in IGNORED_METHODS)
    return routes


def test_document_is_valid_and_served(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.1")


def test_document_describes_exactly_the_routes(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {path: {m.upper() for m in item if m in {"get", "put", "post", "patch", "delete"}}
                  for path, item in document["paths"].items()}
    assert documented == _routes(app)
