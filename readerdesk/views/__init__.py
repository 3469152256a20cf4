"""Blueprints: thin views that parse, authorize, call one service, commit, render.

Areas: ``public`` (article pages, the corrections log, the support page), ``api`` (the widget's and
the CMS's JSON API), ``desk`` (editors); plus ``auth``, ``errors``, ``health`` and ``webhooks``."""

from flask import Flask

from readerdesk.views import auth, health, webhooks
from readerdesk.views.api import corrections as api_corrections
from readerdesk.views.api import notes as api_notes  # noqa: F401  (adds /api/v1/notes to the api blueprint)
from readerdesk.views.api import polls as api_polls  # noqa: F401  (adds /api/v1/polls/open to the api blueprint)
from readerdesk.views.desk import account as desk_account
from readerdesk.views.desk import admin as desk_admin
from readerdesk.views.desk import patrons as desk_patrons
from readerdesk.views.desk import polls as desk_polls
from readerdesk.views.desk import privacy as desk_privacy
from readerdesk.views.desk import publish as desk_publish
from readerdesk.views.desk import reports as desk_reports
from readerdesk.views.desk import stats as desk_stats
from readerdesk.views.public import corrections_log, pages, polls, privacy, support


def register_blueprints(app: Flask) -> None:
    for blueprint in (health.bp, pages.bp, api_corrections.bp, auth.bp, desk_reports.bp, desk_admin.bp,
                      desk_account.bp, desk_publish.bp, desk_stats.bp, desk_patrons.bp, desk_polls.bp,
                      desk_privacy.bp, corrections_log.bp, support.bp, polls.bp, privacy.bp, webhooks.bp):
        app.register_blueprint(blueprint)
