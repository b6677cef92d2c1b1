"""The framework's ceiling: a Django view that returns stored bytes and does nothing else.

It is served as the public views are (``public.middleware``): the same to every visitor, so
answered above the editorial side's middleware. The ceiling is then the same road, without the
work of the view itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse

CONTENT_TYPES = {".json": "application/json", ".html": "text/html; charset=utf-8"}


@cache
def _body(name: str) -> tuple[bytes, str]:
    for path in Path(settings.BENCH_BARE_DIR).glob(f"{name}.*"):
        return path.read_bytes(), CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    raise Http404(name)


def bare(request, name: str) -> HttpResponse:
    """The body stored as ``BENCH_BARE_DIR/<name>.<ext>``, as is."""
    content, content_type = _body(name)
    return HttpResponse(content, content_type=content_type)


bare.public_read = True
