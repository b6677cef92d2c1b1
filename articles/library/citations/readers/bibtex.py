"""The BibTeX/BibLaTeX reader: blocks cut on ``@type{`` boundaries, each parsed by bibtexparser.

Only the fields an item is made of are read (``_READ_FIELDS``: not abstracts, keywords or
notes), and an entry whose fields to read are over ``_MAX_READ_LENGTH`` characters together is
refused before any of them is decoded, which bounds the work an entry costs whatever it holds.
LaTeX in field values is decoded to Unicode (except in verbatim fields such as ``url``),
``@string`` macros apply to the entries after them, and braced author names such as
``{World Health Organization}`` become CSL ``literal`` names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import bibtexparser
from bibtexparser import middlewares
from bibtexparser.library import Library
from bibtexparser.model import DuplicateFieldKeyBlock, Entry, Field, MiddlewareErrorBlock

from ..types import source_type_from_terms
from ._common import (
    MalformedFile,
    ParsedEntry,
    _date,
    _entry,
    _EntryError,
    _finish_item,
    _iso_date,
    _lines,
    _month_number,
    _text,
    _year,
)
from .latex import DECODER, latex_to_text

__all__ = ["read_bibtex"]

_BIBTEX_START = re.compile(r"^\s*@\s*([A-Za-z]+)\s*([{(])")
# A block start in column 0 while the previous block is still open means that block was
# never closed: we cut there so one missing brace costs one entry, not the rest of the file.
_BIBTEX_RESYNC = re.compile(r"^@\s*[A-Za-z]+\s*[{(]")
_BIBTEX_KEY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]\s*[^\s,={}()]+\s*,")
# A raw value that contains "<newline> name = " swallowed the next field: a missing comma.
# No newline in the first run of spaces, so that a run of newlines is not tried in every split.
_SWALLOWED_FIELD = re.compile(r"[}\"][^\S\n]*\n\s*[A-Za-z][\w-]*\s*=")
# Fields that are verbatim in BibLaTeX: LaTeX-decoding a URL would eat "%20" as a comment.
_VERBATIM_FIELDS = frozenset({"url", "doi", "pmid", "pmcid", "eprint", "urldate", "date"})
# Every field _bibtex_entry_to_item reads; the others are dropped before any work on them.
_READ_FIELDS = frozenset(
    {
        "title",
        "author",
        "journal",
        "journaltitle",
        "booktitle",
        "shortjournal",
        "date",
        "year",
        "month",
        "day",
        "volume",
        "number",
        "pages",
        "doi",
        "pmid",
        "pmcid",
        "eprint",
        "eprinttype",
        "url",
        "urldate",
        "publisher",
        "institution",
        "organization",
        "edition",
        "type_detail",
    }
)
# Decoding is linear but not free, and dearest for markup that goes through pylatexenc: an
# entry whose fields to read are longer together is refused rather than read for seconds.
_MAX_READ_LENGTH = 50_000

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
        self.closer = "}" if opener == "{" else ")"
        self.braces = 0
        self.parens = 0

    def feed(self, text: str) -> int | None:
        """Consume ``text`` up to the block's outer closing delimiter.

        Returns the index just past that delimiter, or None while the block is still open.
        """
        previous = ""
        for index, char in enumerate(text):
            if previous != "\\":
                if char == "{":
                    self.braces += 1
                elif char == "}":
                    self.braces -= 1
                elif self.braces == 0 and char == "(":
                    self.parens += 1
                elif self.braces == 0 and char == ")":
                    self.parens -= 1
                depth = self.braces if self.opener == "{" else self.parens
                if char == self.closer and depth <= 0:
                    return index + 1
            previous = char
        return None


def _split_bibtex(lines: Iterable[tuple[int, str]]) -> Iterator[_BibtexBlock]:
    """Cut a BibTeX file into ``@`` blocks; text between blocks is a comment in BibTeX.

    A block starts at the beginning of a line or right after the previous block closed, so
    ``@string{a="A"} @string{b="B"} @article{...}`` on one line is three blocks.
    """
    block: list[str] = []
    start = 0
    kind = ""
    scanner: _BlockScanner | None = None
    for number, line in lines:
        if scanner is not None and _BIBTEX_RESYNC.match(line):
            yield _BibtexBlock(start, kind, "\n".join(block), closed=False)
            scanner = None
        rest = line
        while True:
            if scanner is None:
                match = _BIBTEX_START.match(rest)
                if not match:
                    break
                kind, opener = match.group(1).lower(), match.group(2)
                scanner, start, block = _BlockScanner(opener), number, []
            end = scanner.feed(rest)
            if end is None:
                block.append(rest)
                break
            block.append(rest[:end])
            yield _BibtexBlock(start, kind, "\n".join(block), closed=True)
            scanner, rest = None, rest[end:]
    if scanner is not None:
        yield _BibtexBlock(start, kind, "\n".join(block), closed=False)


class _ReadFields(middlewares.BlockMiddleware):
    """First in the parse stack, on the raw values: keeps only the fields an item is made of,
    with ``@string`` macros substituted, and refuses an entry whose kept values are longer than
    ``_MAX_READ_LENGTH`` characters together.

    Macros are looked up here, one dictionary lookup a kept field, rather than handed to
    bibtexparser in a library of every earlier macro, whose cost grows with the macros at each
    entry. A field named twice (in any case) is a duplicate; the classic missing comma that makes
    one field swallow the next is flagged in every field, kept or not.
    """

    def __init__(self, strings: dict[str, str]):
        super().__init__(allow_inplace_modification=True)
        self.strings = strings  # macro values by lower-cased name

    @classmethod
    def metadata_key(cls) -> str:
        return "citations_read_fields"

    def transform_entry(self, entry: Entry, library: Library):
        kept: dict[str, Field] = {}
        for entry_field in entry.fields:
            key, value = entry_field.key.lower(), entry_field.value
            if key not in _READ_FIELDS:
                continue
            if key in kept:
                return _refused(entry, f"duplicate field {key}")
            if isinstance(value, str) and not value.startswith(("{", '"')):
                entry_field.value = self.strings.get(value.strip().lower(), value)
            kept[key] = entry_field
        lengths = {key: _length(field.value) for key, field in kept.items() if isinstance(field.value, str)}
        if sum(lengths.values()) > _MAX_READ_LENGTH:
            longest = max(lengths, key=lengths.get)
            if lengths[longest] > _MAX_READ_LENGTH:
                problem = f"field '{longest}' is {lengths[longest]:,} characters"
            else:
                problem = f"the fields {', '.join(lengths)} are {sum(lengths.values()):,} characters together"
            return _refused(entry, f"{problem}; at most {_MAX_READ_LENGTH:,} are read in one entry")
        for entry_field in entry.fields:
            key, value = entry_field.key, entry_field.value
            checked = isinstance(value, str) and key.lower() not in _VERBATIM_FIELDS
            if checked and _SWALLOWED_FIELD.search(value):
                return _refused(entry, f"missing comma after field '{key}'")
        entry.fields = list(kept.values())
        return entry


def _length(value: str) -> int:
    """The length of a raw value without its enclosing braces or quotes."""
    return len(value) - 2 if len(value) >= 2 and value[0] in '{"' else len(value)


def _refused(entry: Entry, problem: str) -> MiddlewareErrorBlock:
    return MiddlewareErrorBlock(block=entry, error=ValueError(problem))


class _LatexDecoding(middlewares.LatexDecodingMiddleware):
    """bibtexparser's LaTeX decoding, adjusted for bibliographic data.

    The stock middleware decodes every field, which breaks URLs and DOIs (``%`` starts a
    LaTeX comment), and maps ``\\textasciicircum`` to a modifier letter instead of ``^``.
    Only the fields ``_ReadFields`` kept reach it. Name fields are skipped here: they are
    decoded token by token after splitting, so that a braced ``{World Health Organization}``
    can still be recognised as an organisation. The decoding itself is
    :func:`.latex.latex_to_text`, linear in a value's length.
    """

    def __init__(self):
        super().__init__(decoder=DECODER)

    @classmethod
    def metadata_key(cls) -> str:
        return "citations_latex_decoding"

    def _transform_python_value_string(self, python_string: str) -> tuple[str, str]:
        # As the stock middleware, through the decoder's fast path for common markup.
        try:
            return latex_to_text(python_string), ""
        except Exception as error:
            return python_string, str(error)

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
            entry_field.value, error = self._transform_python_value_string(value)
            if error:
                problem = ValueError(f"cannot decode LaTeX in field '{key}': {error}")
                return MiddlewareErrorBlock(block=entry, error=problem)
        return entry


_LATEX = _LatexDecoding()


def _parse_stack(strings: dict[str, str]) -> tuple:
    """The middlewares an entry goes through, macros from ``strings`` substituted first."""
    return (
        _ReadFields(strings),
        middlewares.RemoveEnclosingMiddleware(),
        middlewares.NormalizeFieldKeys(),
        middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts(),
        _LATEX,
    )


def _define_strings(text: str, strings: dict[str, str]) -> None:
    """Add the macros of one ``@string`` block to ``strings``; a redefinition replaces the macro.

    Values are kept without their enclosing quotes or braces; an entry's field that names a
    macro gets the value as written, and is decoded with the entry.
    """
    stack = (middlewares.RemoveEnclosingMiddleware(),)
    for string in bibtexparser.parse_string(text, parse_stack=stack).strings:
        strings[string.key.lower()] = string.value  # macro names are case-insensitive in BibTeX


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
    source_type = source_type_from_terms([_text(fields.get("type_detail"))])
    return _finish_item(item, source_type)


def _read_bibtex_block(block: _BibtexBlock, parse_stack: tuple) -> dict:
    if not block.closed:
        raise _EntryError(f"@{block.kind} entry is not closed (unbalanced braces)")
    if not _BIBTEX_KEY.match(block.text):
        raise _EntryError(f"@{block.kind} entry has no citation key")
    library = bibtexparser.parse_string(block.text, parse_stack=parse_stack)
    if library.failed_blocks:
        raise _EntryError(_bibtex_failure_message(library))
    if not library.entries:
        raise _EntryError(f"cannot parse the @{block.kind} entry")
    return _bibtex_entry_to_item(library.entries[0])


def read_bibtex(stream) -> Iterator[ParsedEntry]:
    """Read BibTeX/BibLaTeX entries one at a time.

    Entries are cut on top-level ``@type{`` boundaries (several may share a line) and each is
    parsed by bibtexparser with LaTeX decoding and author splitting. ``@string`` macros apply
    to later entries, and a redefinition replaces the macro; ``@comment`` and ``@preamble``
    are skipped. Braced author names such as ``{World Health Organization}`` become CSL
    ``literal`` names. Raises MalformedFile if a non-empty file contains no ``@`` block at all.
    """
    strings: dict[str, str] = {}  # macro values by lower-cased name
    parse_stack = _parse_stack(strings)
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
            _define_strings(block.text, strings)
            continue
        yield _entry(block.line, _read_bibtex_block, block, parse_stack)
    if seen_text and not seen_block:
        raise MalformedFile("Not a BibTeX file: no entries like '@article{key, ...}' found")
