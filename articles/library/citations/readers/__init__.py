"""Streaming readers for bibliographic files, producing CSL-JSON items (plain dicts).

Supported formats (see :data:`FORMATS`): ``bibtex``, ``ris``, ``medline`` (PubMed
``.nbib``) and ``csl-json``, one module each. Every reader takes a text stream, consumes it
incrementally and yields one :class:`ParsedEntry` per record, so a file with 10,000 entries
never has to be held in memory. A bad record becomes a ``ParsedEntry`` with ``error`` set
(the message starts with ``"line N: "``) and reading carries on; a file that is not in the
requested format at all raises :class:`MalformedFile`.

This module guesses a file's format (:func:`detect_format`) and dispatches to the reader
for it (:func:`read_sources`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator

from ._common import MalformedFile, ParsedEntry
from .bibtex import read_bibtex
from .csl_json import read_csl_json
from .medline import read_medline
from .ris import read_ris

__all__ = [
    "FORMATS",
    "MalformedFile",
    "ParsedEntry",
    "detect_format",
    "read_bibtex",
    "read_csl_json",
    "read_medline",
    "read_ris",
    "read_sources",
]

FORMATS = ("bibtex", "ris", "medline", "csl-json")

_SIGNATURES = (
    ("csl-json", re.compile(r"\A\s*\[")),
    ("bibtex", re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)),
    ("ris", re.compile(r"^TY {1,2}- ", re.MULTILINE)),
    ("medline", re.compile(r"^PMID- ", re.MULTILINE)),
)
_EXTENSIONS = {
    "bib": "bibtex",
    "bibtex": "bibtex",
    "ris": "ris",
    "nbib": "medline",
    "medline": "medline",
    "json": "csl-json",
    "csljson": "csl-json",
}


def detect_format(filename: str, first_chunk: str | bytes) -> str:
    """Guess the format of an uploaded file from its beginning, then from its extension.

    The content wins over the extension because PubMed and reference managers often save
    exports as ``.txt``. Raises MalformedFile when neither gives an answer.
    """
    if isinstance(first_chunk, bytes):
        first_chunk = first_chunk.decode("utf-8-sig", errors="replace")
    text = first_chunk.lstrip("\ufeff")
    found = [(m.start(), fmt) for fmt, rx in _SIGNATURES if (m := rx.search(text))]
    if found:
        return min(found)[1]
    extension = os.path.splitext(filename or "")[1].lstrip(".").lower()
    if extension in _EXTENSIONS:
        return _EXTENSIONS[extension]
    raise MalformedFile(
        f"Cannot tell the format of {filename!r}: expected BibTeX, RIS, PubMed (MEDLINE/.nbib) or CSL-JSON"
    )


def read_sources(stream, fmt: str) -> Iterator[ParsedEntry]:
    """Read ``stream`` (a text stream, iterable of lines, or a str) in format ``fmt``.

    Lazily, one entry at a time: a stream that is not UTF-8 raises ``MalformedFile`` naming the
    byte when the reader reaches it (the entries before it have been yielded).
    """
    readers = {
        "bibtex": read_bibtex,
        "ris": read_ris,
        "medline": read_medline,
        "csl-json": read_csl_json,
    }
    if fmt not in readers:
        raise ValueError(f"Unknown format {fmt!r}: expected one of {', '.join(FORMATS)}")
    return _decoded(readers[fmt](stream))


def _decoded(entries: Iterator[ParsedEntry]) -> Iterator[ParsedEntry]:
    """Turn a decoding error half-way through the file into a clear ``MalformedFile``."""
    try:
        yield from entries
    except UnicodeDecodeError as exc:
        raise MalformedFile(
            f"The file is not UTF-8 text: byte 0x{exc.object[exc.start]:02x} cannot be decoded"
        ) from None
