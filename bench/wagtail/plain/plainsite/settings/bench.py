"""The production settings of `wagtail start`, with what a deployment must set itself.

Added for bench/wagtail/run.sh: a secret key, the hosts, persistent database connections, and
the database from the environment (WAGTAIL_BENCH_DB, a SQLite file, or
WAGTAIL_BENCH_DATABASE_URL for PostgreSQL). Nothing else differs from the generated project.
"""

import os
from urllib.parse import urlsplit

from .production import *  # noqa: F403

SECRET_KEY = "wagtail-plain-bench-fixed-secret-key-5d1e8b2c7a9f4e0b8c6d2a4f1e3b5c7d9e0f2a4b"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("WAGTAIL_BENCH_DB", "/tmp/editorial-bench/wagtail/plain.sqlite3"),
        "CONN_MAX_AGE": 600,
    }
}
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

WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8100"
