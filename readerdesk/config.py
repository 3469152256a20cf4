"""Settings, read from the environment (and a ``.env`` file) when the app is created.

Nothing here runs at import time: :func:`load_config` is called by the app factory, so tests and
the CLI can build apps with different settings in one process.
"""

from __future__ import annotations

import ipaddress
import json
import math
import os
import re
import secrets
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import load_dotenv
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy.engine import make_url

# Values that must never reach production as the secret key.
INSECURE_SECRET_KEYS = {"", "dev", "change-me", "changeme", "secret"}
MIN_SECRET_KEY_BITS = 64  # estimated entropy: `secrets.token_hex(32)` has ~120 by this estimate
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:5000"
MAX_REMEMBER_DAYS = 30


class ConfigError(RuntimeError):
    """A setting production needs is missing or unsafe; the message says what to set."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(env: dict, name: str, default: int) -> int:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _list(raw: str | None) -> list[str]:
    return [item.strip() for item in (raw or "").replace(",", " ").split() if item.strip()]


def parse_public_url(raw: str) -> str:
    """``PUBLIC_URL``: the scheme and host (and port) readers and staff reach readerdesk at. Every
    absolute link readerdesk makes starts with it, never with the Host a request claims."""
    raw = (raw or "").strip().rstrip("/")
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError:
        raise ConfigError(f"PUBLIC_URL is not a URL: {raw!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment:
        raise ConfigError(f"PUBLIC_URL must be scheme://host[:port] with nothing after it, got {raw!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def parse_networks(raw: str | None) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``ALLOWED_FETCH_NETWORKS``: CIDR blocks outbound fetches may reach although they are not public
    (an intranet CMS), e.g. ``10.20.0.0/16 192.168.5.7/32``."""
    networks = []
    for item in _list(raw):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(f"ALLOWED_FETCH_NETWORKS: {item!r} is not a network like 10.0.0.0/8") from None
    return networks


def default_trusted_hosts(public_url: str, *, debug: bool) -> list[str]:
    """The Host names requests may carry when ``TRUSTED_HOSTS`` is not set: PUBLIC_URL's (and, for a
    debug run on this machine, localhost and 127.0.0.1)."""
    hosts = [urlsplit(public_url).hostname] if public_url else []
    if debug:
        hosts += ["localhost", "127.0.0.1"]
    return list(dict.fromkeys(h for h in hosts if h))


def secret_key_bits(key: str) -> float:
    """A rough entropy estimate: length × the Shannon entropy of its characters. Sixteen identical
    characters score 0; a 64-character hex token about 250."""
    if not key:
        return 0.0
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return per_char * len(key)


def _days(env: dict, name: str, default: int) -> int:
    days = _int(env, name, default)
    if days < 1:
        raise ConfigError(f"{name} must be at least 1 (days), got {days}")
    return days


