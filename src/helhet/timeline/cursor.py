"""The keyset cursor of the timeline: where the next, older page begins.

Every item has the key (at, kind, pk); the timeline is sorted on it, newest first, so the key is
strict even when many items share a timestamp. The "older items" link carries the key of the
last item shown; the next page holds the items whose key is smaller. Each source asks its
database table for those rows with `older_sql` (no OFFSET, no COUNT), so a page costs the same
whatever page it is.

Items of a date without a time of day (an assessment, a referral, an episode opened, a SIP
meeting) stand at the last microsecond of their local day: newest first, each is shown at the
head of its day, above the items with a time of day that day and below the next day's.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
_TEXT = re.compile(r"^(-?\d{1,20})-([a-z_]{1,30})-(\d{1,20})$")


def day_end(day: datetime.date) -> datetime.datetime:
    """The last microsecond of DAY (local time), where an item of a date stands in the
    timeline."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@dataclass(frozen=True, order=True)
class Cursor:
    """The key of the last item shown: the next page starts below it."""

    at: datetime.datetime
    kind: str
    pk: int

    def __str__(self) -> str:
        return f"{(self.at - EPOCH) // MICROSECOND}-{self.kind}-{self.pk}"

    @classmethod
    def parse(cls, text: str, kinds) -> Cursor | None:
        """The cursor written as TEXT by `str`, or None when it is not one (of KINDS)."""
        found = _TEXT.match(text or "")
        if found is None or found[2] not in kinds:
            return None
        try:
            at = EPOCH + int(found[1]) * MICROSECOND
        except OverflowError:
            return None
        if not 1900 <= at.year <= 2200:  # far from any record, and from the calendar's ends
            return None
        return cls(at, found[2], int(found[3]))


# The conditions as SQL, for the sources' plain SELECTs (`sources.py`): (condition, params)
# over COLUMN (the time or date) and PK (the id), both quoted names. An item of KIND is older
# than the cursor when its time is earlier, or the same and (KIND, pk) is smaller; an item of a
# date stands at the end of its local day.


def _adapt(value, dated: bool):
    ops = connection.ops
    return ops.adapt_datefield_value(value) if dated else ops.adapt_datetimefield_value(value)


def older_sql(cursor: Cursor, column: str, pk: str, kind: str, *, dated: bool) -> tuple[str, list]:
    """Rows of KIND whose (COLUMN, KIND, PK) key is older than CURSOR's."""
    at: datetime.date = cursor.at
    if dated:
        day = timezone.localdate(cursor.at)
        if cursor.at != day_end(day):
            # a cursor earlier in DAY: the items of DAY's date stand after it, so are newer
            return f"{column} < %s", [_adapt(day, True)]
        at = day
    value = _adapt(at, dated)
    if kind < cursor.kind:
        return f"{column} <= %s", [value]
    if kind > cursor.kind:
        return f"{column} < %s", [value]
    return f"({column} < %s OR ({column} = %s AND {pk} < %s))", [value, value, cursor.pk]


def between_sql(
    cursor: Cursor | None, floor: Cursor | None, column: str, pk: str, kind: str, *, dated: bool
) -> tuple[list[str], list]:
    """Rows of KIND older than CURSOR and newer than FLOOR (either may be None): the conditions
    (to be joined with AND) and their params. Newer than FLOOR: neither older nor FLOOR's own
    row."""
    conditions, params = [], []
    if cursor is not None:
        sql, values = older_sql(cursor, column, pk, kind, dated=dated)
        conditions.append(sql)
        params += values
    if floor is not None:
        sql, values = older_sql(floor, column, pk, kind, dated=dated)
        conditions.append(f"NOT {sql}" if sql.startswith("(") else f"NOT ({sql})")
        params += values
        if kind == floor.kind:
            conditions.append(f"{pk} <> %s")
            params.append(floor.pk)
    return conditions, params
