"""The WSGI and CLI entry point (`flask --app app …`, `gunicorn app:app`)."""
import sys

from readerdesk import create_app
from readerdesk.config import ConfigError

try:
    app = create_app()
except ConfigError as exc:
    # A missing or unsafe setting is the admin's to fix: one line naming it, exit code 1, no traceback.
    sys.exit(f"readerdesk: {exc}")
