"""Fill a new source from its identifier: a DOI from Crossref, a PMID from NCBI E-utilities.

Both services want to know who is asking: the user agent carries ``LOOKUP_CONTACT_EMAIL`` (and
NCBI's ``tool`` and ``email`` parameters, plus ``NCBI_API_KEY`` when set). Requests to one
service are spaced to its published rate (NCBI: 3 a second, 10 with a key; Crossref's polite
pool: well under its limit), a 429 answer is reported with its ``Retry-After``, and every request
has a timeout. A service that cannot be reached is a ``LookupFailed`` naming it, never a 500.
"""

from __future__ import annotations

import io
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from articles.library.citations import InvalidIdentifier, normalize_doi, normalize_pmid, read_medline
from articles.library.import_batches import source_from_csl
from articles.library.sources import EDITABLE_SOURCE_FIELDS

__all__ = ["LookupFailed", "lookup_identifier"]

USER_AGENT = "EditorialReview/1.0 (+{site}; mailto:{contact})"
# Crossref work types to CSL types (https://api.crossref.org/types).
_CSL_TYPE_BY_CROSSREF = {
    "journal-article": "article-journal",
    "book": "book",
    "monograph": "book",
    "edited-book": "book",
    "reference-book": "book",
    "book-chapter": "chapter",
    "book-section": "chapter",
    "reference-entry": "chapter",
    "report": "report",
    "report-component": "report",
    "standard": "report",
    "dataset": "dataset",
    "posted-content": "document",
    "proceedings-article": "chapter",
}


class LookupFailed(Exception):
    """The identifier could not be looked up; the message says why, for the person who asked."""


@dataclass
class _Pace:
    """At most one request to a service every ``interval`` seconds, across this process's threads."""

    interval: float
    lock: threading.Lock
    last: float = 0.0

    def wait(self) -> None:
        with self.lock:
            delay = self.last + self.interval - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            self.last = time.monotonic()


# Rates are per process: the service's limit is per client, and a page's look-up is one request.
_CROSSREF_PACE = _Pace(interval=0.1, lock=threading.Lock())
_NCBI_PACE = _Pace(interval=0.34, lock=threading.Lock())
_NCBI_KEY_PACE = _Pace(interval=0.1, lock=threading.Lock())


def lookup_identifier(text: str) -> dict:
    """The fields of a new source for a DOI or a PMID (as the "Add a source" form takes them).

    Raises ``LookupFailed`` for something that is neither, an unknown identifier or a service
    that does not answer in time.
    """
    text = (text or "").strip()
    if text.isdigit() or text.lower().startswith("pmid"):
        try:
            return _fields(_pubmed_item(normalize_pmid(text.lower().removeprefix("pmid:").strip())))
        except InvalidIdentifier as exc:
            raise LookupFailed(str(exc)) from None
    try:
        doi = normalize_doi(text)
    except InvalidIdentifier:
        raise LookupFailed(
            _("'%(value)s' is neither a DOI (10.1234/abc) nor a PMID (digits).") % {"value": text[:100]}
        ) from None
    return _fields(_crossref_item(doi))


def _fields(item: dict) -> dict:
    source = source_from_csl(item)
    fields = {name: getattr(source, name) for name in EDITABLE_SOURCE_FIELDS}
    fields.pop("key")
    return {name: value for name, value in fields.items() if value not in (None, "", [])}


def _get(url: str, *, service: str, pace: _Pace) -> bytes:
    pace.wait()
    contact = settings.LOOKUP_CONTACT_EMAIL
    request = urllib.request.Request(
        url,
        headers={"User-Agent": USER_AGENT.format(site=settings.SITE_URL, contact=contact), "Accept": "*/*"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.LOOKUP_TIMEOUT_SECONDS) as response:
            return response.read(2_000_000)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            raise LookupFailed(
                _("%(service)s does not know this identifier.") % {"service": service}
            ) from None
        if exc.code == 429:
            wait = exc.headers.get("Retry-After", "a few")
            raise LookupFailed(
                _("%(service)s asks us to slow down: try again in %(wait)s seconds.")
                % {"service": service, "wait": wait}
            ) from None
        raise LookupFailed(
            _("%(service)s answered with an error (HTTP %(code)s); try again later.")
            % {"service": service, "code": exc.code}
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError):
        raise LookupFailed(
            _("%(service)s could not be reached; try again later or fill in the form by hand.")
            % {"service": service}
        ) from None


def _crossref_item(doi: str) -> dict:
    url = f"{settings.CROSSREF_API_URL}/works/{urllib.parse.quote(doi, safe='')}"
    url += "?" + urllib.parse.urlencode({"mailto": settings.LOOKUP_CONTACT_EMAIL})
    try:
        work = json.loads(_get(url, service="Crossref", pace=_CROSSREF_PACE))["message"]
    except (ValueError, KeyError, TypeError):
        raise LookupFailed(_("Crossref's answer could not be read; fill in the form by hand.")) from None
    issued = (work.get("issued") or work.get("published") or {}).get("date-parts") or [[]]
    item = {
        "type": _CSL_TYPE_BY_CROSSREF.get(work.get("type", ""), "document"),
        "title": _first(work.get("title")),
        "author": [
            {key: person[key] for key in ("family", "given", "suffix") if person.get(key)}
            if person.get("family")
            else {"literal": person.get("name", "")}
            for person in work.get("author") or []
        ],
        "container-title": _first(work.get("container-title")),
        "container-title-short": _first(work.get("short-container-title")),
        "volume": work.get("volume", ""),
        "issue": work.get("issue", ""),
        "page": work.get("page", ""),
        "DOI": work.get("DOI", doi),
        "publisher": work.get("publisher", "") if work.get("type") != "journal-article" else "",
        "custom": {"source_type": "other"},
    }
    if issued and issued[0] and issued[0][0]:
        item["issued"] = {"date-parts": [issued[0][:1]]}
    return {key: value for key, value in item.items() if value}


def _first(values) -> str:
    return values[0] if isinstance(values, list) and values else ""


def _pubmed_item(pmid: str) -> dict:
    params = {"db": "pubmed", "id": pmid, "rettype": "medline", "retmode": "text", "tool": "editorial-review"}
    params["email"] = settings.LOOKUP_CONTACT_EMAIL
    pace = _NCBI_PACE
    if settings.NCBI_API_KEY:
        params["api_key"] = settings.NCBI_API_KEY
        pace = _NCBI_KEY_PACE
    url = f"{settings.NCBI_EUTILS_URL}/efetch.fcgi?{urllib.parse.urlencode(params)}"
    text = _get(url, service="PubMed", pace=pace).decode("utf-8", "replace")
    entries = [entry for entry in read_medline(io.StringIO(text)) if entry.item]
    if not entries:
        raise LookupFailed(_("PubMed does not know PMID %(pmid)s.") % {"pmid": pmid})
    return entries[0].item


