"""In-app notifications: the list behind the bell, and marking them read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews import selectors
from reviews.forms import EmailPreferencesForm

PAGE_SIZE = 30


@login_required
def notification_list(request):
    """The user's notifications, newest first, unread ones marked.

    Template: ``editorial/notifications.html``.
    """
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "editorial/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one of the user's notifications read (someone else's is a 404)."""
    notification = selectors.notifications_for(request.user).filter(pk=pk).first()
    if notification is None:
        raise Http404(_("No such notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    messages.success(request, _("Notification marked as read."))
    return redirect("editorial:notifications")


@login_required
@require_POST
def notification_read_all(request):
    count = (
        selectors.notifications_for(request.user).filter(read_at__isnull=True).update(read_at=timezone.now())
    )
    messages.success(request, _("%(n)d notifications marked as read.") % {"n": count})
    return redirect("editorial:notifications")


@login_required
def email_preferences(request):
    """Choose, per kind of notification, whether it also comes by email.

    Template: ``editorial/email_preferences.html``.
    """
    form = EmailPreferencesForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        in_app_only = form.save()
        if in_app_only:
            messages.success(
                request, _("Saved. In the app only: %(kinds)s.") % {"kinds": ", ".join(in_app_only)}
            )
        else:
            messages.success(request, _("Saved. Every notification also comes by email."))
        return redirect("editorial:email_preferences")
    return render(request, "editorial/email_preferences.html", {"form": form})
