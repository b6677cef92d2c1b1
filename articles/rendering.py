"""Render article bodies (Markdown with pandoc-style citations) into sanitised HTML.

Pipeline:

1. Python-Markdown parses the body. A custom inline pattern turns citation groups
   such as ``[@a; @b, p. 12]`` into marker elements. Because it is an inline pattern,
   Markdown itself decides what is code (code spans, fenced and indented blocks), so
   citations inside code are never touched.
2. A tree processor then walks the finished tree in document order, numbers the cited
   references by first appearance and replaces each marker with AMA-style superscripts
   (``<sup class="citation"><a href="#ref-1">1</a>,<a href="#ref-2">2</a></sup>``).
   Numbering is done here rather than in the inline pattern because Markdown does not
   apply inline patterns in document order (nested blocks are visited last).
3. The HTML is sanitised with nh3 using an explicit allow-list, after which external
   links get ``rel="noopener noreferrer"`` (``articles.sanitizing``).

The module is pure Python (no Django) so it can be used from models, views, tasks and
tests alike.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote
from xml.etree.ElementTree import Element, SubElement

import markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor

from articles.citation_syntax import GROUP_PATTERN, Citation, parse_group
from articles.sanitizing import EXTERNAL_REL, clean_reference_html, plain_text, sanitize_html

__all__ = [
    "NumberedReference",
    "ReferenceEntry",
    "RenderedBody",
    "find_citation_keys",
    "grouped_reference_list_html",
    "plain_text",
    "reference_list_html",
    "render_body",
    "sanitize_html",
]


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True)
class ReferenceEntry:
    """A bibliography entry that a citation key can resolve to.

    ``formatted_html`` is expected to be safe already; it is still passed through a
    small inline allow-list when the reference list is rendered (defence in depth).
    """

    key: str
    formatted_html: str
    formatted_text: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    retracted: bool = False
    publication_type: str = ""
    evidence_type: str = ""
    group: str = "other"


@dataclass(frozen=True)
class NumberedReference:
    """A reference that is cited in a body, with its citation number."""

    number: int
    key: str
    formatted_html: str
    formatted_text: str = ""
    doi: str = ""
    pmid: str = ""
    url: str = ""
    retracted: bool = False
    publication_type: str = ""
    evidence_type: str = ""
    group: str = "other"
    cited_at: str = ""  # the id of the superscript that first cites it ("" when unknown)

    @classmethod
    def from_entry(cls, number: int, entry: ReferenceEntry, cited_at: str = "") -> NumberedReference:
        """Attach ``number`` (and where it is first cited) to ``entry``."""
        return cls(
            number=number,
            key=entry.key,
            formatted_html=entry.formatted_html,
            formatted_text=entry.formatted_text,
            doi=entry.doi,
            pmid=entry.pmid,
            url=entry.url,
            retracted=entry.retracted,
            publication_type=entry.publication_type,
            evidence_type=entry.evidence_type,
            group=entry.group,
            cited_at=cited_at,
        )


@dataclass(frozen=True)
class RenderedBody:
    """Result of :func:`render_body`."""

    html: str
    references: list[NumberedReference] = field(default_factory=list)
    unknown_keys: list[str] = field(default_factory=list)

    @property
    def reference_list_html(self) -> str:
        """The reference list for the references cited in this body, in its groups."""
        return grouped_reference_list_html(self.references)


# Attribute used to tag marker elements between the inline and tree passes. It never
# reaches the output: every marker is rewritten, and nh3 would drop it anyway.
_MARKER_ATTR = "data-citation-group"

# Inline patterns run highest priority first. Code spans (190) and escapes (180) must
# win so that `[@x]` and \[@x] stay literal, and raw inline HTML (90) must win so a
# "[@x]" inside an attribute value is never rewritten. Links and reference links run
# earlier too but leave "[@x]" alone unless the author defined "[@x]: url" themselves.
_CITATION_PATTERN_PRIORITY = 85
# After "inline" (20) has built the final inline elements, before "prettify" (10).
_NUMBERING_PRIORITY = 15
_HEADING_SHIFT_PRIORITY = 30


# ------------------------------------------------------------------ numbering/output


class CitationNumbering:
    """Assigns numbers by first appearance and builds the superscript elements."""

    def __init__(self, references: Mapping[str, ReferenceEntry]):
        self.references = references
        self.numbers: dict[str, int] = {}
        self.first_cited_at: dict[int, str] = {}  # number -> id of the superscript citing it first
        self.cited_keys: list[str] = []  # every distinct key, known or not, in order
        self.unknown_keys: list[str] = []

    def numbered_references(self) -> list[NumberedReference]:
        return [
            NumberedReference.from_entry(number, self.references[key], self.first_cited_at.get(number, ""))
            for key, number in sorted(self.numbers.items(), key=lambda item: item[1])
        ]

    def elements_for(self, group: Sequence[Citation], *, linked: bool = True) -> list[Element]:
        """Return the superscript element(s) that replace one citation group.

        ``linked=False`` renders bare numbers, for citations inside link text where a
        nested ``<a>`` would be invalid (the HTML parser would tear the link apart).
        """
        known: list[tuple[int, str | None]] = []
        unknown: list[str] = []
        first_cited: list[int] = []
        for citation in group:
            if citation.key not in self.cited_keys and citation.key in self.references:
                first_cited.append(len(self.numbers) + 1)
            number = self._register(citation.key)
            if number is None:
                if citation.key not in unknown:
                    unknown.append(citation.key)
            elif (number, citation.locator) not in known:
                known.append((number, citation.locator))

        elements = []
        if known:
            sup = _citation_sup(known, linked=linked)
            if first_cited:
                # One id per superscript: each reference it cites first links back to it.
                sup.set("id", f"cite-{first_cited[0]}")
                self.first_cited_at.update(dict.fromkeys(first_cited, f"cite-{first_cited[0]}"))
            elements.append(sup)
        # Unknown keys get a visible marker rather than a number so that a preview makes
        # the problem obvious, and numbering of real references is not disturbed.
        elements.extend(_unknown_sup(key) for key in unknown)
        return elements

    def _register(self, key: str) -> int | None:
        if key not in self.cited_keys:
            self.cited_keys.append(key)
            if key in self.references:
                self.numbers[key] = len(self.numbers) + 1
            else:
                self.unknown_keys.append(key)
        return self.numbers.get(key)


def _number_segments(
    items: Iterable[tuple[int, str | None]],
) -> list[tuple[int, int, str | None]]:
    """Group sorted citation numbers into ``(first, last, locator)`` segments.

    Runs of three or more consecutive numbers without locators collapse into one
    segment (rendered "1-3"); a number with a locator always stands alone.
    """
    segments: list[tuple[int, int, str | None]] = []
    run: list[int] = []

    def flush_run() -> None:
        if len(run) >= 3:
            segments.append((run[0], run[-1], None))
        else:
            segments.extend((number, number, None) for number in run)
        run.clear()

    for number, locator in sorted(items, key=lambda item: (item[0], item[1] or "")):
        if locator is not None:
            flush_run()
            segments.append((number, number, locator))
        elif run and number == run[-1] + 1:
            run.append(number)
        else:
            flush_run()
            run.append(number)
    flush_run()
    return segments


def _citation_sup(items: Sequence[tuple[int, str | None]], *, linked: bool) -> Element:
    """Build ``<sup class="citation">`` with one link per number or range endpoint."""
    sup = Element("sup", {"class": "citation"})
    builder = _InlineBuilder(sup, linked=linked)
    for index, (first, last, locator) in enumerate(_number_segments(items)):
        if index:
            builder.text(",")
        builder.link(first)
        if last != first:
            builder.text("-")
            builder.link(last)
        if locator:
            builder.text(f"({locator})")
    return sup


def _unknown_sup(key: str) -> Element:
    sup = Element("sup", {"class": "citation citation-unknown"})
    sup.text = f"[?{key}]"  # ElementTree escapes text on serialisation
    return sup


class _InlineBuilder:
    """Appends text and links to an element, handling ElementTree's text/tail split."""

    def __init__(self, parent: Element, *, linked: bool):
        self.parent = parent
        self.linked = linked
        self.last: Element | None = None

    def text(self, value: str) -> None:
        if self.last is None:
            self.parent.text = (self.parent.text or "") + value
        else:
            self.last.tail = (self.last.tail or "") + value

    def link(self, number: int) -> None:
        if not self.linked:
            self.text(str(number))
            return
        anchor = SubElement(self.parent, "a", {"href": f"#ref-{number}"})
        anchor.text = str(number)
        self.last = anchor


