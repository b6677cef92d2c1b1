"""The RIS reader: records from ``TY  - `` to ``ER  - ``, as exported by reference managers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from ..identifiers import InvalidIdentifier, normalize_pmcid, normalize_pmid
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
    _Record,
)

__all__ = ["read_ris"]

_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*)|\s*)$")
_CSL_TYPE_BY_RIS = {
    "JOUR": "article-journal",
    "JFULL": "article-journal",
    "EJOUR": "article-journal",
    "ABST": "article-journal",
    "MGZN": "article-magazine",
    "NEWS": "article-newspaper",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "CHAP": "chapter",
    "ECHAP": "chapter",
    "ELEC": "webpage",
    "WEB": "webpage",
    "BLOG": "post-weblog",
    "RPRT": "report",
    "GOVDOC": "report",
    "STAND": "report",
    "CONF": "paper-conference",
    "CPAPER": "paper-conference",
    "THES": "thesis",
}
_UNTERMINATED_RIS = "record is not terminated by 'ER  - '"


def _ris_name(value: str) -> dict:
    """``Family, Given[, Suffix]`` is a person; a value without a comma is an organisation."""
    if "," not in value:
        return {"literal": value}
    family, _, rest = (part.strip() for part in value.partition(","))
    given, _, suffix = (part.strip() for part in rest.partition(","))
    name = {"family": family, "given": given}
    if suffix:
        name["suffix"] = suffix
    return name


def _ris_date_parts(value: str) -> list[int]:
    """``2018///``, ``2018/10/01/`` or ``2018-10-01`` -> ``[2018, 10, 1]``."""
    parts: list[int] = []
    for part in re.split(r"[/-]", value.strip())[:3]:
        if not part.strip().isdigit():
            break
        parts.append(int(part))
    return parts


def _ris_issued(record: _Record) -> dict | None:
    candidates = [_ris_date_parts(v) for v in (record.first("PY", "Y1"), record.first("DA"))]
    best = max(candidates, key=len)
    if not best and (record.first("PY", "Y1") or record.first("DA")):
        raise _EntryError(f"{record.first('PY', 'Y1', 'DA')!r} is not a year")
    return _date(*best) if best else None


def _ris_accessed(record: _Record) -> dict | None:
    parts = _ris_date_parts(record.first("Y2"))
    return _date(*parts) if parts else None


def _ris_page(record: _Record) -> str:
    start, end = record.first("SP"), record.first("EP")
    return f"{start}-{end}" if start and end else start or end


def _ris_optional_id(value: str, normalize: Callable[[object], str]) -> str:
    """AN and C2 are free-form in general RIS; only take them when they are the identifier."""
    try:
        return normalize(value)
    except InvalidIdentifier:
        return ""


def _ris_record_to_item(record: _Record) -> dict:
    if record.problem:
        raise _EntryError(record.problem)
    if record.tags[0][0] != "TY":
        raise _EntryError(f"record starts with '{record.tags[0][0]}' instead of 'TY  - '")
    csl_type = _CSL_TYPE_BY_RIS.get(record.first("TY").upper(), "document")
    item = {
        "id": record.first("ID"),
        "type": csl_type,
        "title": record.first("TI", "T1") or record.first("BT"),
        "author": [_ris_name(value) for value in record.values("AU", "A1")],
        "container-title": record.first("T2", "JF", "JO"),
        "container-title-short": record.first("J2", "JA", "J1"),
        "issued": _ris_issued(record),
        "volume": record.first("VL"),
        "issue": record.first("IS"),
        "page": _ris_page(record),
        "DOI": record.first("DO"),
        "PMID": _ris_optional_id(record.first("AN"), normalize_pmid),
        "PMCID": _ris_optional_id(record.first("C2"), normalize_pmcid),
        "URL": record.first("UR"),
        "publisher": record.first("PB"),
        "edition": record.first("ET"),
        "accessed": _ris_accessed(record),
    }
    return _finish_item(item, source_type_from_terms(record.values("M3")))


def _ris_records(lines: Iterator[tuple[int, str]]) -> Iterator[_Record]:
    """Group RIS lines into records; unterminated records come out as errors."""
    record: _Record | None = None
    for number, line in lines:
        match = _RIS_TAG.match(line)
        if not match:
            if record is not None and line.strip():
                record.append_continuation(line)
            continue  # blank lines, and stray text between records, carry no data
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "ER":
            if record is not None:  # a stray ER (some exporters double it) carries nothing
                yield record
            record = None
            continue
        if tag == "TY" and record is not None:
            record.problem = _UNTERMINATED_RIS
            yield record
            record = None
        record = record or _Record(number)
        record.tags.append((tag, value))
    if record is not None:
        record.problem = _UNTERMINATED_RIS
        yield record


def read_ris(stream) -> Iterator[ParsedEntry]:
    """Read RIS records (``TY  - `` ... ``ER  - ``) one at a time.

    Tolerates a byte-order mark, CRLF line endings and single-space tags (``TY - JOUR``);
    untagged lines continue the previous tag. Raises MalformedFile if the first non-blank
    line is not an RIS tag.
    """
    lines = _lines(stream)
    first = _first_content_line(lines)
    if first is None:
        return
    if not _RIS_TAG.match(first[1]):
        raise MalformedFile(
            f"Not an RIS file: line {first[0]} should start with a tag like 'TY  - ', found {first[1][:40]!r}"
        )
    for record in _ris_records(_chain_first(first, lines)):
        yield _entry(record.line, _ris_record_to_item, record)
