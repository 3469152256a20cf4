import subprocess
import sys

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from readerdesk import create_app
from readerdesk.config import ConfigError, engine_options, load_config, multi_worker_warning, normalise_database_url
from readerdesk.extensions import db
from tests.conftest import app_settings, is_postgres


def env(**values):
    return {"PATH": "/usr/bin:/bin", **values}


@pytest.mark.parametrize("secret", [None, "", "dev", "change-me", "short"])
def test_production_refuses_a_missing_or_default_secret_key(tmp_path, monkeypatch, secret):
    for name in ("FLASK_DEBUG", "READERDESK_TESTING", "SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    if secret is not None:
        monkeypatch.setenv("SECRET_KEY", secret)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_the_refusal_is_one_line_on_the_command_line(tmp_path):
    import os

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "app", "sites", "list"], cwd=root,
                            env=env(DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3", PYTHONPATH=root),
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("readerdesk: SECRET_KEY is missing or insecure: set SECRET_KEY")


def test_settings_come_from_the_environment(tmp_path):
    config = load_config(str(tmp_path), env(
        SECRET_KEY="x" * 40, DATABASE_URL="postgres://u@db/rd", REDIS_URL="redis://r:6379/0",
        MAIL_SERVER="smtp.example", MAIL_PORT="587", MAIL_USE_TLS="true", STRIPE_SECRET_KEY="sk_test_1"))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/rd"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://r:6379/0"
    assert (config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_USE_TLS"]) == ("smtp.example", 587, True)
    assert config["STRIPE_SECRET_KEY"] == "sk_test_1"
    assert config["SESSION_COOKIE_SECURE"] is True and config["SESSION_COOKIE_HTTPONLY"] is True


def test_defaults_use_sqlite_under_instance_and_memory_limits(tmp_path):
    config = load_config(str(tmp_path), env())
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/readerdesk.sqlite3"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["REDIS_URL"] is None and config["STRIPE_SECRET_KEY"] is None


def test_a_non_numeric_port_is_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="MAIL_PORT must be a whole number"):
        load_config(str(tmp_path), env(MAIL_PORT="smtp"))


def test_database_url_forms():
    assert normalise_database_url("postgresql://postgres@127.0.0.1:5432/test") == "postgresql+psycopg://postgres@127.0.0.1:5432/test"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_debug_runs_without_a_secret_key_get_a_persistent_one(tmp_path, monkeypatch):
    """`make run` (debug, no SECRET_KEY) must still let staff sign in, and stay signed in across restarts."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.chdir(tmp_path)
    first = create_app({"SECRET_KEY": ""})
    second = create_app({"SECRET_KEY": ""})
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert first.test_client().get("/auth/login").status_code == 200


def test_several_workers_without_redis_get_a_loud_warning(tmp_path, monkeypatch):
    import importlib.util
    import os

    production = load_config(str(tmp_path), env(SECRET_KEY="x" * 40, PUBLIC_URL="https://desk.example"))
    assert multi_worker_warning(production, 1) is None
    assert "4 workers" in multi_worker_warning(production, 4)
    assert multi_worker_warning({**production, "REDIS_URL": "redis://r/0"}, 4) is None

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    spec = importlib.util.spec_from_file_location("gunicorn_conf", os.path.join(root, "gunicorn.conf.py"))
    gunicorn_conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gunicorn_conf)
    warned = []

    class Server:
        class cfg:  # noqa: N801  (gunicorn's attribute names)
            workers = 4

        class log:  # noqa: N801
            warning = warned.append

    for name in ("REDIS_URL", "FLASK_DEBUG", "READERDESK_TESTING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    gunicorn_conf.when_ready(Server)
    assert len(warned) == 1 and "REDIS_URL is not set and 4 workers" in warned[0]


@pytest.mark.parametrize("key", ["aaaaaaaaaaaaaaaa", "abababababababababab", "0000000000000000000000000000"])
def test_production_refuses_secret_keys_with_little_entropy(tmp_path, monkeypatch, key):
    for name in ("FLASK_DEBUG", "READERDESK_TESTING"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", key)
    monkeypatch.setenv("PUBLIC_URL", "https://desk.example")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "9c1f5e0a7b3d42c8e6a1f09b7d3c5e2a")  # random hex: accepted
    assert create_app().config["SECRET_KEY"].startswith("9c1f")


def test_remember_days_is_at_most_thirty(tmp_path):
    assert load_config(str(tmp_path), env())["REMEMBER_DAYS"] == 14
    with pytest.raises(ConfigError, match="REMEMBER_DAYS"):
        load_config(str(tmp_path), env(REMEMBER_DAYS="365"))


def test_production_refuses_to_start_without_public_url(tmp_path, monkeypatch):
    for name in ("FLASK_DEBUG", "READERDESK_TESTING", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = app_settings(tmp_path, TESTING=False, SECRET_KEY="3f9a0c6e1b7d45c2a8e9f0b1c2d3e4f5")
    settings.pop("PUBLIC_URL")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match="PUBLIC_URL is not set"):
        create_app(settings)
    with pytest.raises(ConfigError, match="PUBLIC_URL must be"):
        create_app({**settings, "PUBLIC_URL": "https://desk.example/path"})
    app = create_app({**settings, "PUBLIC_URL": "https://Desk.Example/"})
    assert app.config["PUBLIC_URL"] == "https://desk.example"
    assert app.config["TRUSTED_HOSTS"] == ["desk.example"]
    assert app.test_client().get("/healthz", base_url="https://other.example").status_code == 400
    assert app.test_client().get("/healthz", base_url="https://desk.example").status_code == 200


def test_retention_defaults_and_a_retention_of_no_days_is_refused(tmp_path):
    config = load_config(str(tmp_path), env())
    assert (config["RETENTION_READER_DAYS"], config["RETENTION_IP_DAYS"]) == (180, 30)
    assert load_config(str(tmp_path), env(RETENTION_IP_DAYS="7"))["RETENTION_IP_DAYS"] == 7
    with pytest.raises(ConfigError, match="RETENTION_READER_DAYS must be at least 1"):
        load_config(str(tmp_path), env(RETENTION_READER_DAYS="0"))


def test_postgresql_connections_check_themselves_and_time_out(tmp_path):
    config = load_config(str(tmp_path), env(DATABASE_URL="postgresql://db/rd", DATABASE_STATEMENT_TIMEOUT="2.5"))
    assert engine_options(config) == {"pool_pre_ping": True, "connect_args": {
        "connect_timeout": 3, "options": "-c statement_timeout=2500"}}
    no_timeout = load_config(str(tmp_path), env(DATABASE_URL="postgresql://db/rd", DATABASE_STATEMENT_TIMEOUT="0"))
    assert "options" not in engine_options(no_timeout)["connect_args"]
    assert engine_options(load_config(str(tmp_path), env())) == {"pool_pre_ping": True}
    # A search path (or any server option) the URL sets stays, with the timeout added.
    in_schema = load_config(str(tmp_path), env(DATABASE_URL="postgresql://db/rd?options=-csearch_path%3Dbench",
                                               DATABASE_STATEMENT_TIMEOUT="2.5"))
    assert engine_options(in_schema)["connect_args"]["options"] == "-csearch_path=bench -c statement_timeout=2500"


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_the_statement_timeout_reaches_the_server(tmp_path):
    app = create_app(app_settings(tmp_path, DATABASE_STATEMENT_TIMEOUT=0.2))
    with app.app_context():
        try:
            with pytest.raises(OperationalError, match="statement timeout"):
                db.session.execute(text("SELECT pg_sleep(2)"))
        finally:
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="needs TEST_DATABASE_URL pointing at PostgreSQL")
def test_a_statement_run_often_is_prepared(tmp_path):
    """psycopg prepares a statement run five times on a connection: a reader's report's statements
    are parsed once per connection, not once per report (the desk's queue plans its own with their
    values: tests/services/desk/test_queue.py)."""
    app = create_app(app_settings(tmp_path))
    with app.app_context():
        try:
            for n in range(12):
                db.session.execute(text("SELECT :n + 1"), {"n": n})
            prepared = db.session.execute(text("SELECT count(*) FROM pg_prepared_statements")).scalar()
            assert prepared >= 1
        finally:
            db.session.rollback()
            db.session.remove()
            db.engine.dispose()
