"""Settings for the editorial review system, read from the environment.

The embedded default (no environment at all) is a development setup on a SQLite file with
tasks run in process; production sets ``DEBUG=0``, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` and ``CELERY_BROKER_URL``.
"""

import ipaddress
import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int, minimum: int = 0) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        number = None
    if number is None or number < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {value!r}.")
    return number


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off; refusing to start with a development key."
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "django_htmx",
    "csp",
    # One-time codes for electronic signatures (reviews.signatures), for users with a device.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "articles",
    "reviews",
    "public",
    "demo",
]

MIDDLEWARE = [
    # Prometheus' request metrics: first, so that the public reads answered early are counted too.
    "editorial.metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside whitenoise, so static files carry the policy too.
    "editorial.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Responses that do not declare themselves public are "private, no-store" (public.caching).
    "public.caching.PrivateByDefaultMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Public reads (the same for every visitor) are answered here; what follows is the editorial
    # side's: sessions, CSRF, the user, limits, messages, htmx, history, lockouts.
    "public.middleware.PublicReadMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A body over MAX_UPLOAD_SIZE is refused here, unread: before any CSRF check or view reads it.
    "editorial.limits.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # An htmx request from someone signed out gets 401, not the login page to swap in.
    "editorial.htmx.HtmxLoginRequiredMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, so it sees the login views' answers: a locked-out attempt gets the lockout answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "editorial.urls"

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
                "editorial.context_processors.site",
                "reviews.context_processors.notifications",
            ],
        },
    },
]

WSGI_APPLICATION = "editorial.wsgi.application"
ASGI_APPLICATION = "editorial.asgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Django's, with a flush that lifts the append-only tables' DELETE triggers while it runs.
    DATABASES["default"]["ENGINE"] = "editorial.db.sqlite3"
    # WAL lets readers proceed while a transition writes; the timeout makes concurrent writers
    # wait for the lock instead of failing at once. Memory-mapped reads: a publication row spans
    # several overflow pages (body, HTML, references), read through the OS page cache without a
    # system call per page.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, with a health check that asks the connection's socket instead of
    # sending SELECT 1 to the server before every request's first query.
    DATABASES["default"]["ENGINE"] = "editorial.db.postgresql"
    if env_bool("DB_PREPARED_STATEMENTS", True):
        # Parameters bound by the server let psycopg prepare a query it has run a few times on
        # a connection: PostgreSQL then plans it once per connection instead of once per
        # request, which is most of the time of the public reads. Behind PgBouncer in
        # transaction mode older than 1.21 (no max_prepared_statements), set
        # DB_PREPARED_STATEMENTS=0.
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DATABASES["default"].setdefault("TEST", {})
# A read replica of default for the public side (editorial.db.replica): default's engine and
# options, another server or database. Under test it mirrors default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"]),
        **{key: DATABASES["default"].get(key) for key in ("ENGINE", "CONN_MAX_AGE", "CONN_HEALTH_CHECKS")},
        "OPTIONS": DATABASES["default"].get("OPTIONS", {}),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["editorial.db.replica.PublicReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"] if (BASE_DIR / "static").is_dir() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Content-Security-Policy on every response: scripts and styles only from our own files, no
# inline code, no eval. The API docs widen it for their own page only (editorial.api_docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "editorial:dashboard"
LOGOUT_REDIRECT_URL = "login"

# Login lockouts (django-axes): every authenticate() passes through AxesStandaloneBackend first,
# which refuses a locked-out account or address before a password is checked: the web login,
# the admin's and the API's token endpoint alike. Attempts are kept in the database, not the cache.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Proxies in front of the application that append the client's address to X-Forwarded-For
# (nginx: 1). With 0 the header is ignored: any client can write anything into it.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10, minimum=1)
LOGIN_COOLOFF_MINUTES = env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
# Separately: many addresses against one account, and one address against many accounts.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "editorial.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "editorial.lockout.lockout_response"
# Attempts while locked out do not push the end of the lockout back, so the time the message
# gives holds. A success does not wipe the failures: a guesser who owns one account could
# otherwise log into it between guesses at others.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = False
# Only failures are kept (and forgotten after the cool-off); successful logins are not logged,
# so nothing grows without bound. Django keeps each user's last login.
AXES_DISABLE_ACCESS_LOG = True

# API tokens (reviews.tokens) stop working this many days after they are issued.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30, minimum=1)

