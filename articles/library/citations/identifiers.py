"""Normalisation of the persistent identifiers a source can carry: DOI, PMID, PMCID.

Every reader and the Source model go through these functions so that the same source
always ends up with byte-identical identifiers, which is what duplicate detection relies on.
Each function returns ``""`` for an empty value and raises :class:`InvalidIdentifier`
(a ``ValueError``) whose message names the offending value.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import unquote

__all__ = ["InvalidIdentifier", "normalize_doi", "normalize_pmcid", "normalize_pmid"]

# URL forms are percent-decoded (a DOI copied from a browser may contain %2F);
# "doi:" forms are taken literally.
_DOI_URL_PREFIX = re.compile(r"^(?:https?://)?(?:dx\.)?doi\.org/", re.IGNORECASE)
_DOI_LABEL_PREFIX = re.compile(r"^doi:\s*", re.IGNORECASE)
# 10.<registrant: digits, subdivided by dots>/<suffix>. Crossref's current rules allow letters,
# digits and -._;()/ in a suffix, and older DOIs hold others (:, #, [], %-escapes), so the
# suffix is checked for what no DOI holds: spaces, quotes, control and format characters.
_DOI = re.compile(r"^10\.[0-9]{4,9}(?:\.[0-9]+)*/(.+)$", re.DOTALL)
# Angle brackets only around the contribution segment of a DOI built from a SICI (before 2008):
# 10.1002/(sici)1097-0258(19980815/30)17:15/16<1661::aid-sim968>3.0.co;2-2, 10.1175/...<1377:iogppt>...
_SICI_SEGMENT = re.compile(r"<[0-9a-z.]*:[0-9a-z.:;-]*>")

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
    match = _DOI.match(text)
    if not match:
        raise InvalidIdentifier(f"{_clean(value)!r} is not a DOI: a DOI looks like 10.1234/abc")
    if not all(map(_may_be_in_a_suffix, _SICI_SEGMENT.sub("", match.group(1)))):
        raise InvalidIdentifier(
            f"{_clean(value)!r} is not a DOI: a DOI looks like 10.1234/abc, "
            "with no spaces, quotes, angle brackets or control characters"
        )
    return text


def _may_be_in_a_suffix(char: str) -> bool:
    """Not a quote, an angle bracket, a space (Z*) or a control, format or unassigned character (C*)."""
    return char not in '"<>' and unicodedata.category(char)[0] not in "CZ"


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
