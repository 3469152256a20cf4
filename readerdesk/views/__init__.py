"""Blueprints: thin views that parse, authorize, call one service, commit, render."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from readerdesk.views import (
        api,
        auth,
        corrections_log,
        desk,
        desk_admin,
        desk_publish,
        desk_stats,
        health,
        pages,
        patrons_desk,
        support,
        webhooks,
    )
    from readerdesk.views import api_notes  # noqa: F401  (adds /api/v1/notes to api.bp before it is registered)

    for blueprint in (health.bp, pages.bp, api.bp, auth.bp, desk.bp, desk_admin.bp, desk_publish.bp, desk_stats.bp,
                      patrons_desk.bp, corrections_log.bp, support.bp, webhooks.bp):
        app.register_blueprint(blueprint)

