"""PostgreSQL connections read `timestamptz` values with psycopg's C loader.

Django registers its own loader for them on each connection (a subclass of psycopg's
pure-Python loader, to give the values the connection's time zone); it parses each value in
Python, about 7 µs a value, and a long history's person page reads a hundred or more. The
loader registered here gives the same values (aware, in Django's connection time zone) from
psycopg's C loader, when psycopg has one. It keeps Django's `timezone` attribute, which
Django compares on each new cursor before registering its loader again.
"""

from __future__ import annotations

from typing import cast

import psycopg
from psycopg.adapt import Loader
from psycopg.pq import Format

_TIMESTAMPTZ = psycopg.postgres.types["timestamptz"].oid
# psycopg's own loader: the C one where psycopg has its C extension, else the Python one.
# psycopg always registers one for timestamptz (get_loader's type allows None).
_PSYCOPG_LOADER = cast(type[Loader], psycopg.adapters.get_loader(_TIMESTAMPTZ, Format.TEXT))


class _TimestamptzLoader(Loader):
    timezone = None  # set per connection, as Django's loader has it

    def __init__(self, oid, context=None):
        super().__init__(oid, context)
        self._parse = _PSYCOPG_LOADER(oid, context).load

    def load(self, data):
        return self._parse(data).astimezone(self.timezone)


def use_c_timestamptz_loader(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the C loader for CONNECTION's timestamptz values."""
    if connection.vendor != "postgresql" or connection.timezone is None:
        return
    loader = type("TimestamptzLoader", (_TimestamptzLoader,), {"timezone": connection.timezone})
    connection.connection.adapters.register_loader(_TIMESTAMPTZ, loader)
