"""Positions in the public list: where a page ends, so the next one starts after it (a keyset).

A client that follows the list's ``next`` links reads each page after the last row of the one
before, at the cost of the first page however deep it goes, and sees no row twice when
publications are added meanwhile; a page number makes the database count past every row before
it. ``public.listing`` reads the rows after a ``Position`` (``after_sql``); the API writes and reads
it as the ``after`` parameter.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import connection

from articles.models import ListedPublication


def ordering_columns(ordering: tuple[str, ...]) -> list:
    """The model fields of an ORM ordering's terms (``pk`` is ``id``)."""
    names = [name.removeprefix("-") for name in ordering]
    return [ListedPublication._meta.get_field("id" if name == "pk" else name) for name in names]


def order_sql(ordering: tuple[str, ...], alias: str) -> str:
    """``ORDER BY`` terms for an ORM ordering of publications (``("-title", "-pk")``)."""
    return ", ".join(
        f"{alias}.{field.column} {'DESC' if name.startswith('-') else 'ASC'}"
        for name, field in zip(ordering, ordering_columns(ordering), strict=True)
    )


def after_sql(ordering: tuple[str, ...]) -> str:
    """The rows after a position in ``ordering``: one row-value comparison the list index serves
    (every ordering's terms run the same way)."""
    columns = ", ".join(f"listed.{field.column}" for field in ordering_columns(ordering))
    placeholders = ", ".join(["%s"] * len(ordering))
    return f"({columns}) {'<' if ordering[0].startswith('-') else '>'} ({placeholders})"


class Position:
    """Where a page of the list ends: its last row's values of the ordering's columns.

    Written into a ``next`` link as ``after`` (URL-safe base64 of JSON: the ordering, then the
    values), so a client that follows the links reads every page at the cost of the first
    rather than counting past the rows before it. A position is only valid in the ordering it
    was written for.
    """

    INVALID = "Not a position in this list: follow the list's own next link."
    LONGEST = 2000  # characters: enough for the longest title (255 characters of UTF-8) and the rest

    def __init__(self, ordering: tuple[str, ...], values: list):
        self.ordering = ordering
        self.values = values

    @classmethod
    def of_row(cls, row, ordering: tuple[str, ...]) -> Position:
        return cls(ordering, [getattr(row, field.attname) for field in ordering_columns(ordering)])

    @classmethod
    def parse(cls, token: str, ordering: tuple[str, ...]) -> Position:
        """The position ``token`` names in ``ordering``; a ``ValidationError`` on ``after`` if none."""
        try:
            if len(token) > cls.LONGEST:
                raise ValueError
            written = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
            if not isinstance(written, list) or written[0] != ",".join(ordering):
                raise ValueError
            fields = ordering_columns(ordering)
            if len(written) != len(fields) + 1 or None in written:
                raise ValueError
            values = [field.to_python(value) for field, value in zip(fields, written[1:], strict=True)]
            if not all(map(_storable, values)):
                raise ValueError
        except (ValueError, TypeError, IndexError, OverflowError, binascii.Error, ValidationError):
            raise ValidationError({"after": [cls.INVALID]}, code="invalid") from None
        return cls(ordering, values)

    def token(self) -> str:
        values = [value.isoformat() if isinstance(value, datetime) else value for value in self.values]
        written = json.dumps([",".join(self.ordering), *values], separators=(",", ":"), ensure_ascii=False)
        return base64.urlsafe_b64encode(written.encode()).decode().rstrip("=")

    def database_values(self) -> list:
        fields = ordering_columns(self.ordering)
        return [
            field.get_db_prep_value(value, connection)
            for field, value in zip(fields, self.values, strict=True)
        ]


def _storable(value) -> bool:
    """Whether a position's value can be compared with a column, rather than fail in the database."""
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    if isinstance(value, str):
        return "\x00" not in value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return False
        try:
            value.astimezone(UTC)
        except OverflowError:
            return False
    return value is not None


class KeysetPage(Page):
    """A page read after a position: its number is the one its link carried, and whether another
    follows is whether rows follow it, not the count's arithmetic (the list may have changed
    since the first page)."""

    def __init__(self, object_list, number: int, paginator: Paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def next_page_number(self) -> int:
        return self.number + 1
