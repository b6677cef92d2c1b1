"""HTTP caching of the public site: validators, ``Cache-Control`` and a versioned response cache.

Three layers, outermost first:

1. ``public_response`` keeps whole public responses in Django's cache (Redis in production,
   local memory by default) under the current *content version*. A hit costs no SQL query and
   answers a conditional GET from the stored validators.
2. On a miss, the views compute ``ETag`` and ``Last-Modified`` from the rows they read, before
   rendering anything, and answer a matching conditional GET with 304 (``not_modified``).
3. Public responses say ``Cache-Control: public, max-age=PUBLIC_CACHE_MAX_AGE`` so that browsers
   can keep them a short while, and ``s-maxage``, ``stale-while-revalidate`` and
   ``stale-if-error`` for a CDN or proxy, which is purged when they change: each names its purge
   keys in ``Surrogate-Key`` and ``Cache-Tag`` (``public.purging``). Every other response is
   ``private, no-store`` (``PrivateByDefaultMiddleware``), so nothing editorial is ever stored
   by a shared cache.

Invalidation: every stored response is tagged with the content version it was rendered under
(``public.freshness``: read from the database, where every committed change is noted) and is
served only while that version is current. The version is read before the view reads any row,
so a response rendered from rows older than a change is tagged older than it, and never served
once the change has committed. Nothing is deleted: each URL has one entry, overwritten when next
rendered or expired after ``PUBLIC_CACHE_MAX_AGE`` seconds.
"""

from __future__ import annotations

import functools
import hashlib
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, caches
from django.core.signals import setting_changed
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from public.freshness import content_version

logger = logging.getLogger(__name__)

RESPONSE_KEY_PREFIX = "public:response"

# Statuses that a shared cache may keep: a 404 is not among them, so a slug approved a moment
# later is not hidden behind a cached "not found".
PUBLIC_STATUSES = frozenset({200, 304, 410})
_STORED_STATUSES = frozenset({200, 410})
# Headers a stored response never carries: they belong to one client or one moment.
_UNSTORED_HEADERS = frozenset({"set-cookie", "cache-control", "date", "expires", "vary"})
# The request headers that make a GET conditional (RFC 9110 section 13.1).
_CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
)


def _response_cache() -> BaseCache:
    # The default cache, looked up once per request: ``cache.<method>`` looks it up again on
    # every call, in a context-local registry.
    return caches[DEFAULT_CACHE_ALIAS]


def connect_signals() -> None:
    """Forget the release fingerprint when settings change (tests); called from ``ready()``."""
    setting_changed.connect(forget_release, dispatch_uid="public-cache-release")


def forget_release(**_kwargs) -> None:
    """Settings changed (tests): the release fingerprint and the headers are made of some of them."""
    release_fingerprint.cache_clear()
    public_cache_control.cache_clear()
    key_headers.cache_clear()


# Cache-Control and purge keys -----------------------------------------------------------------


@functools.cache
def public_cache_control(*, purgeable: bool = True) -> str:
    """A public response's ``Cache-Control``: briefly in browsers, long at a CDN or proxy that is
    purged on change, and stale there while it revalidates or while the site is down.

    A response that names no purge keys could never be purged: shared caches keep it no longer
    than browsers do (no ``s-maxage``).
    """
    return ", ".join(
        f"{name}={value}" if value is not True else name for name, value in _directives(purgeable)
    )


def _directives(purgeable: bool) -> list[tuple[str, object]]:
    shared = [("s-maxage", settings.PUBLIC_SHARED_MAX_AGE)] if purgeable else []
    return [
        ("public", True),
        ("max-age", settings.PUBLIC_CACHE_MAX_AGE),
        *shared,
        ("stale-while-revalidate", settings.PUBLIC_STALE_WHILE_REVALIDATE),
        ("stale-if-error", settings.PUBLIC_STALE_IF_ERROR),
    ]


def is_purgeable(response: HttpResponseBase) -> bool:
    """Whether ``response`` names its purge keys (``tag``)."""
    return any(name in response.headers for name, _separator in key_headers())


