"""The bridge between library Sources and the citation toolkit (CSL-JSON, AMA, rendering)."""

from __future__ import annotations

from collections.abc import Iterable

from articles.library.citations import (
    csl_type_fields,
    format_reference,
    format_reference_html,
    reference_group,
)
from articles.models import Source
from articles.rendering import ReferenceEntry, RenderedBody, render_body


def source_to_csl(source: Source) -> dict:
    """The source as a CSL-JSON item, the form the formatter and the writers take."""
    item: dict = {"id": source.key, "title": source.title, "author": list(source.authors)}
    item.update(csl_type_fields(source.type, source.publication_type))
    optional = {
        "container-title": source.container_title,
        "container-title-short": source.container_title_short,
        "volume": source.volume,
        "issue": source.issue,
        "page": source.pages,
        "DOI": source.doi,
        "PMID": source.pmid,
        "PMCID": source.pmcid,
        "URL": source.url,
        "publisher": source.publisher,
    }
    item.update({name: value for name, value in optional.items() if value})
    if source.year:
        item["issued"] = {"date-parts": [[source.year]]}
    if source.accessed:
        accessed = source.accessed
        item["accessed"] = {"date-parts": [[accessed.year, accessed.month, accessed.day]]}
    return item


def reference_entry(source: Source) -> ReferenceEntry:
    item = source_to_csl(source)
    return ReferenceEntry(
        key=source.key,
        formatted_html=format_reference_html(item),
        formatted_text=format_reference(item),
        doi=source.doi,
        pmid=source.pmid,
        url=source.url,
        retracted=source.is_retracted,
        publication_type=source.publication_type,
        evidence_type=source.type,
        group=reference_group(source.type),
    )


def render_with_sources(body: str, sources: Iterable[Source]) -> RenderedBody:
    """Render a Markdown body with its citations numbered and its reference list."""
    return render_body(body, {source.key: reference_entry(source) for source in sources})
