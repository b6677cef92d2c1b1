"""Where purges go: a CDN's API or a proxy in front, chosen by ``PUBLIC_PURGE_BACKENDS``.

Each backend takes a set of purge keys (``public.purging.keys``) and purges every response that
carries one, in as few calls as the vendor allows, or raises ``PurgeFailed``; the outbox then
tries again later (``public.purging.outbox``). Purging is idempotent, so a retry that repeats a
call that had worked does no harm.

- ``NoPurge`` (``none``, the default): nothing in front to purge.
- ``HttpPurge`` (``http``): ``PURGE`` with the keys in a header, for Varnish (xkey) or any proxy
  that purges by surrogate key.
- ``NginxRefresh`` (``nginx``): open-source nginx has no purge; the keys are turned into the
  addresses that carry them, which are fetched again through nginx past its cache
  (``deploy/nginx.conf``).
- ``Fastly`` (``fastly``): the batch surrogate-key purge API, up to 256 keys a call.
- ``Cloudflare`` (``cloudflare``): purge by cache tags, up to 100 tags a call, paced to the
  plan's rate limit.
"""

from __future__ import annotations

import functools
import json
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from public.purging.addresses import addresses_of

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0


class PurgeFailed(Exception):
    """A purge did not go through; ``retry_after`` is the seconds the vendor asked us to wait."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def send(
    method: str, url: str, *, headers: dict[str, str], body: bytes | None = None, timeout: float
) -> Answer:
    """One HTTP request; an error status is an ``Answer`` too, a connection failure ``PurgeFailed``."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())
    except (OSError, ValueError) as error:
        raise PurgeFailed(f"{method} {url}: {error}") from error


