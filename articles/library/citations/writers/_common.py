"""What the BibTeX and RIS writers share: one-line text, date parts and family names."""

from __future__ import annotations


def _text(value: object) -> str:
    """One-line text: both formats are line-based, so embedded newlines are collapsed."""
    return " ".join(str(value).split()) if value is not None else ""


def _date_parts(item: dict, key: str) -> list[int]:
    parts = ((item.get(key) or {}).get("date-parts") or [[]])[0]
    return [int(part) for part in parts if str(part).strip().isdigit()]


def _family(name: dict) -> str:
    """Family name with its particles in front (``van Tulder``): neither format keeps them apart."""
    keys = ("dropping-particle", "non-dropping-particle", "family")
    return " ".join(_text(name[key]) for key in keys if name.get(key))
