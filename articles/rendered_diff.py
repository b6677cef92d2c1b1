"""What changed between two revisions as a reader sees them: the rendered article, block by block.

Blocks (headings, paragraphs, list items, tables) are matched by their text; a changed block is
shown word by word, words being runs of non-space characters, so "anti-sickness" is one word and
a citation reads as its number. References are compared by key and listed by their printed form.
"""

from __future__ import annotations

import difflib
import html
import re
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree
from lxml import html as lxml_html

from articles.revisions import rendered_revision, squash

BlockOp = Literal["equal", "insert", "delete", "replace"]
_WORDS = re.compile(r"\S+|\s+")
_LISTS = {"ul", "ol"}


@dataclass(frozen=True)
class Block:
    html: str
    text: str


@dataclass(frozen=True)
class BlockChange:
    """One block of the diff: ``inline_html`` marks words in a replaced block with ins/del."""

    op: BlockOp
    old_html: str = ""
    new_html: str = ""
    inline_html: str = ""


@dataclass(frozen=True)
class ReferenceChange:
    op: Literal["added", "removed", "changed"]
    key: str
    old: str = ""
    new: str = ""


@dataclass
class RenderedDiff:
    blocks: list[BlockChange] = field(default_factory=list)
    references: list[ReferenceChange] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.references) or any(b.op != "equal" for b in self.blocks)


def _html_of(element) -> str:
    element.tail = None
    return etree.tostring(element, encoding="unicode", method="html")


def split_blocks(rendered_html: str) -> list[Block]:
    """The top-level blocks of a rendered body; a list gives one block per item."""
    if not rendered_html.strip():
        return []
    blocks = []
    for element in lxml_html.fragments_fromstring(rendered_html):
        if isinstance(element, str):
            if element.strip():
                blocks.append(Block(html.escape(element), squash(element)))
            continue
        if element.tag in _LISTS:
            for n, item in enumerate(element.findall("li"), start=1):
                start = f' start="{n}"' if element.tag == "ol" else ""
                text = squash(item.text_content())
                blocks.append(Block(f"<{element.tag}{start}>{_html_of(item)}</{element.tag}>", text))
        else:
            blocks.append(Block(_html_of(element), squash(element.text_content())))
    return blocks


def _word_runs(a: list[str], b: list[str]) -> list[tuple[str, str, str]]:
    """(op, old text, new text) runs; a space between two changes joins them into one change."""
    runs: list[tuple[str, str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        op = "equal" if op == "equal" else "change"
        between_changes = len(runs) >= 2 and runs[-2][0] == "change" and runs[-1][0] == "equal"
        if op == "change" and between_changes and not runs[-1][1].strip():
            space = runs.pop()[1]
            _, was_old, was_new = runs.pop()
            old, new = was_old + space + old, was_new + space + new
        runs.append((op, old, new))
    return runs


def words_html(old: str, new: str) -> str:
    """``old`` and ``new`` as one escaped text, removed words in ``<del>``, added in ``<ins>``."""
    out = []
    for op, removed, added in _word_runs(_WORDS.findall(old), _WORDS.findall(new)):
        if op == "equal":
            out.append(html.escape(removed))
            continue
        if removed:
            out.append(f"<del>{html.escape(removed)}</del>")
        if added:
            out.append(f"<ins>{html.escape(added)}</ins>")
    return "".join(out)


def _replaced(old: list[Block], new: list[Block]) -> list[BlockChange]:
    """Blocks that replaced others: paired in order and diffed word by word; the rest added or removed."""
    changes = []
    for o, n in zip(old, new, strict=False):
        inline = f'<p class="diff-words">{words_html(o.text, n.text)}</p>'
        changes.append(BlockChange("replace", o.html, n.html, inline))
    changes += [BlockChange("delete", old_html=o.html, inline_html=o.html) for o in old[len(new) :]]
    changes += [BlockChange("insert", new_html=n.html, inline_html=n.html) for n in new[len(old) :]]
    return changes


def block_diff(old_html: str, new_html: str) -> list[BlockChange]:
    old, new = split_blocks(old_html), split_blocks(new_html)
    matcher = difflib.SequenceMatcher(None, [b.text for b in old], [b.text for b in new], autojunk=False)
    changes: list[BlockChange] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes += [BlockChange("equal", b.html, b.html, b.html) for b in new[j1:j2]]
        elif op == "delete":
            changes += [BlockChange("delete", old_html=b.html, inline_html=b.html) for b in old[i1:i2]]
        elif op == "insert":
            changes += [BlockChange("insert", new_html=b.html, inline_html=b.html) for b in new[j1:j2]]
        else:
            changes += _replaced(old[i1:i2], new[j1:j2])
    return changes


def reference_diff(old_refs, new_refs) -> list[ReferenceChange]:
    """References added, removed or printed differently, by key, in the new list's order."""
    old = {r.key: r.formatted_text for r in old_refs}
    new = {r.key: r.formatted_text for r in new_refs}
    changes = [ReferenceChange("removed", key, old=text) for key, text in old.items() if key not in new]
    for key, text in new.items():
        if key not in old:
            changes.append(ReferenceChange("added", key, new=text))
        elif old[key] != text:
            changes.append(ReferenceChange("changed", key, old=old[key], new=text))
    return changes


def rendered_diff(old_record, new_record) -> RenderedDiff:
    """The rendered bodies and reference lists of two revisions (history rows or articles), compared."""
    old, new = rendered_revision(old_record), rendered_revision(new_record)
    return RenderedDiff(block_diff(old.html, new.html), reference_diff(old.references, new.references))
