"""The access log: one row for every read and write of person data, sealed in a hash chain.

Each row carries an HMAC over its own fields and the seal of the row before it, so that an
edited, deleted or out-of-order row breaks the chain. Rows get consecutive ids while the single
LogChainHead row is locked, which also serialises writers and anchors the newest seal (so that
deleting the last rows is seen too). `helhet verify-log` walks the chain.
"""

import datetime
import functools
import hashlib
import hmac
import itertools
import json
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import cast

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, connections, transaction
from django.db.models import Field, Max, Min, Model
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from helhet.core import raw
from helhet.core.models import Unit, User

from . import checkpoints, policy
from .models import (
    AccessLogEntry,
    AccessLogListedPerson,
    Basis,
    Consent,
    Listed,
    LogChainHead,
    parse_listed,
)

GENESIS = "0" * 64
# One SQL statement and its parameters.
Statement = tuple[str, list]
SEALED_FIELDS = (
    "id",
    "at",
    "user_id",
    "organisation_id",
    "unit_id",
    "person_id",
    "action",
    "what",
    "basis",
    "consent_id",
    "request_id",
    "emergency",
    "protected_identity",
    "without_relationship",
)
# Fields added to the log after rows were first sealed: each is sealed only where it is set
# (not its default), so that the rows sealed before it verify unchanged, and setting or
# clearing it on any row breaks that row's seal.
SEALED_IF_SET = ("earlier_records", "listed")


def sealed_columns() -> tuple[str, ...]:
    """The fields a row's seal covers, in the order `seal_values` takes them."""
    return (*SEALED_FIELDS, *SEALED_IF_SET)


def seal(entry: AccessLogEntry, previous_hash: str, mac: hmac.HMAC | None = None) -> str:
    """The HMAC of ENTRY's fields and the previous row's seal (MAC: `log_mac()`, for a batch)."""
    return seal_values([getattr(entry, name) for name in sealed_columns()], previous_hash, mac)


def seal_values(values: Sequence, previous_hash: str, mac: hmac.HMAC | None = None) -> str:
    """The seal of a row whose `sealed_columns()` hold VALUES: the one rule, for the rows
    written (`seal`) and for the rows read back in bulk (`verify`, which passes `log_mac()`
    made once). A field of SEALED_IF_SET is sealed only where it is set."""
    fields = len(SEALED_FIELDS)
    sealed = list(values[:fields])
    sealed[1] = sealed[1].astimezone(UTC).isoformat()
    sealed += [
        [name, value] for name, value in zip(SEALED_IF_SET, values[fields:], strict=True) if value
    ]
    # The JSON of `json.dumps(..., separators=(",", ":"), ensure_ascii=False)` as UTF-8, which
    # sealed the first rows: orjson writes the same bytes (tests/access/test_log_verify_ranges),
    # 15 times as fast, and verifying millions of rows is mostly this.
    seal = (mac or log_mac()).copy()
    seal.update(orjson.dumps([previous_hash, sealed]))
    return seal.hexdigest()


def log_mac() -> hmac.HMAC:
    """HMAC-SHA256 with the log key, over nothing yet: each seal copies it (the key's
    preparation done once)."""
    return hmac.new(log_key(), digestmod=hashlib.sha256)


def log_key() -> bytes:
    """The key that seals the log (and its checkpoints)."""
    return settings.HELHET_LOG_CHAIN_KEY.encode()


def append(
    entries: Iterable[AccessLogEntry],
    *,
    also: Callable[[list[AccessLogEntry]], Statement] | None = None,
) -> list[AccessLogEntry]:
    """Seal ENTRIES in order and add them to the end of the chain, atomically; when the head
    is due a checkpoint, write one outside the database once the transaction commits (a row
    rolled back is never checkpointed). ALSO, when given, makes a statement of the sealed
    entries (their ids known) that is written with them (a list's index by person): on
    PostgreSQL in the same statement."""
    entries = list(entries)
    if not entries:
        return entries
    with transaction.atomic():
        head = _locked_head()
        now = timezone.now()
        previous_hash, next_id = head.last_hash, head.last_entry_id + 1
        mac = log_mac()
        for entry in entries:
            entry.id, entry.at = next_id, entry.at or now
            entry.previous_hash = previous_hash
            entry.hash = previous_hash = seal(entry, previous_hash, mac)
            next_id += 1
        count = head.entries + len(entries)
        due = checkpoints.due(head.entries, count, head.checkpointed_at, now)
        checkpointed_at = now if due else head.checkpointed_at
        _insert_and_move_head(
            entries,
            head.pk,
            next_id - 1,
            previous_hash,
            count,
            checkpointed_at,
            also=also(entries) if also else None,
        )
        if due:
            last_id, last_hash = next_id - 1, previous_hash
            transaction.on_commit(lambda: checkpoints.write(last_id, last_hash, count))
    return entries


