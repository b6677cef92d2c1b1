"""My API tokens: the keys a user's scripts and tools log in with (``reviews.tokens``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews import tokens
from reviews.forms import ApiTokenForm


@login_required
def api_tokens(request):
    """The user's working tokens, and a form that creates one.

    The answer to a successful POST shows the new key, once: it is stored nowhere, not even in
    the session, so the page is rendered rather than redirected to. Template:
    ``editorial/api_tokens.html``.
    """
    form = ApiTokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        token, key = tokens.issue(request.user, form.cleaned_data["name"])
        issued = {"token": token, "key": key}
        form = ApiTokenForm()
    context = {
        "form": form,
        "issued": issued,
        "tokens": tokens.tokens_of(request.user),
        "token_days": settings.API_TOKEN_DAYS,
    }
    return render(request, "editorial/api_tokens.html", context)


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    """Revoke one of the user's tokens (someone else's is a 404)."""
    token = tokens.revoke(request.user, pk)
    messages.success(request, _("Token “%(name)s” revoked: it no longer works.") % {"name": token.name})
    return redirect("editorial:api_tokens")
