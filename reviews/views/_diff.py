"""Word diffs of an article's content between two revisions, ready for the templates."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from articles.diffing import chunks_to_html, field_changes
from articles.models import CONTENT_FIELDS, Article, Audience

# The history row stores the topic as an id; the diff shows its name.
_FIELD_ATTRIBUTES = {name: ("topic_id" if name == "topic" else name) for name in CONTENT_FIELDS}


def _content(record, topics: dict[int, str]) -> dict:
    values = {name: getattr(record, attribute) for name, attribute in _FIELD_ATTRIBUTES.items()}
    values["topic"] = topics.get(values["topic"], "")
    values["audience"] = Audience(values["audience"]).label if values["audience"] else ""
    return values


def revision_changes(old, new, *, topics: dict[int, str]) -> list[dict]:
    """The content fields that differ between ``old`` and ``new`` (history rows or articles).

    Each entry has the field's ``label``, ``inline`` HTML (``<del>`` and ``<ins>`` in one text)
    and ``old_html``/``new_html`` for a side-by-side view; all text is escaped by the differ.
    """
    changes = []
    # chunks_to_html escapes every chunk, so its output is safe to mark as such.
    for change in field_changes(_content(old, topics), _content(new, topics), list(CONTENT_FIELDS)):
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
