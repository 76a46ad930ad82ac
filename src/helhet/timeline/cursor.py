"""The keyset cursor of the timeline: where the next, older page begins.

Every item has the key (at, kind, pk); the timeline is sorted on it, newest first, so the key is
strict even when many items share a timestamp. The "older items" link carries the key of the
last item shown; the next page holds the items whose key is smaller. Each source asks its
database table for those rows with `older_q` (no OFFSET, no COUNT), so a page costs the same
whatever page it is.

Items of a date (an assessment, a referral, an episode opened) stand at local midnight of their
day: on the day they sort after the items with a time of day.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
_TEXT = re.compile(r"^(-?\d{1,20})-([a-z_]{1,30})-(\d{1,20})$")


def day_start(day: datetime.date) -> datetime.datetime:
    """Local midnight of DAY, where an item of a date stands in the timeline."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


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

    def older_q(self, field: str, kind: str) -> Q:
        """Rows of KIND whose (FIELD, KIND, pk) key is older than this cursor's."""
        if kind < self.kind:
            return Q(**{f"{field}__lte": self.at})
        if kind > self.kind:
            return Q(**{f"{field}__lt": self.at})
        return Q(**{f"{field}__lt": self.at}) | Q(**{field: self.at, "pk__lt": self.pk})

    def older_dated_q(self, field: str, kind: str) -> Q:
        """The same for a date FIELD, whose rows stand at local midnight of their day."""
        day = timezone.localdate(self.at)
        if self.at != day_start(day):
            return Q(**{f"{field}__lte": day})
        if kind < self.kind:
            return Q(**{f"{field}__lte": day})
        if kind > self.kind:
            return Q(**{f"{field}__lt": day})
        return Q(**{f"{field}__lt": day}) | Q(**{field: day, "pk__lt": self.pk})


def older_q(cursor: Cursor | None, field: str, kind: str, *, dated: bool = False) -> Q:
    """`Cursor.older_q` (or `older_dated_q`), and every row when there is no cursor."""
    if cursor is None:
        return Q()
    return cursor.older_dated_q(field, kind) if dated else cursor.older_q(field, kind)


def newer_q(floor: Cursor | None, field: str, kind: str, *, dated: bool = False) -> Q:
    """Rows of KIND whose key is newer than FLOOR's (neither older nor FLOOR's own row), and
    every row when there is no floor."""
    if floor is None:
        return Q()
    newer = ~older_q(floor, field, kind, dated=dated)
    return newer & ~Q(pk=floor.pk) if kind == floor.kind else newer


def between_q(
    cursor: Cursor | None, floor: Cursor | None, field: str, kind: str, *, dated: bool = False
) -> Q:
    """Rows of KIND older than CURSOR and newer than FLOOR (either may be None)."""
    return older_q(cursor, field, kind, dated=dated) & newer_q(floor, field, kind, dated=dated)
