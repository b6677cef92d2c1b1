"""Request bodies too large to read: refused with 413, naming the limit, before anything reads them.

``MAX_UPLOAD_SIZE`` bounds every request body: a file import is the largest thing the site
accepts. ``RequestSizeLimitMiddleware`` compares it with the ``Content-Length`` header before
the view runs. It has to be a middleware: on the web page ``CsrfViewMiddleware`` reads
``request.POST`` (so the whole multipart body, the file spooled to disk) before the view, and on
the API DRF's session authentication runs the same CSRF check before the action. Under WSGI
Django reads no more of a body than ``Content-Length`` says, so the header is the whole story.

Outside a file upload, Django's own ``DATA_UPLOAD_MAX_MEMORY_SIZE`` applies; the API answers it
the same way (``too_large`` below, from ``editorial.refusals.exception_handler``).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

API_PREFIX = "/api/"


def size(count: int) -> str:
    """``5.0 MB`` (of 1024 × 1024 bytes, as Django's size filters count), or bytes below 0.1 MB."""
    return f"{count / 2**20:.1f} MB" if count >= 2**20 // 10 else f"{count:,} bytes"


def upload_too_large(length: int, limit: int) -> str:
    return f"The upload is {size(length)}; at most {size(limit)} are accepted."


def body_too_large(limit: int) -> str:
    return f"The request body is larger than {size(limit)}, the most accepted outside a file upload."


def content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def too_large(request: HttpRequest, message: str) -> HttpResponse:
    """413 naming the limit: JSON under the API, the error page elsewhere."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"detail": message, "code": "too_large"}, status=413)
    return render(request, "413.html", {"reason": message, "back_url": request.path}, status=413)


class RequestSizeLimitMiddleware:
    """Answers 413 to a request whose ``Content-Length`` is over ``MAX_UPLOAD_SIZE``, unread."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = content_length(request)
        if length > settings.MAX_UPLOAD_SIZE:
            return too_large(request, upload_too_large(length, settings.MAX_UPLOAD_SIZE))
        return self.get_response(request)