# The columns written, in order: the sealed fields, then the two hashes.
_COLUMNS = (*SEALED_FIELDS, *SEALED_IF_SET, "previous_hash", "hash")


def _insert_and_move_head(
    entries: list[AccessLogEntry],
    pk: int,
    last_entry_id: int,
    last_hash: str,
    count: int,
    checkpointed_at: datetime.datetime | None,
    *,
    also: Statement | None = None,
) -> None:
    """INSERT the sealed ENTRIES with the values read from the entries exactly as sealed (on a
    50-row page `bulk_create`'s per-field preparation costs more than the insert itself), then
    move the chain head.

    On PostgreSQL one statement does both: the rows go as one array a column (`unnest`), and
    the head moves in a data-modifying WITH. A VALUES list of 50 rows is 800 parameters, which
    psycopg parses and quotes afresh on every request (its cache takes 50 at most): 4 ms
    against 2. Elsewhere (SQLite) plain multi-row INSERTs, then the UPDATE. ALSO (a
    data-modifying statement) joins them: on PostgreSQL as one more WITH, so that a list's row
    and its index are one round trip.
    """
    move_sql, move_params = _move_head_sql(pk, last_entry_id, last_hash, count, checkpointed_at)
    if connection.vendor == "postgresql":
        columns = [[getattr(entry, name) for entry in entries] for name in _COLUMNS]
        also_sql, also_params = (f", also AS ({also[0]})", also[1]) if also else ("", [])
        statements = [
            (
                f"WITH inserted AS ({_unnest_insert_sql()}){also_sql} {move_sql}",
                [*columns, *also_params, *move_params],
            )
        ]
    else:
        statements = [*_insert_statements(entries), *([also] if also else [])]
        statements.append((move_sql, move_params))
    for entry in entries:
        entry._state.adding, entry._state.db = False, connection.alias  # as bulk_create does
    with _log_cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def _log_cursor():
    """A cursor for the log's INSERT. On PostgreSQL one that binds its parameters on the server
    (Django's quotes them into the SQL text in Python: for a list's 50 rows, about 20 arrays
    quoted element by element, 1.2 ms of the page), wrapped as Django wraps its own, so that
    the statement is counted and logged like any other."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    return connection._prepare_cursor(psycopg.Cursor(connection.connection))  # type: ignore[attr-defined]


def _field(name: str) -> Field:
    """The log row's concrete field NAME."""
    return cast(Field, AccessLogEntry._meta.get_field(name))


def _column(name: str) -> str:
    """The column of the log row's field NAME (a concrete field's column is always set)."""
    return cast(str, _field(name).column)


