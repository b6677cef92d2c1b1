"""The CSL-JSON writer: a pretty-printed JSON array, streamed one item at a time."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

__all__ = ["iter_csl_json", "write_csl_json"]


def iter_csl_json(items: Iterable[dict]) -> Iterator[str]:
    """Yield a pretty-printed CSL-JSON array piece by piece (UTF-8, not ``\\u`` escapes)."""
    yield "["
    for index, item in enumerate(items):
        body = json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        yield ("," if index else "") + "\n  " + body
    yield "\n]\n"


def write_csl_json(items: Iterable[dict]) -> str:
    """Return the items as a CSL-JSON array."""
    return "".join(iter_csl_json(items))
