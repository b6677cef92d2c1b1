"""The PubMed MEDLINE reader (``.nbib``): ``TAG - value`` records separated by blank lines.

Full author names (FAU) are preferred to the initials (AU), and the publication types (PT)
choose the source type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..types import source_type_from_terms
from ._common import (
    MalformedFile,
    ParsedEntry,
    _chain_first,
    _date,
    _entry,
    _EntryError,
    _finish_item,
    _first_content_line,
    _lines,
    _month_number,
    _Record,
)

__all__ = ["read_medline"]

_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9 ]{3})-(?: (.*)|\s*)$")
_MEDLINE_DATE = re.compile(r"^([0-9]{4})(?:\s+([A-Za-z]{3})[A-Za-z]*(?:\s+([0-9]{1,2})\b)?)?")
_MEDLINE_ID = re.compile(r"^(\S+)\s*\[(\w+)\]$")
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"})


def _medline_records(lines: Iterator[tuple[int, str]]) -> Iterator[_Record]:
    """Group MEDLINE lines into records (separated by blank lines), joining continuations."""
    record: _Record | None = None
    for number, line in lines:
        if not line.strip():
            if record is not None:
                yield record
            record = None
            continue
        match = _MEDLINE_TAG.match(line)
        if match:
            tag, value = match.group(1).strip(), (match.group(2) or "").strip()
            record = record or _Record(number)
            record.tags.append((tag, value))
        elif record is not None and line[:1].isspace():
            record.append_continuation(line)
        else:
            record = record or _Record(number)
            record.problem = record.problem or (
                f"unexpected text on line {number} (not 'TAG - value' nor a continuation)"
            )
    if record is not None:
        yield record


def _name_from_medline_au(value: str) -> dict:
    """``Will JS`` -> family Will, given JS (used when a record has no FAU)."""
    family, _, initials = value.rpartition(" ")
    return {"family": family, "given": initials} if family else {"family": value}


def _name_from_medline_fau(value: str) -> dict:
    """``Wright, Jackson T Jr`` -> family Wright, given Jackson T, suffix Jr."""
    family, _, given = (part.strip() for part in value.partition(","))
    *given_words, last = given.split() or [""]
    name = {"family": family, "given": given}
    if given_words and last.lower() in _NAME_SUFFIXES:
        name.update(given=" ".join(given_words), suffix=last)
    return name


def _medline_authors(record: _Record) -> list[dict]:
    """Authors in file order. FAU and AU describe the same person; CN is a group author."""
    authors: list[dict] = []
    previous = ""
    for tag, value in record.tags:
        if tag == "FAU":
            authors.append(_name_from_medline_fau(value))
        elif tag == "AU" and previous != "FAU":
            authors.append(_name_from_medline_au(value))
        elif tag == "CN":
            authors.append({"literal": value})
        if tag in ("FAU", "AU", "CN"):
            previous = tag
    return authors


def _medline_issued(value: str) -> dict | None:
    """``2018 Oct 1``, ``2018 Sep-Oct``, ``2018 Winter``, ``2018`` -> CSL date."""
    if not value:
        return None
    match = _MEDLINE_DATE.match(value)
    if not match:
        raise _EntryError(f"{value!r} is not a publication date (DP)")
    year, month, day = match.groups()
    month_number = _month_number(month) if month else None
    return _date(int(year), month_number, int(day) if day and month_number else None)


def _medline_doi(record: _Record) -> str:
    for value in record.values("LID", "AID"):
        match = _MEDLINE_ID.match(value)
        if match and match.group(2).lower() == "doi":
            return match.group(1)
    return ""


def _medline_title(record: _Record) -> str:
    # MEDLINE terminates every title with a period; our titles carry no added punctuation.
    title = record.first("TI") or record.first("BTI")
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title


def _medline_csl_type(record: _Record) -> str:
    """Journal article, or a PubMed Bookshelf book (BTI only) or chapter (TI and BTI)."""
    if not record.first("BTI"):
        return "article-journal"
    return "chapter" if record.first("TI") else "book"


def _medline_record_to_item(record: _Record) -> dict:
    if record.problem:
        raise _EntryError(record.problem)
    csl_type = _medline_csl_type(record)
    item = {
        "type": csl_type,
        "title": _medline_title(record),
        "author": _medline_authors(record),
        "container-title": record.first("JT") or (record.first("BTI") if csl_type == "chapter" else ""),
        "container-title-short": record.first("TA"),
        "issued": _medline_issued(record.first("DP")),
        "volume": record.first("VI"),
        "issue": record.first("IP"),
        "page": record.first("PG"),
        "DOI": _medline_doi(record),
        "PMID": record.first("PMID"),
        "PMCID": record.first("PMC"),
        "publisher": record.first("PB"),
        "edition": record.first("EN"),
    }
    return _finish_item(item, source_type_from_terms(record.values("PT")))


def read_medline(stream) -> Iterator[ParsedEntry]:
    """Read PubMed MEDLINE (``.nbib``) records one at a time.

    Tags are padded to four characters before ``- ``; lines starting with whitespace
    continue the previous tag. Publication types (PT) choose the source type. Raises
    MalformedFile if the first non-blank line is not a MEDLINE tag.
    """
    lines = _lines(stream)
    first = _first_content_line(lines)
    if first is None:
        return
    # RIS lines ("TI  - ...") fit the MEDLINE layout too, so an RIS file is caught by its TY.
    if not _MEDLINE_TAG.match(first[1]) or first[1].startswith(("TY  -", "TY -")):
        raise MalformedFile(
            f"Not a PubMed/MEDLINE file: line {first[0]} should start with a tag like "
            f"'PMID- ', found {first[1][:40]!r}"
        )
    for record in _medline_records(_chain_first(first, lines)):
        yield _entry(record.line, _medline_record_to_item, record)
