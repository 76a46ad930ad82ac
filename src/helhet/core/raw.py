"""Model instances from one plain SELECT, for the few reads every person page makes.

Django's ORM spends more time building a query and its rows than the database spends
answering it: for the access policy's four reads of a long history, about 12 ms of Python
against 1 ms in PostgreSQL. Those reads never change shape, so their SQL is written once
here, from the models' own metadata (table and column names, never typed by hand), and each
row is turned into instances the way the ORM would: the database converters of each column
(SQLite's dates, times and booleans; JSON), then the instance as `Model.from_db` leaves it.
Related objects that many rows share (a unit, a closure reason, a user) are built once per
read.

Use it only where a page's latency needs it; everywhere else the ORM reads.
"""

from __future__ import annotations

import functools
from functools import cached_property
from typing import Any, Generic, TypeVar, cast

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.models import Model, signals
from django.db.models.base import ModelState

from .models import Organisation

M = TypeVar("M", bound=Model)


class Columns(Generic[M]):
    """The concrete columns of MODEL under the table alias ALIAS in a SELECT, and the
    instance built from their part of a row."""

    def __init__(self, model: type[M], alias: str):
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.width = len(self.fields)
        self.attnames = [f.attname for f in self.fields]

    @cached_property
    def table(self) -> str:
        """The model's table with its alias, for FROM and JOIN."""
        return f"{quote(self.model._meta.db_table)} {quote(self.alias)}"

    @cached_property
    def sql(self) -> str:
        """The columns for the SELECT list, in the model's field order."""
        return ", ".join(self.column(f.attname) for f in self.fields)

    def column(self, attname: str) -> str:
        """One column of the model under the alias, by the field's attribute name."""
        return self._columns[attname]

    @cached_property
    def _columns(self) -> dict[str, str]:
        alias = quote(self.alias)
        return {f.attname: f"{alias}.{quote(cast(str, f.column))}" for f in self.fields}

    def in_bulk(self, ids) -> dict[Any, M]:
        """The instances with IDS, by id (as `QuerySet.in_bulk`): one query, none for no ids."""
        ids = sorted(set(ids))
        if not ids:
            return {}
        found = rows(
            f"SELECT {self.sql} FROM {self.table} WHERE {self.column('id')} IN ({marks(ids)})",
            ids,
        )
        return {instance.pk: instance for instance in map(self.build, found) if instance}

    @cached_property
    def converters(self) -> list[tuple[int, list]]:
        """(index, [(converter, column)]) of each column that has converters: the database's
        and the field's, as the ORM's compiler applies them. Helhet has one database."""
        per_column = []
        for i, field in enumerate(self.fields):
            col = field.get_col(self.alias)
            functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
            if functions:
                per_column.append((i, [(function, col) for function in functions]))
        return per_column

    def convert(self, attname: str, value):
        """VALUE as read from the database, for the column of field ATTNAME (an aggregate of
        it, say), converted as that column's values are."""
        index = self.attnames.index(attname)
        db = connections[DEFAULT_DB_ALIAS]
        for i, functions in self.converters:
            if i == index:
                for function, col in functions:
                    value = function(value, col, db)
        return value

    def build(self, row, start: int = 0, shared: dict | None = None) -> M | None:
        """The instance in ROW[START:START + width]; None when its key is NULL (a LEFT JOIN
        that found nothing). With SHARED, rows with the same key get the same instance."""
        key = row[start]
        if key is None:
            return None
        if shared is not None and key in shared:
            return shared[key]
        values = list(row[start : start + self.width])
        if self.converters:
            db = connections[DEFAULT_DB_ALIAS]
            for i, functions in self.converters:
                for function, col in functions:
                    values[i] = function(values[i], col, db)
        instance = self._instance(values)
        if shared is not None:
            shared[key] = instance
        return instance

    def instance(self, row, start: int = 0, shared: dict | None = None) -> M:
        """`build` for a part of ROW whose key is never NULL (the FROM table, an inner JOIN)."""
        instance = self.build(row, start, shared)
        if instance is None:
            raise ValueError(f"{self.model.__name__} has no key in this row")
        return instance

    def _instance(self, values: list) -> M:
        """The instance of one row's VALUES, as `Model.from_db` leaves it. Unless a `post_init`
        receiver listens, it is made as unpickling makes one (`__new__`, then its attributes):
        `__init__` would set each value through the field's descriptor, which for a long
        history's 70 episodes and consents cost about 0.6 ms of the access's 4."""
        model = self.model
        if signals.post_init.has_listeners(model):
            return model.from_db(DEFAULT_DB_ALIAS, self.attnames, values)
        return _bare(model, zip(self.attnames, values, strict=True), db=DEFAULT_DB_ALIAS)


def unsaved(model: type[M], **attributes) -> M:
    """A new, unsaved MODEL instance with ATTRIBUTES (attribute names: `user_id`, not `user`)
    and every other field None, made without `__init__` (see `Columns._instance`) unless a
    `post_init` receiver listens: for the 50 rows a list page logs."""
    if signals.post_init.has_listeners(model):
        return model(**attributes)
    return _bare(model, {**_nothing_set(model), **attributes}.items(), db=None)


@functools.cache
def _nothing_set(model: type[Model]) -> dict:
    """Each concrete field of MODEL, by attribute name, set to None (copied by `unsaved`)."""
    return dict.fromkeys(f.attname for f in model._meta.concrete_fields)


def _bare(model: type[M], attributes, *, db: str | None) -> M:
    instance = model.__new__(model)
    instance.__dict__.update(attributes)
    instance._state = ModelState()
    instance._state.adding = db is None
    instance._state.db = db
    return instance


