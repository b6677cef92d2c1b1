"""Production settings for the operations endpoints and the replica, read in a fresh process."""

from __future__ import annotations

import json

from tests.test_settings import _manage

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "x7!" * 20 + "production", "ALLOWED_HOSTS": "node1.internal"}


def _shell(code: str, **env) -> str:
    result = _manage("shell", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_balancer_checks_a_node_over_plain_http_while_pages_redirect_to_https(tmp_path):
    code = (
        "from django.test import Client\n"
        "client = Client(HTTP_HOST='node1.internal')\n"
        "print(client.get('/-/health/').status_code, client.get('/articles/').status_code)"
    )
    output = _shell(code, **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    assert output.splitlines()[-1] == "200 301"


def test_a_replica_url_adds_the_replica_alias_with_the_primary_engine():
    code = (
        "import json\n"
        "from django.conf import settings\n"
        "replica = settings.DATABASES['replica']\n"
        "print(json.dumps({k: replica[k] for k in ('ENGINE', 'HOST', 'NAME', 'OPTIONS')}))"
    )
    output = _shell(
        code,
        DATABASE_URL="postgres://editorial@db.internal:5432/editorial",
        DATABASE_REPLICA_URL="postgres://editorial@replica.internal:5432/editorial",
    )

    replica = json.loads(output.splitlines()[-1])
    assert replica["ENGINE"] == "editorial.db.postgresql"
    assert replica["HOST"] == "replica.internal"
    assert replica["OPTIONS"]["prepare_threshold"] == 5


def test_a_bad_metrics_network_refuses_to_start():
    result = _manage("check", METRICS_ALLOWED_NETWORKS="10.0.0.0/33")

    assert result.returncode != 0
    assert "METRICS_ALLOWED_NETWORKS" in result.stderr
