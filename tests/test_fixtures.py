"""The fixtures' promise: what a test commits is gone before the next test starts."""

from sqlalchemy import func, select

from readerdesk import create_app
from readerdesk.extensions import db
from readerdesk.models import Site
from tests.conftest import app_settings, rolled_back
from tests.factories import make_site


def test_a_tests_commits_and_rollbacks_stay_inside_its_transaction(database):
    url = database.url.render_as_string(hide_password=False)
    app = create_app(app_settings(None, SQLALCHEMY_DATABASE_URI=url))
    with app.app_context():
        with rolled_back(database):
            make_site(db.session, "committed")
            db.session.commit()
            make_site(db.session, "rolled-back")
            db.session.rollback()
            assert db.session.scalars(select(Site.name)).all() == ["committed"]
        with rolled_back(database):
            assert db.session.scalar(select(func.count(Site.id))) == 0
