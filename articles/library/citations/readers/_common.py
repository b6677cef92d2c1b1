"""What the per-format readers share: the entry types, item building, dates and line handling.

:func:`_finish_item` turns the fields a reader collected into a normalised CSL-JSON item;
:class:`_Record` holds the tagged lines of an RIS or MEDLINE record.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..identifiers import InvalidIdentifier, normalize_doi, normalize_pmcid, normalize_pmid
from ..keys import citation_key
from ..types import csl_type_for, source_type_of


class MalformedFile(ValueError):
    """Raised when a file is not in the requested format at all (as opposed to one bad entry)."""


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    """One record read from a file: either ``item`` (a CSL-JSON dict) or ``error`` is set.

    ``line`` is the 1-based line on which the record starts.
    """

    line: int
    item: dict | None
    error: str | None


class _EntryError(ValueError):
    """A problem with one record; turned into ``ParsedEntry.error`` by the reader."""


# --------------------------------------------------------------------------- items

# Key order of the items we produce; it keeps exports and test failures readable.
_ITEM_KEYS = (
    "id",
    "type",
    "title",
    "author",
    "container-title",
    "container-title-short",
    "issued",
    "volume",
    "issue",
    "page",
    "DOI",
    "PMID",
    "PMCID",
    "URL",
    "publisher",
    "edition",
    "accessed",
    "custom",
)
_TEXT_KEYS = frozenset(_ITEM_KEYS) - {"author", "issued", "accessed", "custom"}
_NAME_KEYS = ("family", "given", "literal", "suffix", "non-dropping-particle", "dropping-particle")
_IDENTIFIERS = (("DOI", normalize_doi), ("PMID", normalize_pmid), ("PMCID", normalize_pmcid))


def _text(value: object) -> str:
    """Return ``value`` as a string with runs of whitespace collapsed to one space."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _clean_name(name: dict) -> dict:
    cleaned = {key: _text(name.get(key)) for key in _NAME_KEYS}
    return {key: value for key, value in cleaned.items() if value}


def _finish_item(fields: dict[str, Any], source_type: str | None = None) -> dict:
    """Validate and normalise the fields a reader collected into a CSL-JSON item.

    Collapses whitespace, drops empty values, normalises identifiers (raising
    InvalidIdentifier), fills in ``type``, the source type and ``id``.
    """
    item: dict[str, Any] = {}
    for key in _ITEM_KEYS:
        value = fields.get(key)
        if key in _TEXT_KEYS:
            value = _text(value)
        elif key == "author":
            value = [name for name in map(_clean_name, value or []) if name]
        if value:
            item[key] = value
    if "title" not in item:
        raise _EntryError("entry has no title")
    for key, normalize in _IDENTIFIERS:
        if key in item:
            item[key] = normalize(item[key])
    source_type = source_type or source_type_of(item)
    item.setdefault("type", csl_type_for(source_type))
    item["custom"] = {**item.get("custom", {}), "source_type": source_type}
    item["id"] = item.get("id") or citation_key(item)
    return {key: item[key] for key in _ITEM_KEYS if key in item}


def _date(*parts: int | None) -> dict | None:
    """Build a CSL date from year, month, day, stopping at the first missing part."""
    date_parts: list[int] = []
    for part in parts:
        if not part:
            break
        date_parts.append(part)
    return {"date-parts": [date_parts]} if date_parts else None


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
        start=1,
    )
}


def _month_number(value: object) -> int | None:
    """Return 1-12 for ``10``, ``"10"``, ``"oct"``, ``"Oct."`` or ``"October"``; else None."""
    text = _text(value).lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return _MONTHS.get(text[:3]) if len(text) >= 3 else None


def _year(value: object) -> int:
    text = _text(value)
    if not re.fullmatch(r"[0-9]{4}", text):
        raise _EntryError(f"{text!r} is not a year")
    return int(text)


_ISO_DATE = re.compile(r"^([0-9]{4})(?:-([0-9]{1,2})(?:-([0-9]{1,2}))?)?")


def _iso_date(value: object) -> dict | None:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a range ``a/b`` keeps its start)."""
    text = _text(value)
    if not text:
        return None
    match = _ISO_DATE.match(text)
    if not match:
        raise _EntryError(f"{text!r} is not a date like 2018-10-01")
    year, month, day = (int(part) if part else None for part in match.groups())
    return _date(year, month, day)


def _entry_error(line: int, problem: Exception) -> ParsedEntry:
    return ParsedEntry(line=line, item=None, error=f"line {line}: {problem}")


def _entry(line: int, build: Callable[..., dict], *args: object) -> ParsedEntry:
    """Run ``build(*args)`` and wrap its item, or its per-entry error, in a ParsedEntry."""
    try:
        return ParsedEntry(line=line, item=build(*args), error=None)
    except (_EntryError, InvalidIdentifier) as problem:
        return _entry_error(line, problem)


def _lines(stream) -> Iterator[tuple[int, str]]:
    """Yield ``(line_number, line)`` without line endings or a leading byte-order mark."""
    if isinstance(stream, str):
        stream = io.StringIO(stream)
    for number, line in enumerate(stream, start=1):
        line = line.rstrip("\r\n")
        yield number, line.lstrip("\ufeff") if number == 1 else line


# --------------------------------------------------------------------------- RIS and MEDLINE records


@dataclass
class _Record:
    """The tagged lines of one RIS or MEDLINE record, in file order.

    ``problem`` is set when the record's shape is already known to be wrong.
    """

    line: int
    tags: list[tuple[str, str]] = field(default_factory=list)
    problem: str = ""

    def values(self, *tags: str) -> list[str]:
        """All non-empty values of the given tags, in file order."""
        return [value for tag, value in self.tags if tag in tags and value]

    def first(self, *tags: str) -> str:
        """The value of the first tag (in argument order) that is present."""
        for tag in tags:
            found = self.values(tag)
            if found:
                return found[0]
        return ""

    def append_continuation(self, text: str) -> None:
        tag, value = self.tags[-1]
        self.tags[-1] = (tag, f"{value} {text.strip()}".strip())


def _first_content_line(lines: Iterator[tuple[int, str]]) -> tuple[int, str] | None:
    return next(((number, line) for number, line in lines if line.strip()), None)


def _chain_first(first: tuple[int, str], rest: Iterator[tuple[int, str]]):
    yield first
    yield from rest
