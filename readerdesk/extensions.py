"""Flask extensions, created unbound; ``create_app`` binds them to an app."""

from typing import TYPE_CHECKING

from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from redis import Redis
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so Alembic can alter them on every backend (SQLite batch mode included).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# Every model subclasses Model. At run time it is db.Model, which Flask-SQLAlchemy builds from Base
# (same metadata, same registry, plus its own mixins). Type checkers cannot use a class held in an
# instance attribute as a base (python/mypy#8603), so they see Base itself.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model

migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])

REDIS_EXTENSION = "readerdesk.redis"


def init_redis(app: Flask) -> None:
    """One Redis client (one connection pool) per process for the rate limiter and the job queue.

    Call after ``limiter.init_app``: when the limiter keeps its counts in ``REDIS_URL`` too, the
    queue uses the limiter's own client, so a report's request reuses one pooled connection for both
    instead of opening a new one to enqueue its jobs."""
    url = app.config.get("REDIS_URL")
    if not url:
        return
    storage = limiter.storage
    if app.config.get("RATELIMIT_STORAGE_URI") == url and hasattr(storage, "get_connection"):
        app.extensions[REDIS_EXTENSION] = storage.get_connection()
    else:
        app.extensions[REDIS_EXTENSION] = Redis.from_url(url)


def redis_client(app: Flask) -> Redis:
    """The process's Redis client (``init_redis``), made now if ``REDIS_URL`` was set after start-up."""
    if REDIS_EXTENSION not in app.extensions:
        app.extensions[REDIS_EXTENSION] = Redis.from_url(app.config["REDIS_URL"])
    return app.extensions[REDIS_EXTENSION]
