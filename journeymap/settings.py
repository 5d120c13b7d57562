"""Journeymap settings: one file, read from the environment.

Every value comes from an environment variable with a typed helper that fails loudly
on a malformed value, so a typo in production stops the process at start instead of
running with a silent default. See README.md for the variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"The environment variable {name} must be set.")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false).")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum of {minimum}.")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env_str("SECRET_KEY", "dev-only-insecure-key-never-use-in-production-0123456789")
else:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("dev-only"):
        raise ImproperlyConfigured("SECRET_KEY must be a random value of at least 50 characters.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
if "*" in ALLOWED_HOSTS and not DEBUG:
    raise ImproperlyConfigured("ALLOWED_HOSTS may not contain '*' in production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "journeymap",
    "boards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "journeymap.context.RequestContextMiddleware",
    "journeymap.guests.GuestMiddleware",
    "journeymap.locale.LocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "journeymap.urls"
WSGI_APPLICATION = "journeymap.wsgi.application"
ASGI_APPLICATION = "journeymap.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "journeymap.context_processors.organisations",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        # A new PostgreSQL connection per request or op costs ~3 ms against ~0.04 ms for
        # a query, and under load a process fell behind for minutes: keep connections
        # (checked before reuse) in production. docs/operations.md, "Scaling".
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
# pytest-django derives the test database name from this; set it explicitly so that the
# test run never touches the real database and the live-server subprocess can find it.
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A file (not :memory:) so a daphne subprocess can serve the browser tests from it;
    # one per process so that parallel test runs do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f"test-db-{os.getpid()}.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {})["transaction_mode"] = "IMMEDIATE"
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA journal_mode=WAL;"
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}"}
    # The commit path's statements (boards/live/sql.py) are prepared once per connection, after
    # their first use; the ORM's (client-side binding) never are. Off for a pooler that
    # cannot keep prepared statements (PgBouncer before 1.21 in transaction mode).
    if env_bool("DATABASE_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).setdefault("prepare_threshold", 1)

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            # channels_redis with a pool that queues a burst of calls instead of raising
            # "Too many connections" (journeymap/redis_layer.py).
            "BACKEND": "journeymap.redis_layer.RedisChannelLayer",
            "CONFIG": {
                # redis-py >= 8 times a read out after 5 s by default, as long as
                # channels_redis' BZPOPMIN waits on a quiet layer: that killed a socket
                # every 5 s on an idle board (django/channels_redis#422). Wait longer.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "socket_timeout": 30,
                        "max_connections": env_int("REDIS_MAX_CONNECTIONS", 100, minimum=4),
                        "timeout": env_int("REDIS_POOL_TIMEOUT", 20, minimum=1),
                    }
                ],
                "capacity": env_int("CHANNEL_CAPACITY", 1000, minimum=10),
                "expiry": 30,
                # Group members are renewed every quarter of this (boards.live.room): so
                # live patches between processes resume within 30 s after Redis lost its
                # data (FLUSHALL, a restart without persistence). channels_redis: 86,400.
                "group_expiry": env_int("CHANNEL_GROUP_EXPIRY", 120, minimum=20),
            },
        }
    }
else:
    # One process only: the embedded default. Production sets REDIS_URL.
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Live sync (docs/protocol.md). Browsers send Origin on a WebSocket upgrade; only these
# origins may open one (cross-site WebSocket hijacking rides on the session cookie).
# "scheme://host:*" allows any port. Default: https:// for each ALLOWED_HOSTS entry, and
# local development origins while DEBUG.
WEBSOCKET_ALLOWED_ORIGINS = env_list(
    "WEBSOCKET_ALLOWED_ORIGINS",
    [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(".")]
    + CSRF_TRUSTED_ORIGINS
    + (["http://127.0.0.1:*", "http://localhost:*", "http://testserver"] if DEBUG else []),
)
WEBSOCKET_MAX_FRAME_BYTES = env_int("WEBSOCKET_MAX_FRAME_BYTES", 65536, minimum=1024)
# The largest message the server sends: larger ones go as several (docs/protocol.md, "Large
# messages"). Must not exceed daphne's --websocket-max-message-size (1 MiB by default),
# which daphne applies to what it sends as well as to what it reads.
WEBSOCKET_MAX_MESSAGE_BYTES = env_int("WEBSOCKET_MAX_MESSAGE_BYTES", 524288, minimum=4096)
# Live cards on one board: card.create beyond it and imports of more are refused.
BOARD_MAX_CARDS = env_int("BOARD_MAX_CARDS", 10000, minimum=1)
WEBSOCKET_MAX_OPS = env_int("WEBSOCKET_MAX_OPS", 500, minimum=1)
WEBSOCKET_RATE = env_int("WEBSOCKET_RATE", 60, minimum=1)  # frames per second, refilled
WEBSOCKET_BURST = env_int("WEBSOCKET_BURST", 120, minimum=1)  # token bucket size
# Open board sockets per person and per share link, in each server process (4429 beyond).
WEBSOCKET_MAX_SOCKETS_PER_USER = env_int("WEBSOCKET_MAX_SOCKETS_PER_USER", 10, minimum=1)
WEBSOCKET_MAX_SOCKETS_PER_LINK = env_int("WEBSOCKET_MAX_SOCKETS_PER_LINK", 100, minimum=1)
PRESENCE_HZ = env_int("PRESENCE_HZ", 20, minimum=1)
OPLOG_RETENTION = env_int("OPLOG_RETENTION", 10000, minimum=100)
# Automatic snapshots kept per board (end of a session, before a restore); named ones stay.
SNAPSHOT_AUTO_KEEP = env_int("SNAPSHOT_AUTO_KEEP", 20, minimum=1)
# A board quiet this many seconds after a change has ended its session: the next visit (or
# `manage.py snapshot_sessions`) keeps a version of it.
SNAPSHOT_SESSION_IDLE = env_int("SNAPSHOT_SESSION_IDLE", 1800, minimum=60)

AUTH_USER_MODEL = "journeymap.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("sv", _("Swedish")), ("fi", _("Finnish")), ("de", _("German"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
# "42 000" in Swedish and Finnish, "42.000" in German, "42,000" in English.
USE_THOUSAND_SEPARATOR = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# E-mail: the console by default (development), SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": env_int("EMAIL_PORT", 587, minimum=1),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Journeymap <noreply@localhost>")

INVITE_TTL_DAYS = env_int("INVITE_TTL_DAYS", 14, minimum=1)

# Throttles (journeymap/throttle.py, docs/operations.md): counted in the cache, which is
# Redis when REDIS_URL is set so that every process counts together.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "journeymap",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 10, minimum=1)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50, minimum=1)
LOGIN_COOLOFF = env_int("LOGIN_COOLOFF", 900, minimum=60)  # seconds
# Wrong passcodes of a workshop link (boards.guests) before the address, or the link for
# everyone, is refused for the window (seconds).
SHARE_PASSCODE_FAILURES_PER_ADDRESS = env_int("SHARE_PASSCODE_FAILURES_PER_ADDRESS", 5, minimum=1)
SHARE_PASSCODE_FAILURES_PER_LINK = env_int("SHARE_PASSCODE_FAILURES_PER_LINK", 50, minimum=1)
SHARE_PASSCODE_WINDOW = env_int("SHARE_PASSCODE_WINDOW", 900, minimum=60)
# Guests joining through workshop links from one client address in an hour (each join of
# someone not signed in makes a guest account).
SHARE_JOINS_PER_ADDRESS_PER_HOUR = env_int("SHARE_JOINS_PER_ADDRESS_PER_HOUR", 300, minimum=1)
ACCOUNT_FORMS_PER_HOUR = env_int("ACCOUNT_FORMS_PER_HOUR", 60, minimum=1)
MAILS_PER_ADDRESS_PER_HOUR = env_int("MAILS_PER_ADDRESS_PER_HOUR", 3, minimum=1)
# Behind a reverse proxy every request comes from the proxy: take the client's address
# from the last X-Forwarded-For entry, the one the proxy appended.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", default=False)

# Security headers. Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER via
# TRUST_X_FORWARDED_PROTO=1.
if env_bool("TRUST_X_FORWARDED_PROTO", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (docs/operations.md): scripts and styles only from our own
# static files. No inline script or handler anywhere (json_script blocks are data, not
# run); no inline style either: the colours that come from the data are set through the
# CSSOM by static/js/page/paint.js, so an injected style attribute cannot restyle a page.
# 'self' covers the board's own WebSocket in connect-src.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs: plain text by default; LOG_FORMAT=json writes one JSON object a line with the
# request id, user id and board id where known (journeymap.logs).
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is neither 'plain' nor 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "journeymap.logs.ContextFilter"}},
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s: %(message)s"},
        "json": {"()": "journeymap.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["context"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"daphne": {"level": "WARNING"}},
}

# Board files (boards/exports/jsonio.py): the largest one an import reads, in bytes,
# checked before the file is parsed.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# Operations (docs/operations.md): /healthz, /readyz and /metrics. /metrics answers a
# request carrying "Authorization: Bearer <METRICS_TOKEN>", or one from an address in
# METRICS_ALLOWED_ADDRESSES (addresses or networks, e.g. 10.0.0.0/8); nobody else. Never
# list the reverse proxy's own address: every request through it would come from there.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
METRICS_ALLOWED_ADDRESSES = env_list(
    "METRICS_ALLOWED_ADDRESSES", ["127.0.0.1", "::1"] if DEBUG else []
)
# How long /readyz waits for the database and for the channel layer, in seconds.
READINESS_TIMEOUT = env_int("READINESS_TIMEOUT", 2, minimum=1)
# Load balancers probe the processes directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
