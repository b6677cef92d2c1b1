"""Settings for the benchmark server: production settings plus the bench-only bare view.

Only ``bench/run.py`` uses this module (``DJANGO_SETTINGS_MODULE=bench.settings``), so the bare
view of ``bench/urls.py`` is never routable in a deployment, which uses ``editorial.settings``.

Environment (set by bench/run.py): ``BENCH_CACHE`` = ``locmem`` (default), ``redis`` (needs
``REDIS_URL``) or ``none`` (every request is cold); ``BENCH_BARE_DIR`` holds the bodies the bare
view answers with; ``BENCH_STATIC_ROOT`` is where collectstatic put the assets.
"""

import os

from editorial.settings import *  # noqa: F403
from editorial.settings import REDIS_URL, redis_cache_config

ROOT_URLCONF = "bench.urls"
# Persistent connections on SQLite too (editorial.settings closes them after each request there):
# gunicorn's sync workers serve one request at a time, and the benchmark measures the public read
# path, not opening a database file.
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DB_CONN_MAX_AGE", "600"))  # noqa: F405
BENCH_BARE_DIR = os.environ.get("BENCH_BARE_DIR", "")

LOCAL = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}
_cache = os.environ.get("BENCH_CACHE", "locmem")
if _cache == "none":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}, "local": LOCAL}
elif _cache == "redis":
    CACHES = {
        "default": redis_cache_config(REDIS_URL),
        "local": LOCAL,
    }
else:
    # Room for every page of the benchmark in each worker's memory.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
        "local": LOCAL,
    }

# Hashed asset names as in production, without the compression step of a real deploy.
STATIC_ROOT = os.environ.get("BENCH_STATIC_ROOT") or STATIC_ROOT  # noqa: F405
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
