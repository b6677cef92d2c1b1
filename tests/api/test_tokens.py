"""API tokens: issued named and expiring, stored hashed, listed and revoked by their owner, and
revoked when the owner's password changes or the account is deactivated."""

from __future__ import annotations

import hashlib
import importlib
from datetime import datetime, timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher, make_password
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.utils import timezone
from rest_framework.test import APIClient

from reviews.models import ApiToken
from tests import factories
from tests.api import API, EDITORIAL, PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = f"{API}/auth/token/"
TOKENS = f"{API}/auth/tokens/"


def obtain(username: str = "alice", password: str = PASSWORD, **extra) -> dict:
    response = APIClient().post(TOKEN, {"username": username, "password": password, **extra})
    assert response.status_code == 200, response.content
    return response.json()


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def answers(key: str) -> int:
    """The status of a read of the editorial list with this key."""
    return with_key(key).get(EDITORIAL).status_code


def test_each_login_issues_a_new_named_token_with_its_expiry(author, settings):
    before = timezone.now()
    first = obtain()
    second = obtain(name="Reference manager")

    assert set(first) == {"id", "name", "token", "expires_at"}
    assert first["name"] == "API client"
    assert second["name"] == "Reference manager"
    assert first["token"] != second["token"]
    assert len(first["token"]) == 40
    expires_at = datetime.fromisoformat(first["expires_at"])
    assert before + timedelta(days=settings.API_TOKEN_DAYS) <= expires_at
    assert expires_at <= timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert answers(first["token"]) == 200
    assert answers(second["token"]) == 200


def test_keys_are_not_stored_in_clear(author):
    key = obtain()["token"]

    row = ApiToken.objects.values().get()
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    assert row["prefix"] == key[:8]
    assert not any(key in str(value) for value in row.values())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        assert not any(key in str(value) for value in cursor.fetchone())


def test_a_token_older_than_api_token_days_answers_401_saying_it_expired(author, settings):
    old, recent = obtain()["token"], obtain()["token"]
    age = timedelta(days=settings.API_TOKEN_DAYS, minutes=1)
    ApiToken.objects.filter(key_hash=hashlib.sha256(old.encode()).hexdigest()).update(
        created_at=F("created_at") - age, expires_at=F("expires_at") - age
    )
    ApiToken.objects.filter(key_hash=hashlib.sha256(recent.encode()).hexdigest()).update(
        created_at=F("created_at") - timedelta(days=settings.API_TOKEN_DAYS - 1),
        expires_at=F("expires_at") - timedelta(days=settings.API_TOKEN_DAYS - 1),
    )

    response = with_key(old).get(EDITORIAL)

    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "This token expired at " in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "Token"
    assert answers(recent) == 200


def test_api_token_days_sets_the_expiry(author, settings):
    settings.API_TOKEN_DAYS = 2

    expires_at = datetime.fromisoformat(obtain()["expires_at"])

    assert timedelta(days=1) < expires_at - timezone.now() <= timedelta(days=2)


def test_set_password_and_save_revoke_every_token(author):
    keys = [obtain()["token"], obtain()["token"]]

    author.set_password("a-new-pass-456")
    author.save()

    for key in keys:
        response = with_key(key).get(EDITORIAL)
        assert response.status_code == 401
        assert response.json()["code"] == "token_revoked"
    assert answers(obtain(password="a-new-pass-456")["token"]) == 200


def test_a_new_hash_assigned_or_an_unusable_password_revokes_every_token(author, coauthor):
    alices, bobs = obtain("alice")["token"], obtain("bob")["token"]

    author.password = make_password("a-new-pass-456")
    author.save()
    coauthor.set_unusable_password()
    coauthor.save(update_fields=["password"])

    assert answers(alices) == 401
    assert answers(bobs) == 401


