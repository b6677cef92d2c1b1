"""The CSL-JSON reader: a top-level JSON array decoded one element at a time.

Only the keys of our interchange format are kept; a file that stops being valid JSON raises
:class:`MalformedFile` after the items before the error have been yielded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..types import source_type_of
from ._common import (
    _TEXT_KEYS,
    MalformedFile,
    ParsedEntry,
    _date,
    _entry,
    _EntryError,
    _finish_item,
    _text,
)

__all__ = ["nested_deeper_than", "read_csl_json"]

_CHUNK_SIZE = 64 * 1024
# A CSL item nests four levels (item, issued, date-parts, a date); Python's decoder recurses
# once per level, so a deeper element is refused before it can exhaust the stack.
_MAX_DEPTH = 100


def nested_deeper_than(value: object, limit: int) -> bool:
    """True when ``value``'s lists and objects nest more than ``limit`` levels (``[]`` is one).

    Level by level, without recursion (the API's JSON parser uses it too).
    """
    level = [value] if isinstance(value, list | dict) else []
    for _depth in range(limit):
        if not level:
            return False
        level = [
            child
            for container in level
            for child in (container.values() if isinstance(container, dict) else container)
            if isinstance(child, list | dict)
        ]
    return bool(level)


def _chunks(stream) -> Iterator[str]:
    if isinstance(stream, str):
        yield stream
    elif hasattr(stream, "read"):
        while chunk := stream.read(_CHUNK_SIZE):
            yield chunk
    else:
        yield from stream


class _JsonArrayScanner:
    """Decodes the elements of a top-level JSON array one at a time, chunk by chunk.

    ``json.JSONDecoder.raw_decode`` is retried with more text whenever an element runs
    past the end of the buffer, so memory holds one element plus one chunk, never the file.
    """

    def __init__(self, chunks: Iterator[str]):
        self._chunks = chunks
        self._buffer = ""
        self._pos = 0
        self._line = 1  # line number of self._buffer[0]
        self._exhausted = False
        self._decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        """Append the next chunk (dropping consumed text); False at end of input."""
        if self._exhausted:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._exhausted = True
            return False
        consumed = self._buffer[: self._pos]
        self._line += consumed.count("\n")
        self._buffer = self._buffer[self._pos :] + chunk
        self._pos = 0
        return True

    def _line_at(self, pos: int) -> int:
        return self._line + self._buffer.count("\n", 0, pos)

    def _peek(self) -> str:
        """Skip whitespace and return the next character ("" at end of input)."""
        while True:
            while self._pos < len(self._buffer) and self._buffer[self._pos] in " \t\r\n\ufeff":
                self._pos += 1
            if self._pos < len(self._buffer) or not self._fill():
                return self._buffer[self._pos : self._pos + 1]

    def _fail(self, message: str, pos: int | None = None) -> MalformedFile:
        pos = self._pos if pos is None else pos
        return MalformedFile(f"Not valid CSL-JSON: line {self._line_at(pos)}: {message}")

    def _decode_value(self) -> tuple[int, object]:
        previous_offset = None
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buffer, self._pos)
            except RecursionError:
                raise self._fail(f"nested deeper than {_MAX_DEPTH} levels") from None
            except json.JSONDecodeError as error:
                # An element cut by the chunking fails at the end of the buffer and gets
                # further once more text arrives; an error that stays put is a real one.
                offset = error.pos - self._pos
                stuck = offset == previous_offset and not error.msg.startswith("Unterminated")
                if stuck or not self._fill():
                    raise self._fail(error.msg, error.pos) from None
                previous_offset = offset
                continue
            if end == len(self._buffer) and self._fill():
                continue  # a number at the very end of the buffer may continue
            if self._brackets(end) > _MAX_DEPTH and nested_deeper_than(value, _MAX_DEPTH):
                raise self._fail(f"nested deeper than {_MAX_DEPTH} levels")
            line = self._line_at(self._pos)
            self._pos = end
            return line, value

    def _brackets(self, end: int) -> int:
        """Opening brackets in the element just decoded (those in its strings too): an element
        with no more of them than the depth limit cannot be nested deeper."""
        return self._buffer.count("[", self._pos, end) + self._buffer.count("{", self._pos, end)

    def elements(self) -> Iterator[tuple[int, object]]:
        """Yield ``(line, value)`` for each array element."""
        first = self._peek()
        if first == "":
            return
        if first != "[":
            raise self._fail(f"expected a JSON array of CSL items ('['), found {first!r}")
        self._pos += 1
        if self._peek() == "]":
            self._pos += 1
        else:
            while True:
                # raw_decode does not skip the whitespace before a value.
                if self._peek() == "":
                    raise self._fail("the file ends before the closing ']'")
                yield self._decode_value()
                separator = self._peek()
                self._pos += 1
                if separator == "]":
                    break
                if separator == "":
                    raise self._fail("the file ends before the closing ']'")
                if separator != ",":
                    raise self._fail(f"expected ',' or ']' after an item, found {separator!r}")
        if self._peek() != "":
            raise self._fail("unexpected text after the closing ']'")


def _csl_names(value: object) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(name, dict) for name in value):
        raise _EntryError("'author' must be a list of name objects")
    return value


def _csl_date(value: object, key: str) -> dict | None:
    """Accept ``{"date-parts": [[2018, 10, 1]]}`` (numbers or digit strings) or a raw year."""
    if value is None:
        return None
    if isinstance(value, dict) and value.get("date-parts"):
        parts = value["date-parts"][0] if isinstance(value["date-parts"], list) else None
        if isinstance(parts, list) and parts and all(str(p).strip().isdigit() for p in parts):
            return _date(*(int(str(p)) for p in parts[:3]))
    elif isinstance(value, dict) and re.match(r"^[0-9]{4}", _text(value.get("raw"))):
        return _date(int(_text(value["raw"])[:4]))
    raise _EntryError(f"'{key}' must look like {{\"date-parts\": [[2018, 10, 1]]}}")


def _csl_text(value: object, key: str) -> object:
    if value is not None and not isinstance(value, (str, int, float)):
        raise _EntryError(f"'{key}' must be text, found {type(value).__name__}")
    return value


def _csl_item(value: object) -> dict:
    if not isinstance(value, dict):
        raise _EntryError(f"expected a CSL item (a JSON object), found {type(value).__name__}")
    fields = {key: _csl_text(value.get(key), key) for key in _TEXT_KEYS}
    fields["author"] = _csl_names(value.get("author"))
    fields["issued"] = _csl_date(value.get("issued"), "issued")
    fields["accessed"] = _csl_date(value.get("accessed"), "accessed")
    fields["custom"] = value.get("custom") if isinstance(value.get("custom"), dict) else None
    return _finish_item(fields, source_type_of(value))


def read_csl_json(stream) -> Iterator[ParsedEntry]:
    """Read a CSL-JSON array incrementally (chunk by chunk with ``raw_decode``).

    Only the keys of our interchange format are kept (see the package docstring).
    Raises MalformedFile if the text is not a JSON array or stops being valid JSON; a
    well-formed element that is not a usable item becomes an error entry.
    """
    for line, value in _JsonArrayScanner(iter(_chunks(stream))).elements():
        yield _entry(line, _csl_item, value)
