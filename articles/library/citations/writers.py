"""Writers for CSL-JSON items: BibTeX (BibLaTeX-flavoured), RIS and CSL-JSON.

Each format has a streaming ``iter_*`` variant yielding one chunk per item, so a large
export can be sent as it is produced, and a ``write_*`` convenience returning one string.
Reading a writer's output back with :mod:`.readers` gives the same items for every field
the format can carry (see the package docstring for the few lossy corners).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator

from .readers import citation_key, source_type_of

__all__ = [
    "iter_bibtex",
    "iter_csl_json",
    "iter_ris",
    "write_bibtex",
    "write_csl_json",
    "write_ris",
]


def _text(value: object) -> str:
    """One-line text: both formats are line-based, so embedded newlines are collapsed."""
    return " ".join(str(value).split()) if value is not None else ""


def _date_parts(item: dict, key: str) -> list[int]:
    parts = ((item.get(key) or {}).get("date-parts") or [[]])[0]
    return [int(part) for part in parts if str(part).strip().isdigit()]


def _family(name: dict) -> str:
    """Family name with its particles in front (``van Tulder``): neither format keeps them apart."""
    keys = ("dropping-particle", "non-dropping-particle", "family")
    return " ".join(_text(name[key]) for key in keys if name.get(key))


# --------------------------------------------------------------------------- BibTeX

_BIBTEX_TYPE_BY_CSL = {
    "article-journal": "article",
    "article": "article",
    "article-magazine": "article",
    "article-newspaper": "article",
    "book": "book",
    "chapter": "incollection",
    "paper-conference": "inproceedings",
    "webpage": "online",
    "post": "online",
    "post-weblog": "online",
    "report": "techreport",
    "thesis": "phdthesis",
}
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}
# In names a comma separates family from given names, so it is braced like the specials.
_NAME_SPECIALS = {**{char: f"{{{escape}}}" for char, escape in _LATEX_SPECIALS.items()}, ",": "{,}"}
# LaTeX reads "--" as a dash, "``"/"''" as quotes and "?`"/"!`" as inverted marks.
_LIGATURE = re.compile(r"-(?=-)|`(?=`)|'(?=')|[?!](?=`)")
_WORD = re.compile(r"([^\W_]+)")
_AND_WORD = re.compile(r"(?<!\S)(and)(?!\S)", re.IGNORECASE)
_MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_KEY_CHARACTERS = re.compile(r"[^A-Za-z0-9_:.-]")


def _latex_escape(text: str) -> str:
    """Escape LaTeX specials; non-ASCII characters are written as UTF-8, not as macros."""
    escaped = "".join(_LATEX_SPECIALS.get(char, char) for char in text)
    return _LIGATURE.sub(lambda match: match.group(0) + "{}", escaped)


def _latex_escape_name(text: str) -> str:
    """Like :func:`_latex_escape`, but each escape (and any comma) sits in its own brace group.

    bibtexparser's co-author splitter skips the character after a backslash without
    tracking words, so ``Doe, \\& and Roe, R`` splits wrongly; ``Doe, {\\&} and …`` is fine.
    """
    escaped = "".join(_NAME_SPECIALS.get(char, char) for char in text)
    escaped = _AND_WORD.sub(r"{\1}", escaped)  # a bare "and" would separate two authors
    return _LIGATURE.sub(lambda match: match.group(0) + "{}", escaped)


def _protect_case(word: str) -> str:
    """Brace words like ``NICE`` or ``mRNA`` so BibTeX styles do not lower-case them."""
    return f"{{{word}}}" if any(char.isupper() for char in word[1:]) else word


def _latex_title(text: str) -> str:
    pieces = _WORD.split(_text(text))
    return "".join(
        _protect_case(piece) if index % 2 else _latex_escape(piece) for index, piece in enumerate(pieces)
    )


def _bibtex_name(name: dict) -> str:
    """``Family, Given`` / ``Family, Suffix, Given``; an organisation is braced whole."""
    if name.get("literal"):
        return "{" + _latex_escape_name(_text(name["literal"])) + "}"
    family = _latex_escape_name(_family(name))
    given = _latex_escape_name(_text(name.get("given")))
    suffix = _latex_escape_name(_text(name.get("suffix")))
    return ", ".join(part for part in (family, suffix, given) if part)


def _bibtex_key(item: dict) -> str:
    key = _KEY_CHARACTERS.sub("", _text(item.get("id")))
    return key or citation_key(item)


def _iso(parts: list[int]) -> str:
    """``[2024, 3, 5]`` -> ``2024-03-05`` (BibLaTeX ``date`` and ``urldate``)."""
    return "-".join(f"{part:02d}" for part in parts[:3])


def _bibtex_date_fields(item: dict) -> list[tuple[str, str]]:
    """``year`` and ``month`` for classic BibTeX plus an exact BibLaTeX ``date``."""
    parts = _date_parts(item, "issued")
    if not parts:
        return []
    fields = [("year", f"{{{parts[0]}}}")]
    if len(parts) >= 2 and 1 <= parts[1] <= 12:
        fields.append(("month", _MONTH_MACROS[parts[1] - 1]))  # a macro: no braces
        fields.append(("date", "{" + _iso(parts) + "}"))
    return fields


def _bibtex_fields(item: dict) -> list[tuple[str, str]]:
    """The ``(name, raw value)`` pairs of one entry, values already braced or bare."""
    csl_type = item.get("type", "")

    def braced(value: object, escape=_latex_escape) -> str:
        return "{" + escape(_text(value)) + "}" if _text(value) else ""

    def verbatim(value: object) -> str:
        # DOIs and URLs are verbatim in BibLaTeX; only braces would break the syntax.
        return braced(value, escape=lambda text: text.replace("{", "%7B").replace("}", "%7D"))

    container = "journal" if csl_type.startswith("article") else "booktitle"
    publisher = "institution" if csl_type == "report" else "publisher"
    authors = " and ".join(_bibtex_name(name) for name in item.get("author") or [])
    accessed = _date_parts(item, "accessed")
    fields = [
        ("author", "{" + authors + "}" if authors else ""),
        ("title", braced(item.get("title"), _latex_title)),
        (container, braced(item.get("container-title"))),
        ("shortjournal", braced(item.get("container-title-short"))),
        *_bibtex_date_fields(item),
        ("volume", braced(item.get("volume"))),
        ("number", braced(item.get("issue"))),
        ("pages", braced(item.get("page"), lambda page: _latex_escape(page).replace("-", "--"))),
        (publisher, braced(item.get("publisher"))),
        ("edition", braced(item.get("edition"))),
        ("doi", verbatim(item.get("DOI"))),
        ("pmid", verbatim(item.get("PMID"))),
        ("pmcid", verbatim(item.get("PMCID"))),
        ("url", verbatim(item.get("URL"))),
        ("urldate", "{" + _iso(accessed) + "}" if accessed else ""),
        ("type_detail", "{" + source_type_of(item) + "}"),
    ]
    return [(name, value) for name, value in fields if value]


def _bibtex_entry(item: dict) -> str:
    entry_type = _BIBTEX_TYPE_BY_CSL.get(item.get("type", ""), "misc")
    lines = [f"@{entry_type}{{{_bibtex_key(item)},"]
    lines += [f"  {name} = {value}," for name, value in _bibtex_fields(item)]
    return "\n".join(lines) + "\n}\n"


def iter_bibtex(items: Iterable[dict]) -> Iterator[str]:
    """Yield one BibTeX entry (UTF-8 text, LaTeX specials escaped) per item.

    Our source type goes into a ``type_detail`` field so that it survives a round trip.
    """
    for index, item in enumerate(items):
        yield ("\n" if index else "") + _bibtex_entry(item)


def write_bibtex(items: Iterable[dict]) -> str:
    """Return the items as a BibTeX file (see :func:`iter_bibtex`)."""
    return "".join(iter_bibtex(items))


# --------------------------------------------------------------------------- RIS

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


# --------------------------------------------------------------------------- CSL-JSON


def iter_csl_json(items: Iterable[dict]) -> Iterator[str]:
    """Yield a pretty-printed CSL-JSON array piece by piece (UTF-8, not ``\\u`` escapes)."""
    yield "["
    for index, item in enumerate(items):
        body = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield ("," if index else "") + "\n  " + body
    yield "\n]\n"


def write_csl_json(items: Iterable[dict]) -> str:
    """Return the items as a CSL-JSON array."""
    return "".join(iter_csl_json(items))
