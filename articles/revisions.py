"""A revision as readers see it: rendered with its sources, and its plain text for quoting.

A comment quotes the rendered text (what the reviewer selected on the page), so quotes are found
and re-found in this text, with whitespace runs counted as one space.
"""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

from articles.library.bibliography import render_with_sources
from articles.models import Source
from articles.rendering import RenderedBody, find_citation_keys

_SPACES = re.compile(r"\s+")
# Block ends become spaces so that two paragraphs never run together into one word.
_BLOCK_END = re.compile(r"</(p|h[1-6]|li|blockquote|tr|td|th|pre)>|<br\s*/?>", re.IGNORECASE)


def rendered_revision(record) -> RenderedBody:
    """The body of ``record`` (an article or one of its history rows) rendered with its sources."""
    keys = find_citation_keys(record.body or "")
    return render_with_sources(record.body or "", Source.objects.filter(key__in=keys))


def squash(text: str) -> str:
    """``text`` with every whitespace run as one space, trimmed."""
    return _SPACES.sub(" ", text or "").strip()


def plain_text(rendered_html: str) -> str:
    return squash(html.unescape(strip_tags(_BLOCK_END.sub(" ", rendered_html))))


def revision_text(record) -> str:
    """What a reviewer can quote from ``record``: its summary and rendered body, as plain text."""
    return squash(f"{record.summary or ''} {plain_text(rendered_revision(record).html)}")


def quote_found(text: str, exact: str) -> bool:
    """Whether the quote ``exact`` still reads in ``text``."""
    exact = squash(exact)
    return bool(exact) and exact in text
