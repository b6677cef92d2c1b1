"""HTTP caching: validators, conditional GETs, Cache-Control, the response cache and its invalidation."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.utils import timezone
from django.utils.http import http_date

from editorial.settings import redis_cache_config
from public import freshness
from public.serializers import PublicationListSerializer
from reviews import workflow
from tests import factories

PUBLIC_URLS = ("/api/v1/articles/", "/articles/")


def urls_for(article) -> list[str]:
    return [
        "/api/v1/articles/",
        f"/api/v1/articles/{article.slug}/",
        "/articles/",
        f"/articles/{article.slug}/",
        "/feeds/articles.atom",
        "/editorial-policy/",
    ]


def test_public_responses_carry_validators_and_public_cache_control(client, published):
    for url in urls_for(published):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["ETag"].startswith('"'), url
        assert response["Cache-Control"] == "public, max-age=300, s-maxage=86400, stale-while-revalidate=60, stale-if-error=86400", url
    for url in urls_for(published)[:4]:
        assert client.get(url).has_header("Last-Modified"), url


def test_cache_control_follows_the_settings(client, published, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 60
    settings.PUBLIC_SHARED_MAX_AGE = 3600
    settings.PUBLIC_STALE_WHILE_REVALIDATE = 30
    settings.PUBLIC_STALE_IF_ERROR = 600

    assert client.get(f"/api/v1/articles/{published.slug}/")["Cache-Control"] == (
        "public, max-age=60, s-maxage=3600, stale-while-revalidate=30, stale-if-error=600"
    )


def test_editorial_responses_are_private_and_not_stored(client, published, editor):
    client.force_login(editor)

    for url in ("/api/v1/editorial/articles/", f"/api/v1/editorial/articles/{published.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "private, no-store", url
    token = client.post(
        "/api/v1/auth/token/",
        {"username": "eve", "password": "pass-word-123"},
        content_type="application/json",
    )
    assert token["Cache-Control"] == "private, no-store"


def test_a_404_is_not_marked_public(client, db):
    response = client.get("/api/v1/articles/nothing-here/")

    assert response.status_code == 404
    assert response["Cache-Control"] == "private, no-store"


def test_public_responses_do_not_depend_on_the_visitor(client, published, editor):
    anonymous = {url: client.get(url) for url in urls_for(published)}
    cache.clear()
    client.force_login(editor)

    for url, first in anonymous.items():
        response = client.get(url)
        assert response.content == first.content, url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


# Conditional GET ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/articles/{slug}/", "/articles/{slug}/", "/api/v1/articles/", "/articles/"]
)
def test_a_matching_if_none_match_answers_304_without_rendering(client, published, monkeypatch, path):
    url = path.format(slug=published.slug)
    etag = client.get(url)["ETag"]
    cache.clear()  # no stored response: the view itself must answer from the rows it read

    def refuse(*args, **kwargs):
        raise AssertionError("rendered for a conditional GET that matched")

    monkeypatch.setattr("public.documents.article_json", refuse)
    monkeypatch.setattr(PublicationListSerializer, "to_representation", refuse)
    monkeypatch.setattr("public.views.loader.render_to_string", refuse)

    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["Cache-Control"] == "public, max-age=300, s-maxage=86400, stale-while-revalidate=60, stale-if-error=86400"
    assert response.content == b""


def test_if_modified_since_answers_304_until_something_changes(client, published, editor):
    url = f"/api/v1/articles/{published.slug}/"
    last_modified = client.get(url)["Last-Modified"]
    cache.clear()

    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": http_date(0)}).status_code == 200


@pytest.mark.parametrize("stored", [False, True], ids=["rendered", "stored"])
@pytest.mark.parametrize("path", ["/api/v1/articles/{slug}/", "/api/v1/articles/", "/articles/{slug}/"])
def test_preconditions_that_fail_answer_412_and_those_that_hold_200(client, published, path, stored):
    url = path.format(slug=published.slug)
    first = client.get(url)
    if not stored:
        cache.clear()

    def status(**headers):
        return client.get(url, headers=headers).status_code

    assert status(**{"If-Match": '"another"'}) == 412
    assert status(**{"If-Match": first["ETag"]}) == 200
    assert status(**{"If-Unmodified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}) == 412
    assert status(**{"If-Unmodified-Since": first["Last-Modified"]}) == 200


def test_a_stale_etag_gets_the_new_content(client, published, editor):
    url = f"/api/v1/articles/{published.slug}/"
    etag = client.get(url)["ETag"]

    workflow.flag_for_rereview(actor=editor, article=published, reason="A new trial contradicts it.")
    response = client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 200
    assert response["ETag"] != etag
    assert response.json()["status"] == "review_due"


def test_etags_change_with_what_shapes_the_page_besides_data(client, published, settings):
    url = f"/articles/{published.slug}/"
    before = client.get(url)["ETag"]
    cache.clear()

    settings.MEDICAL_DISCLAIMER = "Talk to your doctor."  # override clears the release fingerprint
    after = client.get(url)

    assert after["ETag"] != before
    assert b"Talk to your doctor." in after.content


@pytest.mark.parametrize("path", ["/api/v1/articles/{slug}/", "/articles/{slug}/"])
def test_etags_change_with_the_time_zone_dates_are_written_in(client, published, settings, path):
    url = path.format(slug=published.slug)
    before = client.get(url)
    cache.clear()

    settings.TIME_ZONE = "Asia/Tokyo"
    after = client.get(url)

    assert after["ETag"] != before["ETag"]
    assert after.content != before.content


# The response cache ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/articles/{slug}/", "/articles/{slug}/", "/api/v1/articles/", "/articles/"]
)
def test_a_stored_response_costs_no_query(client, published, django_assert_num_queries, path):
    url = path.format(slug=published.slug)
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)
        not_modified = client.get(url, headers={"If-None-Match": first["ETag"]})

    assert again.content == first.content and again["ETag"] == first["ETag"]
    assert again["Cache-Control"] == "public, max-age=300, s-maxage=86400, stale-while-revalidate=60, stale-if-error=86400"
    assert not_modified.status_code == 304 and not_modified["ETag"] == first["ETag"]


def test_head_is_answered_like_get(client, published):
    get = client.get(f"/api/v1/articles/{published.slug}/")
    head = client.head(f"/api/v1/articles/{published.slug}/")

    assert head.status_code == 200 and head["ETag"] == get["ETag"]


def test_searches_are_not_stored(client, published, django_assert_num_queries):
    client.get("/api/v1/articles/", {"q": "spasms"})

    with django_assert_num_queries(2):  # read again: the page's keys with the count, its rows
        client.get("/api/v1/articles/", {"q": "spasms"})


def test_a_retraction_reaches_a_stored_page_at_once(client, published, editor):
    for url in (f"/api/v1/articles/{published.slug}/", f"/articles/{published.slug}/"):
        assert client.get(url).status_code == 200

    workflow.retract(actor=editor, article=published, notice="Withdrawn for a dosage error.")

    assert client.get(f"/api/v1/articles/{published.slug}/").status_code == 410
    page = client.get(f"/articles/{published.slug}/")
    assert page.status_code == 410 and b"Withdrawn for a dosage error." in page.content
    assert client.get("/api/v1/articles/").json()["count"] == 0


def test_a_new_approval_reaches_a_stored_list(client, published, publish):
    assert client.get("/api/v1/articles/").json()["count"] == 1

    publish("A second article")

    assert client.get("/api/v1/articles/").json()["count"] == 2
    assert b"A second article" in client.get("/feeds/articles.atom").content


def test_a_source_retraction_reaches_a_stored_page(client, published):
    url = f"/articles/{published.slug}/"
    assert b"notice-retracted_source" not in client.get(url).content

    source = published.citations.get(number=1).source
    source.retracted_on = timezone.localdate()
    source.save()

    assert b"notice-retracted_source" in client.get(url).content


def test_a_board_change_reaches_the_stored_editorial_policy(client, reviewers, topic):
    assert b"Dr. Newcomer" not in client.get("/editorial-policy/").content

    factories.BoardMemberFactory(display_name="Dr. Newcomer", specialties=[topic])

    assert b"Dr. Newcomer" in client.get("/editorial-policy/").content


def test_the_version_is_forgotten_at_once_and_again_when_the_transaction_commits(
    db, django_capture_on_commit_callbacks
):
    memory = caches["local"]
    freshness.content_version()
    assert memory.get(freshness.VERSION_KEY) is not None

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        freshness.forget_content_version()
        assert memory.get(freshness.VERSION_KEY) is None
        freshness.content_version()  # another request, before the commit
    assert len(callbacks) == 1

    callbacks[0]()
    assert memory.get(freshness.VERSION_KEY) is None, "what was read before the commit is forgotten"


def test_an_unreachable_cache_is_bypassed(client, published, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], "get", down)
    monkeypatch.setattr(caches["default"], "set", down)

    assert client.get(f"/api/v1/articles/{published.slug}/").status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/articles/{slug}/", "/articles/{slug}/", "/api/v1/articles/"])
def test_pages_render_while_the_deployed_redis_cache_refuses_connections(client, published, settings, path):
    # Nothing listens on port 1: the deployed cache configuration, with Redis down.
    settings.CACHES = {**settings.CACHES, "default": redis_cache_config("redis://127.0.0.1:1/0")}

    response = client.get(path.format(slug=published.slug))

    assert response.status_code == 200
    assert published.title.encode() in response.content


@pytest.mark.parametrize("path", ["/api/v1/articles/{slug}/", "/articles/{slug}/", "/feeds/articles.atom"])
def test_a_query_string_does_not_make_another_copy_of_a_page(
    client, published, path, django_assert_num_queries
):
    url = path.format(slug=published.slug)
    first = client.get(url)

    with django_assert_num_queries(0):
        tagged = client.get(url, {"utm_source": "newsletter"})

    assert tagged.content == first.content


@pytest.fixture
def redis_cache(settings):
    """The Redis cache, as deployed, on database 15 of a local Redis server; skipped without one."""
    import redis

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("needs a Redis server at 127.0.0.1:6379")
    settings.CACHES = {
        "default": redis_cache_config(url),
        "local": settings.CACHES["local"],
    }
    cache.clear()
    yield
    cache.clear()


@pytest.mark.redis
def test_the_response_cache_works_on_redis(client, published, editor, redis_cache, django_assert_num_queries):
    url = f"/api/v1/articles/{published.slug}/"
    first = client.get(url)

    with django_assert_num_queries(0):
        assert client.get(url).content == first.content

    workflow.retract(actor=editor, article=published, notice="Withdrawn.")
    assert client.get(url).status_code == 410
