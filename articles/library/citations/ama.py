"""AMA (11th edition) reference strings for CSL-JSON items.

:func:`format_reference` gives plain text and :func:`format_reference_html` the same text
as safe HTML (journal, book and report titles in ``<em>``, DOI and URL as links). Both are
built from one list of :class:`_Part` pieces so they can never disagree.

What the formatter does not do: change the case of titles (AMA wants sentence case for
article titles and title case for journals and books; we print titles as stored, since a
machine cannot tell "NICE" from "nice"), abbreviate journal names (it uses
``container-title-short`` when the item has one) or expand page ranges.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from .types import csl_type_for, source_type_of

__all__ = ["format_reference", "format_reference_html"]

_MAX_LISTED_AUTHORS = 6  # AMA: list up to 6 authors; with more, the first 3 then "et al"
_AUTHORS_BEFORE_ET_AL = 3
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_JOURNAL_TYPES = frozenset({"article-journal", "article", "article-magazine", "article-newspaper"})
_BOOK_TYPES = frozenset({"book", "chapter", "thesis"})
_WEBSITE_TYPES = frozenset({"webpage", "post", "post-weblog"})


@dataclass(frozen=True)
class _Part:
    """A piece of a reference: its text, how HTML presents it, and closing punctuation.

    ``after`` stays outside the styling, so a journal renders as ``<em>JAMA</em>.``.
    """

    text: str
    style: str = ""  # "" | "em" | "doi" | "url"
    after: str = ""


# --------------------------------------------------------------------------- small pieces


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _initials(given: str) -> str:
    """``"Jeffrey S"`` -> ``"JS"``, ``"Jean-Paul"`` -> ``"J-P"``, ``"J. S."`` -> ``"JS"``."""
    initials = []
    for word in given.replace(".", " ").split():
        if word.isupper() and len(word) <= 3 and "-" not in word:
            initials.append(word)  # already initials, as PubMed's AU field gives them
        else:
            initials.append("-".join(part[0].upper() for part in word.split("-") if part))
    return "".join(initials)


def _author_name(name: dict) -> str:
    """One author in AMA form: ``Will JS``, ``van Tulder MW``, ``Wright JT Jr``."""
    if name.get("literal"):
        return _text(name["literal"])
    family = " ".join(
        _text(name.get(key))
        for key in ("dropping-particle", "non-dropping-particle", "family")
        if name.get(key)
    )
    pieces = [family, _initials(_text(name.get("given"))), _text(name.get("suffix")).rstrip(".")]
    return " ".join(piece for piece in pieces if piece)


def _listed_authors(item: dict) -> list[tuple[str, bool]]:
    """``(text, is_group)`` for each author AMA lists, ``et al`` included.

    The 6-author limit counts people only: a group author (CSL ``literal``) is always kept,
    as in ``Lincoff AM, Brown-Frandsen K, Colhoun HM, et al; SELECT Trial Investigators``.
    """
    names = [name for name in item.get("author") or [] if _author_name(name)]
    people = sum(1 for name in names if not name.get("literal"))
    listed: list[tuple[str, bool]] = []
    people_seen = 0
    for name in names:
        is_group = bool(name.get("literal"))
        if not is_group:
            people_seen += 1
            if people > _MAX_LISTED_AUTHORS and people_seen > _AUTHORS_BEFORE_ET_AL:
                if people_seen == _AUTHORS_BEFORE_ET_AL + 1:
                    listed.append(("et al", False))
                continue
        listed.append((_author_name(name), is_group))
    return listed


def _author_list(item: dict) -> str:
    """People are separated by commas, a group author from its neighbours by a semicolon."""
    text = ""
    previous_is_group = None
    for name, is_group in _listed_authors(item):
        if previous_is_group is not None:
            text += "; " if is_group or previous_is_group else ", "
        text += name
        previous_is_group = is_group
    return text


def _sentence(text: object, style: str = "") -> _Part:
    """A part closed by a period, unless the text already ends with ``.``, ``?`` or ``!``."""
    text = _text(text)
    return _Part(text, style, after="" if text.endswith((".", "?", "!")) else ".")


def _date_parts(item: dict, key: str) -> list[int]:
    parts = ((item.get(key) or {}).get("date-parts") or [[]])[0]
    return [int(part) for part in parts if str(part).strip().isdigit()]


def _year(item: dict) -> str:
    parts = _date_parts(item, "issued")
    return str(parts[0]) if parts else ""


def _long_date(parts: list[int]) -> str:
    """``[2024, 3, 5]`` -> ``March 5, 2024``; ``[2024, 3]`` -> ``March 2024``."""
    if len(parts) >= 2 and 1 <= parts[1] <= 12:
        month = _MONTH_NAMES[parts[1] - 1]
        return f"{month} {parts[2]}, {parts[0]}" if len(parts) >= 3 else f"{month} {parts[0]}"
    return str(parts[0]) if parts else ""


def _edition(value: object) -> str:
    """``"18"`` -> ``"18th ed."``; first editions are not mentioned in AMA style."""
    text = re.sub(r"\s*\b(ed\.?|edition)$", "", _text(value), flags=re.IGNORECASE)
    if not text or text.lower() in ("1", "1st", "first"):
        return ""
    if text.isdigit():
        number = int(text)
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        text = f"{number}{suffix}"
    return f"{text} ed."


def _publisher_and_year(item: dict, page: str = "") -> str:
    """``McGraw Hill; 2022.`` (or whichever of the two exists); a chapter adds ``:pages``."""
    pieces = [piece for piece in (_text(item.get("publisher")), _year(item)) if piece]
    text = "; ".join(pieces) + (f":{page}" if page and pieces else "")
    return text + "." if text else ""


# --------------------------------------------------------------------------- shared parts


def _lead(item: dict, title_style: str = "") -> list[_Part]:
    """Authors and title, each closed by a period."""
    parts = []
    authors = _author_list(item)
    if authors:
        parts.append(_sentence(authors))
    if item.get("title"):
        parts.append(_sentence(item["title"], title_style))
    return parts


def _locator(item: dict, prefer_doi: bool = True) -> list[_Part]:
    """``doi:10.…`` when there is a DOI, else ``Accessed <date>. <URL>`` when there is a URL.

    AMA prefers the DOI over a URL and puts no period after either.
    """
    doi = _text(item.get("DOI"))
    if doi and prefer_doi:
        return [_Part(f"doi:{doi}", "doi")]
    url = _text(item.get("URL"))
    if not url:
        return []
    accessed = _long_date(_date_parts(item, "accessed"))
    parts = [_Part(f"Accessed {accessed}.")] if accessed else []
    return [*parts, _Part(url, "url")]


def _journal_issue(item: dict) -> str:
    """``2018;98(7):421-428.`` with whatever of year, volume, issue and pages exist."""
    text = _year(item)
    volume, issue, page = (_text(item.get(key)) for key in ("volume", "issue", "page"))
    if volume or issue:
        text += (";" if text else "") + volume + (f"({issue})" if issue else "")
    if page:
        text += f":{page}"
    return f"{text}." if text else ""


# --------------------------------------------------------------------------- by type


def _journal_article(item: dict) -> list[_Part]:
    """``Authors. Title. Journal. Year;Volume(Issue):Pages. doi:…``"""
    parts = _lead(item)
    journal = _text(item.get("container-title-short") or item.get("container-title"))
    if journal:
        parts.append(_sentence(journal, "em"))
    issue = _journal_issue(item)
    if issue:
        parts.append(_Part(issue))
    return parts + _locator(item)


def _book(item: dict) -> list[_Part]:
    """``Authors. Title. Edition. Publisher; Year.``; a chapter adds ``In: Book.`` and pages."""
    is_chapter = item.get("type") == "chapter"
    parts = _lead(item, title_style="" if is_chapter else "em")
    if is_chapter and item.get("container-title"):
        parts += [_Part("In:"), _sentence(item["container-title"], "em")]
    edition = _edition(item.get("edition"))
    if edition:
        parts.append(_Part(edition))
    publisher = _publisher_and_year(item, page=_text(item.get("page")) if is_chapter else "")
    if publisher:
        parts.append(_Part(publisher))
    return parts + _locator(item)


def _website(item: dict) -> list[_Part]:
    """``Author. Title. Site name. Published <date>. Accessed <date>. URL``"""
    parts = _lead(item)
    site = _text(item.get("container-title"))
    if site:
        parts.append(_sentence(site))
    published = _long_date(_date_parts(item, "issued"))
    if published:
        parts.append(_Part(f"Published {published}."))
    # Web pages are identified by their URL even when a DOI exists.
    return parts + _locator(item, prefer_doi=not item.get("URL"))


def _report(item: dict) -> list[_Part]:
    """Guidelines, reports and anything else: ``Org. Title. Publisher; Year. doi/URL``."""
    parts = _lead(item, title_style="em")
    publisher = _publisher_and_year(item)
    if publisher:
        parts.append(_Part(publisher))
    return parts + _locator(item)


def _formatter(item: dict) -> Callable[[dict], list[_Part]]:
    csl_type = item.get("type") or csl_type_for(source_type_of(item))
    # A guideline or report published in a journal (ASCO, NICE in BMJ...) is cited as the article.
    in_journal = csl_type == "report" and item.get("container-title") and item.get("volume")
    if csl_type in _JOURNAL_TYPES or in_journal:
        return _journal_article
    if csl_type in _BOOK_TYPES:
        return _book
    if csl_type in _WEBSITE_TYPES:
        return _website
    return _report


def _parts(item: dict) -> list[_Part]:
    return _formatter(item)(item)


# --------------------------------------------------------------------------- public API


def format_reference(item: dict) -> str:
    """Return the AMA 11th-edition reference for a CSL-JSON item as plain text.

    Example: ``Will JS, Bury DC, Miller JA. Mechanical low back pain. Am Fam Physician.
    2018;98(7):421-428.``
    """
    return " ".join(part.text + part.after for part in _parts(item))


def _styled_html(part: _Part) -> str:
    text = html.escape(part.text)
    if part.style == "em":
        return f"<em>{text}</em>"
    if part.style == "doi":
        href = html.escape("https://doi.org/" + part.text.removeprefix("doi:"))
        return f'<a href="{href}">{text}</a>'
    if part.style == "url" and part.text.lower().startswith(("https://", "http://")):
        # Only http(s) becomes a link: a stored "javascript:" URL must stay inert text.
        return f'<a href="{html.escape(part.text)}">{text}</a>'
    return text


def _part_html(part: _Part) -> str:
    return _styled_html(part) + html.escape(part.after)


def format_reference_html(item: dict) -> str:
    """Return the same reference as :func:`format_reference`, as escaped HTML.

    Journal names and book/report titles are wrapped in ``<em>``; the DOI links to
    ``https://doi.org/…`` and an http(s) URL links to itself. All text is escaped.
    """
    return " ".join(_part_html(part) for part in _parts(item))