# Caching: local memory by default, Redis when REDIS_URL is set. "local" is always this process's
# memory (public.freshness keeps the content version there for PUBLIC_FRESHNESS_SECONDS).
REDIS_URL = os.environ.get("REDIS_URL", "")
# Entries of the local-memory default per process: Django's 300 held a few list pages and
# articles, and a site of thousands of articles missed nearly every time. An entry is one cached
# response (an article page is some 20 KB), so 5,000 is up to about 100 MB per process.
LOCAL_CACHE_MAX_ENTRIES = env_int("LOCAL_CACHE_MAX_ENTRIES", 5000, minimum=1)


def redis_cache_config(url: str) -> dict:
    """A cache on the Redis server at ``url``, as every Redis cache of the project is configured.

    django-redis keeps one client per process, where Django's own backend builds a new one, with
    its table of some 170 reply callbacks, for every call: a large share of a response-cache hit
    (bench/README.md). With ``hiredis`` installed, redis-py parses replies in C. It gives up on an
    unreachable server after a second, and the public views then render instead of waiting.
    """
    return {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": url,
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1},
    }


CACHES = {
    "default": (
        redis_cache_config(REDIS_URL)
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": LOCAL_CACHE_MAX_ENTRIES},
        }
    ),
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-mail"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "editorial@localhost")
# Outbox delivery holds the row lock while it sends: never wait on a mail server forever.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "reviews.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # DRF's parsers; the JSON one refuses a body nested too deeply instead of recursing into it.
    "DEFAULT_PARSER_CLASSES": [
        "editorial.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "EXCEPTION_HANDLER": "editorial.refusals.exception_handler",
    # Password guessing on the token endpoint is stopped by the login lockouts (above), which
    # keep working when the cache is down; no throttle is set. Any throttle added later reads
    # the client's address as the lockouts do.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Editorial review API",
    "DESCRIPTION": "Medical articles reviewed and signed off by an advisory board.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several serializers share these choice sets; give each one enum name in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ArticleStatusEnum": "articles.models.Status",
        "AssignmentStatusEnum": "reviews.models.AssignmentStatus",
        # The public API's status (approved / review_due), not the article's workflow status.
        "PublicStatusEnum": "public.notices.PublicStatus.CHOICES",
    },
}

# The largest request body accepted, in bytes: a file import's upload (editorial.limits).
MAX_UPLOAD_SIZE = int(os.environ.get("MAX_UPLOAD_SIZE", str(5 * 2**20)))

# seed_demo creates users with known passwords: only where DEBUG is on unless forced.
ALLOW_DEMO_DATA = env_bool("ALLOW_DEMO_DATA", DEBUG)

# Who may read /-/metrics (editorial.metrics): client addresses, as networks; others get 404.
METRICS_ALLOWED_NETWORKS = env_list("METRICS_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")
for _network in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_network)
    except ValueError as _error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_error}") from None

# Public site settings.
SITE_NAME = os.environ.get("SITE_NAME", "Medical Library")
# Absolute links in emails (no request to build them from): scheme and host, no trailing slash.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
PUBLIC_CACHE_MAX_AGE = int(os.environ.get("PUBLIC_CACHE_MAX_AGE", "300"))
# How long a process may go on serving stored responses before it checks, in the database, that
# nothing public changed since (a change made in the same process is seen at once).
PUBLIC_FRESHNESS_SECONDS = float(os.environ.get("PUBLIC_FRESHNESS_SECONDS", "1"))
SHOW_PENDING_CONTENT = env_bool("SHOW_PENDING_CONTENT", False)
# A CDN or proxy in front (docs/caching.md): it keeps public responses for PUBLIC_SHARED_MAX_AGE
# (s-maxage) because each change purges what it altered; it may serve a stale copy while it
# fetches a new one, and while the site is down. Browsers keep them PUBLIC_CACHE_MAX_AGE.
PUBLIC_SHARED_MAX_AGE = env_int("PUBLIC_SHARED_MAX_AGE", 86400, minimum=0)
PUBLIC_STALE_WHILE_REVALIDATE = env_int("PUBLIC_STALE_WHILE_REVALIDATE", 60, minimum=0)
PUBLIC_STALE_IF_ERROR = env_int("PUBLIC_STALE_IF_ERROR", 86400, minimum=0)
# The response headers that name a public response's purge keys (Fastly and Varnish read
# Surrogate-Key, Cloudflare Cache-Tag).
PUBLIC_CACHE_KEY_HEADERS = [
    name.strip()
    for name in os.environ.get("PUBLIC_CACHE_KEY_HEADERS", "Surrogate-Key,Cache-Tag").split(",")
    if name.strip()
]
# Where purges go (public.purging.backends): a backend's dotted path or short name ("none",
# "http", "nginx", "fastly", "cloudflare") and its options as JSON, e.g.
# PUBLIC_PURGE_BACKEND=fastly PUBLIC_PURGE_OPTIONS='{"service_id": "...", "token": "..."}'.
try:
    _purge_options = json.loads(os.environ.get("PUBLIC_PURGE_OPTIONS", "{}"))
