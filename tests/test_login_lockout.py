"""Password guessing is stopped on every way in: the web login, the admin's, the API's token endpoint.

Lockouts count failures per account and per client address, separately; the client's address is
``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` proxies are trusted to write ``X-Forwarded-For``.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.core.cache.backends.base import BaseCache
from django.test import RequestFactory, override_settings
from django.utils import timezone
from redis.exceptions import ConnectionError as RedisConnectionError
from rest_framework.test import APIClient

from editorial.lockout import client_ip, lockout_message
from tests import factories
from tests.api import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
MESSAGE = re.compile(
    r"Too many failed attempts for this account \(or from this address\)\. Try again at (\d\d:\d\d) UTC\."
)


def minute_up(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    floor = moment.replace(second=0, microsecond=0)
    return (floor + timedelta(minutes=1) if floor < moment else floor).strftime("%H:%M")


def post_login(client, url, username, password, **extra):
    return client.post(url, {"username": username, "password": password}, **extra)


def assert_locked_page(response):
    assert response.status_code == 429
    assert MESSAGE.search(response.content.decode()), response.content.decode()
    assert SESSION_KEY not in response.wsgi_request.session


def test_the_web_login_refuses_the_right_password_after_40_wrong_ones(client, author):
    codes = [post_login(client, LOGIN, "alice", f"guess-{n}").status_code for n in range(40)]
    response = post_login(client, LOGIN, "alice", PASSWORD)

    assert codes[:9] == [200] * 9
    assert set(codes[9:]) == {429}
    assert_locked_page(response)
    assert client.get("/editorial/").status_code == 302  # not logged in


def test_the_admin_login_refuses_the_right_password_after_40_wrong_ones(client):
    factories.UserFactory(username="root", is_staff=True, is_superuser=True)

    codes = [post_login(client, ADMIN_LOGIN, "root", f"guess-{n}").status_code for n in range(40)]
    response = post_login(client, ADMIN_LOGIN, "root", PASSWORD)

    assert set(codes[9:]) == {429}
    assert_locked_page(response)
    assert client.get("/admin/").status_code == 302


def test_the_locked_page_says_when_to_try_again(client, author):
    before = timezone.now()
    for n in range(10):
        response = post_login(client, LOGIN, "alice", f"guess-{n}")
    after = timezone.now()

    shown = MESSAGE.search(response.content.decode()).group(1)
    # Fifteen minutes after the tenth failure, rounded up to the minute, in UTC.
    expected = {
        minute_up(moment + timedelta(minutes=15)) for moment in (before, after + timedelta(seconds=1))
    }
    assert shown in expected
    assert 14 * 60 < int(response["Retry-After"]) <= 15 * 60 + 1
    assert b"Login paused" in response.content  # our page, not django-axes' plain text


def test_many_addresses_against_one_account_lock_the_account(client, author):
    for n in range(10):
        post_login(client, LOGIN, "alice", f"guess-{n}", REMOTE_ADDR=f"198.51.100.{n}")

    assert_locked_page(post_login(client, LOGIN, "alice", PASSWORD, REMOTE_ADDR="203.0.113.9"))
    # Another account from those addresses still logs in.
    factories.UserFactory(username="other")
    assert post_login(client, LOGIN, "other", PASSWORD, REMOTE_ADDR="198.51.100.1").status_code == 302


def test_one_address_against_many_accounts_locks_the_address(client, author):
    for n in range(10):
        post_login(client, LOGIN, f"someone-{n}", "guess", REMOTE_ADDR="198.51.100.7")

    assert_locked_page(post_login(client, LOGIN, "alice", PASSWORD, REMOTE_ADDR="198.51.100.7"))
    # The same account from another address is not locked.
    assert post_login(client, LOGIN, "alice", PASSWORD, REMOTE_ADDR="198.51.100.8").status_code == 302


def test_a_new_x_forwarded_for_per_try_does_not_get_more_guesses_on_the_token_endpoint(author):
    client = APIClient()
    codes = [
        client.post(
            TOKEN, {"username": "alice", "password": f"guess-{n}"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
        ).status_code
        for n in range(30)
    ]
    response = client.post(
        TOKEN, {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.99"
    )

    assert codes[:9] == [400] * 9
    assert set(codes[9:]) == {429}
    assert response.status_code == 429
    assert "token" not in response.json()
    # The header is not trusted by default: every attempt counted against the connection's address.
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"127.0.0.1"}


def test_the_token_endpoint_answers_a_lockout_as_json_with_retry_after(author):
    client = APIClient()
    for n in range(10):
        response = client.post(TOKEN, {"username": "alice", "password": f"guess-{n}"})
    locked = client.post(TOKEN, {"username": "alice", "password": PASSWORD})

    for answer in (response, locked):
        body = answer.json()
        assert answer.status_code == 429
        assert set(body) == {"detail", "code", "retry_after"}
        assert body["code"] == "locked_out"
        assert MESSAGE.fullmatch(body["detail"])
        retry_after = datetime.fromisoformat(body["retry_after"])
        assert retry_after.utcoffset() == timedelta(0)
        seconds = int(answer["Retry-After"])
        assert abs((timezone.now() + timedelta(seconds=seconds) - retry_after).total_seconds()) <= 2
        assert body["detail"] == lockout_message(retry_after)


def test_the_token_endpoint_locks_one_address_guessing_at_many_accounts(author):
    client = APIClient()
    for n in range(10):
        client.post(TOKEN, {"username": f"someone-{n}", "password": "guess"})

    assert client.post(TOKEN, {"username": "alice", "password": PASSWORD}).status_code == 429
    assert (
        APIClient(REMOTE_ADDR="192.0.2.50")
        .post(TOKEN, {"username": "alice", "password": PASSWORD})
        .status_code
        == 200
    )


def test_a_trusted_proxy_s_x_forwarded_for_names_the_client(author, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()
    for n in range(10):
        client.post(
            TOKEN,
            {"username": f"someone-{n}", "password": "guess"},
            HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.5",
        )

    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}
    locked = client.post(
        TOKEN, {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.5"
    )
    other = client.post(
        TOKEN, {"username": "alice", "password": PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.6"
    )
    assert locked.status_code == 429
    assert other.status_code == 200


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "127.0.0.1"),
        (0, "", "127.0.0.1"),
        (1, "", "127.0.0.1"),
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer hops than proxies: the leftmost, as DRF reads it
        (1, "not-an-address", "127.0.0.1"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_trusts_exactly_the_configured_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().post(LOGIN, REMOTE_ADDR="127.0.0.1", **headers)

    assert client_ip(request) == expected


class UnreachableCache(BaseCache):
    """A cache whose every call fails, as Django's Redis cache does when Redis is down."""

    def __init__(self, location, params):
        super().__init__(params)

    def _fail(self, *args, **kwargs):
        raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    add = get = set = touch = delete = get_many = set_many = delete_many = has_key = incr = clear = _fail


@pytest.fixture
def cache_down():
    with override_settings(
        CACHES={"default": {"BACKEND": f"{__name__}.UnreachableCache", "LOCATION": "redis://127.0.0.1:6379"}}
    ):
        yield


def test_the_token_endpoint_works_while_the_cache_is_down(author, cache_down):
    client = APIClient()

    assert client.post(TOKEN, {"username": "alice", "password": "wrong"}).status_code == 400
    assert client.post(TOKEN, {"username": "alice", "password": PASSWORD}).status_code == 200
    for n in range(10):
        response = client.post(TOKEN, {"username": "alice", "password": f"guess-{n}"})
    assert response.status_code == 429


def test_token_endpoint_stops_password_guessing(editor):
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {"username": "eve", "password": f"guess{n}"}).status_code
        for n in range(21)
    ]
    right = client.post("/api/v1/auth/token/", {"username": "eve", "password": PASSWORD})

    assert codes[:9] == [400] * 9
    assert set(codes[9:]) == {429}
    assert right.status_code == 429
    assert right.json()["code"] == "locked_out"