@functools.cache
def key_headers() -> tuple[tuple[str, str], ...]:
    """``(header, separator)`` for each header that carries purge keys (``PUBLIC_CACHE_KEY_HEADERS``):
    Fastly's and Varnish's ``Surrogate-Key`` separates them by spaces, Cloudflare's ``Cache-Tag``
    by commas."""
    names = settings.PUBLIC_CACHE_KEY_HEADERS
    return tuple((name, "," if name.lower() == "cache-tag" else " ") for name in names)


def tag(response: HttpResponseBase, keys: str) -> HttpResponseBase:
    """Name ``response``'s purge keys (``public.purging.keys``, space-separated)."""
    for name, separator in key_headers():
        response.headers[name] = keys if separator == " " else keys.replace(" ", separator)
    return response


# Validators -----------------------------------------------------------------------------------


@functools.cache
def release_fingerprint() -> str:
    """A hash of what shapes public output besides the data: settings, templates, code, CSS.

    Part of every ETag, so a deploy that changes a template or the disclaimer never answers a
    client's old ETag with 304.
    """
    digest = hashlib.sha256()
    for value in (
        settings.SITE_NAME,
        settings.MEDICAL_DISCLAIMER,
        settings.SHOW_PENDING_CONTENT,
        settings.TIME_ZONE,
    ):
        digest.update(repr(value).encode())
    app_dir = Path(__file__).resolve().parent
    base_dir = Path(settings.BASE_DIR)
    modules = ("serializers.py", "documents.py", "selectors.py", "structured_data.py")
    files = [app_dir / name for name in modules]
    files += sorted((base_dir / "templates" / "public").glob("*.html"))
    files += [base_dir / "templates" / "base.html"]
    files += sorted((base_dir / "static" / "css").glob("*.css"))
    for path in files:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def etag_for(*parts) -> str:
    """A strong, quoted ETag for a representation fully determined by ``parts``."""
    digest = hashlib.sha256(release_fingerprint().encode())
    digest.update(repr(parts).encode())
    return f'"{digest.hexdigest()[:32]}"'


def answer(
    request: HttpRequest, *, etag: str, last_modified: datetime | None, render: Callable[[], HttpResponse]
) -> HttpResponse:
    """The 304 (or 412) a matching conditional request gets, else ``render()`` with its validators.

    The validators come from the rows a view read, before anything is rendered: a client that has
    the page costs no rendering.
    """
    if response := not_modified(request, etag, last_modified):
        return response
    response = render()
    set_validators(response, etag, last_modified)
    return response


def not_modified(request: HttpRequest, etag: str, last_modified: datetime | None) -> HttpResponse | None:
    """The 304 (or 412) answer to a conditional request that matches, else ``None``.

    Call it before rendering: that is the point of computing the validators from the rows.
    """
    if not _is_conditional(request):
        return None
    timestamp = int(last_modified.timestamp()) if last_modified else None
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is not None:
        set_validators(response, etag, last_modified)
    return response


def _is_conditional(request: HttpRequest) -> bool:
    # Most requests carry no condition: then there is nothing to parse or compare.
    return any(header in request.META for header in _CONDITIONAL_HEADERS)


def set_validators(response: HttpResponseBase, etag: str, last_modified: datetime | None) -> None:
    response.headers["ETag"] = etag
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified.timestamp())


# The response cache ---------------------------------------------------------------------------


def absolute_url(request: HttpRequest, *, with_query: bool = True) -> str:
    """``request``'s absolute URL, with its query or without, built once per request: the
    response cache key, the ETag and the list's page links all start from it."""
    attribute = "_public_url" if with_query else "_public_path_url"
    url = request.__dict__.get(attribute)
    if url is None:
        url = request.build_absolute_uri() if with_query else request.build_absolute_uri(request.path)
        setattr(request, attribute, url)
    return url


def _response_key(request: HttpRequest, *, with_query: bool) -> str:
    url = absolute_url(request, with_query=with_query)
    return f"{RESPONSE_KEY_PREFIX}:{hashlib.sha256(url.encode()).hexdigest()[:40]}"


# A proxy in front that refreshes a page after a purge (deploy/nginx.conf) says so: then the
# content version is read now, so the refreshed copy is never the one the purge was for.
REFRESH_HEADER = "HTTP_X_CACHE_REFRESH"