# ----------------------------------------------------------------- Markdown extension


class CitationInlineProcessor(InlineProcessor):
    """Replaces a citation group with a marker element remembered by index."""

    def __init__(self, pattern: str, groups: list[list[Citation]]):
        super().__init__(pattern)
        self.groups = groups

    def handleMatch(self, m, data):  # Markdown's API name
        self.groups.append(parse_group(m.group("group")[1:-1]))
        marker = Element("sup", {_MARKER_ATTR: str(len(self.groups) - 1)})
        return marker, m.start(0), m.end(0)


class CitationNumberingProcessor(Treeprocessor):
    """Numbers citation markers in document order and swaps in the superscripts."""

    def __init__(self, md, groups: list[list[Citation]], numbering: CitationNumbering):
        super().__init__(md)
        self.groups = groups
        self.numbering = numbering

    def run(self, root):
        parents = {child: parent for parent in root.iter() for child in parent}
        # iter() is a pre-order walk, i.e. document order.
        markers = [el for el in root.iter("sup") if _MARKER_ATTR in el.attrib]
        for marker in markers:
            group = self.groups[int(marker.attrib[_MARKER_ATTR])]
            linked = not _has_ancestor(marker, "a", parents)
            elements = self.numbering.elements_for(group, linked=linked)
            _replace_element(parents[marker], marker, elements)


