"""What every editorial view shares: finding an article the user may see, and refusals as pages."""

from __future__ import annotations

from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from articles.library.bibliography import render_with_sources
from articles.models import Article
from articles.rendering import RenderedBody
from editorial.refusals import REFUSALS, StaleContent, refusal_for
from reviews import selectors


def render_as_published(body: str, sources) -> tuple[RenderedBody, str]:
    """The body and reference list exactly as publishing renders them for the public page.

    ``render_with_sources`` is what publishing stores, and ``reference_list_html`` is what the
    public page renders the stored references with, so numbers, links and badges match.
    """
    rendered = render_with_sources(body, sources)
    return rendered, rendered.reference_list_html


def visible_article(user, pk: int) -> Article:
    """The article if ``user`` may see it; a 404 otherwise, so others' drafts are not revealed."""
    return get_object_or_404(selectors.articles_visible_to(user), pk=pk)


def conflict_response(
    request: HttpRequest, exc: Exception, *, back_url: str = "", back_label: str = ""
) -> HttpResponse:
    """Render ``409.html``: what was refused, why, and the way back."""
    stale = isinstance(exc, StaleContent)
    refusal = refusal_for(exc)
    if refusal.code == "concurrent_change":
        # A constraint that a concurrent request won: its database text is not shown.
        reason = _("Someone else changed this at the same moment; reload the page and try again.")
    else:
        reason = refusal.message
    context = {
        "title": _("The content changed") if stale else _("This cannot be done right now"),
        "reason": reason,
        "stale": stale,
        "back_url": back_url,
        "back_label": back_label or _("Back to the article"),
    }
    return render(request, "409.html", context, status=409)


def refusals_as_409(back: str = "editorial:article", back_label: str = ""):
    """Answer a refusal that says "not now" (the state, stale content, a concurrent change; 409
    in ``editorial.refusals``) with a readable 409 page.

    ``back`` names the URL, taking the view's ``pk``, that the page offers as the way back
    (reloading it shows the current state). ``PermissionDenied`` is left to Django's 403 page and
    a ``ValidationError`` to the view, which shows it on its form.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except REFUSALS as exc:
                refusal = refusal_for(exc)
                if not refusal.is_conflict:
                    raise
                back_url = (
                    reverse(back, args=[kwargs["pk"]]) if "pk" in kwargs else reverse("editorial:dashboard")
                )
                return conflict_response(request, exc, back_url=back_url, back_label=back_label)

        return wrapper

    return decorator
