"""Public reads are answered before the editorial side's middleware.

A public page, the public API and the feed show the same thing to every visitor
(``public.caching.public_response`` declares them so): they read no session, user, CSRF token
or message. The middleware below this one in ``MIDDLEWARE`` (sessions, CSRF, authentication,
upload limits, messages, htmx, history, login lockouts) works only for the editorial side, so a
GET or HEAD whose address resolves to a public read is answered here, without it; everything
else goes on down the whole stack. What stays above it applies to both: security headers, the
Content-Security-Policy, static files, ``Cache-Control``, ``Content-Length`` and framing.

A public read that fails (a slug never approved) is answered by the site's error pages as
before, as to a visitor who is not signed in: the public site is the same for everyone.
Its database reads go to the read replica when ``DATABASE_REPLICA_URL`` configures one.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.urls import Resolver404, ResolverMatch, resolve

from editorial.db.replica import public_reads
from public.caching import is_public_read

READ_METHODS = frozenset({"GET", "HEAD"})


def public_read(request: HttpRequest) -> ResolverMatch | None:
    """The route of ``request`` if it is a public read, else ``None``."""
    if request.method not in READ_METHODS:
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None  # the handler answers it, after CommonMiddleware's trailing-slash redirect
    return match if is_public_read(match.func) else None


class PublicReadMiddleware:
    """Answers a public read itself; passes every other request down the stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        match = public_read(request)
        if match is None:
            return self.get_response(request)
        request.resolver_match = match
        # Its reads go to the read replica when one is configured (editorial.db.replica).
        with public_reads():
            return match.func(request, *match.args, **match.kwargs)