def test_a_password_set_in_the_admin_revokes_every_token(author, client):
    key = obtain()["token"]
    client.force_login(factories.UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post(
        f"/admin/auth/user/{author.pk}/password/",
        {"password1": "a-new-pass-456", "password2": "a-new-pass-456", "usable_password": "true"},
    )

    assert response.status_code == 302, response.content
    assert answers(key) == 401


def test_the_changepassword_command_revokes_every_token(author, monkeypatch):
    from django.contrib.auth.management.commands import changepassword

    key = obtain()["token"]
    monkeypatch.setattr(changepassword.getpass, "getpass", lambda prompt="": "a-new-pass-456")

    call_command("changepassword", "alice", stdout=StringIO())

    assert answers(key) == 401


def test_deactivating_the_account_revokes_every_token(author):
    key = obtain()["token"]

    author.is_active = False
    author.save()
    author.is_active = True
    author.save()

    assert answers(key) == 401


def test_saving_the_user_otherwise_keeps_the_tokens(author):
    key = obtain()["token"]

    author.first_name = "Alicia"
    author.save()
    get_user_model().objects.get(pk=author.pk).save()

    assert answers(key) == 200


class RenamedMD5Hasher(MD5PasswordHasher):
    """A hasher Django prefers over the stored one: the next login stores a new hash."""

    algorithm = "renamed_md5"


def test_a_new_hash_of_the_same_password_at_login_keeps_the_tokens(author, settings):
    key = obtain()["token"]
    settings.PASSWORD_HASHERS = [
        f"{__name__}.RenamedMD5Hasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]

    obtain()

    author.refresh_from_db()
    assert author.password.startswith("renamed_md5$")
    assert answers(key) == 200


def test_the_owner_lists_and_revokes_a_token(author):
    keep, drop = obtain(name="Laptop"), obtain(name="Old script")
    client = with_key(keep["token"])

    listed = client.get(TOKENS)

    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["Old script", "Laptop"]
    assert set(listed.json()[0]) == {"id", "name", "prefix", "created_at", "last_used_at", "expires_at"}
    assert listed.json()[0]["prefix"] == drop["token"][:8]
    assert drop["token"] not in listed.content.decode()

    assert client.delete(f"{TOKENS}{drop['id']}/").status_code == 204

    assert answers(drop["token"]) == 401
    assert [t["name"] for t in client.get(TOKENS).json()] == ["Laptop"]
    assert client.delete(f"{TOKENS}{drop['id']}/").status_code == 404


def test_a_token_can_revoke_itself(author):
    issued = obtain()
    client = with_key(issued["token"])

    assert client.delete(f"{TOKENS}{issued['id']}/").status_code == 204
    assert client.get(TOKENS).status_code == 401


def test_another_user_can_neither_see_nor_revoke_my_tokens(author, coauthor):
    mine = obtain("alice")
    theirs = with_key(obtain("bob")["token"])

    assert mine["id"] not in [t["id"] for t in theirs.get(TOKENS).json()]
    response = theirs.delete(f"{TOKENS}{mine['id']}/")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert answers(mine["token"]) == 200


def test_listing_tokens_needs_credentials():
    assert APIClient().get(TOKENS).status_code == 401
    assert APIClient().delete(f"{TOKENS}1/").status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(author):
    key = obtain()["token"]
    token = ApiToken.objects.get()
    assert token.last_used_at is None

    answers(key)
    token.refresh_from_db()
    first_use = token.last_used_at
    answers(key)
    token.refresh_from_db()
    assert first_use is not None
    assert token.last_used_at == first_use

    ApiToken.objects.update(last_used_at=F("last_used_at") - timedelta(minutes=2))
    answers(key)
    token.refresh_from_db()
    assert token.last_used_at > first_use


def test_drf_tokens_issued_before_are_moved_hashed_and_keep_working(author, settings):
    """Migration 0005: keys of rest_framework.authtoken's table, stored in clear, become hashed tokens."""
    key = "0123456789abcdef0123456789abcdef01234567"
    created = timezone.now() - timedelta(days=400)
    timestamp = "timestamp with time zone" if connection.vendor == "postgresql" else "datetime"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created {timestamp} NOT NULL, "
            "user_id integer NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, %s)", [key, created, author.pk])
        schema_editor = SimpleNamespace(connection=connection, execute=cursor.execute)
        migration = importlib.import_module("reviews.migrations.0005_move_drf_tokens")

        migration.move_drf_tokens(apps, schema_editor)

    assert "authtoken_token" not in connection.introspection.table_names()
    token = ApiToken.objects.get()
    assert token.user == author
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert abs(token.created_at - created) < timedelta(seconds=1)
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs(token.expires_at - expected) < timedelta(minutes=1)
    assert answers(key) == 200


def test_a_user_with_many_tokens_sees_only_the_working_ones(author):
    live = obtain(name="Live")
    expired = obtain(name="Expired")
    ApiToken.objects.filter(pk=expired["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    revoked = obtain(name="Revoked")
    with_key(live["token"]).delete(f"{TOKENS}{revoked['id']}/")
    factories.UserFactory(username="carol")
    obtain("carol")

    assert [t["name"] for t in with_key(live["token"]).get(TOKENS).json()] == ["Live"]
