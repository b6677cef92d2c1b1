"""Our source types (the finer classification the Source model stores) and their CSL types.

Every reader and writer needs this vocabulary. An item carries its source type in
``item["custom"]["source_type"]`` (CSL-JSON 1.0.2 reserves ``custom`` for application data,
so CSL processors ignore it); publication-type terms (PubMed ``PT``, RIS ``M3``, CSL
``genre``) are mapped onto it by :func:`source_type_from_terms`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "PUBLICATION_TYPES",
    "REFERENCE_GROUPS",
    "SOURCE_TYPES",
    "csl_type_fields",
    "csl_type_for",
    "infer_publication_type",
    "publication_type_for_csl",
    "publication_type_of",
    "reference_group",
    "source_type_from_terms",
    "source_type_of",
]

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


def source_type_from_terms(terms: Iterable[str]) -> str | None:
    """Return the most specific source type named by any of ``terms``, if any."""
    normalized = {_normalize_term(term) for term in terms if isinstance(term, str)}
    for source_type, names in _TYPE_TERMS:
        if normalized.intersection(names):
            return source_type
    return None


def csl_type_for(source_type: str) -> str:
    """Return the CSL type used for one of our :data:`SOURCE_TYPES` (``"document"`` if unknown)."""
    return _CSL_TYPE_BY_SOURCE_TYPE.get(source_type, "document")


def csl_type_fields(source_type: str, publication_type: str = "") -> dict:
    """The CSL-JSON fields that encode a source's two types in a new item.

    ``{"type": "article-journal", "custom": {"source_type": "randomized_trial"}}`` — merge
    it into an item built from a Source; ``type`` is the publication type (guessed from the
    evidence type when not given) and the ``custom`` part keeps the evidence type.
    """
    return {"type": publication_type or csl_type_for(source_type), "custom": {"source_type": source_type}}


def source_type_of(item: dict) -> str:
    """Return the source type of a CSL item.

    Uses ``item["custom"]["source_type"]`` when present, then a recognisable CSL ``genre``
    and finally a guess from the CSL ``type`` (lossy: a plain journal article is ``"other"``).
    """
    custom = item.get("custom")
    stored = custom.get("source_type") if isinstance(custom, dict) else None
    for term in (stored, item.get("genre")):
        found = source_type_from_terms([term]) if term else None
        if found:
            return found
    return _SOURCE_TYPE_BY_CSL_TYPE.get(item.get("type", ""), "other")


# Publication types: how a work was published, which decides how AMA prints it. CSL names; the
# readers keep every CSL type, and these are the ones a Source stores.
PUBLICATION_TYPES = ("article-journal", "book", "chapter", "report", "webpage", "dataset", "document")
_PUBLICATION_TYPE_BY_CSL_TYPE = {
    "article": "article-journal",
    "article-magazine": "article-journal",
    "article-newspaper": "article-journal",
    "review": "article-journal",
    "review-book": "article-journal",
    "paper-conference": "chapter",
    "entry-encyclopedia": "chapter",
    "entry-dictionary": "chapter",
    "entry": "chapter",
    "thesis": "book",
    "standard": "report",
    "post": "webpage",
    "post-weblog": "webpage",
    "software": "dataset",
}

# Evidence types that name a study design: what the reference list groups as research.
RESEARCH_TYPES = frozenset(_JOURNAL_TYPES)
REFERENCE_GROUPS = ("guidelines", "research", "other")


def publication_type_for_csl(csl_type: str) -> str | None:
    """One of :data:`PUBLICATION_TYPES` for a CSL ``type``; ``None`` when there is none to map."""
    if csl_type in PUBLICATION_TYPES:
        return csl_type
    return _PUBLICATION_TYPE_BY_CSL_TYPE.get(csl_type or "")


def publication_type_of(item: dict) -> str:
    """The publication type of a CSL item: its ``type`` when a reader set one, else a guess from
    the evidence type (a guideline is a report, a trial a journal article)."""
    found = publication_type_for_csl(item.get("type", ""))
    return found or publication_type_for_csl(csl_type_for(source_type_of(item))) or "document"


def infer_publication_type(
    *,
    evidence_type: str,
    container_title: str = "",
    volume: str = "",
    issue: str = "",
    pages: str = "",
    pmid: str = "",
    url: str = "",
    publisher: str = "",
) -> str:
    """A publication type from the fields a source stores, for sources that never had one.

    A journal's name with a volume, issue, pages or a PMID is a journal article, whatever the
    design (a guideline published in a journal too); otherwise the evidence type decides.
    """
    if container_title and (volume or issue or pages or pmid):
        return "article-journal"
    if evidence_type == "textbook":
        return "chapter" if container_title else "book"
    if evidence_type == "website":
        return "webpage"
    if evidence_type == "guideline":
        return "report"
    if evidence_type in RESEARCH_TYPES or pmid:
        return "article-journal"
    if url and not (container_title or publisher):
        return "webpage"
    return "document"


def reference_group(evidence_type: str) -> str:
    """Where the reference list shows a source: ``guidelines``, ``research`` or ``other``."""
    if evidence_type == "guideline":
        return "guidelines"
    return "research" if evidence_type in RESEARCH_TYPES else "other"
