"""Streaming readers for bibliographic files, producing CSL-JSON items (plain dicts).

Supported formats (see :data:`FORMATS`): ``bibtex``, ``ris``, ``medline`` (PubMed
``.nbib``) and ``csl-json``. Every reader takes a text stream, consumes it incrementally
and yields one :class:`ParsedEntry` per record, so a file with 10,000 entries never has
to be held in memory. A bad record becomes a ``ParsedEntry`` with ``error`` set (the
message starts with ``"line N: "``) and reading carries on; a file that is not in the
requested format at all raises :class:`MalformedFile`.

This module also owns the vocabulary of *source types* (our finer classification that
the Source model stores) and its mapping to CSL types, because every reader and writer
needs it. An item carries its source type in ``item["custom"]["source_type"]`` (CSL-JSON
1.0.2 reserves ``custom`` for application data, so CSL processors ignore it).
"""

from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import DuplicateFieldKeyBlock, Entry, MiddlewareErrorBlock, String
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

from .identifiers import InvalidIdentifier, normalize_doi, normalize_pmcid, normalize_pmid

__all__ = [
    "FORMATS",
    "SOURCE_TYPES",
    "MalformedFile",
    "ParsedEntry",
    "citation_key",
    "csl_type_fields",
    "csl_type_for",
    "detect_format",
    "read_bibtex",
    "read_csl_json",
    "read_medline",
    "read_ris",
    "read_sources",
    "source_type_of",
]

FORMATS = ("bibtex", "ris", "medline", "csl-json")

SOURCE_TYPES = (
    "guideline",
    "systematic_review",
    "meta_analysis",
    "randomized_trial",
    "cohort_study",
    "case_report",
    "review",
    "textbook",
    "website",
    "other",
)


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


# --------------------------------------------------------------------------- source types

_JOURNAL_TYPES = (
    "systematic_review",
    "meta_analysis",
    "randomized_trial",
    "cohort_study",
    "case_report",
    "review",
)
_CSL_TYPE_BY_SOURCE_TYPE = {
    **dict.fromkeys(_JOURNAL_TYPES, "article-journal"),
    "guideline": "report",
    "textbook": "book",
    "website": "webpage",
    "other": "document",
}
# Used only when an item carries no source type of its own.
_SOURCE_TYPE_BY_CSL_TYPE = {
    "report": "guideline",
    "book": "textbook",
    "webpage": "website",
    "post": "website",
    "post-weblog": "website",
}

# Publication-type vocabulary (PubMed "PT", RIS "M3", CSL "genre") mapped to our types.
# Checked in this order because a record usually has several PTs and the most specific
# design should win: a Cochrane review is tagged "Systematic Review", "Meta-Analysis" and
# "Review"; the review design (systematic) is what editors classify by.
_TYPE_TERMS = (
    ("guideline", ("guideline", "practice guideline")),
    ("systematic_review", ("systematic review",)),
    ("meta_analysis", ("meta analysis",)),
    ("randomized_trial", ("randomized trial", "randomized controlled trial", "rct")),
    ("cohort_study", ("cohort study", "cohort studies")),
    ("case_report", ("case report", "case reports")),
    ("review", ("review", "scoping review")),
    ("textbook", ("textbook",)),
    ("website", ("website",)),
    ("other", ("other",)),
)


def _normalize_term(term: str) -> str:
    return " ".join(re.sub(r"[-_]", " ", term).lower().split())


def _source_type_from_terms(terms: Iterable[str]) -> str | None:
    """Return the most specific source type named by any of ``terms``, if any."""
    normalized = {_normalize_term(term) for term in terms if isinstance(term, str)}
    for source_type, names in _TYPE_TERMS:
        if normalized.intersection(names):
            return source_type
    return None


def csl_type_for(source_type: str) -> str:
    """Return the CSL type used for one of our :data:`SOURCE_TYPES` (``"document"`` if unknown)."""
    return _CSL_TYPE_BY_SOURCE_TYPE.get(source_type, "document")


