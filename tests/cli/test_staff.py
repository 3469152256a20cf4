"""The flask commands, run as an admin would run them."""



from sqlalchemy import select

from readerdesk.models import Article, ArticleRevision, Site, User
from tests.cli.shared import count
from tests.factories import CHEAP_PASSWORDS, make_user


def test_demo_is_idempotent_and_prints_a_working_admin_password(runner, db_session):
    from readerdesk.clock import utcnow
    from readerdesk.services.desk.users import authenticate

    def all_counts():
        return tuple(count(db_session, model) for model in (Site, Article, ArticleRevision, User))

    first = runner.invoke(args=["readerdesk", "demo"])
    assert first.exit_code == 0, first.output
    counts = all_counts()
    second = runner.invoke(args=["readerdesk", "demo"])
    assert second.exit_code == 0
    assert all_counts() == counts
    assert counts[1] >= 4 and counts[2] == counts[1] + 1  # one article has a second revision
    password = second.output.split("password: ")[1].split()[0]
    # The CLI hashed with the app's PASSWORD_HASHER, which the tests set to CHEAP_PASSWORDS.
    admin = authenticate(db_session, "admin@example.com", password, now=utcnow(), password_settings=CHEAP_PASSWORDS)
    assert admin.is_admin


def test_demo_articles_are_realistic(runner, db_session):
    runner.invoke(args=["readerdesk", "demo"])
    for article in db_session.scalars(select(Article)):
        assert article.current_revision.text.count("\n\n") >= 7, article.title
    bridge = db_session.scalar(select(Article).where(Article.external_id == "demo:bridge"))
    first, second = bridge.revisions
    phrase = "the twelve-member budget committee"
    assert first.text.count(phrase) == 2
    assert "replace twelve of the bridge" in first.text and "replace eleven of the bridge" in second.text


def test_create_user_with_password_option_and_errors(runner, db_session):
    password = ["--password", "a long enough password"]
    ok = runner.invoke(args=["readerdesk", "create-user", "New@Example.com", "--role", "admin", *password])
    assert ok.exit_code == 0 and "Created admin new@example.com." in ok.output
    duplicate = runner.invoke(args=["readerdesk", "create-user", "new@example.com", *password])
    assert duplicate.exit_code == 1 and "exists already" in duplicate.output
    short = runner.invoke(args=["readerdesk", "create-user", "b@example.com", "--password", "short"])
    assert short.exit_code == 1 and "at least" in short.output
    unsigned = runner.invoke(args=["readerdesk", "create-user", "w@example.com", "--role", "author", *password])
    assert unsigned.exit_code == 1 and "needs the name they sign articles with" in unsigned.output
    author = runner.invoke(args=["readerdesk", "create-user", "w@example.com", "--role", "author",
                                 "--byline", "Olena Koval", *password])
    assert author.exit_code == 0 and "Created author w@example.com." in author.output


def test_create_user_prompts_for_the_password(runner, db_session):
    result = runner.invoke(args=["readerdesk", "create-user", "p@example.com"],
                           input="a long enough password\na long enough password\n")
    assert result.exit_code == 0, result.output
    assert db_session.scalar(select(User).where(User.email == "p@example.com")) is not None


def test_the_reset_command_helps_a_lone_admin(runner, db_session):
    admin = make_user(db_session, "boss@example.com", "admin")
    db_session.commit()
    result = runner.invoke(args=["readerdesk", "reset-2fa", "boss@example.com"])
    assert result.exit_code == 0 and "set it up again" in result.output
    db_session.refresh(admin)
    assert not admin.has_two_factor
    assert runner.invoke(args=["readerdesk", "reset-2fa", "nobody@example.com"]).exit_code == 1