def rows(sql: str, params) -> list[tuple]:
    """Every row of the SELECT SQL with PARAMS (Django's `%s` placeholders)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def marks(values) -> str:
    """One placeholder for each of VALUES, for `IN (...)`."""
    return ", ".join(["%s"] * len(values))


def set_related(instance, name: str, related) -> None:
    """INSTANCE's relation NAME (a foreign key, or a reverse one-to-one) holds RELATED, as
    select_related leaves it: reading it makes no query."""
    instance._meta.get_field(name).set_cached_value(instance, related)


def quote(name: str) -> str:
    """NAME quoted as the database quotes a table or column."""
    return connection.ops.quote_name(name)


# The organisations the person pages name (owners, disclosures, case-team members).
ORGANISATIONS = Columns(Organisation, "o")


# --- Reading a list's SQL -------------------------------------------------------------


def read_through(queryset, first) -> tuple[str, list]:
    """QUERYSET's SQL and parameters with its model's table read through FIRST, a queryset of
    that table's rows (its `values()` of the columns QUERYSET uses), which PostgreSQL then
    reads on its own, in FIRST's order, before the rest of QUERYSET is asked of each row.

    For a name search: FIRST is the matches in name order, and the policy is asked about them
    in that order only until the page is full, not about every match before sorting them
    (which is what the planner does with the match and the policy in one WHERE). `OFFSET 0`
    keeps PostgreSQL from merging the subquery back into the query.
    """
    sql, params = queryset.query.sql_with_params()
    return compiled_through(queryset.model, sql, list(params), first)


def compiled_through(model: type[Model], sql: str, params: list, first) -> tuple[str, list]:
    """`read_through` of a queryset of MODEL compiled once (SQL, PARAMS) and read through
    several FIRSTs: the policy's conditions cost more to build and compile than to run."""
    inner, inner_params = first.query.sql_with_params()
    table = quote(model._meta.db_table)
    source = f"FROM {table}"
    parts = sql.split(source)
    if len(parts) != 2 or parts[1][:1] not in ("", " ", ")"):
        raise ValueError(f"read_through: {source!r} is not read once, unaliased, in {sql!r}")
    if sql.replace("%%", "").count("%s") != len(params):
        raise ValueError("read_through: the SQL's placeholders are not its parameters")
    before = parts[0].replace("%%", "").count("%s")
    fence = " OFFSET 0" if connection.vendor == "postgresql" else ""
    return (
        f"{parts[0]}FROM ({inner}{fence}) {table}{parts[1]}",
        [*params[:before], *inner_params, *params[before:]],
    )


# The SQL `compiled_once` keeps, by key; emptied when it holds this many.
_COMPILED: dict[tuple, tuple[str, tuple]] = {}
COMPILED_MAX = 1000


def compiled_once(key: tuple, build) -> tuple[str, tuple]:
    """The SQL and parameters of the queryset BUILD() makes, built and compiled once per
    process and database for KEY: for the lists whose access rule costs more to build and
    compile than to run (the search, the caseload). KEY must name everything the SQL is made
    from (`policy.sql_key`, and the list's own arguments), so that a kept SQL is never stale."""
    key = (connection.alias, *key)
    found = _COMPILED.get(key)
    if found is None:
        if len(_COMPILED) >= COMPILED_MAX:
            _COMPILED.clear()
        found = _COMPILED[key] = build().query.sql_with_params()
    return found


class Sliced:
    """The rows of a SELECT (a queryset's `sql_with_params`, `read_through`) as MODEL
    instances, read a slice at a time: `rows[start:stop]` is one query with LIMIT and OFFSET.

    As `Manager.raw` makes them: a column named as one of the model's fields is that field
    (with its converters; the fields not selected are deferred), any other column an attribute
    of the instance. Each instance is made as `Columns` makes one, without `__init__`: through
    `Manager.raw`, 51 rows cost about 1 ms more.
    """

    def __init__(self, model: type[Model], sql: str, params: list):
        self.model, self.sql, self.params = model, sql, params

    def __getitem__(self, window: slice) -> list:
        start, stop = window.start or 0, window.stop
        sql, params = f"{self.sql} LIMIT %s OFFSET %s", [*self.params, stop - start, start]
        if signals.post_init.has_listeners(self.model):
            return list(self.model._default_manager.raw(sql, params))
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            names = tuple(column[0] for column in cursor.description)
            found = cursor.fetchall()
        layout = _layout(self.model, names, connection.vendor)
        return [self._instance(layout, row) for row in found]

    def _instance(self, layout, row) -> Model:
        model_fields, extra = layout
        db = connections[DEFAULT_DB_ALIAS]
        values = {}
        for i, attname, functions in model_fields:
            value = row[i]
            for function, col in functions:
                value = function(value, col, db)
            values[attname] = value
        instance = _bare(self.model, values.items(), db=DEFAULT_DB_ALIAS)
        for i, name in extra:
            setattr(instance, name, row[i])
        return instance


@functools.cache
def _layout(model: type[Model], names: tuple[str, ...], vendor: str):
    """Which of a result's columns NAMES are MODEL's fields (index, attname, converters) and
    which are attributes of their own (index, name); once per model, shape and database."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    model_fields, extra = [], []
    for i, name in enumerate(names):
        field = by_column.get(name)
        if field is None:
            extra.append((i, name))
            continue
        col = field.get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        model_fields.append((i, field.attname, [(function, col) for function in functions]))
    return model_fields, extra