def csl_type_fields(source_type: str) -> dict:
    """The CSL-JSON fields that encode one of our source types in a new item.

    ``{"type": "article-journal", "custom": {"source_type": "randomized_trial"}}`` — merge
    it into an item built from a Source; the ``custom`` part is what keeps the finer type.
    """
    return {"type": csl_type_for(source_type), "custom": {"source_type": source_type}}


def source_type_of(item: dict) -> str:
    """Return the source type of a CSL item.

    Uses ``item["custom"]["source_type"]`` when present, then a recognisable CSL ``genre``
    and finally a guess from the CSL ``type`` (lossy: a plain journal article is ``"other"``).
    """
    custom = item.get("custom")
    stored = custom.get("source_type") if isinstance(custom, dict) else None
    for term in (stored, item.get("genre")):
        found = _source_type_from_terms([term]) if term else None
        if found:
            return found
    return _SOURCE_TYPE_BY_CSL_TYPE.get(item.get("type", ""), "other")


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

_TRANSLITERATION = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d"})
_TITLE_STOP_WORDS = frozenset({"a", "an", "the"})


def _text(value: object) -> str:
    """Return ``value`` as a string with runs of whitespace collapsed to one space."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` (``"Müller"`` -> ``"muller"``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode())


def _first_author_word(item: dict) -> str:
    for name in item.get("author") or []:
        if name.get("family"):
            particle = name.get("non-dropping-particle", "")
            return _ascii_word(particle + name["family"])
        if name.get("literal"):
            return _ascii_word(name["literal"].split()[0])
    return ""


def _first_title_word(item: dict) -> str:
    words = [_ascii_word(word) for word in _text(item.get("title")).split()]
    return next((w for w in words if w and w not in _TITLE_STOP_WORDS), "")


def citation_key(item: dict) -> str:
    """Return the base citation key of an item, e.g. ``"will2018"``.

    First author's family name (or an organisation's first word, or the title's first
    word) in lower-case ASCII, followed by the year (``"nd"`` when undated). Making keys
    unique (``will2018a``, ``will2018b``) is left to the caller, who knows the other keys.
    """
    name = _first_author_word(item) or _first_title_word(item) or "source"
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts[0] else "nd"
    return f"{name}{year}"


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


# --------------------------------------------------------------------------- entry points

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


# --------------------------------------------------------------------------- BibTeX

_BIBTEX_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*([{(])")
# A block start in column 0 while the previous block is still open means that block was
# never closed: we cut there so one missing brace costs one entry, not the rest of the file.
_BIBTEX_RESYNC = re.compile(r"^@\s*[A-Za-z]+\s*[{(]")
_BIBTEX_KEY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]\s*[^\s,={}()]+\s*,")
# A raw value that contains "<newline> name = " swallowed the next field: a missing comma.
_SWALLOWED_FIELD = re.compile(r"[}\"]\s*\n\s*[A-Za-z][\w-]*\s*=")
# Fields that are verbatim in BibLaTeX: LaTeX-decoding a URL would eat "%20" as a comment.
_VERBATIM_FIELDS = frozenset({"url", "doi", "pmid", "pmcid", "eprint", "urldate", "date"})

_CSL_TYPE_BY_BIBTEX = {
    "article": "article-journal",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "misc": "document",
    "unpublished": "document",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
    "techreport": "report",
    "report": "report",
    "manual": "report",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
}


@dataclass
class _BibtexBlock:
    line: int
    kind: str
    text: str
    closed: bool


class _BlockScanner:
    """Follows the nesting of one ``@type{...}`` or ``@type(...)`` block, line by line."""

    def __init__(self, opener: str):
        self.opener = opener
        self.braces = 0
        self.parens = 0

    def feed(self, text: str) -> bool:
        """Consume ``text``; return True once the block's outer delimiter has closed."""
        previous = ""
        for char in text:
            if previous != "\\":
                if char == "{":
                    self.braces += 1
                elif char == "}":
                    self.braces -= 1
                elif self.braces == 0 and char == "(":
                    self.parens += 1
                elif self.braces == 0 and char == ")":
                    self.parens -= 1
            previous = char
        depth = self.braces if self.opener == "{" else self.parens
        return depth <= 0


