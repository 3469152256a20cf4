"""Test helpers that are not factories: signing in through the real login forms, running the outbox,
counting SQL, finding English left on a translated page."""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pyotp
from flask import current_app
from sqlalchemy import event, select
from sqlalchemy import text as sql

from readerdesk.clock import utcnow
from readerdesk.extensions import db
from readerdesk.jobs.runner import run_due
from readerdesk.models import SecurityEvent, User
from readerdesk.services.desk.users import normalise_email
from tests.factories import PASSWORD, TOTP_SECRET
from tests.test_translations import SAME_IN_EVERY_LANGUAGE, untranslated


def next_totp_code(user: User, secret: str = TOTP_SECRET) -> str:
    """A code the server accepts now: the current time step, or the next one when the current one was
    used already (a code is never accepted twice; the server allows one step of clock drift)."""
    db.session.refresh(user)
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    step = max(current - 1, (user.totp_last_step or 0) + 1)
    left = totp.interval - utcnow().timestamp() % totp.interval
    if step < current and left < 3:
        # The last step is accepted only until the next one begins: a code for it written now could
        # reach the server a step too late (the flaky sign-in), so wait for the new step.
        time.sleep(left + 0.05)
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


def password_step(client, user):
    """The first step of signing in, alone: where it sends the person (the desk, or the code page)."""
    return client.post("/auth/login", data={"email": user.email, "password": PASSWORD})


def on_desk(client) -> bool:
    """Whether this browser's cookie still opens the desk."""
    return client.get("/desk/").status_code == 200


def enrol(client) -> tuple[str, list[str]]:
    """Set up two-factor sign-in as a person would: read the key under the QR code, type a code.
    Returns the secret and the recovery codes shown."""
    page = client.get("/desk/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in page  # the QR code, inline: no request leaves the desk
    secret = re.search(r'<code id="secret">([A-Z2-7]+)</code>', page).group(1)
    done = client.post("/desk/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, done.get_data(as_text=True)
    return secret, re.findall(r"<code>([A-Z2-9-]{19})</code>", done.get_data(as_text=True))


def security_actions(session) -> list[str]:
    """The security log's actions, oldest first."""
    return [e.action for e in session.scalars(select(SecurityEvent).order_by(SecurityEvent.id))]


def run_jobs() -> int:
    """Run the jobs the requests so far left in the outbox, as the web process's thread or the worker
    would after the response; how many ran."""
    app = current_app._get_current_object()
    ran = total = run_due(app)
    while ran:  # jobs those jobs asked for, and any a slow first pass left due
        ran = run_due(app)
        total += ran
    return total


def browser_sign_in(page, url: str, email: str, password: str = PASSWORD) -> None:
    """Open ``url`` at the desk in a browser page, sign in on the login page it leads to, and land back there."""
    page.goto(url)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(url)


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


# Latin words a Ukrainian page keeps: formats, codes and names of things (the catalogue writes them so).
KEPT_IN_UKRAINIAN = {"CSV", "JSON", "Email", "email", "UTC", "API", "CSS", "URL", "CMS", "IANA", "ISO", "EIN", "IP",
                     "Redis", "MAIL", "SERVER", "id", "Editor", "Author", "schema", "org"}


def english_left(page: str, *data: str) -> list[str]:
    """The text of the page's <main> a reader would read that is still English (what
    tests/test_translations.py's check finds), once the records' own ``data`` (names, emails,
    questions: what people typed, in any language) is taken out."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0].split(">", 1)[1]
    for text in sorted(data, key=len, reverse=True):
        main = re.sub(rf"(?<!\w){re.escape(text)}(?!\w)", " ", main)
    return [text for text in untranslated(main) if set(re.findall(r"[A-Za-z]+", text)) - KEPT_IN_UKRAINIAN
            - SAME_IN_EVERY_LANGUAGE]


def correction_updates(session) -> tuple[int, int]:
    """This transaction's updates of the reports' table so far on PostgreSQL, and how many were made in
    place (HOT: no new index entry)."""
    return tuple(session.execute(sql(
        "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relid = 'corrections'::regclass")).one())
