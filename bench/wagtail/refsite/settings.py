"""Wagtail 8.0.1 reference site for API v2 speed measurements (production-like: DEBUG off).

Run by bench/wagtail/run.sh, which sets WAGTAIL_BENCH_DB to the SQLite file in its work dir
(WAGTAIL_BENCH_DIR, default /tmp/editorial-bench/wagtail), or passes WAGTAIL_BENCH_DATABASE_URL
on for PostgreSQL. Nothing is written next to the code.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

WORK_DIR = Path(os.environ.get("WAGTAIL_BENCH_DIR", "/tmp/editorial-bench/wagtail"))
DB_PATH = Path(os.environ.get("WAGTAIL_BENCH_DB", WORK_DIR / "db.sqlite3"))

SECRET_KEY = "wagtail-bench-fixed-secret-key-0c7f1e2a9b4d4e6f8a1b3c5d7e9f0a2b4c6d8e0f"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "wagtail_articles",
    "wagtail.api.v2",
    "rest_framework",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

# Exactly the middleware stack of the project we compare with (no whitenoise).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "refsite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "refsite.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DB_PATH),
        "CONN_MAX_AGE": 600,
    }
}
# WAGTAIL_BENCH_DATABASE_URL=postgres://user@host:port/name measures on PostgreSQL instead.
if _url := os.environ.get("WAGTAIL_BENCH_DATABASE_URL"):
    _parts = urlsplit(_url)
    DATABASES["default"] = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": _parts.path.lstrip("/"),
        "USER": _parts.username or "",
        "PASSWORD": _parts.password or "",
        "HOST": _parts.hostname or "",
        "PORT": str(_parts.port or ""),
        "CONN_MAX_AGE": 600,
    }

DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_ROOT = DB_PATH.parent / "static"
STATIC_URL = "/static/"
MEDIA_ROOT = DB_PATH.parent / "media"
MEDIA_URL = "/media/"

DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

WAGTAIL_SITE_NAME = "refsite"
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