def _split_bibtex(lines: Iterable[tuple[int, str]]) -> Iterator[_BibtexBlock]:
    """Cut a BibTeX file into ``@`` blocks; text between blocks is a comment in BibTeX."""
    block: list[str] = []
    start = 0
    kind = ""
    scanner: _BlockScanner | None = None
    for number, line in lines:
        if scanner is not None and _BIBTEX_RESYNC.match(line):
            yield _BibtexBlock(start, kind, "\n".join(block), closed=False)
            scanner = None
        if scanner is None:
            match = _BIBTEX_START.match(line)
            if not match:
                continue
            kind, opener = match.group(1).lower(), match.group(2)
            scanner, start, block = _BlockScanner(opener), number, []
        block.append(line)
        if scanner.feed(line):
            yield _BibtexBlock(start, kind, "\n".join(block), closed=True)
            scanner = None
    if scanner is not None:
        yield _BibtexBlock(start, kind, "\n".join(block), closed=False)


class _LatexDecoding(middlewares.LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding, adjusted for bibliographic data.

    The stock middleware decodes every field, which breaks URLs and DOIs (``%`` starts a
    LaTeX comment), and maps ``\\textasciicircum`` to a modifier letter instead of ``^``.
    It also flags the classic missing comma that makes one field swallow the next.
    Name fields are skipped here: they are decoded token by token after splitting, so
    that a braced ``{World Health Organization}`` can still be recognised as an organisation.
    """

    def __init__(self):
        context = get_default_latex_context_db()
        context.add_context_category(
            "citations",
            prepend=True,
            macros=[
                MacroTextSpec("url", simplify_repl="%s"),
                MacroTextSpec("textasciicircum", simplify_repl="^"),
            ],
        )
        super().__init__(decoder=LatexNodes2Text(latex_context=context, math_mode="verbatim"))

    @classmethod
    def metadata_key(cls) -> str:
        return "citations_latex_decoding"

    def decode(self, text: str) -> str:
        """Return ``text`` with LaTeX markup turned into Unicode."""
        decoded, error = self._transform_python_value_string(text)
        if error:
            raise _EntryError(f"cannot decode LaTeX in {text!r}: {error}")
        return decoded

    def transform_entry(self, entry: Entry, library: Library):
        for entry_field in entry.fields:
            key, value = entry_field.key, entry_field.value
            if not isinstance(value, str) or key in _VERBATIM_FIELDS:
                continue
            if _SWALLOWED_FIELD.search(value):
                problem = ValueError(f"missing comma after field '{key}'")
                return MiddlewareErrorBlock(block=entry, error=problem)
            entry_field.value, error = self._transform_python_value_string(value)
            if error:
                problem = ValueError(f"cannot decode LaTeX in field '{key}': {error}")
                return MiddlewareErrorBlock(block=entry, error=problem)
        return entry

    def transform_string(self, string: String, library: Library):
        # @string values are decoded once they are substituted into an entry's field.
        return string


_LATEX = _LatexDecoding()
_BIBTEX_PARSE_STACK = (
    *middlewares.default_parse_stack(),
    middlewares.NormalizeFieldKeys(),
    middlewares.SeparateCoAuthors(),
    middlewares.SplitNameParts(),
    _LATEX,
)


def _parse_bibtex_block(text: str, strings: list[String]) -> Library:
    """Parse one block; earlier ``@string`` macros are visible through the library."""
    return bibtexparser.parse_string(
        text, parse_stack=_BIBTEX_PARSE_STACK, library=Library(blocks=list(strings))
    )


def _bibtex_failure_message(library: Library) -> str:
    block = library.failed_blocks[0]
    if isinstance(block, DuplicateFieldKeyBlock):
        keys = ", ".join(sorted(getattr(block, "duplicate_keys", ()))) or "?"
        return f"duplicate field {keys}"
    if isinstance(block, MiddlewareErrorBlock):
        return str(block.error)
    return "cannot parse the entry (check the 'field = {value},' syntax)"


def _is_braced_group(token: str) -> bool:
    """True when one brace group spans the whole token: ``{World Health Organization}``.

    False for ``{\\"O}zt{\\"u}rk``, whose first group closes early. Escaped braces do not count.
    """
    if not (token.startswith("{") and token.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(token):
        if index and token[index - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(token) - 1:
            return False
    return True


def _literal_name(token: str) -> str | None:
    """The organisation named by a name written as one brace group, else None.

    A group that starts with a macro (``{\\"O}``, ``{\\&}``) is one escaped character of a
    person's name, not an organisation.
    """
    if not _is_braced_group(token) or token.startswith("{\\"):
        return None
    return _LATEX.decode(token)


def _bibtex_name(parts) -> dict:
    """Convert bibtexparser NameParts into a CSL name (particles join the family name)."""
    if not (parts.first or parts.von or parts.jr) and len(parts.last) == 1:
        literal = _literal_name(parts.last[0])
        if literal is not None:
            return {"literal": literal}

    def join(tokens: list[str]) -> str:
        return " ".join(_LATEX.decode(token) for token in tokens)

    name = {"family": join(parts.von + parts.last), "given": join(parts.first)}
    if parts.jr:
        name["suffix"] = join(parts.jr)
    return name


def _bibtex_date(fields: dict) -> dict | None:
    if fields.get("date"):
        return _iso_date(fields["date"])
    if not fields.get("year"):
        return None
    month = _month_number(fields.get("month")) if fields.get("month") else None
    day = int(fields["day"]) if month and _text(fields.get("day")).isdigit() else None
    return _date(_year(fields["year"]), month, day)


def _bibtex_pmid(fields: dict) -> str:
    if fields.get("pmid"):
        return fields["pmid"]
    # BibLaTeX convention: eprinttype = {pubmed}, eprint = {30252425}.
    if _text(fields.get("eprinttype")).lower() == "pubmed":
        return fields.get("eprint", "")
    return ""


def _page_range(value: object) -> str:
    """BibTeX writes ranges as ``421--428`` (decoded to an en dash); we store ``421-428``."""
    return re.sub(r"\s*[–—-]+\s*", "-", _text(value))


def _bibtex_entry_to_item(entry: Entry) -> dict:
    fields = {entry_field.key: entry_field.value for entry_field in entry.fields}
    csl_type = _CSL_TYPE_BY_BIBTEX.get(entry.entry_type.lower(), "document")
    item = {
        "id": entry.key,
        "type": csl_type,
        "title": fields.get("title"),
        "author": [_bibtex_name(parts) for parts in fields.get("author", [])],
        "container-title": fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle"),
        "container-title-short": fields.get("shortjournal"),
        "issued": _bibtex_date(fields),
        "volume": fields.get("volume"),
        "issue": fields.get("number"),
        "page": _page_range(fields.get("pages")),
        "DOI": fields.get("doi"),
        "PMID": _bibtex_pmid(fields),
        "PMCID": fields.get("pmcid"),
        "URL": fields.get("url"),
        "publisher": fields.get("publisher") or fields.get("institution") or fields.get("organization"),
        "edition": fields.get("edition"),
        "accessed": _iso_date(fields.get("urldate")),
    }
    source_type = _source_type_from_terms([_text(fields.get("type_detail"))])
    return _finish_item(item, source_type)


def _read_bibtex_block(block: _BibtexBlock, strings: list[String]) -> dict:
    if not block.closed:
        raise _EntryError(f"@{block.kind} entry is not closed (unbalanced braces)")
    if not _BIBTEX_KEY.match(block.text):
        raise _EntryError(f"@{block.kind} entry has no citation key")
    library = _parse_bibtex_block(block.text, strings)
    if library.failed_blocks:
        raise _EntryError(_bibtex_failure_message(library))
    if not library.entries:
        raise _EntryError(f"cannot parse the @{block.kind} entry")
    return _bibtex_entry_to_item(library.entries[0])


def read_bibtex(stream) -> Iterator[ParsedEntry]:
    """Read BibTeX/BibLaTeX entries one at a time.

    Entries are cut on top-level ``@type{`` boundaries and each is parsed by bibtexparser
    with LaTeX decoding and author splitting. ``@string`` macros apply to later entries;
    ``@comment`` and ``@preamble`` are skipped. Braced author names such as
    ``{World Health Organization}`` become CSL ``literal`` names. Raises MalformedFile if
    a non-empty file contains no ``@`` block at all.
    """
    strings: list[String] = []
    seen_text = seen_block = False

    def noting_text(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
        nonlocal seen_text
        for number, line in lines:
            seen_text = seen_text or bool(line.strip())
            yield number, line

    for block in _split_bibtex(noting_text(_lines(stream))):
        seen_block = True
        if block.kind in ("comment", "preamble"):
            continue
        if block.kind == "string":
            strings.extend(_parse_bibtex_block(block.text, strings).strings)
            continue
        yield _entry(block.line, _read_bibtex_block, block, strings)
    if seen_text and not seen_block:
        raise MalformedFile("Not a BibTeX file: no entries like '@article{key, ...}' found")


# --------------------------------------------------------------------------- RIS

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
_NAME_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"})


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
    return _finish_item(item, _source_type_from_terms(record.values("M3")))


def _first_content_line(lines: Iterator[tuple[int, str]]) -> tuple[int, str] | None:
    return next(((number, line) for number, line in lines if line.strip()), None)


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


def _chain_first(first: tuple[int, str], rest: Iterator[tuple[int, str]]):
    yield first
    yield from rest


# --------------------------------------------------------------------------- MEDLINE

_MEDLINE_TAG = re.compile(r"^([A-Z][A-Z0-9 ]{3})-(?: (.*)|\s*)$")
_MEDLINE_DATE = re.compile(r"^([0-9]{4})(?:\s+([A-Za-z]{3})[A-Za-z]*(?:\s+([0-9]{1,2})\b)?)?")
_MEDLINE_ID = re.compile(r"^(\S+)\s*\[(\w+)\]$")


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
    return _finish_item(item, _source_type_from_terms(record.values("PT")))


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


# --------------------------------------------------------------------------- CSL-JSON

_CHUNK_SIZE = 64 * 1024


def _chunks(stream) -> Iterator[str]:
    if isinstance(stream, str):
        yield stream
    elif hasattr(stream, "read"):
        while chunk := stream.read(_CHUNK_SIZE):
            yield chunk
    else:
        yield from stream


class _JsonArrayScanner:
    """Decodes the elements of a top-level JSON array one at a time, chunk by chunk.

    ``json.JSONDecoder.raw_decode`` is retried with more text whenever an element runs
    past the end of the buffer, so memory holds one element plus one chunk, never the file.
    """

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self._buffer = ""
        self._pos = 0
        self._line = 1  # line number of self._buffer[0]
        self._exhausted = False
        self._decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        """Append the next chunk (dropping consumed text); False at end of input."""
        if self._exhausted:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._exhausted = True
            return False
        consumed = self._buffer[: self._pos]
        self._line += consumed.count("\n")
        self._buffer = self._buffer[self._pos :] + chunk
        self._pos = 0
        return True

    def _line_at(self, pos: int) -> int:
        return self._line + self._buffer.count("\n", 0, pos)

    def _peek(self) -> str:
        """Skip whitespace and return the next character ("" at end of input)."""
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in " \t\r\n\ufeff":
                self._pos += 1
            if self._pos < len(self._buffer) or not self._fill():
                return self._buffer[self._pos : self._pos + 1]

    def _fail(self, message: str, pos: int | None = None) -> MalformedFile:
        pos = self._pos if pos is None else pos
        return MalformedFile(f"Not valid CSL-JSON: line {self._line_at(pos)}: {message}")

    def _decode_value(self) -> tuple[int, object]:
        previous_offset = None
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                # An element cut by the chunking fails at the end of the buffer and gets
                # further once more text arrives; an error that stays put is a real one.
                offset = error.pos - self._pos
                stuck = offset == previous_offset and not error.msg.startswith("Unterminated")
                if stuck or not self._fill():
                    raise self._fail(error.msg, error.pos) from None
                previous_offset = offset
                continue
            if end == len(self._buffer) and self._fill():
                continue  # a number at the very end of the buffer may continue
            line = self._line_at(self._pos)
            self._pos = end
            return line, value

    def elements(self) -> Iterator[tuple[int, object]]:
        """Yield ``(line, value)`` for each array element."""
        first = self._peek()
        if first == "":
            return
        if first != "[":
            raise self._fail(f"expected a JSON array of CSL items ('['), found {first!r}")
        self._pos += 1
        if self._peek() == "]":
            self._pos += 1
        else:
            while True:
                # raw_decode does not skip the whitespace before a value.
                if self._peek() == "":
                    raise self._fail("the file ends before the closing ']'")
                yield self._decode_value()
                separator = self._peek()
                self._pos += 1
                if separator == "]":
                    break
                if separator == "":
                    raise self._fail("the file ends before the closing ']'")
                if separator != ",":
                    raise self._fail(f"expected ',' or ']' after an item, found {separator!r}")
        if self._peek() != "":
            raise self._fail("unexpected text after the closing ']'")


def _csl_names(value: object) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(name, dict) for name in value):
        raise _EntryError("'author' must be a list of name objects")
    return value


def _csl_date(value: object, key: str) -> dict | None:
    """Accept ``{"date-parts": [[2018, 10, 1]]}`` (numbers or digit strings) or a raw year."""
    if value is None:
        return None
    if isinstance(value, dict) and value.get("date-parts"):
        parts = value["date-parts"][0] if isinstance(value["date-parts"], list) else None
        if isinstance(parts, list) and parts and all(str(p).strip().isdigit() for p in parts):
            return _date(*(int(str(p)) for p in parts[:3]))
    elif isinstance(value, dict) and re.match(r"^[0-9]{4}", _text(value.get("raw"))):
        return _date(int(_text(value["raw"])[:4]))
    raise _EntryError(f"'{key}' must look like {{\"date-parts\": [[2018, 10, 1]]}}")


def _csl_text(value: object, key: str) -> object:
    if value is not None and not isinstance(value, (str, int, float)):
        raise _EntryError(f"'{key}' must be text, found {type(value).__name__}")
    return value


def _csl_item(value: object) -> dict:
    if not isinstance(value, dict):
        raise _EntryError(f"expected a CSL item (a JSON object), found {type(value).__name__}")
    fields = {key: _csl_text(value.get(key), key) for key in _TEXT_KEYS}
    fields["author"] = _csl_names(value.get("author"))
    fields["issued"] = _csl_date(value.get("issued"), "issued")
    fields["accessed"] = _csl_date(value.get("accessed"), "accessed")
    fields["custom"] = value.get("custom") if isinstance(value.get("custom"), dict) else None
    return _finish_item(fields, source_type_of(value))


def read_csl_json(stream) -> Iterator[ParsedEntry]:
    """Read a CSL-JSON array incrementally (chunk by chunk with ``raw_decode``).

    Only the keys of our interchange format are kept (see the package docstring).
    Raises MalformedFile if the text is not a JSON array or stops being valid JSON; a
    well-formed element that is not a usable item becomes an error entry.
    """
    for line, value in _JsonArrayScanner(iter(_chunks(stream))).elements():
        yield _entry(line, _csl_item, value)