@functools.cache
def _unnest_insert_sql(model: type[Model] = AccessLogEntry, names: tuple = _COLUMNS) -> str:
    """INSERT ... SELECT from one array parameter a column, each cast to its column's type."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [cast(Field, meta.get_field(name)) for name in names]
    columns = ", ".join(quote(cast(str, field.column)) for field in fields)
    arrays = ", ".join(f"%b::{field.db_type(connection)}[]" for field in fields)
    return f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT * FROM unnest({arrays})"


def _insert_statements(entries: list[AccessLogEntry], *, batch: int = 500) -> list:
    meta, quote = AccessLogEntry._meta, connection.ops.quote_name
    columns = ", ".join(quote(_column(name)) for name in _COLUMNS)
    row_sql = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    adapt_at = connection.ops.adapt_datetimefield_value
    statements = []
    for start in range(0, len(entries), batch):
        chunk, params = entries[start : start + batch], []
        for entry in chunk:
            row = [getattr(entry, name) for name in _COLUMNS]
            row[1] = adapt_at(entry.at)
            params.extend(row)
        values = ", ".join([row_sql] * len(chunk))
        statements.append(
            (f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {values}", params)
        )
    return statements


# The chain head is read (locked) and moved on every logged request: in plain SQL, the same
# statements the ORM would send, without building a queryset each time (about 0.4 ms a request).
_HEAD = LogChainHead._meta.db_table


def _locked_head() -> LogChainHead:
    """The chain head, locked (SELECT ... FOR UPDATE where the database has it) until commit."""
    quote = connection.ops.quote_name
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    columns = ("last_entry_id", "last_hash", "entries", "checkpointed_at")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(name) for name in columns)} "
            f"FROM {quote(_HEAD)} WHERE {quote('id')} = %s{lock}",
            [1],
        )
        row = cursor.fetchone()
    if row is None:  # a database flushed by tests, or created without migrations' data
        head, _created = LogChainHead.objects.get_or_create(
            pk=1, defaults={"last_hash": GENESIS, "last_entry_id": 0, "entries": 0}
        )
        return head
    checkpointed_at = row[3]
    if isinstance(checkpointed_at, str):  # SQLite: text (or a naive value), in UTC
        checkpointed_at = parse_datetime(checkpointed_at)
    if checkpointed_at is not None and timezone.is_naive(checkpointed_at):
        checkpointed_at = checkpointed_at.replace(tzinfo=datetime.UTC)
    return LogChainHead(
        pk=1,
        last_entry_id=row[0],
        last_hash=row[1],
        entries=row[2],
        checkpointed_at=checkpointed_at,
    )


def _move_head_sql(
    pk: int, last_entry_id: int, last_hash: str, entries: int, checkpointed_at
) -> tuple:
    quote = connection.ops.quote_name
    return (
        f"UPDATE {quote(_HEAD)} SET {quote('last_entry_id')} = %s, {quote('last_hash')} = %s,"
        f" {quote('entries')} = %s, {quote('checkpointed_at')} = %s WHERE {quote('id')} = %s",
        [
            last_entry_id,
            last_hash,
            entries,
            connection.ops.adapt_datetimefield_value(checkpointed_at),
            pk,
        ],
    )


@dataclass(frozen=True)
class Problem:
    entry_id: int | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.entry_id}" if self.entry_id is not None else "end of log"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Verification:
    """What `verify_log` found: the rows walked, the first problem (None: intact), and the
    checkpoint the database was checked against (None: none was found)."""

    rows: int
    problem: Problem | None
    checkpoint: checkpoints.Checkpoint | None = None


def verify(**options) -> Problem | None:
    """Walk the whole chain; return the first problem found, or None when it is intact."""
    return verify_log(**options).problem


def verify_log(
    *,
    processes: int = 1,
    segments: int | None = None,
    chunk_size: int = 20_000,
    checkpoint: checkpoints.Checkpoint | None = None,
) -> Verification:
    """Walk the whole chain, then check its end against the head row and CHECKPOINT.

    The rows are read in SEGMENTS consecutive id ranges (default: one a process), each walked
    on its own (each row carries the seal of the row before it), in PROCESSES forked processes
    when more than one; then each range's first row is checked against the previous range's
    last, in id order, so the problem named is the first one, as a single walk finds it.
    """
    bounds = AccessLogEntry.objects.aggregate(first=Min("id"), last=Max("id"))
    ranges = _ranges(bounds["first"], bounds["last"], segments or processes)
    chain = _Chain()
    for segment in _walk_ranges(ranges, processes, chunk_size):
        if problem := chain.add(segment):
            return Verification(chain.rows, problem, checkpoint)
    # Rows appended while the ranges were read move the head past them: walk those too.
    head = LogChainHead.objects.filter(pk=1).first()
    while head is not None and head.last_entry_id > chain.last_id:
        segment = _walk(chain.last_id + 1, None, chunk_size)
        if segment.first_id is None:
            break
        if problem := chain.add(segment):
            return Verification(chain.rows, problem, checkpoint)
        head = LogChainHead.objects.filter(pk=1).first()
    problem = _end_problem(chain, head) or _checkpoint_problem(chain, checkpoint)
    return Verification(chain.rows, problem, checkpoint)


@dataclass(frozen=True)
class _Segment:
    """What walking the rows of one id range found (first_id None: no rows there)."""

    first_id: int | None = None
    first_previous_hash: str = ""
    last_id: int = 0
    last_hash: str = ""
    rows: int = 0
    problem: Problem | None = None


class _Chain:
    """The segments joined in id order: each must start where the one before it ended."""

    def __init__(self) -> None:
        self.last_id, self.last_hash, self.rows = 0, GENESIS, 0

    def add(self, segment: _Segment) -> Problem | None:
        if segment.first_id is None:
            return None
        expected_id = self.last_id + 1
        if segment.first_id != expected_id or segment.first_previous_hash != self.last_hash:
            return Problem(segment.first_id, _order_message(segment.first_id, expected_id))
        if segment.problem:
            return segment.problem
        self.last_id, self.last_hash = segment.last_id, segment.last_hash
        self.rows += segment.rows
        return None


def _ranges(first: int | None, last: int | None, parts: int) -> list[tuple[int, int | None]]:
    """PARTS consecutive id ranges covering FIRST..LAST; the last one open-ended."""
    if first is None or last is None:
        return []
    size = max(1, -(-(last - first + 1) // max(1, parts)))
    starts = list(range(first, last + 1, size))
    return [(lo, hi - 1) for lo, hi in itertools.pairwise(starts)] + [(starts[-1], None)]


def _walk_ranges(ranges, processes: int, chunk_size: int) -> list[_Segment]:
    # Inside a transaction (a test's) other connections would not see its rows: walk here.
    if processes <= 1 or len(ranges) <= 1 or connection.in_atomic_block:
        return [_walk(lo, hi, chunk_size) for lo, hi in ranges]
    # Each process opens its own connection: none may be shared across the fork.
    connections.close_all()
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return pool.starmap(_walk_in_child, [(lo, hi, chunk_size) for lo, hi in ranges])


def _walk_in_child(lo: int, hi: int | None, chunk_size: int) -> _Segment:
    try:
        return _walk(lo, hi, chunk_size)
    finally:
        connections.close_all()


def _walk(lo: int, hi: int | None, chunk_size: int) -> _Segment:
    """Walk the rows LO..HI (HI None: to the end) in id order, CHUNK_SIZE rows a query, as
    plain tuples. Every row's seal is checked with the seal it names of the row before it; from
    the second row on, that must be the seal of the row before it here."""
    mac, fields = log_mac(), len(sealed_columns())
    rows = AccessLogEntry.objects.order_by("id").values_list(
        *sealed_columns(), "previous_hash", "hash"
    )
    if hi is not None:
        rows = rows.filter(id__lte=hi)
    first: tuple[int, str] | None = None
    previous_hash, expected_id, count, start = "", lo, 0, lo
    while chunk := list(rows.filter(id__gte=start)[:chunk_size]):
        for row in chunk:
            entry_id, values, row_previous = row[0], row[:fields], row[fields]
            if first is None:
                first = (entry_id, row_previous)
            elif entry_id != expected_id or row_previous != previous_hash:
                problem = Problem(entry_id, _order_message(entry_id, expected_id))
                return _Segment(*first, expected_id - 1, previous_hash, count, problem)
            if seal_values(values, row_previous, mac) != row[fields + 1]:
                problem = Problem(
                    entry_id, "its content does not match its seal: the row was edited"
                )
                return _Segment(*first, expected_id - 1, previous_hash, count, problem)
            previous_hash, expected_id, count = row[fields + 1], entry_id + 1, count + 1
        start = chunk[-1][0] + 1
    if first is None:
        return _Segment()
    return _Segment(*first, expected_id - 1, previous_hash, count)


def _end_problem(chain: _Chain, head: LogChainHead | None) -> Problem | None:
    """The head row must name the last row and its seal (deleting the last rows is seen)."""
    if head is None:
        return None if chain.rows == 0 else Problem(None, "the anchor row of the chain is missing")
    if head.last_entry_id != chain.last_id or head.last_hash != chain.last_hash:
        if head.last_entry_id > chain.last_id:
            return Problem(None, f"rows {chain.last_id + 1}–{head.last_entry_id} were deleted")
        return Problem(None, "the anchor does not match the last row: rows were changed")
    return None


def _checkpoint_problem(chain: _Chain, checkpoint: checkpoints.Checkpoint | None) -> Problem | None:
    """The row CHECKPOINT names must be in the chain with the seal it names (a cut tail with
    the head rewound to the rows left is seen)."""
    if checkpoint is None:
        return None
    written = checkpoint.written_label()
    if checkpoint.entry_id > chain.last_id:
        return Problem(
            None,
            f"rows after {chain.last_id} were deleted: the checkpoint of {written} names row"
            f" {checkpoint.entry_id} (if this database was restored from a backup taken before"
            " then, verify it with --until <the backup's time>)",
        )
    sealed = AccessLogEntry.objects.filter(pk=checkpoint.entry_id).values_list("hash", flat=True)
    if list(sealed) != [checkpoint.hash]:
        return Problem(
            checkpoint.entry_id,
            f"its seal is not the one the checkpoint of {written} names: the log was rewritten"
            " up to here",
        )
    return None


def _order_message(entry_id: int, expected_id: int) -> str:
    if entry_id > expected_id:
        return f"rows {expected_id}–{entry_id - 1} before it were deleted"
    return "it does not follow the row before it: it was inserted out of order or altered"


def verify_listed(*, chunk_size: int = 5000) -> Problem | None:
    """Check the lists' index against their sealed rows (`verify` checks the rows): the first
    list row whose index names other persons or bases than it, or an index row of no list."""
    sealed = (
        (entry_id, {(*item, item.emergency) for item in parse_listed(listed)})
        for entry_id, listed in AccessLogEntry.objects.exclude(listed="")
        .order_by("id")
        .values_list("id", "listed")
        .iterator(chunk_size=chunk_size)
    )
    index_rows = (
        AccessLogListedPerson.objects.order_by("entry_id", "person_id")
        .values_list(
            "entry_id", "person_id", "basis", "consent_id", "protected_identity", "emergency"
        )
        .iterator(chunk_size=chunk_size)
    )
    indexed = (
        (entry_id, {tuple(row[1:]) for row in rows})
        for entry_id, rows in itertools.groupby(index_rows, key=lambda row: row[0])
    )
    for entry_id, in_row, in_index in _merge(sealed, indexed):
        if in_row != in_index:
            return Problem(entry_id, "the index of the persons it lists does not match its list")
    return None


def _merge(left: Iterator, right: Iterator) -> Iterator[tuple[int, set, set]]:
    """(id, left's set, right's set) for every id in either of two iterators of (id, set)
    in ascending order of id (an empty set where one has none)."""
    a, b = next(left, None), next(right, None)
    while a is not None or b is not None:
        if b is None or (a is not None and a[0] < b[0]):
            yield a[0], a[1], set()  # type: ignore[index]
            a = next(left, None)
        elif a is None or b[0] < a[0]:
            yield b[0], set(), b[1]
            b = next(right, None)
        else:
            yield a[0], a[1], b[1]
            a, b = next(left, None), next(right, None)


@dataclass(frozen=True)
class Actor:
    """Who acts, from which unit, in which request: what every log row and action needs."""

    user: User
    unit: Unit | None = None
    request_id: str = ""

    @classmethod
    def from_request(cls, request) -> "Actor":
        return cls(request.user, getattr(request, "unit", None), getattr(request, "request_id", ""))

    @property
    def organisation_id(self) -> int:
        """The organisation that owns what the actor writes. Staff always have one; an
        administrator has none, and so no membership and no access to act on a person."""
        if self.user.organisation_id is None:
            raise PermissionDenied("A user without an organisation does not act on person data.")
        return self.user.organisation_id

    @property
    def active_unit(self) -> Unit:
        """The unit the actor works at, for a write that needs one."""
        if self.unit is None:
            raise PermissionDenied("This needs an active unit.")
        return self.unit


def entry_for(
    actor: Actor,
    *,
    person,
    action: str,
    what: str,
    basis: str = Basis.OWN_ORGANISATION,
    consent=None,
    emergency: bool = False,
    without_relationship: bool = False,
    earlier_records: bool = False,
    organisation_id: int | None = None,
    listed: list[Listed] | None = None,
) -> AccessLogEntry:
    """An unsaved log row for ACTOR acting on PERSON; pass it to `append`.

    The row's organisation is the actor's, unless ORGANISATION_ID names another (a security
    event names the organisation whose access changed). A list's row names no PERSON but the
    LISTED persons; it is flagged for protected identity when any of them is.
    """
    user, unit = actor.user, actor.unit
    return raw.unsaved(
        AccessLogEntry,
        at=None,
        user_id=user.pk,
        organisation_id=organisation_id or user.organisation_id,
        unit_id=unit.pk if unit else None,
        person_id=person.pk if person else None,
        action=action,
        what=what[:300],
        basis=basis,
        consent_id=consent.pk if consent else None,
        request_id=actor.request_id,
        emergency=emergency,
        protected_identity=bool(person and person.protected_identity)
        or any(item.protected_identity for item in listed or ()),
        without_relationship=without_relationship,
        earlier_records=earlier_records,
        listed=json.dumps(listed, separators=(",", ":")) if listed else "",
    )


def record_access(actor: Actor, access, *, action: str, what: str) -> AccessLogEntry:
    """Log one read or write of ACCESS.person by ACTOR, with the basis the policy found.

    Call it after the records shown have been filtered through ACCESS (so disclosures are
    known), in the same transaction as any write. A whole page's read first reads what every
    person page shows (`policy.PAGE_READS`: the person header).
    """
    if action == "read" and access.full_page:
        for page_read in policy.PAGE_READS:
            page_read(access)
    grant = access.log_basis
    entry = entry_for(
        actor,
        person=access.person,
        action=action,
        what=what,
        basis=grant.basis,
        consent=grant.consent,
        emergency=grant.basis == Basis.EMERGENCY,
        without_relationship=not access.relationship_units and not access.closed_units,
        earlier_records=access.earlier_records,
    )
    return append([entry])[0]


def record_listing(actor: Actor, persons, *, action: str, what: str) -> AccessLogEntry | None:
    """Log a list (caseload, search results, ...) as one sealed row naming every person shown.

    Persons in lists come from `policy.visible_persons` and carry the `list_basis` the selector
    found (own organisation when absent). A person seen only under a coordination consent is a
    disclosure: the list names that consent with the person, as `record_access` does (the list's
    `list_consent_id` when it carries one). A person seen only by emergency access is named so,
    and the row is flagged as emergency, without relationship. The row names no person itself
    (`AccessLogEntry.listed`); `AccessLogListedPerson` indexes it by person, in the same
    transaction. A fixed number of queries; an empty list logs nothing.
    """
    persons = list({p.pk: p for p in persons}.values())  # each once, in the order shown
    if not persons:
        return None
    bases = {p.pk: getattr(p, "list_basis", Basis.OWN_ORGANISATION) for p in persons}
    # A list may carry each consent-basis person's consent (`list_consent_id`, the caseload
    # does); the others' are found in one query.
    consents = {
        p.pk: p.list_consent_id
        for p in persons
        if bases[p.pk] == Basis.CONSENT and getattr(p, "list_consent_id", None)
    }
    found = _listing_consents(
        actor, [pk for pk, b in bases.items() if b == Basis.CONSENT and pk not in consents]
    )
    consents |= {pk: consent.pk for pk, consent in found.items()}
    listed = [
        Listed(p.pk, bases[p.pk], consents.get(p.pk), bool(p.protected_identity)) for p in persons
    ]
    emergency = any(item.emergency for item in listed)
    entry = entry_for(
        actor,
        person=None,
        action=action,
        what=what,
        basis=Basis.NONE,
        emergency=emergency,
        without_relationship=emergency,
        listed=listed,
    )
    append([entry], also=lambda _rows: index_listed(entry, listed))
    return entry


def index_listed(entry: AccessLogEntry, listed: list[Listed]) -> Statement:
    """The INSERT that indexes the sealed list's row ENTRY by the LISTED persons it names (for
    `append`'s ALSO): on PostgreSQL one array a column, as the rows go; elsewhere VALUES."""
    rows = [
        (entry.pk, i.person_id, i.basis, i.consent_id, i.emergency, i.protected_identity)
        for i in listed
    ]
    if connection.vendor == "postgresql":
        columns = [list(column) for column in zip(*rows, strict=True)]
        return _unnest_insert_sql(AccessLogListedPerson, _INDEX_COLUMNS), columns
    quote = connection.ops.quote_name
    names = ", ".join(quote(name) for name in _INDEX_COLUMNS)
    values = ", ".join(["(" + ", ".join(["%s"] * len(_INDEX_COLUMNS)) + ")"] * len(rows))
    table = quote(AccessLogListedPerson._meta.db_table)
    return f"INSERT INTO {table} ({names}) VALUES {values}", [v for row in rows for v in row]


_INDEX_COLUMNS = ("entry_id", "person_id", "basis", "consent_id", "emergency", "protected_identity")


def _listing_consents(actor: Actor, person_ids: list[int]) -> dict[int, Consent]:
    """The coordination consent each person is listed under, in one query.

    The consent in force at a unit where the person's open episode, owned by another
    organisation, gives ACTOR a relationship (the policy's test); the actor's unit first, then
    the newest, as `PersonAccess.coordination_consent` picks it.
    """
    if not person_ids:
        return {}
    here = actor.unit.pk if actor.unit else None
    consents = (
        policy.listing_consents(actor.user, unit_id=here, on=timezone.localdate())
        .filter(person_id__in=person_ids)
        .only("pk", "person_id")
    )
    chosen: dict[int, Consent] = {}
    for consent in consents:
        chosen.setdefault(consent.person_id, consent)
    return chosen
