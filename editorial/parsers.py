"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest.

Python's JSON decoder recurses once per level, so a body such as ``{"username": [[[[...]]]]}``
some thousand levels deep raises ``RecursionError``, which DRF's parser lets through (a 500).
No request of this API nests more than a few levels; anything deeper than ``MAX_JSON_DEPTH`` is
a 400 naming the problem.
"""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_JSON_DEPTH = 100
TOO_DEEP = f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."


def nested_deeper_than(value: object, limit: int) -> bool:
    """True when ``value``'s lists and objects nest more than ``limit`` levels (``[]`` is one).

    Level by level, without recursion; a normal request's body is a handful of containers.
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


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; a body nested deeper than ``MAX_JSON_DEPTH`` levels is a ``ParseError``."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP) from None
        if nested_deeper_than(data, MAX_JSON_DEPTH):
            raise ParseError(TOO_DEEP)
        return data
