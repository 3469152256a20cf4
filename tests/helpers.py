"""Test helpers that are not factories: signing in through the real login form."""

from tests.factories import PASSWORD


def sign_in(client, user_or_email, password: str = PASSWORD):
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/auth/login", data={"email": email, "password": password})
    assert response.status_code == 302, f"could not sign in as {email}"
    return response