def _has_ancestor(element: Element, tag: str, parents: Mapping[Element, Element]) -> bool:
    parent = parents.get(element)
    while parent is not None:
        if parent.tag == tag:
            return True
        parent = parents.get(parent)
    return False


def _replace_element(parent: Element, old: Element, new: Sequence[Element]) -> None:
    """Replace ``old`` with ``new`` in ``parent``, keeping the text that followed it."""
    index = list(parent).index(old)
    parent.remove(old)
    for offset, element in enumerate(new):
        parent.insert(index + offset, element)
    # Every citation group yields at least one element, so there is a last one.
    new[-1].tail = old.tail


class _HeadingShiftProcessor(Treeprocessor):
    """Demote headings by one level: the page template owns the single ``<h1>``."""

    def run(self, root):
        for element in root.iter():
            # Comments/processing instructions have a non-str tag.
            if isinstance(element.tag, str) and re.fullmatch(r"h[1-6]", element.tag):
                element.tag = f"h{min(int(element.tag[1]) + 1, 6)}"


class _ArticleExtension(Extension):
    def __init__(self, numbering: CitationNumbering):
        super().__init__()
        self.numbering = numbering
        self.groups: list[list[Citation]] = []

    def extendMarkdown(self, md):  # Markdown's API name
        md.inlinePatterns.register(
            # The spaces before a citation go with it: AMA sets the superscript against the word.
            CitationInlineProcessor(rf"[ \t]*(?P<group>{GROUP_PATTERN})", self.groups),
            "citation",
            _CITATION_PATTERN_PRIORITY,
        )
        md.treeprocessors.register(
            CitationNumberingProcessor(md, self.groups, self.numbering),
            "citation_numbering",
            _NUMBERING_PRIORITY,
        )
        md.treeprocessors.register(_HeadingShiftProcessor(md), "heading_shift", _HEADING_SHIFT_PRIORITY)


def _markdown_to_html(
    markdown_text: str, references: Mapping[str, ReferenceEntry]
) -> tuple[str, CitationNumbering]:
    """Convert Markdown to *unsanitised* HTML, numbering citations on the way."""
    numbering = CitationNumbering(references)
    # A fresh Markdown instance per call: extensions hold per-document state.
    md = markdown.Markdown(
        extensions=["extra", "sane_lists", _ArticleExtension(numbering)],
        output_format="html",
    )
    return md.convert(markdown_text or ""), numbering


# ------------------------------------------------------------------------ public API


def find_citation_keys(markdown_text: str) -> list[str]:
    """Return the distinct citation keys in ``markdown_text`` in order of first use.

    Citations inside code spans and code blocks are ignored, exactly as in
    :func:`render_body` (both use the same Markdown parse).
    """
    _, numbering = _markdown_to_html(markdown_text, {})
    return list(numbering.cited_keys)


