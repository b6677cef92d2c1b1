"""The API's documentation pages (Swagger UI and ReDoc), under the site's Content-Security-Policy.

Both run only our own files and the sidecar's, and run no inline script. Each page widens the
site's policy only for what its library needs, on its own response.
"""

from __future__ import annotations

from csp.constants import NONCE
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView


# Swagger UI draws icons as data: images (its stylesheet and its script).
@method_decorator(csp_update({"img-src": ["data:"]}), name="get")
class SwaggerUIView(SpectacularSwaggerSplitView):
    """Swagger UI whose start-up script is served from this URL with ``?script``, not inline."""


# ReDoc's styles are <style> elements it writes at run time: they carry this response's nonce,
# which static/js/redoc-init.js hands to ReDoc. Only the element its bundle writes as it loads,
# before it can be given the nonce, is let in by hash (empty, then perfect-scrollbar's rules; a
# new sidecar release that changes it fails tests/browser/test_content_security_policy.py).
REDOC_LOAD_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]


# Its icons are data: images, and its search index runs in a worker it builds from a blob: URL
# out of its own bundle.
@method_decorator(
    csp_update(
        {"style-src": [NONCE, *REDOC_LOAD_STYLE_HASHES], "img-src": ["data:"], "worker-src": ["blob:"]}
    ),
    name="get",
)
class RedocView(SpectacularRedocView):
    """ReDoc, started by ``static/js/redoc-init.js`` (template ``drf_spectacular/redoc.html``)."""
