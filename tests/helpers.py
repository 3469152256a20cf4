"""Test helpers that are not factories: signing in through the real login form, running the outbox,
counting SQL."""

from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app
from sqlalchemy import event

from readerdesk.jobs.runner import run_due
from tests.factories import PASSWORD


def sign_in(client, user_or_email, password: str = PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"could not sign in as {email}"
    return response


def run_jobs() -> int:
    """Run the jobs the requests so far left in the outbox, as the web process's thread or the worker
    would after the response; how many ran."""
    return run_due(current_app._get_current_object())


@contextmanager
def recorded_statements(session) -> Iterator[list[str]]:
    """The SQL statements run on the session's database while the block runs (requests included:
    under the SAVEPOINT fixtures they share the test's connection), less the fixtures' own SAVEPOINT
    statements, which stand in for a real BEGIN and COMMIT. The listener goes at the end."""
    engine = session.get_bind().engine
    statements: list[str] = []

    def record(conn, cursor, statement, *rest):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)