except ValueError as exc:
    raise ImproperlyConfigured(f"PUBLIC_PURGE_OPTIONS is not JSON: {exc}") from None
PUBLIC_PURGE_BACKENDS = [
    {"BACKEND": os.environ.get("PUBLIC_PURGE_BACKEND", "none"), "OPTIONS": _purge_options}
]
# A purge waits this long after its change, so that every web process has seen the change
# (PUBLIC_FRESHNESS_SECONDS) before the CDN fetches the page again.
PUBLIC_PURGE_DELAY = float(os.environ.get("PUBLIC_PURGE_DELAY", PUBLIC_FRESHNESS_SECONDS))
MEDICAL_DISCLAIMER = os.environ.get(
    "MEDICAL_DISCLAIMER",
    "This article is for general information and does not replace advice from your own doctor or care team.",
)
# Shown instead on articles written for health professionals.
PROFESSIONAL_DISCLAIMER = os.environ.get(
    "PROFESSIONAL_DISCLAIMER",
    "This article is for health professionals. It supports, and does not replace, clinical judgement, "
    "local guidelines and the product information of any medicine mentioned.",
)

# Looking up a DOI (Crossref) or PMID (NCBI E-utilities) to fill a new source. Both services ask
# for a contact address in the user agent; NCBI allows 10 requests a second with a key, 3 without.
LOOKUP_CONTACT_EMAIL = os.environ.get("LOOKUP_CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
CROSSREF_API_URL = os.environ.get("CROSSREF_API_URL", "https://api.crossref.org").rstrip("/")
NCBI_EUTILS_URL = os.environ.get("NCBI_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils").rstrip(
    "/"
)
NCBI_API_KEY = os.environ.get("NCBI_API_KEY", "")
LOOKUP_TIMEOUT_SECONDS = float(os.environ.get("LOOKUP_TIMEOUT_SECONDS", "10"))
# The Retraction Watch data as Crossref publishes it (CSV); empty: the daily sync is off.
RETRACTION_WATCH_URL = os.environ.get("RETRACTION_WATCH_URL", "")

# Celery: without a broker, tasks run eagerly in process so the embedded default needs nothing.
# Without a broker, tasks run eagerly in process; the in-memory transport is never contacted,
# it only keeps kombu from looking for a default AMQP host.
CELERY_TASK_ALWAYS_EAGER = not os.environ.get("CELERY_BROKER_URL")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Periodic jobs, run by `celery -A editorial beat` (each is also a management command for cron).
CELERY_BEAT_SCHEDULE = {
    # A sweep not picked up within the minute is dropped: the next one does the same work.
    "deliver-pending-notifications": {
        "task": "reviews.tasks.sweep_notifications",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "send-review-reminders": {"task": "reviews.tasks.send_review_reminders", "schedule": crontab(minute=5)},
    "flag-due-reviews": {"task": "reviews.tasks.flag_due_reviews", "schedule": crontab(hour=2, minute=15)},
    "reapply-retractions": {
        "task": "reviews.tasks.reapply_retractions",
        "schedule": crontab(hour=3, minute=15),
    },
    # Purges whose first send failed, or that were queued while the broker was down.
    "purge-cdn": {"task": "public.tasks.purge_cdn", "schedule": 30.0, "options": {"expires": 25}},
    "sync-retraction-watch": {
        "task": "reviews.tasks.sync_retraction_watch",
        "schedule": crontab(hour=2, minute=45),
    },
    "verify-audit-trail": {
        "task": "reviews.tasks.verify_audit_trail",
        "schedule": crontab(hour=1, minute=45),
    },
    "prune-content-changes": {
        "task": "public.tasks.prune_content_changes",
        "schedule": crontab(hour=4, minute=15),
    },
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # The balancer's health check and Prometheus reach each node over the private network.
    SECURE_REDIRECT_EXEMPT = [r"^-/health/$", r"^-/metrics$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # axes.apps announces its version at every start, management commands included.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes.apps": {"level": "WARNING"}},
}