def _float(env: dict, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number of seconds, got {raw!r}") from None


def default_database_url(instance_path: str) -> str:
    return "sqlite:///" + str(Path(instance_path) / "readerdesk.sqlite3")


def normalise_database_url(url: str) -> str:
    """Accept the ``postgres://`` and ``postgresql://`` forms hosts hand out; use psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


DEFAULT_SUPPORT_TIERS = [
    {"id": "coffee", "name": "A cup of coffee", "amount": 300, "interval": "month",
     "description": "The price of one cup of coffee a month."},
    {"id": "reader", "name": "Regular reader", "amount": 800, "interval": "month",
     "description": "Keeps one local story a month free for everyone."},
    {"id": "champion", "name": "Champion", "amount": 2000, "interval": "month",
     "description": "Funds the fact-checking behind our corrections."},
    {"id": "yearly", "name": "Yearly patron", "amount": 3000, "interval": "year",
     "description": "One payment a year."},
]
TIER_ID_RE = r"^[a-z0-9][a-z0-9-]{0,39}$"


def parse_support_tiers(raw: str | None) -> list[dict]:
    """``SUPPORT_TIERS``: a JSON list of {"id", "name", "amount" (minor units), "interval" (month|year),
    optional "description"}. Unset gives :data:`DEFAULT_SUPPORT_TIERS`."""
    if raw in (None, ""):
        return [dict(t) for t in DEFAULT_SUPPORT_TIERS]
    try:
        tiers = json.loads(raw)
    except ValueError as exc:
        raise ConfigError(f"SUPPORT_TIERS is not valid JSON: {exc}") from None
    if not isinstance(tiers, list) or not tiers:
        raise ConfigError("SUPPORT_TIERS must be a non-empty JSON list of tiers")
    seen = set()
    for tier in tiers:
        if not isinstance(tier, dict):
            raise ConfigError("each SUPPORT_TIERS entry must be an object with id, name, amount, interval")
        tid, amount = tier.get("id"), tier.get("amount")
        if not isinstance(tid, str) or not re.match(TIER_ID_RE, tid) or tid in seen or tid == "custom":
            raise ConfigError(f"SUPPORT_TIERS: bad or repeated tier id {tid!r} (lower-case letters, digits, dashes)")
        if not isinstance(tier.get("name"), str) or not tier["name"].strip():
            raise ConfigError(f"SUPPORT_TIERS: tier {tid!r} needs a name")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ConfigError(f"SUPPORT_TIERS: tier {tid!r} needs a positive whole amount in minor units")
        if tier.get("interval") not in ("month", "year"):
            raise ConfigError(f"SUPPORT_TIERS: tier {tid!r} interval must be month or year")
        tier.setdefault("description", "")
        seen.add(tid)
    return tiers


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"DESK_TIMEZONE must be an IANA time zone such as Europe/Kyiv, got {name!r}") from exc
    return name


def load_config(instance_path: str, environ: dict | None = None) -> dict:
    """Build the Flask config mapping from environment variables."""
    if environ is None:
        load_dotenv(os.path.join(os.getcwd(), ".env"), override=False)
        environ = dict(os.environ)
    env = environ
    debug = _bool(env.get("FLASK_DEBUG"))
    testing = _bool(env.get("READERDESK_TESTING"))
    redis_url = env.get("REDIS_URL") or None
    remember_days = _int(env, "REMEMBER_DAYS", 14)
    if not 0 < remember_days <= MAX_REMEMBER_DAYS:
        raise ConfigError(f"REMEMBER_DAYS must be between 1 and {MAX_REMEMBER_DAYS}, got {remember_days}")
    config = {
        "SECRET_KEY": env.get("SECRET_KEY", ""),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(
            env.get("DATABASE_URL") or default_database_url(instance_path)
        ),
        # PostgreSQL: a statement that runs longer is cancelled (0: never), so no request holds a worker
        # indefinitely; connecting gives up after DATABASE_CONNECT_TIMEOUT. See engine_options().
        "DATABASE_STATEMENT_TIMEOUT": _float(env, "DATABASE_STATEMENT_TIMEOUT", 5),
        "DATABASE_CONNECT_TIMEOUT": _int(env, "DATABASE_CONNECT_TIMEOUT", 3),
        # The Retry-After of the 503 a request gets while the database is unreachable.
        "DATABASE_RETRY_AFTER": _int(env, "DATABASE_RETRY_AFTER", 2),
        "REDIS_URL": redis_url,
        # How long a request waits on Redis before going on without it (rate limits, queueing a job).
        "REDIS_TIMEOUT": _float(env, "REDIS_TIMEOUT", 0.5),
        # The outbox (readerdesk.jobs): how long a runner may hold a job before another takes it over,
        # how often runners look for due jobs, whether web processes without Redis run jobs in a
        # thread, and how long done jobs are kept.
        "JOBS_LEASE_SECONDS": _int(env, "JOBS_LEASE_SECONDS", 300),
        "JOBS_POLL_SECONDS": _float(env, "JOBS_POLL_SECONDS", 5),
        "JOBS_BACKGROUND_THREAD": _bool(env.get("JOBS_BACKGROUND_THREAD"), default=True),
        "JOBS_KEEP_DONE_DAYS": _int(env, "JOBS_KEEP_DONE_DAYS", 7),
        "DEBUG": debug,
        "TESTING": testing,
        # The time zone the desk shows dates in (an IANA name such as Europe/Kyiv).
        "DESK_TIMEZONE": _timezone(env.get("DESK_TIMEZONE") or "UTC"),
        # Public API limits.
        "MAX_CONTENT_LENGTH": _int(env, "MAX_CONTENT_LENGTH", 64 * 1024),
        # Articles from the CMS (push) and WordPress (sync): a long article in a non-Latin script,
        # JSON-escaped, is far over the readers' limit above.
        "MAX_ARTICLE_BYTES": _int(env, "MAX_ARTICLE_BYTES", 2 * 1024 * 1024),
        "RATELIMIT_STORAGE_URI": redis_url or "memory://",
        # Redis down: count in this process's memory meanwhile (Flask-Limiter logs the switch once).
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # ...and a request whose Redis call failed while another thread was making that switch goes
        # through uncounted (logged) instead of raising a 500: only the first failure switches.
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_CORRECTIONS": env.get("RATELIMIT_CORRECTIONS", "10 per minute;100 per day"),
        "RATELIMIT_LOGIN": env.get("RATELIMIT_LOGIN", "10 per minute"),
        # Outgoing HTTP (article import, WordPress sync, Slack).
        "HTTP_TIMEOUT": _int(env, "HTTP_TIMEOUT", 15),
        "HTTP_USER_AGENT": env.get("HTTP_USER_AGENT", "readerdesk/1.0 (+corrections desk)"),
        # Mail.
        "MAIL_SERVER": env.get("MAIL_SERVER") or None,
        "MAIL_PORT": _int(env, "MAIL_PORT", 25),
        "MAIL_USERNAME": env.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": env.get("MAIL_PASSWORD") or None,
        "MAIL_USE_TLS": _bool(env.get("MAIL_USE_TLS")),
        "MAIL_USE_SSL": _bool(env.get("MAIL_USE_SSL")),
        "MAIL_FROM": env.get("MAIL_FROM", "readerdesk <corrections@localhost>"),
        "EDITOR_NOTIFICATIONS": env.get("EDITOR_NOTIFICATIONS", "each"),  # each | digest | off
        "SLACK_WEBHOOK_URL": env.get("SLACK_WEBHOOK_URL") or None,
        # This service's public address: every absolute link (emails, Stripe, API, feeds) starts
        # with it. Required in production; debug and test runs default to the development server.
        "PUBLIC_URL": parse_public_url(env.get("PUBLIC_URL") or (DEVELOPMENT_PUBLIC_URL if debug or testing else "")),
        # Host names a request may carry; others get 400. Unset: PUBLIC_URL's host (see create_app).
        "TRUSTED_HOSTS": _list(env.get("TRUSTED_HOSTS")) or None,
        # How many proxies in front set X-Forwarded-For/-Proto (0: use the socket's address).
        "TRUSTED_PROXIES": _int(env, "TRUSTED_PROXIES", 0),
        # Non-public networks outbound fetches may reach anyway (an intranet CMS).
        "ALLOWED_FETCH_NETWORKS": parse_networks(env.get("ALLOWED_FETCH_NETWORKS")),
        # Stripe.
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY") or None,
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET") or None,
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE") or None,
        # The tiers a new site's support page starts with (minor units); each site then has its own
        # currency, tiers, custom-amount bounds and card fee in the database (edited at the desk).
        "SUPPORT_TIERS": parse_support_tiers(env.get("SUPPORT_TIERS")),
        "PORTAL_LINK_MAX_AGE": _int(env, "PORTAL_LINK_MAX_AGE", 30 * 60),
        # Session cookies: Secure outside debug/testing.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not (debug or testing) and not _bool(env.get("INSECURE_COOKIES")),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": not (debug or testing) and not _bool(env.get("INSECURE_COOKIES")),
        # Staff sessions: stored server-side (revocable); "keep me signed in" lasts REMEMBER_DAYS,
        # other sessions SESSION_HOURS from sign-in. A CSRF token lives as long as a work day.
        "REMEMBER_DAYS": remember_days,
        "SESSION_HOURS": _int(env, "SESSION_HOURS", 12),
        "WTF_CSRF_TIME_LIMIT": _int(env, "CSRF_TIME_LIMIT", 8 * 3600),
        # Argon2id cost as {"time_cost", "memory_cost", "parallelism"}; None is the library's defaults.
        # Not read from the environment: the tests set a cheap one.
        "PASSWORD_HASHER": None,
        # The desk: how long tab counts of a filtered queue are reused (0: count on every load).
        "DESK_COUNT_CACHE_SECONDS": _int(env, "DESK_COUNT_CACHE_SECONDS", 30),
        # Personal data (services.privacy.retention): days after a report is closed before the reader's
        # name, email and page URL go; days before an IP hash (and the day's key) go.
        "RETENTION_READER_DAYS": _days(env, "RETENTION_READER_DAYS", 180),
        "RETENTION_IP_DAYS": _days(env, "RETENTION_IP_DAYS", 30),
    }
    return config


def engine_options(config: dict) -> dict:
    """SQLAlchemy engine options: pre-ping (a connection the server dropped is replaced before use,
    e.g. after a PostgreSQL restart) and, on PostgreSQL, the connect and statement timeouts. Server
    options the URL gives (``?options=-csearch_path%3Dother``) are kept: connect arguments replace
    the URL's, so the timeout is added to them. psycopg's prepared statements stay on (a reader's
    report saves about 2 ms of the server's CPU with them); the desk's queue plans its own statements
    for their values (``services.desk.queue.plan_with_values``)."""
    options: dict = {"pool_pre_ping": True}
    url = config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("postgresql"):
        connect_args: dict = {"connect_timeout": config.get("DATABASE_CONNECT_TIMEOUT", 3)}
        timeout_ms = int(config.get("DATABASE_STATEMENT_TIMEOUT", 5) * 1000)
        if timeout_ms > 0:
            from_url = make_url(url).query.get("options") or ""
            from_url = from_url if isinstance(from_url, str) else " ".join(from_url)
            connect_args["options"] = f"{from_url} -c statement_timeout={timeout_ms}".strip()
        options["connect_args"] = connect_args
    return options


def ratelimit_storage_options(config: dict) -> dict:
    """Flask-Limiter's Redis client fails fast while Redis is down: short timeouts, no retries."""
    if not str(config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://", "redis+unix://")):
        return {}
    timeout = config.get("REDIS_TIMEOUT", 0.5)
    return {"socket_connect_timeout": timeout, "socket_timeout": timeout, "retry": Retry(NoBackoff(), 0)}


def development_secret_key(instance_path: str) -> str:
    """For debug runs without SECRET_KEY (``make run``): a random key kept in ``instance/``, so sign-ins
    survive restarts. Never used in production, where a missing key stops the app."""
    path = Path(instance_path) / "dev-secret-key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(key, encoding="utf-8")
    path.chmod(0o600)
    return key


def check_production_config(config: dict) -> None:
    """Fail fast, with one line saying what to set, on settings production cannot run without."""
    if config.get("DEBUG") or config.get("TESTING"):
        return
    key = config.get("SECRET_KEY", "")
    if key in INSECURE_SECRET_KEYS or len(key) < 16 or secret_key_bits(key) < MIN_SECRET_KEY_BITS:
        raise ConfigError(
            "SECRET_KEY is missing or insecure: set SECRET_KEY to a long random value, e.g. "
            "`python -c 'import secrets; print(secrets.token_hex(32))'`"
        )
    if not config.get("PUBLIC_URL"):
        raise ConfigError("PUBLIC_URL is not set: set it to the address readers and staff use, e.g. "
                          "https://corrections.news.example (links in emails and to Stripe are built from it)")


def multi_worker_warning(config: dict, workers: int) -> str | None:
    """The warning to log when several worker processes would each keep their own rate-limit counts."""
    if workers > 1 and not config.get("REDIS_URL") and not (config.get("DEBUG") or config.get("TESTING")):
        return (f"REDIS_URL is not set and {workers} workers are running: each worker counts rate limits "
                f"on its own (about {workers}× the configured limits) and runs jobs in its own thread. "
                "Set REDIS_URL in production.")
    return None
