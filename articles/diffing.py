"""Word-level diffs for showing editors and reviewers what changed between article revisions.

Text is split into word, whitespace and punctuation tokens and compared with
:class:`difflib.SequenceMatcher`. Because tokenising is lossless, the chunks always
reconstruct both inputs exactly: joining the "equal" and "delete" chunks gives the
old text, joining the "equal" and "insert" chunks gives the new text.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from articles.models import CONTENT_FIELDS

__all__ = [
    "DiffChunk",
    "FieldChange",
    "chunks_to_html",
    "field_changes",
    "revision_changes",
    "tokenize",
    "word_diff",
    "word_diff_html",
]

DiffOp = Literal["equal", "insert", "delete"]

# Every character is a word character, whitespace, or neither, so the three
# alternatives together cover all input and "".join(tokens) == text always holds.
_TOKEN_RE = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffChunk:
    """A run of text that is unchanged ("equal"), added ("insert") or removed ("delete")."""

    op: DiffOp
    text: str


@dataclass(frozen=True)
class FieldChange:
    """One changed field. ``chunks`` is a word diff when both values are text."""

    field: str
    old: Any
    new: Any
    chunks: list[DiffChunk] = field(default_factory=list)

    @property
    def words(self) -> list[DiffChunk]:
        """Alias of ``chunks`` (the name the review API serialises)."""
        return self.chunks

    @property
    def diff_html(self) -> str:
        """The word diff as escaped HTML ("" for non-text fields)."""
        return chunks_to_html(self.chunks)


def tokenize(text: str) -> list[str]:
    """Split ``text`` into word, whitespace-run and single punctuation tokens."""
    return _TOKEN_RE.findall(text)


def word_diff(old: str, new: str) -> list[DiffChunk]:
    """Return the word-level difference between ``old`` and ``new``.

    Adjacent chunks never share an op and no chunk is empty. Within a changed region
    the deletion comes before the insertion. Whitespace that merely separates two
    changed words is folded into the change, so "the quick" -> "a slow" reads as one
    replacement instead of two interleaved ones.
    """
    old_tokens, new_tokens = tokenize(old or ""), tokenize(new or "")
    # autojunk would treat frequent tokens (spaces, "the") in long texts as junk and
    # produce needlessly fragmented diffs.
    matcher = difflib.SequenceMatcher(None, old_tokens, new_tokens, autojunk=False)
    raw: list[DiffChunk] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            raw.append(DiffChunk("equal", "".join(old_tokens[i1:i2])))
            continue
        if i2 > i1:
            raw.append(DiffChunk("delete", "".join(old_tokens[i1:i2])))
        if j2 > j1:
            raw.append(DiffChunk("insert", "".join(new_tokens[j1:j2])))
    return _merge_changes(_absorb_whitespace_between_changes(raw))


def _absorb_whitespace_between_changes(chunks: Sequence[DiffChunk]) -> list[DiffChunk]:
    """Turn whitespace-only "equal" chunks sandwiched between changes into a change.

    The whitespace is emitted as both a delete and an insert so reconstruction of
    either side is unaffected.
    """
    result: list[DiffChunk] = []
    for index, chunk in enumerate(chunks):
        sandwiched = (
            chunk.op == "equal"
            and chunk.text.isspace()
            and 0 < index < len(chunks) - 1
            and chunks[index - 1].op != "equal"
            and chunks[index + 1].op != "equal"
        )
        if sandwiched:
            result.extend([DiffChunk("delete", chunk.text), DiffChunk("insert", chunk.text)])
        else:
            result.append(chunk)
    return result


def _merge_changes(chunks: Iterable[DiffChunk]) -> list[DiffChunk]:
    """Collapse each run of changes into at most one delete followed by one insert."""
    merged: list[DiffChunk] = []
    deleted: list[str] = []
    inserted: list[str] = []

    def flush() -> None:
        if deleted:
            merged.append(DiffChunk("delete", "".join(deleted)))
        if inserted:
            merged.append(DiffChunk("insert", "".join(inserted)))
        deleted.clear()
        inserted.clear()

    for chunk in chunks:
        if chunk.op == "delete":
            deleted.append(chunk.text)
        elif chunk.op == "insert":
            inserted.append(chunk.text)
        else:
            # SequenceMatcher never emits two adjacent "equal" opcodes, so an equal
            # chunk always starts a new chunk.
            flush()
            merged.append(chunk)
    flush()
    return merged


def chunks_to_html(chunks: Iterable[DiffChunk]) -> str:
    """Render chunks as escaped text with ``<ins>``/``<del>`` around changes.

    Newlines are kept as-is; display the result with ``white-space: pre-wrap``.
    """
    parts = []
    for chunk in chunks:
        text = html.escape(chunk.text)
        if chunk.op == "insert":
            parts.append(f"<ins>{text}</ins>")
        elif chunk.op == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)


def word_diff_html(old: str, new: str) -> str:
    """Return the word diff of ``old`` and ``new`` as HTML with ``<ins>``/``<del>``."""
    return chunks_to_html(word_diff(old, new))


def field_changes(old: Mapping[str, Any], new: Mapping[str, Any], fields: Sequence[str]) -> list[FieldChange]:
    """List the fields (in ``fields`` order) whose values differ between two versions.

    A field missing from a mapping counts as ``None``. When both values are strings
    (or one is ``None`` and the other a string, e.g. a newly filled-in field) the
    change carries a word diff; other types get an empty ``chunks`` list.
    """
    changes = []
    for name in fields:
        old_value, new_value = old.get(name), new.get(name)
        if old_value == new_value:
            continue
        changes.append(FieldChange(name, old_value, new_value, _text_chunks(old_value, new_value)))
    return changes


def _text_chunks(old_value: Any, new_value: Any) -> list[DiffChunk]:
    values = (old_value, new_value)
    if all(v is None or isinstance(v, str) for v in values) and any(isinstance(v, str) for v in values):
        return word_diff(old_value or "", new_value or "")
    return []


# A revision (history row) stores the topic as an id.
_ATTRIBUTES = {"topic": "topic_id"}


def revision_changes(
    old: Any,
    new: Any,
    *,
    fields: Sequence[str] = CONTENT_FIELDS,
    display: Mapping[str, Callable[[Any], Any]] | None = None,
) -> list[FieldChange]:
    """The ``fields`` that differ between two revisions of an article (history rows or articles).

    Each value goes through ``display[field]`` first when given, e.g. a topic id to its name.
    """
    display = display or {}

    def values(revision) -> dict[str, Any]:
        raw = {name: getattr(revision, _ATTRIBUTES.get(name, name)) for name in fields}
        return {name: display[name](value) if name in display else value for name, value in raw.items()}

    return field_changes(values(old), values(new), fields)
