"""Pandoc-style citation syntax: ``[@a; @b, p. 12]`` and its keys and locators.

Pure Python, used by ``articles.rendering`` (and nothing here knows about Markdown).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["GROUP_PATTERN", "Citation", "parse_group"]


@dataclass(frozen=True)
class Citation:
    key: str
    locator: str | None = None


# Pandoc-style keys: start with a word character; ``-``, ``:`` and ``.`` are allowed
# only when followed by another word character, so "[@smith2020.]" style trailing
# punctuation never becomes part of the key.
_KEY = r"\w(?:\w|[-:.](?=\w))*"
# The locator alternative absorbs trailing whitespace itself; keeping the two
# alternatives disjoint avoids quadratic backtracking on long unclosed brackets.
_ITEM = rf"@{_KEY}(?:\s*,[^;\[\]]*|\s*)"
GROUP_PATTERN = rf"\[\s*{_ITEM}(?:;\s*{_ITEM})*\]"
_ITEM_RE = re.compile(rf"\s*@(?P<key>{_KEY})(?:\s*,(?P<locator>[^;\[\]]*))?\s*")

# "p. 12" -> "p12", "pp 12-14" -> "pp12-14" (AMA writes page locators without a space).
_PAGE_LABEL_RE = re.compile(r"^(?P<label>pp?)\.?\s*(?P<pages>\d.*)$", re.IGNORECASE)
_BARE_PAGES_RE = re.compile(r"^\d+(?:\s*[-\u2013]\s*\d+)?$")

def parse_group(text: str) -> list[Citation]:
    """Split the inside of a matched ``[...]`` group into citations."""
    citations = []
    for item in text.split(";"):
        match = _ITEM_RE.fullmatch(item)
        if match is None:  # pragma: no cover - the group regex guarantees a match
            continue
        citations.append(Citation(match["key"], _normalise_locator(match["locator"])))
    return citations


def _normalise_locator(locator: str | None) -> str | None:
    """Compact a locator into AMA superscript form ("p. 12" -> "p12")."""
    if locator is None:
        return None
    locator = " ".join(locator.split())
    if not locator:
        return None
    if _BARE_PAGES_RE.match(locator):
        # Pandoc treats a bare number as a page locator.
        label = "pp" if not locator.isdigit() else "p"
        return label + locator.replace(" ", "")
    page_match = _PAGE_LABEL_RE.match(locator)
    if page_match:
        return page_match["label"].lower() + page_match["pages"].replace(" ", "")
    return locator
