"""The BibTeX writer (BibLaTeX-flavoured): UTF-8 entries with LaTeX specials escaped.

Titles brace their capitalised words so styles keep ``NICE`` and ``mRNA``; DOIs and URLs
are written verbatim, and our source type goes into a ``type_detail`` field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ..keys import citation_key
from ..types import source_type_of
from ._common import _date_parts, _family, _text

__all__ = ["iter_bibtex", "write_bibtex"]

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