def _lookup(backend: BaseCache, key: str, *, fresh: bool = False) -> tuple[str, tuple | None]:
    """The current content version and the response stored under ``key`` if it is of that version.

    Each URL keeps one entry, tagged with the version it was rendered under, so a new version
    makes every older entry a miss without deleting anything.
    """
    version = content_version(fresh=fresh)
    tagged = backend.get(key)
    if tagged is not None and tagged[0] == version:
        return version, tagged[1]
    return version, None


def _stored(response: HttpResponse) -> tuple:
    headers = [(k, v) for k, v in response.headers.items() if k.lower() not in _UNSTORED_HEADERS]
    return (response.status_code, headers, response.content)


def _restored(entry: tuple) -> HttpResponse:
    status, headers, content = entry
    return HttpResponse(content, status=status, headers=dict(headers))


def _add_body_etag(response: HttpResponseBase) -> None:
    """An ETag from the body for views that set none (the feed, the editorial policy)."""
    if response.status_code == 200 and not response.has_header("ETag") and not response.streaming:
        response.headers["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()[:32]}"'


def _finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Mark a public answer cacheable and answer the request's conditions from its validators."""
    if response.status_code not in PUBLIC_STATUSES:
        return response
    purgeable = is_purgeable(response)
    if response.has_header("Cache-Control"):
        directives = {name.replace("-", "_"): value for name, value in _directives(purgeable)}
        patch_cache_control(response, **directives)
    else:
        # What patch_cache_control writes, without parsing a header that is not there.
        response.headers["Cache-Control"] = public_cache_control(purgeable=purgeable)
    if response.status_code == 200 and _is_conditional(request):
        last_modified = response.headers.get("Last-Modified")
        response = get_conditional_response(
            request,
            etag=response.headers["ETag"],
            last_modified=parse_http_date_safe(last_modified) if last_modified else None,
            response=response,
        )
    return response


def not_searching(request: HttpRequest) -> bool:
    """``cache_if`` for the lists: searches are a long tail, and caching each one would push the
    popular pages out of the cache."""
    return not request.GET.get("q")


def public_response(
    view: Callable | None = None,
    *,
    cache_if: Callable[[HttpRequest], bool] | None = None,
    uses_query: bool = True,
    keys: str = "",
) -> Callable:
    """Serve a public view through the response cache with public ``Cache-Control``.

    The view must show the same thing to every visitor (no user, no session, no cookies): its
    GETs are answered above the editorial middleware (``public.middleware``). ``cache_if`` can
    keep some requests out of the cache (long-tail searches); they still get the headers. A view
    whose output does not depend on the query string says ``uses_query=False``: then
    ``?anything`` cannot fill the cache with copies of one page. ``keys`` are the purge keys of
    a view that does not name its own (``tag``).
    """
    if view is None:
        return functools.partial(public_response, cache_if=cache_if, uses_query=uses_query, keys=keys)

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponseBase:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = version = None
        if cache_if is None or cache_if(request):
            try:
                backend = _response_cache()
                key = _response_key(request, with_query=uses_query)
                # The version is read before the view reads any row: if the content changes
                # meanwhile, what this request stores is already stale and never served.
                version, entry = _lookup(backend, key, fresh=REFRESH_HEADER in request.META)
            except Exception:
                logger.exception("The public response cache is unavailable; rendering")
                key = entry = None
            if entry is not None:
                return _finish(request, _restored(entry))
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        _add_body_etag(response)
        if keys and response.status_code in PUBLIC_STATUSES:
            tag(response, keys)
        if key is not None and response.status_code in _STORED_STATUSES and not response.cookies:
            try:
                backend.set(key, (version, _stored(response)), timeout=settings.PUBLIC_CACHE_MAX_AGE)
            except Exception:
                logger.exception("Could not store a public response")
        return _finish(request, response)

    wrapped.public_read = True
    return wrapped


def is_public_read(view: Callable) -> bool:
    """Whether ``view`` is served through ``public_response``: the same to every visitor."""
    return getattr(view, "public_read", False)


class PrivateByDefaultMiddleware:
    """Every response that did not declare itself cacheable is ``private, no-store``.

    The public views opt in (``public_response``); the editorial API and pages, the admin, the
    login page and every error page stay out of shared caches without having to remember to.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
