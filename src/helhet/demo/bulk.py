"""Bulk inserts for the demo loader: PostgreSQL's COPY (psycopg 3), else `bulk_create`.

Rows are unsaved model instances. On PostgreSQL a block of primary keys is reserved from the
table's sequence and set on the instances before they are copied, so that later rows can refer
to them, as `bulk_create` does on either database. Only for the demo loader: nothing here runs
`save()`, signals or validation, and the values are written as the instances hold them.
"""

from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import Any

from django.db import connection, models
from django.db.models.base import ModelState


class Maker:
    """Makes unsaved instances of MODEL without `Model.__init__` (which costs most of the time
    at millions of rows): the fields' defaults, then VALUES by attribute name; RELATED (name:
    instance) are related instances not saved yet, whose keys are taken when the row is."""

    def __init__(self, model):
        self.model = model
        self.defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}

    def __call__(self, related: dict, **values):
        row = self.model.__new__(self.model)
        row._state = ModelState()
        row.__dict__.update(self.defaults)
        row.__dict__.update(values)
        row._state.fields_cache.update(related)
        return row


def insert(model, rows: list, batch_size: int) -> None:
    """Insert ROWS (instances of MODEL) and set their primary keys."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=batch_size)
        return
    meta = model._meta
    first = _reserve(meta.db_table, meta.pk.column, len(rows))
    for offset, row in enumerate(rows):
        row.pk = first + offset
    fields = meta.concrete_fields
    values = _values(fields)
    with connection.cursor() as cursor, cursor.copy(_copy_sql(meta.db_table, fields)) as copy:
        for row in rows:
            copy.write_row(values(row))


def insert_links(through, pairs: list[tuple], batch_size: int, *, copied=()) -> None:
    """Insert the M2M through rows of PAIRS: (saved instance, primary key of the other side).
    COPIED names further fields of the link that copy the saved instance's field of the same
    name (the contact's unit, person, time and attendance on `ContactIntervention`)."""
    if not pairs:
        return
    source, target = [f for f in through._meta.concrete_fields if not f.primary_key][:2]
    extra = [through._meta.get_field(name) for name in copied]
    names = [source.attname, target.attname, *(f.attname for f in extra)]
    copy_from = _values([source.related_model._meta.get_field(name) for name in copied])

    def values(row, other):
        return (row.pk, other, *copy_from(row))

    if connection.vendor != "postgresql":
        through.objects.bulk_create(
            [through(**dict(zip(names, values(*pair), strict=True))) for pair in pairs],
            batch_size=batch_size,
        )
        return
    sql = _copy_sql(through._meta.db_table, (source, target, *extra))
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row, other in pairs:
            copy.write_row(values(row, other))


def _reserve(table: str, column: str, count: int) -> int:
    """The first of COUNT consecutive primary keys taken from the table's sequence."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, %s),"
            " nextval(pg_get_serial_sequence(%s, %s)) + %s - 1)",
            [table, column, table, column, count],
        )
        return cursor.fetchone()[0] - count + 1


def _copy_sql(table: str, fields) -> str:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    return f"COPY {quote(table)} ({columns}) FROM STDIN"


def _values(fields):
    """A function giving a row's values for COPY, in the order of FIELDS: the attributes as
    they are, a foreign key from the related instance if one was assigned (saved before, as
    `bulk_create` requires), dates set on insert unless the loader dated them, JSON adapted."""
    getters: list[Callable[[Any], Any]] = []
    for field in fields:
        if (
            isinstance(field, models.JSONField)
            or getattr(field, "auto_now_add", False)
            or getattr(field, "auto_now", False)
        ):
            getters.append(partial(_prepared, field))
        elif field.is_relation:
            getters.append(partial(_related, field.name, field.attname))
        else:
            getters.append(attrgetter(field.attname))
    return lambda row: [get(row) for get in getters]


def _prepared(field, row):
    return field.get_db_prep_save(field.pre_save(row, True), connection)


def _related(name: str, attname: str, row):
    related = row._state.fields_cache.get(name)
    if related is None:
        return getattr(row, attname)
    if related.pk is None:
        raise ValueError(f"{type(row).__name__}.{name} is not saved yet")
    return related.pk
