"""Sanitising HTML: article bodies, formatted references and plain text, with nh3 allow-lists.

Scripts, event-handler attributes, ``javascript:``/``data:`` URLs and any tag or attribute not on
an allow-list are removed; external links get ``rel="noopener noreferrer"``. Pure Python, like
``articles.rendering``.
"""

from __future__ import annotations

import html
import re

import nh3

__all__ = ["EXTERNAL_REL", "clean_reference_html", "plain_text", "sanitize_html"]

ALLOWED_TAGS = frozenset(
    {
        "p", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "strong", "em", "a",
        "blockquote", "code", "pre", "table", "thead", "tbody", "tfoot", "tr", "th",
        "td", "sup", "hr", "br",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "sup": {"class", "id"},
    "ol": {"class", "id"},
    "li": {"class", "id"},
}
ALLOWED_URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Tags whose *content* is dropped too; stripping only the tag would leave e.g. script
# source or iframe fallback markup visible as text.
_DROP_WITH_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "embed", "noscript", "template", "textarea"}
)

# Inline markup that a formatted reference may legitimately contain.
_REFERENCE_TAGS = frozenset({"em", "i", "strong", "b", "sup", "sub", "span", "a"})
_REFERENCE_ATTRIBUTES = {"a": {"href", "title"}}

# nh3 always serialises attributes double-quoted, escaping '"', '<' and '>' inside
# values, which makes this pattern exact on its output.
_ANCHOR_TAG_RE = re.compile(r'<a((?:\s+[^\s=>]+(?:="[^"]*")?)*)\s*>')
_HREF_RE = re.compile(r'\shref="([^"]*)"')
_EXTERNAL_LINK_RE = re.compile(r"^(?:https?:)?//", re.IGNORECASE)
EXTERNAL_REL = "noopener noreferrer"


def sanitize_html(raw_html: str) -> str:
    """Sanitise body HTML with the module's allow-list.

    Scripts, event-handler attributes, ``javascript:``/``data:`` URLs and any tag or
    attribute not on the allow-list are removed. External links (absolute http(s) or
    protocol-relative) get ``rel="noopener noreferrer"``; in-page links such as the
    ``#ref-N`` citation anchors are left alone.
    """
    cleaned = nh3.clean(
        raw_html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        # nh3 would add rel to *every* link; we only want it on external ones.
        link_rel=None,
        strip_comments=True,
    )
    return _add_rel_to_external_links(cleaned)


def _add_rel_to_external_links(cleaned_html: str) -> str:
    """Add ``rel`` to external anchors. Only valid on nh3 output (see _ANCHOR_TAG_RE)."""

    def add_rel(match: re.Match[str]) -> str:
        attrs = match.group(1)
        href = _HREF_RE.search(attrs)
        if href and _EXTERNAL_LINK_RE.match(html.unescape(href.group(1))):
            return f'<a{attrs} rel="{EXTERNAL_REL}">'
        return match.group(0)

    return _ANCHOR_TAG_RE.sub(add_rel, cleaned_html)


def clean_reference_html(formatted_html: str) -> str:
    return nh3.clean(
        formatted_html or "",
        tags=set(_REFERENCE_TAGS),
        clean_content_tags=set(_DROP_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in _REFERENCE_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_URL_SCHEMES),
        link_rel=EXTERNAL_REL,
    )



_BLOCK_BOUNDARY_RE = re.compile(
    r"<br\s*/?>|</?(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|tr|td|th|hr)\b[^>]*>",
    re.IGNORECASE,
)
_CITATION_SUP_RE = re.compile(r'<sup class="citation[^"]*">.*?</sup>', re.DOTALL)


def plain_text(html_text: str) -> str:
    """Reduce rendered HTML to whitespace-normalised plain text (for search/summaries).

    Citation superscripts are dropped so "works.1,2" does not pollute the text.
    """
    without_citations = _CITATION_SUP_RE.sub("", html_text or "")
    spaced = _BLOCK_BOUNDARY_RE.sub(" ", without_citations)
    text = nh3.clean(spaced, tags=set(), clean_content_tags=set(_DROP_WITH_CONTENT))
    return " ".join(html.unescape(text).split())
