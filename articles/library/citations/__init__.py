"""Bibliographic sources as CSL-JSON items: identifiers, AMA formatting, import and export.

Pure Python (no Django). The interchange type is a CSL-JSON item as a plain ``dict`` with
the keys ``id`` (citation key), ``type``, ``title``, ``author`` (``[{"family", "given"}]``
or ``[{"literal"}]``), ``container-title``, ``container-title-short``, ``issued``
(``{"date-parts": [[2018, 10, 1]]}``), ``volume``, ``issue``, ``page``, ``DOI``, ``PMID``,
``PMCID``, ``URL``, ``publisher``, ``edition`` and ``accessed``. Our finer source type
(:data:`SOURCE_TYPES`) travels in ``custom.source_type``; BibTeX keeps it in a
``type_detail`` field and RIS in ``M3``, so it survives every round trip.

Lossy corners of the file formats: name particles (``van``) are folded into the family
name in BibTeX and RIS; RIS reads an author without a comma as an organisation, so names
containing commas do not survive RIS; BibTeX ``number`` is read as the issue, even for a
report; date ranges keep their start only; CSL types without a BibTeX/RIS counterpart come
back as ``document``. Only the keys listed above are kept on import (no abstracts).
"""

from .ama import format_reference, format_reference_html
from .identifiers import InvalidIdentifier, normalize_doi, normalize_pmcid, normalize_pmid
from .keys import citation_key
from .readers import (
    FORMATS,
    MalformedFile,
    ParsedEntry,
    detect_format,
    read_bibtex,
    read_csl_json,
    read_medline,
    read_ris,
    read_sources,
)
from .types import (
    PUBLICATION_TYPES,
    REFERENCE_GROUPS,
    SOURCE_TYPES,
    csl_type_fields,
    csl_type_for,
    infer_publication_type,
    publication_type_of,
    reference_group,
    source_type_of,
)
from .writers import iter_bibtex, iter_csl_json, iter_ris, write_bibtex, write_csl_json, write_ris

__all__ = [
    "FORMATS",
    "PUBLICATION_TYPES",
    "REFERENCE_GROUPS",
    "SOURCE_TYPES",
    "InvalidIdentifier",
    "MalformedFile",
    "ParsedEntry",
    "citation_key",
    "csl_type_fields",
    "csl_type_for",
    "detect_format",
    "format_reference",
    "format_reference_html",
    "infer_publication_type",
    "iter_bibtex",
    "iter_csl_json",
    "iter_ris",
    "normalize_doi",
    "normalize_pmcid",
    "normalize_pmid",
    "publication_type_of",
    "read_bibtex",
    "read_csl_json",
    "read_medline",
    "read_ris",
    "read_sources",
    "reference_group",
    "source_type_of",
    "write_bibtex",
    "write_csl_json",
    "write_ris",
]
