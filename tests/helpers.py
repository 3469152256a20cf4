"""Test helpers that are not factories: signing in through the real login forms."""

import pyotp

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.models import User
from readerdesk.services.desk.users import normalise_email
from tests.factories import PASSWORD, TOTP_SECRET


def next_totp_code(user: User, secret: str = TOTP_SECRET) -> str:
    """A code the server accepts now: the current time step, or the next one when the current one was
    used already (a code is never accepted twice; the server allows one step of clock drift)."""
    db.session.refresh(user)
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    step = max(current - 1, (user.totp_last_step or 0) + 1)
    assert step <= current + 1, "signed in too often within one 30-second step"
    return totp.generate_otp(step)


def sign_in(client, user_or_email, password: str = PASSWORD, *, remember: bool = False):
    email = getattr(user_or_email, "email", user_or_email)
    response = client.post("/auth/login", data={"email": email, "password": password,
                                                **({"remember": "y"} if remember else {})})
    assert response.status_code == 302, f"could not sign in as {email}"
    if response.headers["Location"].endswith("/auth/two-factor"):
        user = db.session.query(User).filter_by(email=normalise_email(email)).one()
        response = client.post("/auth/two-factor", data={"code": next_totp_code(user)})
        assert response.status_code == 302, f"the second factor of {email} was refused"
    return response
