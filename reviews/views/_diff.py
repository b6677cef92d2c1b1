"""Word diffs of an article's content between two revisions, ready for the templates."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from articles import diffing
from articles.diffing import chunks_to_html
from articles.models import Article, Audience


def revision_changes(old, new, *, topics: dict[int, str]) -> list[dict]:
    """The content fields that differ between ``old`` and ``new`` (history rows or articles).

    Each entry has the field's ``label``, ``inline`` HTML (``<del>`` and ``<ins>`` in one text)
    and ``old_html``/``new_html`` for a side-by-side view; all text is escaped by the differ.
    """
    display = {
        "topic": lambda pk: topics.get(pk, ""),
        "audience": lambda value: Audience(value).label if value else "",
    }
    changes = []
    # chunks_to_html escapes every chunk, so its output is safe to mark as such.
    for change in diffing.revision_changes(old, new, display=display):
        chunks = change.chunks
        changes.append(
            {
                "field": change.field,
                "label": Article._meta.get_field(change.field).verbose_name,
                "inline": mark_safe(chunks_to_html(chunks)),
                "old_html": mark_safe(chunks_to_html(c for c in chunks if c.op != "insert")),
                "new_html": mark_safe(chunks_to_html(c for c in chunks if c.op != "delete")),
            }
        )
    return changes
