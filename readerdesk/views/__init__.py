"""Blueprints: thin views that parse, authorize, call one service, commit, render."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from readerdesk.views import api, auth, desk, health, pages

    from readerdesk.views import api_notes  # noqa: F401  (adds /api/v1/notes to api.bp before it is registered)

    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(desk.bp)

    from readerdesk.views import corrections_log, desk_publish, desk_stats

    app.register_blueprint(corrections_log.bp)
    app.register_blueprint(desk_publish.bp)
    app.register_blueprint(desk_stats.bp)
