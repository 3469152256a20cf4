"""readerdesk: reader corrections, a moderation desk and patrons, beside a newsroom's CMS."""

from __future__ import annotations

import logging
import os

from flask import Flask

from readerdesk import models
from readerdesk.cli import register_commands
from readerdesk.config import (
    check_production_config,
    development_secret_key,
    engine_options,
    load_config,
    ratelimit_storage_options,
)
from readerdesk.extensions import csrf, db, limiter, login_manager, migrate
from readerdesk.jobs import runner as job_runner
from readerdesk.sessions import NoApiCookieSessionInterface
from readerdesk.text.ids import IdConverter
from readerdesk.views import register_blueprints
from readerdesk.views.errors import register_error_handlers
from readerdesk.views.guards import register_request_guards


def create_app(config: dict | None = None) -> Flask:
    """The app factory. ``config`` overrides what the environment gives (tests pass their own)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(os.path.dirname(__file__), os.pardir, "templates"),
        static_folder=os.path.join(os.path.dirname(__file__), os.pardir, "static"),
    )
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    check_production_config(app.config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", ratelimit_storage_options(app.config))
    if not app.config.get("SECRET_KEY") and app.config.get("DEBUG"):
        app.config["SECRET_KEY"] = development_secret_key(app.instance_path)
    app.session_interface = NoApiCookieSessionInterface()
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), os.pardir, "migrations"),
                     include_object=models.include_in_autogenerate)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)

    app.url_map.converters["int"] = IdConverter  # before any route is added
    register_blueprints(app)

    register_commands(app)
    job_runner.init_app(app)

    register_error_handlers(app)
    register_request_guards(app)
    return app
