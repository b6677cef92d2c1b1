"""The API's JSON parser: DRF's, with a bound on how deeply a body may nest.

Python's JSON decoder recurses once per level, so a body such as ``{"username": [[[[...]]]]}``
some thousand levels deep raises ``RecursionError``, which DRF's parser lets through (a 500).
No request of this API nests more than a few levels; anything deeper than ``MAX_JSON_DEPTH`` is
a 400 naming the problem.
"""

from __future__ import annotations

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from articles.library.citations.readers.csl_json import nested_deeper_than

MAX_JSON_DEPTH = 100
TOO_DEEP = f"JSON parse error - nested deeper than {MAX_JSON_DEPTH} levels."

__all__ = ["JSONParser", "nested_deeper_than"]


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
