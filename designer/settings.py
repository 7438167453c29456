"""Flowdeck's one settings module: everything that differs between installs comes from the environment.

Defaults give the embedded one-machine install: SQLite in ./var, the in-memory channel layer, DEBUG off.
"""
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("FLOWDECK_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# DEBUG is off unless asked for; `.ci/start` serving on a loopback address is "local mode" (FLOWDECK_LOCAL=true):
# there DEBUG defaults to on, and with it plain-HTTP cookies, since nothing but this machine can reach the server.
# Anything that says the server is reachable from elsewhere turns local mode off: HTTPS, a proxy, or a host name
# other than the loopback ones.
HTTPS = env_bool("FLOWDECK_HTTPS", False)
ALLOWED_HOSTS = env_list("FLOWDECK_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}
LOCAL_MODE = (env_bool("FLOWDECK_LOCAL", False) and not HTTPS and not env_bool("FLOWDECK_PROXY_HEADERS", False)
              and set(ALLOWED_HOSTS) <= _LOOPBACK_HOSTS)
DEBUG = env_bool("FLOWDECK_DEBUG", LOCAL_MODE)
SECRET_KEY = os.environ.get("FLOWDECK_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and env_bool("FLOWDECK_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("FLOWDECK_SECRET_KEY must be set")
    # Embedded install: a per-install key kept beside the database, created on first use.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.core.management.utils import get_random_secret_key

        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()


def _secrets_keys() -> list[str]:
    """FLOWDECK_SECRETS_KEY: the key(s) secrets are encrypted with at rest, comma-separated (the first encrypts,
    all decrypt: rotate by putting a new key first). The embedded install keeps a generated one in VAR_DIR."""
    keys = env_list("FLOWDECK_SECRETS_KEY", [])
    if keys:
        return keys
    if not DEBUG and env_bool("FLOWDECK_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("FLOWDECK_SECRETS_KEY must be set")
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key_file = VAR_DIR / "secrets_key"
    if not key_file.exists():
        import base64
        import secrets

        key_file.touch(mode=0o600)
        key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
    return [key_file.read_text().strip()]


FLOWDECK_SECRETS_KEYS = _secrets_keys()

CSRF_TRUSTED_ORIGINS = env_list("FLOWDECK_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "channels",
    "django_tasks_db",
    "designer",
    "designer.accounts",
    "executions",
    "executions.integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "designer.middleware.StaticFilesMiddleware",  # WhiteNoise, async-capable
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "designer.urls"
ASGI_APPLICATION = "designer.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'flowdeck.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("FLOWDECK_DATABASE_URL", _default_db))}
# Keep connections open between requests and jobs (a new PostgreSQL connection per job was the runtime's
# largest single cost); the health check replaces a connection that died meanwhile.
DATABASES["default"]["CONN_MAX_AGE"] = env_int("FLOWDECK_CONN_MAX_AGE", 300)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing with "database is locked" on upgrade.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL: readers never wait for the writer, and a commit is one append (the server and its workers
        # share the file).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

_redis_url = os.environ.get("FLOWDECK_REDIS_URL", "")
if _redis_url:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [_redis_url]},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Rate limits: scope -> (requests, seconds), counted per client address (designer/accounts/ratelimit.py).
FLOWDECK_RATE_LIMITS = {
    "login": (env_int("FLOWDECK_LOGIN_RATE_LIMIT", 10), 60),  # failed and successful logins per address
    "credentials": (env_int("FLOWDECK_CREDENTIALS_RATE_LIMIT", 20), 60),  # keys and tokens issued per user
}
if _redis_url:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis_url}}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "machines"
LOGOUT_REDIRECT_URL = "login"

# Background work (task invocations, timers) is queued in the database and run by `manage.py db_worker`;
# django.tasks itself ships no queue with a worker.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# What ARNs say about this install: arn:aws:states:<region>:<account>:stateMachine:<name>
FLOWDECK_REGION = os.environ.get("FLOWDECK_REGION", "us-east-1")
FLOWDECK_ACCOUNT_ID = os.environ.get("FLOWDECK_ACCOUNT_ID", "123456789012")
# Modules imported by the server and the workers to register Python functions as task resources
# (executions/resources.py: @function("name")), comma-separated: FLOWDECK_FUNCTIONS=myapp.functions,other.mod
FLOWDECK_FUNCTIONS = env_list("FLOWDECK_FUNCTIONS", [])
# AWS keeps a closed execution (and its history) for 90 days; its name cannot be used again meanwhile. The
# workers delete executions closed longer ago than this (executions/retention.py).
FLOWDECK_EXECUTION_RETENTION_DAYS = env_int("FLOWDECK_EXECUTION_RETENTION_DAYS", 90)
# AWS's quota of open (running) Standard executions per account: StartExecution beyond it is refused with
# ExecutionLimitExceeded (executions/quotas.py).
FLOWDECK_MAX_OPEN_EXECUTIONS = env_int("FLOWDECK_MAX_OPEN_EXECUTIONS", 1_000_000)

# --- Hardening ---------------------------------------------------------------------------------------------
# Pages load scripts, styles and images from this site only: no inline script or style, no plugins, no framing.
# User data (state names, comments, inputs, outputs, instructions) therefore cannot run even if a template
# forgot to escape it; templates escape it anyway.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],  # fetch() and the live WebSocket (same host)
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Cookies: HTTP-only sessions, SameSite=Lax, and Secure (HTTPS only) whenever DEBUG is off; a deployment that
# really serves plain HTTP beyond this machine can say FLOWDECK_SECURE_COOKIES=false (and should not).
SECURE_COOKIES = env_bool("FLOWDECK_SECURE_COOKIES", HTTPS or not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("FLOWDECK_SESSION_HOURS", 12) * 3600
SESSION_COOKIE_NAME = "flowdeck_session" if not SECURE_COOKIES else "__Host-flowdeck_session"
CSRF_COOKIE_NAME = "flowdeck_csrf" if not SECURE_COOKIES else "__Host-flowdeck_csrf"
# Behind a TLS-terminating proxy: FLOWDECK_HTTPS=true redirects HTTP to HTTPS and sends HSTS; the proxy must set
# X-Forwarded-Proto (and Daphne run with --proxy-headers for client addresses in the audit log).
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("FLOWDECK_HSTS_SECONDS", 31_536_000)
# Request size: Django refuses bodies over this when read (AWS's largest request, a 1 MiB definition JSON-escaped
# inside the request, fits), and the ASGI application refuses any larger Content-Length before reading a byte.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("FLOWDECK_MAX_REQUEST_BYTES", 4 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# The designer's front end (frontend/, built by `.ci/setup.sh` with Vite into frontend/dist/) is served as static
# files under designer-app/; frontend/vite.config.ts's `base` says the same URL. The template tag reads the entry's
# hashed file names from Vite's manifest (designer/templatetags/vite.py).
DESIGNER_APP_DIR = BASE_DIR / "frontend" / "dist"
STATICFILES_DIRS = [("designer-app", DESIGNER_APP_DIR)]
# Vite puts a content hash in every asset's name: browsers may keep them for good.
WHITENOISE_IMMUTABLE_FILE_TEST = rf"^/{STATIC_URL}designer-app/assets/"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    # Bearer tokens first, so that an anonymous call gets 401 with `WWW-Authenticate: Bearer`; the session (the
    # browser's login) is checked with CSRF, as every session-authenticated unsafe call must be.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "designer.accounts.credentials.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "designer.api_errors.handle_exception",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Flowdeck API",
    "DESCRIPTION": "State machines, executions, history, activities and task tokens.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FLOWDECK_LOG_LEVEL", "INFO")},
    # Two lines per job otherwise; the runtime logs what matters (recoveries, retries) itself.
    "loggers": {
        **{name: {"level": os.environ.get("FLOWDECK_JOB_LOG_LEVEL", "WARNING")}
           for name in ("django.tasks", "django_tasks_db")},
        # httpx logs each request's full URL at INFO, and a URL may carry a connection's API key as a query
        # parameter: calls are logged by flowdeck.calls instead, with secrets removed.
        **{name: {"level": "WARNING"} for name in ("httpx", "httpcore")},
    },
}
