"""readerdesk: reader corrections, a moderation desk and patrons, beside a newsroom's CMS."""

from __future__ import annotations

import logging
import os
from datetime import timedelta

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from readerdesk import models, queue_changes
from readerdesk.cli import register_commands
from readerdesk.config import (
    check_production_config,
    default_trusted_hosts,
    development_secret_key,
    engine_options,
    load_config,
    parse_public_url,
    ratelimit_storage_options,
)
from readerdesk.extensions import csrf, db, limiter, login_manager, migrate
from readerdesk.jobs import runner as job_runner
from readerdesk.sessions import NoApiCookieSessionInterface
from readerdesk.text.ids import IdConverter
from readerdesk.views import register_blueprints
from readerdesk.views.assets import register_assets
from readerdesk.views.errors import register_error_handlers
from readerdesk.views.guards import register_request_guards
from readerdesk.views.headers import register_security_headers
from readerdesk.views.locale import init_babel


def create_app(config: dict | None = None) -> Flask:
    """The app factory. ``config`` overrides what the environment gives (tests pass their own)."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=os.path.join(os.path.dirname(__file__), os.pardir, "templates"),
        static_folder=None,  # served by views.assets: versioned URLs, caching, gzip
    )
    app.config.update(load_config(app.instance_path))
    if config:
        app.config.update(config)
    app.config["PUBLIC_URL"] = parse_public_url(app.config.get("PUBLIC_URL") or "")
    check_production_config(app.config)
    if app.config.get("TRUSTED_HOSTS") is None:  # Flask answers 400 to any other Host header
        app.config["TRUSTED_HOSTS"] = default_trusted_hosts(app.config["PUBLIC_URL"],
                                                            debug=bool(app.config.get("DEBUG")))
    if app.config.get("TRUSTED_PROXIES"):  # the client's address and scheme as the proxies saw them
        proxies = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", engine_options(app.config))
    # Always names the pool (None: the limiter's own): Flask-Limiter's one Limiter object keeps the
    # options of every app it was set up with, and a pool left over from another app must not stay.
    app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", {
        **ratelimit_storage_options(app.config), "connection_pool": job_runner.limiter_connection_pool(app.config)})
    if not app.config.get("SECRET_KEY") and app.config.get("DEBUG"):
        app.config["SECRET_KEY"] = development_secret_key(app.instance_path)
    app.session_interface = NoApiCookieSessionInterface()
    # "Keep me signed in" makes the session cookie permanent; the server-side session ends it anyway.
    app.permanent_session_lifetime = timedelta(days=app.config["REMEMBER_DAYS"])
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    db.init_app(app)
    queue_changes.watch()
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(__file__), os.pardir, "migrations"),
                     include_object=models.include_in_autogenerate)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    init_babel(app, os.path.join(os.path.dirname(__file__), "translations"))

    app.url_map.converters["int"] = IdConverter  # before any route is added
    register_blueprints(app)
    register_assets(app)

    register_commands(app)
    job_runner.init_app(app)

    register_error_handlers(app)
    register_request_guards(app)
    register_security_headers(app)
    return app
