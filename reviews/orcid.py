"""ORCID iDs: ``0000-0002-1825-0097``, the last character a checksum (ISO 7064 MOD 11-2)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_ORCID = re.compile(r"^(?:https?://orcid\.org/)?(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$", re.IGNORECASE)


def orcid_checksum(digits: str) -> str:
    """The check character of an ORCID iD's first 15 digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalize_orcid(value: str) -> str:
    """``https://orcid.org/0000-0002-1825-0097`` or ``0000000218250097`` -> ``0000-0002-1825-0097``.

    Raises ``ValidationError`` naming the value when it is not an ORCID iD or its check digit is wrong.
    """
    text = (value or "").strip()
    if not text:
        return ""
    match = _ORCID.match(text)
    if match is None:
        raise ValidationError(
            _("'%(value)s' is not an ORCID iD: four groups of four digits, like 0000-0002-1825-0097."),
            code="invalid_orcid",
            params={"value": text[:60]},
        )
    groups = [group.upper() for group in match.groups()]
    digits = "".join(groups)
    if orcid_checksum(digits[:15]) != digits[15]:
        raise ValidationError(
            _("'%(value)s' is not a valid ORCID iD: its check digit is wrong (a typing error?)."),
            code="invalid_orcid_checksum",
            params={"value": text[:60]},
        )
    return "-".join(groups)


def validate_orcid(value: str) -> None:
    normalize_orcid(value)
