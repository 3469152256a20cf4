"""Property-based fuzzing of the public API from its own OpenAPI document (schemathesis): whatever a
client sends, the answer is never a server error, and it matches the document: a documented status
code, content type and body. (Not checked: that every schema-valid report is accepted; rules the
schema cannot say, such as "a typo report needs a quote", answer 400 with `fields`.)"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from readerdesk import create_app
from readerdesk.clock import utcnow
from readerdesk.demo import load_demo
from readerdesk.extensions import db
from tests.conftest import app_settings, reset_database


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    app = create_app(app_settings(tmp_path_factory.mktemp("fuzz"), SERVER_NAME="127.0.0.1:5000",
                                  PUBLIC_URL="http://127.0.0.1:5000", TRUSTED_HOSTS=["127.0.0.1", "localhost"]))
    with app.app_context():
        reset_database()
        load_demo(db.session, now=utcnow())
        db.session.commit()
        db.session.remove()
    return app


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(scope="module")
def api_schema(fuzz_app):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_app)


@schema.parametrize()
# The same cases on every run, so CI is reproducible; FUZZ_EXAMPLES=1000 explores further.
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_with_a_server_error(case):
    case.call_and_validate(checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])