def render_body(markdown_text: str, references: Mapping[str, ReferenceEntry]) -> RenderedBody:
    """Render an article body to sanitised HTML with numbered AMA-style citations.

    References are numbered by first appearance; citing a key again reuses its
    number. Within a group the numbers are sorted and runs of three or more collapse
    into a range ("1-3,5"). Keys missing from ``references`` are not numbered; they
    are shown as ``[?key]`` markers and listed in ``unknown_keys``. Markdown headings
    are shifted down one level (``#`` renders as ``<h2>``).
    """
    raw_html, numbering = _markdown_to_html(markdown_text, references)
    return RenderedBody(
        html=sanitize_html(raw_html),
        references=numbering.numbered_references(),
        unknown_keys=list(numbering.unknown_keys),
    )


# The reference list's groups, in the order a reader meets them, by evidence type.
REFERENCE_GROUP_TITLES = (
    ("guidelines", "From the guidelines"),
    ("research", "From the research"),
    ("other", "Other sources"),
)


def reference_list_html(references: Iterable[NumberedReference]) -> str:
    """Render ``<ol class="references">`` with one ``<li id="ref-N">`` per reference.

    Each item holds the formatted reference, then DOI and PubMed links when known, a
    "Retracted" badge for retracted works and a link back to where it is first cited. Returns
    "" when there are no references.
    """
    items = [_reference_item_html(reference) for reference in references]
    if not items:
        return ""
    return '<ol class="references">\n' + "\n".join(items) + "\n</ol>"


def grouped_reference_list_html(references: Iterable[NumberedReference]) -> str:
    """The references in groups ("From the guidelines", "From the research", then the others),
    each keeping its number; one plain list when none is a guideline or research."""
    references = list(references)
    groups = {
        name: [ref for ref in references if ref.group == name] for name, _title in REFERENCE_GROUP_TITLES
    }
    groups["other"] += [ref for ref in references if ref.group not in groups]
    if not (groups["guidelines"] or groups["research"]):
        return reference_list_html(references)
    sections = [
        f'<h3 class="reference-group-title" id="references-{name}">{html.escape(title)}</h3>\n'
        f'<ol class="references references-{name}" aria-labelledby="references-{name}">\n'
        + "\n".join(_reference_item_html(reference) for reference in groups[name])
        + "\n</ol>"
        for name, title in REFERENCE_GROUP_TITLES
        if groups[name]
    ]
    return "\n".join(sections)


def _reference_item_html(reference: NumberedReference) -> str:
    parts = [clean_reference_html(reference.formatted_html)]
    doi = _normalise_doi(reference.doi)
    # AMA-formatted references already end with their DOI link; a second one would be noise.
    if doi and doi not in reference.formatted_html.lower():
        href = "https://doi.org/" + quote(doi, safe="/:;()._-")
        parts.append(_external_link(href, f"doi:{doi}", "reference-doi"))
    pmid = (reference.pmid or "").strip()
    if re.fullmatch(r"[0-9]+", pmid):
        href = f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
        parts.append(_external_link(href, f"PubMed {pmid}", "reference-pubmed"))
    if reference.retracted:
        parts.append('<span class="badge badge-retracted">Retracted</span>')
    if re.fullmatch(r"cite-[0-9]+", reference.cited_at or ""):
        label = f"Back to where reference {reference.number} is first cited"
        parts.append(f'<a class="reference-backlink" href="#{reference.cited_at}" aria-label="{label}">↩</a>')
    # The ol numbers items itself; value= keeps it right even if a number is skipped.
    return f'<li id="ref-{reference.number}" value="{reference.number}">{" ".join(parts)}</li>'


def _external_link(href: str, label: str, css_class: str) -> str:
    return f'<a class="{css_class}" href="{html.escape(href)}" rel="{EXTERNAL_REL}">{html.escape(label)}</a>'


def _normalise_doi(doi: str | None) -> str:
    """Strip resolver prefixes so both "10.1/x" and "https://doi.org/10.1/x" work."""
    doi = (doi or "").strip()
    return re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi, flags=re.IGNORECASE)
