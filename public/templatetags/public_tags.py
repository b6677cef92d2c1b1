"""Template tags of the public pages."""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def time_element(value: date | datetime | None, display: str = "j F Y"):
    """``<time datetime="ISO 8601">21 November 2026</time>``; empty for no value."""
    if value is None:
        return ""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return format_html('<time datetime="{}">{}</time>', value.isoformat(), date_format(value, display))