def batches(keys: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield list(keys[start : start + size])


def _retry_after(answer: Answer) -> float | None:
    try:
        return float(answer.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _refused(what: str, answer: Answer) -> PurgeFailed:
    return PurgeFailed(
        f"{what} answered {answer.status}: {answer.body[:300].decode(errors='replace')}",
        retry_after=_retry_after(answer),
    )


class PurgeBackend:
    """Purges the responses that carry any of the given keys, or raises ``PurgeFailed``."""

    # How many keys one call may carry (the vendor's limit).
    keys_per_call = 100

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT):
        self.timeout = timeout

    def purge(self, keys: Sequence[str]) -> None:
        for batch in batches(sorted(keys), self.keys_per_call):
            self.purge_batch(batch)

    def purge_batch(self, keys: list[str]) -> None:
        raise NotImplementedError


class NoPurge(PurgeBackend):
    """Nothing in front of the site: purging succeeds at once."""

    def purge(self, keys: Sequence[str]) -> None:
        return None


class HttpPurge(PurgeBackend):
    """``PURGE url`` with the keys in one header, space-separated: Varnish with the xkey module
    (``header="xkey"``), or a proxy that reads ``Surrogate-Key``. A call carries as many keys as
    fit in ``max_header_bytes`` (Varnish refuses request headers over 8 KB by default)."""

    def __init__(
        self,
        *,
        url: str,
        header: str = "Surrogate-Key",
        max_header_bytes: int = 4096,
        headers: dict[str, str] | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ):
        super().__init__(timeout=timeout)
        self.url = url
        self.header = header
        self.max_header_bytes = max_header_bytes
        self.headers = headers or {}

    def purge(self, keys: Sequence[str]) -> None:
        for batch in self._fitting(sorted(keys)):
            self.purge_batch(batch)

    def _fitting(self, keys: list[str]) -> Iterator[list[str]]:
        batch: list[str] = []
        size = 0
        for key in keys:
            if batch and size + 1 + len(key) > self.max_header_bytes:
                yield batch
                batch, size = [], 0
            size += len(key) + (1 if batch else 0)
            batch.append(key)
        if batch:
            yield batch

    def purge_batch(self, keys: list[str]) -> None:
        answer = send(
            "PURGE", self.url, headers={**self.headers, self.header: " ".join(keys)}, timeout=self.timeout
        )
        if answer.status >= 300:
            raise _refused(f"PURGE {self.url}", answer)


class NginxRefresh(PurgeBackend):
    """Open-source nginx cannot purge: each key becomes the addresses that carry it
    (``public.purging.addresses``), and each is fetched through nginx with ``header`` set, which
    ``deploy/nginx.conf`` lets only the purger use to go past the cache and store the fresh
    answer in place of the old one. ``host`` is the site's host name as nginx caches it."""

    keys_per_call = 1000

    def __init__(
        self,
        *,
        url: str,
        host: str = "",
        header: str = "X-Cache-Refresh",
        token: str = "1",
        timeout: float = DEFAULT_TIMEOUT,
    ):
        super().__init__(timeout=timeout)
        self.url = url.rstrip("/")
        self.host = host
        self.header = header
        self.token = token

    def purge_batch(self, keys: list[str]) -> None:
        headers = {self.header: self.token, **({"Host": self.host} if self.host else {})}
        for path in addresses_of(keys):
            answer = send("GET", self.url + path, headers=headers, timeout=self.timeout)
            # A 404 is an answer too: a page that is gone is not stored (nginx keeps no 404).
            if answer.status >= 500:
                raise _refused(f"GET {path} through nginx", answer)


class Fastly(PurgeBackend):
    """Fastly's batch purge by surrogate key: ``POST /service/{service_id}/purge`` with
    ``Fastly-Key`` and the keys as ``{"surrogate_keys": [...]}``, at most 256 a call. ``soft``
    marks them stale rather than deleting them, so ``stale-while-revalidate`` and
    ``stale-if-error`` still apply."""

    keys_per_call = 256

    def __init__(
        self,
        *,
        service_id: str,
        token: str,
        soft: bool = True,
        api: str = "https://api.fastly.com",
        timeout: float = DEFAULT_TIMEOUT,
    ):
        super().__init__(timeout=timeout)
        self.url = f"{api.rstrip('/')}/service/{service_id}/purge"
        self.headers = {
            "Fastly-Key": token,
            "Accept": "application/json",
            "Content-Type": "application/json",
            **({"Fastly-Soft-Purge": "1"} if soft else {}),
        }

    def purge_batch(self, keys: list[str]) -> None:
        body = json.dumps({"surrogate_keys": keys}).encode()
        answer = send("POST", self.url, headers=self.headers, body=body, timeout=self.timeout)
        if answer.status != 200:
            raise _refused("Fastly", answer)


class Cloudflare(PurgeBackend):
    """Cloudflare's purge by cache tags: ``POST /zones/{zone_id}/purge_cache`` with a bearer
    token and ``{"tags": [...]}``, at most 100 tags a call.

    Purge calls are rate-limited per account by a token bucket (Free: 5 a minute, bucket 25;
    Pro: 5 a second, 25; Business: 10 a second, 50; Enterprise: 50 a second, 500): the calls
    are paced to ``rate`` a second after a burst of ``burst``, and a 429 raises with the
    ``Retry-After`` it gave, so the outbox waits that long.
    """

    keys_per_call = 100

    def __init__(
        self,
        *,
        zone_id: str,
        token: str,
        rate: float = 5 / 60,
        burst: int = 25,
        api: str = "https://api.cloudflare.com/client/v4",
        timeout: float = DEFAULT_TIMEOUT,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        super().__init__(timeout=timeout)
        self.url = f"{api.rstrip('/')}/zones/{zone_id}/purge_cache"
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        self.bucket = TokenBucket(rate=rate, burst=burst, clock=clock, sleep=sleep)

    def purge_batch(self, keys: list[str]) -> None:
        self.bucket.take()
        body = json.dumps({"tags": keys}).encode()
        answer = send("POST", self.url, headers=self.headers, body=body, timeout=self.timeout)
        try:
            succeeded = answer.status == 200 and json.loads(answer.body).get("success") is True
        except ValueError:
            succeeded = False
        if not succeeded:
            raise _refused("Cloudflare", answer)


class TokenBucket:
    """At most ``burst`` calls at once, then ``rate`` a second: ``take`` waits for a token."""

    def __init__(
        self, *, rate: float, burst: int, clock: Callable[[], float], sleep: Callable[[float], None]
    ):
        if rate <= 0 or burst < 1:
            raise ImproperlyConfigured("A purge rate must be positive and its burst at least 1.")
        self.rate, self.burst, self.clock, self.sleep = rate, burst, clock, sleep
        self.tokens = float(burst)
        self.updated = clock()

    def take(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            wait = (1 - self.tokens) / self.rate
            self.sleep(wait)
            self.tokens, self.updated = 1.0, now + wait
        self.tokens -= 1


NAMES = {
    "none": NoPurge,
    "http": HttpPurge,
    "nginx": NginxRefresh,
    "fastly": Fastly,
    "cloudflare": Cloudflare,
}


@functools.cache
def configured_backends() -> tuple[PurgeBackend, ...]:
    """The backends of ``PUBLIC_PURGE_BACKENDS``, each ``{"BACKEND": name or path, "OPTIONS": {}}``."""
    backends = []
    for entry in settings.PUBLIC_PURGE_BACKENDS:
        name = entry["BACKEND"]
        backend_class = NAMES.get(name) or import_string(name)
        try:
            backends.append(backend_class(**entry.get("OPTIONS", {})))
        except TypeError as exc:
            raise ImproperlyConfigured(f"PUBLIC_PURGE_BACKENDS: {name}: {exc}") from None
    # Kept for the process: a rate limit's bucket lasts from one send to the next.
    return tuple(backends)


def forget_backends(*, setting: str, **_signal) -> None:
    """``setting_changed`` (tests): build the backends again from the new settings."""
    if setting == "PUBLIC_PURGE_BACKENDS":
        configured_backends.cache_clear()
