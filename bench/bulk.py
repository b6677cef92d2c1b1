"""Writing many rows fast for the benchmark's seed: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

Rows go in as Django would write them (each field's ``pre_save`` and ``get_db_prep_save``), so
the database's own defaults, constraints and triggers apply as for any insert; only the
statement differs. On PostgreSQL the primary keys are drawn from the table's sequence first, so
the objects carry them for the rows that refer to them.
"""

from __future__ import annotations

import contextlib
import operator

from django.db import connection, connections, models
from django.db.models.base import ModelState


def create(model, objs: list, *, batch_size: int = 1000) -> list:
    """Insert ``objs`` (instances of ``model``); they come back with their primary keys."""
    objs = list(objs)
    if not objs:
        return objs
    if connection.vendor != "postgresql":
        return model._base_manager.bulk_create(objs, batch_size=batch_size)
    _assign_keys(model, objs)
    fields = model._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    database = connections[connection.alias]  # not the proxy: it is read for every field of every row
    values = [_value_of(field, database) for field in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for obj in objs:
            copy.write_row([value(obj) for value in values])
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias
    return objs


# Fields whose Python value Django hands to PostgreSQL's driver unchanged (``get_db_prep_save``
# returns it as it is): reading the attribute is enough. JSON, for one, needs Django's adapter.
_AS_IS = (
    models.IntegerField,
    models.CharField,
    models.TextField,
    models.BooleanField,
    models.DateField,  # and DateTimeField: PostgreSQL's operations adapt neither
    models.ForeignKey,
)


# ``pre_save`` methods that return the attribute as it is, unless the date is stamped.
_READS_ATTRIBUTE = (models.Field.pre_save, models.DateField.pre_save, models.DateTimeField.pre_save)


def _value_of(field, database):
    """How to read ``field``'s value of an object as Django would write it on PostgreSQL."""
    stamped = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    if isinstance(field, _AS_IS) and not stamped and type(field).pre_save in _READS_ATTRIBUTE:
        return operator.attrgetter(field.attname)
    return lambda obj: field.get_db_prep_save(field.pre_save(obj, True), database)


def row(model, **values):
    """An unsaved ``model`` instance with ``values`` (by attribute name: ``article_id``, not
    ``article``) and every other field's default, as ``Model(**values)`` makes it, without the
    work ``__init__`` does per field and per relation: the seed makes millions."""
    obj = model.__new__(model)
    obj._state = ModelState()
    for field in model._meta.concrete_fields:
        if field.attname not in values:
            values[field.attname] = field.get_default()
    obj.__dict__.update(values)
    return obj


def _assign_keys(model, objs: list) -> None:
    pk = model._meta.pk
    missing = [obj for obj in objs if getattr(obj, pk.attname) is None]
    if not missing:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(missing)],
        )
        for obj, (key,) in zip(missing, cursor.fetchall(), strict=True):
            setattr(obj, pk.attname, key)


def history_rows(model, objs: list, *, user, reason: str) -> list:
    """One simple-history row ("created") for each of ``objs``, dated as the object was made."""
    history_model = model.history.model
    fields = [
        field.attname
        for field in history_model._meta.concrete_fields
        if not field.name.startswith("history_")
    ]
    return [
        row(
            history_model,
            **{name: getattr(obj, name) for name in fields},
            history_date=_made_at(obj),
            history_change_reason=reason,
            history_type="+",
            history_user_id=user.pk,
        )
        for obj in objs
    ]


def _made_at(obj):
    for name in ("opened_at", "assigned_at", "created_at"):
        with contextlib.suppress(AttributeError):
            return getattr(obj, name)
    raise AttributeError(f"{type(obj).__name__} has no date it was made")
