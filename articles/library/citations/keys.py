"""Citation keys: the ``will2018`` an item is known by in BibTeX files and in the library.

Readers give a key to every item that comes without one and the BibTeX writer to every
entry, so both build it here from the first author (or title) and the year.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["citation_key"]

_TRANSLITERATION = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "ł": "l", "đ": "d"})
_TITLE_STOP_WORDS = frozenset({"a", "an", "the"})


def _text(value: object) -> str:
    """Return ``value`` as a string with runs of whitespace collapsed to one space."""
    if value is None:
        return ""
    return " ".join(str(value).split())


def _ascii_word(text: str) -> str:
    """Lower-case ASCII letters and digits of ``text`` (``"Müller"`` -> ``"muller"``)."""
    decomposed = unicodedata.normalize("NFKD", text.lower().translate(_TRANSLITERATION))
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode())


def _first_author_word(item: dict) -> str:
    for name in item.get("author") or []:
        if name.get("family"):
            particle = name.get("non-dropping-particle", "")
            return _ascii_word(particle + name["family"])
        if name.get("literal"):
            return _ascii_word(name["literal"].split()[0])
    return ""


def _first_title_word(item: dict) -> str:
    words = [_ascii_word(word) for word in _text(item.get("title")).split()]
    return next((w for w in words if w and w not in _TITLE_STOP_WORDS), "")


def citation_key(item: dict) -> str:
    """Return the base citation key of an item, e.g. ``"will2018"``.

    First author's family name (or an organisation's first word, or the title's first
    word) in lower-case ASCII, followed by the year (``"nd"`` when undated). Making keys
    unique (``will2018a``, ``will2018b``) is left to the caller, who knows the other keys.
    """
    name = _first_author_word(item) or _first_title_word(item) or "source"
    parts = (item.get("issued") or {}).get("date-parts") or [[]]
    year = parts[0][0] if parts[0] else "nd"
    return f"{name}{year}"
