"""The read replica: where a county outgrows one database, the follow-up reads from a streaming
replica of it (`DATABASE_REPLICA_URL`, settings `HELHET_READ_REPLICA`).

Only the code inside `reading_from_replica()` reads there: the follow-up's figures on its pages
and the steering group's meeting page, and the exports' figures (`followup.tasks`). Everything
else stays on the primary: who may follow up a unit (`followup.access`, so that a role taken
away counts at once), person pages, the access log, sessions, every write (`db_for_write`), and
every read inside a transaction on the primary, which may have written what the replica has not
yet replayed. A replica lags behind by the time its replay takes; the follow-up's figures are a
period's aggregates and may be that much behind.

A replica that cannot be reached is left for the primary, with a warning in the log, when the
block begins (`reachable`), and then not tried again for `HELHET_REPLICA_RETRY_SECONDS`, so
that not every page waits for its connection timeout. A replica lost in the middle of a read
(`from_replica`) is marked so too, and the read is done again on the primary: the page shows
its figures, not an error.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

T = TypeVar("T")

# The replica's alias while the current block reads from it; None elsewhere.
_reading: ContextVar[str | None] = ContextVar("helhet_reading_from_replica", default=None)
# alias -> the time.monotonic() until which a replica found unreachable is not tried again
_down_until: dict[str, float] = {}


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Within the block, reads go to the read replica when one is configured and reachable and
    no transaction is open on the primary; otherwise, and always for writes, to the primary.
    Also a decorator."""
    alias = settings.HELHET_READ_REPLICA or None
    token = _reading.set(alias if alias and not _in_transaction() and reachable(alias) else None)
    try:
        yield
    finally:
        _reading.reset(token)


def from_replica(read: Callable[[], T]) -> T:
    """READ() inside `reading_from_replica`; when the replica is lost during it (a connection
    error, after which its connection no longer works), READ() again on the primary, with a
    warning, and the replica left alone for a while (`reachable`)."""
    with reading_from_replica():
        alias = _reading.get()
        try:
            return read()
        except (OperationalError, InterfaceError) as error:
            if alias is None:
                raise
            if _cancelled_by_recovery(error):
                # a standby cancels a long read whose rows its replay must remove: the replica
                # is up, the read is simply done again where nothing replays
                logger.warning("A read on the replica %r was cancelled by its replay", alias)
            elif connections[alias].is_usable():
                raise  # not the replica's: the primary's, or the query's own
            else:
                _mark_down(alias, "was lost during a read")
    return read()


def _cancelled_by_recovery(error: BaseException) -> bool:
    """Whether ERROR is a standby's "canceling statement due to conflict with recovery"
    (SQLSTATE 40001 on the replica: a serialization failure, which a read-only follow-up query
    meets only that way)."""
    cause = error.__cause__
    return getattr(cause, "sqlstate", None) == "40001"


def _in_transaction() -> bool:
    return connections[DEFAULT_DB_ALIAS].in_atomic_block


def reachable(alias: str) -> bool:
    """Whether the database ALIAS answers: its open connection still works, or a new one can be
    made. Not: logged as a warning, the connection closed, and not tried again for
    `HELHET_REPLICA_RETRY_SECONDS`."""
    if time.monotonic() < _down_until.get(alias, 0.0):
        return False
    connection = connections[alias]
    try:
        if connection.connection is not None and not connection.is_usable():
            connection.close()
        connection.ensure_connection()
    except DatabaseError:
        _mark_down(alias, "cannot be reached")
        return False
    _down_until.pop(alias, None)
    return True


def _mark_down(alias: str, what: str) -> None:
    retry = settings.HELHET_REPLICA_RETRY_SECONDS
    logger.warning(
        "The read replica %r %s: reading from the primary, and for the next %s seconds",
        alias,
        what,
        retry,
    )
    _down_until[alias] = time.monotonic() + retry
    with suppress(DatabaseError):
        connections[alias].close()


class ReplicaRouter:
    """Reads inside `reading_from_replica` to the replica, unless a transaction is open on the
    primary; everything else to the primary, which alone is migrated."""

    def db_for_read(self, model, **hints) -> str:
        alias = _reading.get()
        if alias and not _in_transaction():
            return alias
        # Explicitly: an instance read from the replica leads its related reads back here.
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT_DB_ALIAS
