"""Production settings: safe by default, refusing to start without a secret."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _manage(*args, **env):
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests for their own process only.
    ignored = {"SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in ignored}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )


def test_production_settings_pass_the_deployment_checklist():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", SECRET_KEY="x7!" * 20 + "production-secret-for-the-check", ALLOWED_HOSTS="reviews.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="0", ALLOWED_HOSTS="reviews.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def _database_options(**env) -> str:
    code = "from django.db import connection; print(connection.settings_dict.get('OPTIONS'))"
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_postgresql_binds_on_the_server_and_prepares_unless_told_not_to():
    url = "postgres://editorial@db.example.org:5432/editorial"

    assert "'server_side_binding': True" in _database_options(DATABASE_URL=url)
    assert "'prepare_threshold': 5" in _database_options(DATABASE_URL=url)
    assert "server_side_binding" not in _database_options(DATABASE_URL=url, DB_PREPARED_STATEMENTS="0")
    assert "server_side_binding" not in _database_options(DATABASE_URL="sqlite:///tmp.sqlite3")


def test_sqlite_connections_write_ahead_and_map_the_file():
    code = (
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    print([cursor.execute(f'PRAGMA {name}').fetchone()[0] for name in ('journal_mode', 'mmap_size')])"
    )
    database = ROOT / ".pytest-settings.sqlite3"
    try:
        result = _manage("shell", "-c", code, DATABASE_URL=f"sqlite:///{database}")
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['wal', 268435456]"


def _login_settings(**env) -> list[str]:
    code = (
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXY_COUNT, s.REST_FRAMEWORK['NUM_PROXIES'], s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME)"
    )
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_proxies_and_login_lockouts_are_configured_from_the_environment():
    # No proxy is trusted unless said: X-Forwarded-For is ignored by the lockouts and by DRF.
    assert _login_settings() == ["0", "0", "10", "0:15:00"]
    assert _login_settings(TRUSTED_PROXY_COUNT="1", LOGIN_FAILURE_LIMIT="5", LOGIN_COOLOFF_MINUTES="30") == [
        "1", "1", "5", "0:30:00",
    ]

    refused = _manage("check", TRUSTED_PROXY_COUNT="one")
    assert refused.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number of at least 0, not 'one'." in refused.stderr
