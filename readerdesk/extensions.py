"""Flask extensions, created unbound; ``create_app`` binds them to an app."""

from datetime import date, datetime
from typing import TYPE_CHECKING

import flask_babel
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from readerdesk.text.languages import format_day, format_moment
from readerdesk.text.money import format_amount

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
babel = Babel()


class _BabelTranslator:
    """Flask-Babel's gettext, ngettext and number format, in the locale of the request (views.locale)
    or of ``force_locale`` (jobs): the :class:`readerdesk.text.languages.Translator` views and jobs
    hand to services."""

    gettext = staticmethod(flask_babel.gettext)
    ngettext = staticmethod(flask_babel.ngettext)
    number = staticmethod(flask_babel.format_decimal)

    @staticmethod
    def money(minor: int, currency: str) -> str:
        # Outside any app context Flask-Babel has no locale: English then, the desk's own fallback.
        return format_amount(minor, currency, flask_babel.get_locale() or "en")

    @staticmethod
    def day(moment: date | datetime) -> str:
        return format_day(moment, flask_babel.get_locale(), flask_babel.get_timezone())

    @staticmethod
    def moment(moment: datetime) -> str:
        return format_moment(moment, flask_babel.get_locale(), flask_babel.get_timezone())


TRANSLATOR = _BabelTranslator()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
