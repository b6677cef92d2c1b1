"""Public reads are answered above the editorial middleware (``public.middleware``)."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from public.middleware import PublicReadMiddleware
from tests.public.test_caching import urls_for


class Downstream:
    """The rest of the middleware stack: records whether a request reached it."""

    def __init__(self):
        self.reached = []

    def __call__(self, request):
        self.reached.append(request.path)
        return None


def answer(method: str, path: str):
    downstream = Downstream()
    request = RequestFactory().generic(method, path, HTTP_HOST="testserver")
    response = PublicReadMiddleware(downstream)(request)
    return response, downstream.reached, request


def test_public_reads_are_answered_without_the_editorial_middleware(published):
    for url in urls_for(published):
        for method in ("GET", "HEAD"):
            response, reached, request = answer(method, url)

            assert reached == [], (method, url)
            assert response.status_code == 200, (method, url)
            assert request.resolver_match.func is not None
            # Nothing below was there to give the request a session or a user.
            assert not hasattr(request, "session") and not hasattr(request, "user")


def test_a_public_read_that_fails_is_answered_as_to_anyone(db):
    response, reached, _request = answer("GET", "/api/v1/articles/never-approved/")

    assert reached == []
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/api/v1/articles/"),  # the public API's other methods: DRF answers 405
        ("OPTIONS", "/api/v1/articles/"),
        ("GET", "/"),  # the front door redirects; not a public read itself
        ("GET", "/editorial/"),
        ("GET", "/api/v1/editorial/articles/"),
        ("GET", "/accounts/login/"),
        ("GET", "/admin/"),
        ("GET", "/no-such-address"),  # CommonMiddleware may still add its slash
    ],
)
def test_everything_else_goes_down_the_whole_stack(db, method, path):
    _response, reached, _request = answer(method, path)

    assert reached == [path]


def test_public_responses_keep_the_headers_the_stack_above_gives(client, published):
    for url in urls_for(published):
        response = client.get(url)

        assert response.status_code == 200, url
        assert response["X-Frame-Options"] == "DENY", url
        assert response["X-Content-Type-Options"] == "nosniff", url
        assert "Content-Security-Policy" in response, url
        assert response["Referrer-Policy"], url
        assert int(response["Content-Length"]) == len(response.content), url
        assert response["Cache-Control"].startswith("public"), url
