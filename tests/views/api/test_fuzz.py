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
from readerdesk.views.api.openapi import openapi_document
from tests.conftest import app_settings, committed_database
from tests.factories import CHEAP_PASSWORDS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, database):
    """The demo, committed: schemathesis calls the app outside any test's transaction."""
    app = create_app(app_settings(tmp_path_factory.mktemp("fuzz"), SERVER_NAME="127.0.0.1:5000",
                                  PUBLIC_URL="http://127.0.0.1:5000", TRUSTED_HOSTS=["127.0.0.1", "localhost"]))
    with committed_database(app):
        with app.app_context():
            load_demo(db.session, now=utcnow(), password_settings=CHEAP_PASSWORDS)
            db.session.commit()
        yield app


# The document the app serves at /api/v1/openapi.json, loaded directly: the cases are generated at
# collection, and every call goes to the module's app.
schema = schemathesis.openapi.from_dict(openapi_document())


@schema.parametrize()
# The same cases on every run, so CI is reproducible; FUZZ_EXAMPLES=1000 explores further.
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")), deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_the_api_never_answers_with_a_server_error(case, fuzz_app):
    # Answers uncompressed: schemathesis's WSGI transport does not undo gzip as an HTTP client does
    # (tests/views/test_assets.py checks the compression).
    case.call_and_validate(app=fuzz_app, headers={"Accept-Encoding": "identity"},
                           checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                   response_schema_conformance])
