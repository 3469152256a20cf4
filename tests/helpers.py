"""Test helpers that are not factories: signing in through the real login form, running the outbox."""

from flask import current_app

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
