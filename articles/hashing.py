"""The content hash: what a sign-off covers, which is exactly what a reader sees of an article.

Version 2 (``CONTENT_HASH_VERSION``) hashes the title, summary, body, audience, topic (slug) and,
for each cited source in citation order, the fields its printed (AMA) reference is made of: the
CSL-JSON item the formatter reads, without the library's citation key. Version 1 hashed only
which sources were cited. A sign-off, a publication and an article each record the version
their hash was made under, and a sign-off counts only against a hash of its own version
(``docs/architecture.md``, "Binding sign-offs to content").

The canonical form is public (the review record shows it) so that anyone can recompute the hash:
``sha256(json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")))``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from articles.library.bibliography import source_to_csl
from articles.models import CONTENT_HASH_VERSION

__all__ = ["CONTENT_HASH_VERSION", "canonical_json", "hash_document", "printed_reference", "signed_content"]


def printed_reference(source) -> dict:
    """The fields of ``source`` that its printed reference is made of (CSL-JSON, no library key)."""
    item = source_to_csl(source)
    item.pop("id", None)
    return item


def signed_content(
    *, title: str, summary: str, body: str, audience: str, topic: str, cited: Iterable, unresolved: list[str]
) -> dict:
    """The canonical document a version-2 content hash is taken of."""
    return {
        "hash_version": CONTENT_HASH_VERSION,
        "title": title,
        "summary": summary,
        "body": body,
        "audience": audience,
        "topic": topic,
        "references": [printed_reference(source) for source in cited],
        "unresolved": unresolved,
    }


def canonical_json(document: dict) -> str:
    """The one serialisation that is hashed: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def hash_document(document: dict) -> str:
    return hashlib.sha256(canonical_json(document).encode("utf-8")).hexdigest()
