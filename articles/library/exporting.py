"""Export from the shared library: BibTeX, RIS or CSL-JSON, streamed one entry at a time.

Importing an export gives the same sources back.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from articles.library.bibliography import source_to_csl
from articles.library.citations import iter_bibtex, iter_csl_json, iter_ris
from articles.models import Source

# Format → (writer, media type, file extension).
EXPORTS = {
    "bibtex": (iter_bibtex, "application/x-bibtex", "bib"),
    "ris": (iter_ris, "application/x-research-info-systems", "ris"),
    "csl-json": (iter_csl_json, "application/vnd.citationstyles.csl+json", "json"),
}
EXPORT_FORMATS = tuple(EXPORTS)


def export_chunks(sources: Iterable[Source], fmt: str) -> Iterator[str]:
    """``sources`` written in ``fmt``, one entry at a time (an import of it gives them back)."""
    write = EXPORTS[fmt][0]
    return write(source_to_csl(source) for source in sources)
