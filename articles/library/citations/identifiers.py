"""Normalisation of the persistent identifiers a source can carry: DOI, PMID, PMCID.

Every reader and the Source model go through these functions so that the same source
always ends up with byte-identical identifiers, which is what duplicate detection relies on.
Each function returns ``""`` for an empty value and raises :class:`InvalidIdentifier`
(a ``ValueError``) whose message names the offending value.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["InvalidIdentifier", "normalize_doi", "normalize_pmcid", "normalize_pmid"]

# URL forms are percent-decoded (a DOI copied from a browser may contain %2F);
# "doi:" forms are taken literally.
_DOI_URL_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/", re.IGNORECASE)
_DOI_LABEL_PREFIX = re.compile(r"^doi:\s*", re.IGNORECASE)
_DOI = re.compile(r"^10\.[0-9]{4,9}/\S+$")

_PMID_PREFIX = re.compile(r"^pmid\s*:?\s*", re.IGNORECASE)
_PMCID_PREFIX = re.compile(r"^pmcid\s*:?\s*", re.IGNORECASE)
_PMCID = re.compile(r"^(?:pmc)?([0-9]+)$", re.IGNORECASE)


class InvalidIdentifier(ValueError):
    """Raised when a value cannot be normalised into the identifier it claims to be."""


def _clean(value: object) -> str:
    """Return ``value`` as a stripped string; ``None`` becomes ``""``."""
    if value is None:
        return ""
    return str(value).strip()


def normalize_doi(value: object) -> str:
    """Return the canonical form of a DOI: bare ``10.xxxx/suffix``, lower-cased.

    Accepts ``https://doi.org/…``, ``http://dx.doi.org/…``, ``doi.org/…`` and ``doi:…``
    prefixes (case-insensitively). DOIs are case-insensitive by definition, so lower-casing
    makes equal DOIs compare equal.
    """
    text = _clean(value)
    if not text:
        return ""
    without_url = _DOI_URL_PREFIX.sub("", text)
    if without_url != text:
        text = unquote(without_url)
    text = _DOI_LABEL_PREFIX.sub("", text).strip().lower()
    if not _DOI.match(text):
        raise InvalidIdentifier(f"{_clean(value)!r} is not a DOI: a DOI looks like 10.1234/abc")
    return text


def normalize_pmid(value: object) -> str:
    """Return a PubMed ID as a string of digits, accepting a ``PMID:`` prefix."""
    text = _clean(value)
    if not text:
        return ""
    digits = _PMID_PREFIX.sub("", text)
    if not (digits.isascii() and digits.isdigit()) or int(digits) == 0:
        raise InvalidIdentifier(f"{text!r} is not a PMID: a PMID is a number like 30252425")
    # PubMed ignores leading zeros; dropping them keeps equal PMIDs equal.
    return str(int(digits))


def normalize_pmcid(value: object) -> str:
    """Return a PubMed Central ID as ``PMC`` + digits, accepting bare digits and ``pmc``."""
    text = _clean(value)
    if not text:
        return ""
    match = _PMCID.match(_PMCID_PREFIX.sub("", text))
    if not match or int(match.group(1)) == 0:
        raise InvalidIdentifier(f"{text!r} is not a PMCID: a PMCID looks like PMC1234567")
    return f"PMC{int(match.group(1))}"
