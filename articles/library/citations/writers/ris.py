"""The RIS writer: one ``TY  - `` ... ``ER  - `` record per item."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..types import source_type_of
from ._common import _date_parts, _family, _text

__all__ = ["iter_ris", "write_ris"]

_RIS_TYPE_BY_CSL = {
    "article-journal": "JOUR",
    "article": "JOUR",
    "article-magazine": "MGZN",
    "article-newspaper": "NEWS",
    "book": "BOOK",
    "chapter": "CHAP",
    "webpage": "ELEC",
    "post": "ELEC",
    "post-weblog": "BLOG",
    "report": "RPRT",
    "paper-conference": "CPAPER",
    "thesis": "THES",
}


def _ris_name(name: dict) -> str:
    """``Family, Given[, Suffix]``; a family-only person keeps the comma (``Plato,``) so it
    is not read back as an organisation, which RIS writes without one."""
    if name.get("literal"):
        return _text(name["literal"])
    given, suffix = _text(name.get("given")), _text(name.get("suffix"))
    tail = f", {suffix}" if suffix else ""
    return f"{_family(name)}, {given}{tail}".rstrip() if given or suffix else f"{_family(name)},"


def _ris_date(parts: list[int]) -> str:
    """RIS dates are ``YYYY/MM/DD/other``."""
    padded = [f"{part:02d}" for part in parts[:3]] + [""] * (3 - len(parts[:3]))
    return "/".join(padded) + "/"


def _ris_pages(page: str) -> list[tuple[str, str]]:
    start, _, end = page.partition("-")
    if start and end:
        return [("SP", start), ("EP", end)]
    return [("SP", page)]


def _ris_lines(item: dict) -> list[tuple[str, str]]:
    issued = _date_parts(item, "issued")
    accessed = _date_parts(item, "accessed")
    tags = [
        ("TY", _RIS_TYPE_BY_CSL.get(item.get("type", ""), "GEN")),
        ("ID", _text(item.get("id"))),
        *(("AU", _ris_name(name)) for name in item.get("author") or []),
        ("TI", item.get("title")),
        ("T2", item.get("container-title")),
        ("J2", item.get("container-title-short")),
        ("PY", str(issued[0]) if issued else ""),
        ("DA", _ris_date(issued) if len(issued) > 1 else ""),
        ("VL", item.get("volume")),
        ("IS", item.get("issue")),
        *(_ris_pages(_text(item.get("page"))) if item.get("page") else []),
        ("PB", item.get("publisher")),
        ("ET", item.get("edition")),
        ("DO", item.get("DOI")),
        ("AN", item.get("PMID")),  # the accession number of a PubMed record is its PMID
        ("C2", item.get("PMCID")),  # where EndNote and PubMed exports put the PMCID
        ("UR", item.get("URL")),
        ("Y2", _ris_date(accessed) if accessed else ""),
        ("M3", source_type_of(item)),
    ]
    return [(tag, _text(value)) for tag, value in tags if _text(value)]


def iter_ris(items: Iterable[dict]) -> Iterator[str]:
    """Yield one RIS record per item (``\\n`` line endings; readers accept CRLF too).

    Our source type goes into ``M3`` (type of work), the PMID into ``AN`` and the PMCID
    into ``C2``.
    """
    for item in items:
        lines = [f"{tag}  - {value}" for tag, value in _ris_lines(item)]
        yield "\n".join([*lines, "ER  - ", ""]) + "\n"


def write_ris(items: Iterable[dict]) -> str:
    """Return the items as an RIS file (see :func:`iter_ris`)."""
    return "".join(iter_ris(items))
