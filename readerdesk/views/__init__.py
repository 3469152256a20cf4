"""Blueprints: thin views that parse, authorize, call one service, commit, render."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from readerdesk.views import api, auth, desk, desk_admin, health, pages

    app.register_blueprint(health.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(desk.bp)
    app.register_blueprint(desk_admin.bp)
