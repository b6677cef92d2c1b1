"""The notification emails: plain text with an HTML alternative, from ``templates/email/<kind>*``."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from articles.models import Article
from reviews.models import Notification


def absolute_url(path: str) -> str:
    """``path`` on ``SITE_URL``: emails have no request to build links from."""
    return f"{settings.SITE_URL}{path}"


def editorial_article_url(article: Article) -> str:
    """The article's page in the editorial app, as an absolute URL for emails."""
    return absolute_url(reverse("editorial:article", args=[article.pk]))


def email_context(notification: Notification) -> dict:
    payload = notification.payload or {}
    recipient = notification.recipient
    article = notification.article
    return {
        "notification": notification,
        "kind": notification.get_kind_display(),
        "recipient": recipient,
        "recipient_name": recipient.get_full_name() or recipient.get_username(),
        "article": article,
        "article_url": editorial_article_url(article)
        if article
        else absolute_url(reverse("editorial:dashboard")),
        "notifications_url": absolute_url(reverse("editorial:notifications")),
        "preferences_url": absolute_url(reverse("editorial:email_preferences")),
        "payload": payload,
        "due_date": _parse_date(payload.get("due_date")),
        "is_reviewer": payload.get("reviewer_user") == recipient.pk,
        "site_name": settings.SITE_NAME,
        "site_url": settings.SITE_URL,
    }


def build_email(notification: Notification) -> EmailMultiAlternatives:
    """The plain-text email with its HTML alternative, from ``templates/email/<kind>*``."""
    context = email_context(notification)
    name = f"email/{notification.kind}"
    subject = " ".join(render_to_string(f"{name}_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=f"[{settings.SITE_NAME}] {subject}",
        body=render_to_string(f"{name}.txt", context),
        to=[notification.recipient.email],
        # RFC 3834: marks the message as automatic, so auto-responders do not answer it.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"{name}.html", context), "text/html")
    return message


def _parse_date(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None
