"""htmx requests from someone whose session has ended: 401, never the login page.

``login_required`` answers a signed-out request with a redirect to the login page. The browser
follows it inside an htmx request, and htmx swaps the whole login page into the part of the page
it was updating (the editor's live preview), whose username box then takes the focus. Here that
redirect becomes a small 401: htmx swaps nothing for it, and the page's script tells the person
their session has ended (``static/js/kept-copies.js``).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.html import format_html
from django.utils.translation import gettext as _


def session_ended(request: HttpRequest) -> HttpResponse:
    """401 with a one-line page linking to the login page, which leads back to the page in use."""
    back = getattr(request, "htmx", None) and request.htmx.current_url_abs_path or request.get_full_path()
    login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
    body = format_html(
        '<p class="session-ended">{} <a href="{}">{}</a></p>',
        _("Your session has ended."),
        login,
        _("Log in again"),
    )
    return HttpResponse(body, status=401)


class HtmxLoginRequiredMiddleware:
    """Answer an htmx request that a view redirected to the login page with ``session_ended``.

    Only redirects to ``LOGIN_URL`` for a signed-out user are changed, whichever view or decorator
    made them (``login_required``, ``LoginRequiredMixin``); every other response passes as it is.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        response = self.get_response(request)
        if (
            response.status_code == 302
            and request.headers.get("HX-Request") == "true"
            and urlsplit(response.get("Location", "")).path == resolve_url(settings.LOGIN_URL)
            and not request.user.is_authenticated
        ):
            return session_ended(request)
        return response
