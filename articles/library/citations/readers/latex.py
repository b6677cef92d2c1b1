"""LaTeX markup in BibTeX field values, decoded to Unicode text, in time linear in its length.

pylatexenc does the decoding. Most values hold only the markup that bibliographic data is
made of (accents such as ``{\\"u}``, letters such as ``\\ss``, ``\\%``, dashes, quotes and
braces): :func:`latex_to_text` decodes those token by token, each distinct token once, and
copies the prose between them. A value with any other markup goes whole through
:data:`DECODER`, pylatexenc's converter with its quadratic step made linear.
"""

from __future__ import annotations

import functools
import re

from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

__all__ = ["DECODER", "latex_to_text"]


class _LinearNodes2Text(LatexNodes2Text):
    """pylatexenc's converter, with ``nodelist_to_text`` linear in the length of the text.

    The stock method appends each node's text to one string and searches that whole string
    for its last newline before every node. This one collects the pieces and keeps the
    column as it goes; the text it returns is the same.
    """

    def nodelist_to_text(self, nodelist):
        pieces: list[str] = []
        column = 0
        prev_node = None
        for node in nodelist:
            if (
                self._is_bare_macro_node(prev_node)
                and node.isNodeType(latexwalker.LatexCharsNode)
                and not self.strict_latex_spaces["between-macro-and-chars"]
            ):
                pieces.append(prev_node.macro_post_space)
                column = _column_after(prev_node.macro_post_space, column)
            text = self.node_to_text(node, textcol=column)
            pieces.append(text)
            column = _column_after(text, column)
            prev_node = node
        return "".join(pieces)


def _column_after(text: str, column: int) -> int:
    """The column at the end of ``text`` written from ``column``."""
    newline = text.rfind("\n")
    return column + len(text) if newline == -1 else len(text) - newline - 1


def _latex_context():
    context = get_default_latex_context_db()
    context.add_context_category(
        "citations",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("textasciicircum", simplify_repl="^"),
        ],
    )
    return context


DECODER = _LinearNodes2Text(latex_context=_latex_context(), math_mode="verbatim")

# What pylatexenc reads as markup; any other character is copied as it is.
_MARKUP = re.compile(r"[\\{}$%&~]|--|``|''|[!?]`")
# The common markup, each match decoding the same alone as in its context. pylatexenc reads
# letters of any script into a control word's name, and the spaces after it with it.
_COMMON = re.compile(
    # an accent on a letter or a dotless i/j: \"o, \"{o}, \c c, \'\i
    r"\\(?:[\"'`^~=.]|[cvuHrkdb](?![^\W\d_]))\s*"
    r"(?:[A-Za-z]|\{[A-Za-z]?\}|\\[ij](?![^\W\d_])\s*|\{\\[ij]\})"
    # a letter: \ss, \o, \L
    r"|\\(?:ss|aa|AA|ae|AE|oe|OE|[ijoOlL])(?![^\W\d_])\s*"
    # an escaped character or a control space
    r"|\\[ %&$#_{}]"
    # ligatures and the non-breaking space
    r"|---|--|``|''|[!?]`|~"
)
# A brace group with at most one group inside; its text is the text of its contents.
_GROUP = re.compile(r"\{((?:[^{}\\]|\\.|\{(?:[^{}\\]|\\.)*\})*)\}", re.DOTALL)


@functools.lru_cache(maxsize=4096)
def _decode_short_token(token: str) -> str:
    return DECODER.latex_to_text(token)


def _decode_token(token: str) -> str:
    # Only a run of spaces after a control word makes a token long; such tokens are not
    # kept, so that the cache's size stays bounded whatever the values.
    return _decode_short_token(token) if len(token) <= 32 else DECODER.latex_to_text(token)


def _decode_common(text: str) -> str | None:
    """``text`` decoded if all its markup is common markup, else None."""
    pieces = []
    position = 0
    while (markup := _MARKUP.search(text, position)) is not None:
        start = markup.start()
        pieces.append(text[position:start])
        if token := _COMMON.match(text, start):
            pieces.append(_decode_token(token.group()))
        elif token := _GROUP.match(text, start):
            contents = _decode_common(token.group(1))
            if contents is None:
                return None
            pieces.append(contents)
        else:
            return None
        position = token.end()
    pieces.append(text[position:])
    return "".join(pieces)


def latex_to_text(text: str) -> str:
    """Return ``text`` with its LaTeX markup turned into Unicode, as pylatexenc decodes it."""
    decoded = _decode_common(text)
    return decoded if decoded is not None else DECODER.latex_to_text(text)
