"""Login lockouts (django-axes): who the client is, until when it is locked out, and what it is told.

Every login (the editorial web app's, the admin's, the API's token endpoint) calls
``authenticate(request, ...)``; ``axes.backends.AxesStandaloneBackend`` refuses it while the
account or the client's address has ``LOGIN_FAILURE_LIMIT`` failures in the last
``LOGIN_COOLOFF_MINUTES``, and ``axes.middleware.AxesMiddleware`` answers with
``lockout_response``: JSON under the API, the locked-out page elsewhere, 429 both.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import UTC, datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from editorial.refusals import API_PREFIX

LOCKED_OUT = "Too many failed attempts for this account (or from this address). Try again at {time} UTC."


def client_ip(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` proxies are in front; then the address that
    many hops from the right of ``X-Forwarded-For``, as DRF's ``NUM_PROXIES`` reads it: each
    trusted proxy appends the address it was connected from, anything further left is whatever
    the client wrote. A value that is not an address (a misconfigured count) counts as the
    proxy's own address.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if count == 0 or not forwarded:
        return remote
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def locked_until(request: HttpRequest, credentials: dict | None = None) -> datetime | None:
    """When the lockout of this request's account and address ends, or ``None`` when neither is locked.

    For each lockout parameter (the account, the address), the attempts still within the
    cool-off, newest first: the lockout lasts while the newest of them that reach the limit are
    within it, i.e. until the oldest of those leaves it.
    """
    AxesProxyHandler.update_request(request)
    limit = get_failure_limit(request, credentials)
    cool_off = get_cool_off(request)
    ends = []
    for attempts in AxesDatabaseHandler().get_user_attempts(request, credentials):
        failures = 0
        for attempt_time, count in attempts.order_by("-attempt_time").values_list(
            "attempt_time", "failures_since_start"
        ):
            failures += count
            if failures >= limit:
                ends.append(attempt_time + cool_off)
                break
    return max(ends, default=None)


def _whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0) + timedelta(seconds=1 if moment.microsecond else 0)


def lockout_message(until: datetime) -> str:
    """The message a locked-out client reads: the time, in UTC, rounded up to the minute."""
    until = until.astimezone(UTC)
    shown = until.replace(second=0, microsecond=0)
    if shown < until:
        shown += timedelta(minutes=1)
    today = timezone.now().astimezone(UTC).date()
    time = shown.strftime("%H:%M") if shown.date() == today else shown.strftime("%Y-%m-%d %H:%M")
    return LOCKED_OUT.format(time=time)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """``AXES_LOCKOUT_CALLABLE``: 429 with the message and ``Retry-After``.

    Under the API, ``{"detail", "code": "locked_out", "retry_after"}``; elsewhere (the web and
    admin logins) the page ``registration/locked_out.html``.
    """
    now = timezone.now()
    until = _whole_second(locked_until(request, credentials) or now + get_cool_off(request))
    message = lockout_message(until)
    if request.path_info.startswith(API_PREFIX):
        retry_after = until.astimezone(UTC).isoformat().replace("+00:00", "Z")
        response = JsonResponse(
            {"detail": message, "code": "locked_out", "retry_after": retry_after}, status=429
        )
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(1, math.ceil((until - now).total_seconds())))
    return response
