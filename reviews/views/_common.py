"""What every editorial view shares: finding an article the user may see, and refusals as pages."""

from __future__ import annotations

from dataclasses import asdict
from functools import wraps

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from articles.library.bibliography import render_with_sources
from articles.models import Article
from articles.rendering import RenderedBody
from articles.services import StaleContent
from articles.views import reference_list
from reviews import selectors

# Refusals that say "not now" rather than "not you": the state or a concurrent change forbids it.
# An IntegrityError here is a constraint that a concurrent request won (e.g. the same reviewer
# assigned twice at once), not a bug; its database text is not shown.
CONFLICTS = (TransitionNotAllowed, ConcurrentTransition, StaleContent, IntegrityError)


def render_as_published(body: str, sources) -> tuple[RenderedBody, str]:
    """The body and reference list exactly as the public article page renders them.

    ``render_with_sources`` is what publishing stores; the reference list is built by the public
    page's own function, so numbers, links and badges match what readers will see.
    """
    rendered = render_with_sources(body, sources)
    return rendered, reference_list([asdict(reference) for reference in rendered.references])


def visible_article(user, pk: int) -> Article:
    """The article if ``user`` may see it; a 404 otherwise, so others' drafts are not revealed."""
    return get_object_or_404(selectors.articles_visible_to(user), pk=pk)


def conflict_response(
    request: HttpRequest, exc: Exception, *, back_url: str = "", back_label: str = ""
) -> HttpResponse:
    """Render ``409.html``: what was refused, why, and the way back."""
    stale = isinstance(exc, StaleContent)
    if isinstance(exc, IntegrityError):
        reason = _("Someone else changed this at the same moment; reload the page and try again.")
    else:
        reason = str(exc) or _("The article's state does not allow this step.")
    context = {
        "title": _("The content changed") if stale else _("This cannot be done right now"),
        "reason": reason,
        "stale": stale,
        "back_url": back_url,
        "back_label": back_label or _("Back to the article"),
    }
    return render(request, "409.html", context, status=409)


def refusals_as_409(back: str = "editorial:article", back_label: str = ""):
    """Turn a workflow refusal (``TransitionNotAllowed``, stale content) into a readable 409 page.

    ``back`` names the URL, taking the view's ``pk``, that the page offers as the way back
    (reloading it shows the current state). ``PermissionDenied`` is left to Django's 403 page.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except CONFLICTS as exc:
                back_url = (
                    reverse(back, args=[kwargs["pk"]]) if "pk" in kwargs else reverse("editorial:dashboard")
                )
                return conflict_response(request, exc, back_url=back_url, back_label=back_label)

        return wrapper

    return decorator
