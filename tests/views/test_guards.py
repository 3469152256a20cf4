"""Input no database can store (NUL characters) is a 400, wherever it comes in."""

import pytest

from tests.factories import make_user
from tests.helpers import sign_in


@pytest.mark.parametrize("method, path, kwargs", [
    ("get", "/api/v1/corrections/abc%00def", {}),
    ("get", "/api/v1/widget-config?url=https://a.example/%00", {}),
    ("get", "/api/v1/notes?url=https://a.example/x%00", {}),
    ("post", "/api/v1/corrections", {"json": {"idempotency_key": "nul-0000-key", "comment": "a\u0000b"}}),
    ("post", "/auth/login", {"data": {"email": "a\u0000@example.com", "password": "x"}}),
    ("get", "/sites/demo%00/", {}),
    ("get", "/status/x%00", {}),
])
def test_nul_characters_are_refused_with_a_reason(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)


def test_the_desk_search_refuses_nul_too(client, db_session):
    sign_in(client, make_user(db_session, "ed@example.com"))
    db_session.commit()
    assert client.get("/desk/?q=bridge%00").status_code == 400


def test_ordinary_text_passes(client):
    assert client.get("/api/v1/notes?url=https://a.example/x").status_code == 200
