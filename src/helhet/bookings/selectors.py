"""Reads of the calendar: a person's bookings, a day or week of a staff member or a unit,
today's bookings for the start page, a group session's participants.

A list of bookings names a person only when the viewer may see them at the booking's unit
(`policy.visible_persons`, one query however many bookings); the others show as "Booked",
without a name. The persons named are what the view logs (`record_listing`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from helhet.access import listing, policy
from helhet.access.contact_details import may_see_contact_details, roles_of
from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.contacts.models import Contact
from helhet.core import raw
from helhet.core.models import Unit, User
from helhet.core.rows import minute
from helhet.core.selectors import (
    ListPage,
    labels,
    list_page,
    pair_url_maker,
    staff_names,
    url_maker,
)
from helhet.people.models import LISTED_FIELDS, Person

from .models import Booking, GroupSession

ENROLMENT = RecordCategory.ENROLMENT


def with_staff(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """BOOKINGS with their unit and staff loaded once (two queries however many)."""
    return bookings.select_related("unit").prefetch_related(
        Prefetch("staff", queryset=User.objects.order_by("last_name", "first_name"))
    )


def booking_place(
    booking: Booking | CalendarBooking, person: Person | None, *, roles: Mapping[int, str]
) -> str:
    """THE rule for showing a booking's place, which may be a home address or a telephone
    number: only where PERSON (the booking's person, None when not named to the viewer) is
    named, and for a protected identity only to the roles that see protected contact details
    (ROLES: the viewer's role per unit; empty outside Helhet, as in a calendar feed)."""
    if person is None or not may_see_contact_details(
        protected=person.protected_identity, roles=roles, units=[booking.unit_id]
    ):
        return ""
    return booking.place


# --- One person ---------------------------------------------------------------------------


@dataclass
class PersonBookings:
    upcoming: list[Booking]  # soonest first, all of them
    earlier: ListPage  # a page of them, newest first


def person_bookings(access: PersonAccess, *, now: datetime.datetime, number) -> PersonBookings:
    """The person's bookings the user may read (the unit's shared layer, as the enrolment: at
    a unit where the user has a relationship, or their organisation's): those still to come,
    and page NUMBER of the earlier ones.

    Each booking's owner and unit are read first and judged by the policy (`grant_for`); only
    those shown are loaded, with their staff, and passed through `readable` for the log row:
    a person with a thousand bookings is not loaded a thousand times over."""
    judged = Booking.objects.filter(person=access.person).order_by("starts_at", "pk")
    readable = [
        (pk, ends_at)
        for pk, owner_id, unit_id, ends_at in judged.values_list(
            "pk", "organisation_id", "unit_id", "ends_at"
        )
        if access.grant_for(owner_id=owner_id, category=ENROLMENT, unit_id=unit_id)
    ]
    upcoming = [pk for pk, ends_at in readable if ends_at >= now]
    earlier = list_page(
        [pk for pk, ends_at in reversed(readable) if ends_at < now],
        number,
        size=settings.HELHET_RECORD_PAGE_SIZE,
    )
    shown = (
        Booking.objects.filter(pk__in=[*upcoming, *earlier.object_list])
        .select_related("unit", "rebooked_from", "group_session")
        .in_bulk()
    )
    _mark_rows(list(shown.values()))
    earlier.object_list = _readable(access, [shown[pk] for pk in earlier.object_list])
    return PersonBookings(_readable(access, [shown[pk] for pk in upcoming]), earlier)


def _mark_rows(bookings: list[Booking]) -> None:
    """What each of BOOKINGS shows in the person's list, made once per page rather than by
    tags on each row (as `entries` does for the calendar): staff, kind, length, status and,
    while booked, the links to act on it."""
    staff = staff_names(Booking.staff, [b.pk for b in bookings])
    kinds, statuses, cancelled_by = (
        labels(Contact.Kind),
        labels(Booking.Status),
        labels(Booking.CancelledBy),
    )
    length, moved_from = gettext("%(n)s min"), gettext("Moved from %(when)s")
    actions = {name: pair_url_maker(f"bookings:{name}") for name in BOOKED_ACTIONS}
    for b in bookings:
        b.staff_names = staff.get(b.pk, "")
        b.kind_label = kinds.get(b.kind, b.kind)
        b.length = length % {"n": b.duration_minutes}
        b.status_label, b.status_flag = statuses[b.status], STATUS_FLAGS.get(b.status, "")
        b.cancelled_by_label = cancelled_by.get(b.cancelled_by, "")
        moved = b.rebooked_from
        b.moved_from = moved_from % {"when": minute(moved.starts_at)} if moved else ""
        b.urls = {}
        if b.is_booked:
            b.urls = {name: url(b.person_id, b.pk) for name, url in actions.items()}


# The links on a booked row of the person's list.
BOOKED_ACTIONS = ("attended", "no_show", "edit", "rebook", "cancel")


def _readable(access: PersonAccess, bookings: list[Booking]) -> list[Booking]:
    return access.readable(bookings, category=ENROLMENT, unit=lambda b: b.unit_id)


# --- Calendars ----------------------------------------------------------------------------


@dataclass
class Entry:
    """One booking as a calendar shows it: the person's name only when the viewer may see
    them (PERSON None: "Booked")."""

    booking: CalendarBooking
    person: Person | None
    place: str = ""  # `booking_place`: empty when not to be shown
    # What the row shows, made once per page rather than by tags on each row (a week of 200
    # bookings: a reverse, a translated label and two time filters a row).
    person_url: str = ""
    day: datetime.date = datetime.date.min  # the local day it starts
    kind: str = ""
    times: str = ""
    staff: str = ""
    status: str = ""  # the status's label, and its flag's class ("" without one)
    status_flag: str = ""
    cancelled_by: str = ""
    session_url: str = ""
    attended_url: str = ""
    no_show_url: str = ""


@dataclass
class Day:
    day: datetime.date
    entries: list[Entry] = field(default_factory=list)
    sessions: list[GroupSession] = field(default_factory=list)


def period(day: datetime.date, *, week: bool) -> tuple[datetime.date, datetime.date]:
    """The first and last day of DAY's week (Monday to Sunday), or DAY itself."""
    if not week:
        return day, day
    first = day - datetime.timedelta(days=day.weekday())
    return first, first + datetime.timedelta(days=6)


def _bounds(first: datetime.date, last: datetime.date) -> tuple[datetime.datetime, ...]:
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(first, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(
        last + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
    )
    return start, end


class CalendarBooking(NamedTuple):
    """A booking as a calendar row shows it, one tuple of its columns (`calendar_rows`): a
    model instance with its group session cost more than the rest of the row."""

    pk: int
    person_id: int
    unit_id: int
    kind: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    place: str
    status: str
    cancelled_by: str
    group_session_id: int | None
    group_session_title: str | None

    @property
    def is_booked(self) -> bool:
        return self.status == Booking.Status.BOOKED


# The columns of a CalendarBooking, in its order.
CALENDAR_COLUMNS = (*CalendarBooking._fields[:-1], "group_session__title")


def calendar_rows(bookings: QuerySet[Booking]) -> list[CalendarBooking]:
    return [CalendarBooking._make(row) for row in bookings.values_list(*CALENDAR_COLUMNS)]


def calendar_bookings(
    *, unit: Unit, first: datetime.date, last: datetime.date, staff: User | None = None
) -> QuerySet[Booking]:
    """The bookings at UNIT from FIRST to LAST (local days), of STAFF when given; cancelled
    ones included (the calendar shows them struck out)."""
    start, end = _bounds(first, last)
    bookings = Booking.objects.filter(unit=unit, starts_at__gte=start, starts_at__lt=end)
    if staff is not None:
        bookings = bookings.filter(staff=staff)
    return bookings.order_by("starts_at", "pk")


def named_persons(
    user: User, bookings: Iterable[Booking | CalendarBooking], *, unit: Unit
) -> dict[int, Person]:
    """The persons of BOOKINGS (all at UNIT) USER may see there, by id: one query, each with
    the `list_basis` its listing is logged on. The rule's SQL is built and compiled once per
    user, unit and day (`raw.compiled_once`) and read through the bookings' persons."""
    ids = sorted({b.person_id for b in bookings})
    if not ids:
        return {}
    on = timezone.localdate()
    rule = raw.compiled_once(
        ("calendar names", *policy.sql_key(user, on=on, units=None), unit.pk),
        lambda: (
            policy.visible_persons(user, unit=unit, on=on)
            .filter(episodes__unit=unit, episodes__closed_on__isnull=True)
            .annotate(**listing.unit_list_basis(user, unit=unit, on=on, episode="episodes"))
            .only(*LISTED_FIELDS)
        ),
    )
    return {p.pk: p for p in listing.persons_through(rule, ids)}


def entries(
    user: User,
    found: QuerySet[Booking],
    *,
    unit: Unit,
    roles: Mapping[int, str],
    actions: bool = False,
) -> list[Entry]:
    """The bookings FOUND (in the calendar's order) as USER sees them (ROLES: USER's role
    per unit, for the place); with ACTIONS, the links that mark a booking attended or a
    no-show (the start page's). Read as tuples (`calendar_rows`), their staff through FOUND
    as a subquery."""
    bookings = calendar_rows(found)
    named = named_persons(user, bookings, unit=unit)
    staff = staff_names(Booking.staff, found)
    person_url, kinds = url_maker("bookings:person"), labels(Contact.Kind)
    statuses, cancelled_by = labels(Booking.Status), labels(Booking.CancelledBy)
    session_url = url_maker("bookings:session")
    attended_url, no_show_url = (
        pair_url_maker("bookings:attended"),
        pair_url_maker("bookings:no_show"),
    )
    rows, zone = [], timezone.get_current_timezone()
    for b in bookings:
        person = named.get(b.person_id)
        starts, ends = b.starts_at.astimezone(zone), b.ends_at.astimezone(zone)
        rows.append(
            Entry(
                b,
                person,
                place=booking_place(b, person, roles=roles),
                person_url=person_url(b.person_id) if person else "",
                kind=kinds.get(b.kind, b.kind),
                day=starts.date(),
                times=f"{starts:%H:%M}–{ends:%H:%M}",
                staff=staff.get(b.pk, ""),
                status=statuses[b.status],
                status_flag=STATUS_FLAGS.get(b.status, ""),
                cancelled_by=cancelled_by.get(b.cancelled_by, ""),
                session_url=session_url(b.group_session_id) if b.group_session_id else "",
                attended_url=attended_url(b.person_id, b.pk) if actions else "",
                no_show_url=no_show_url(b.person_id, b.pk) if actions else "",
            )
        )
    return rows


# How a calendar row marks a status.
STATUS_FLAGS: dict[str, str] = {
    Booking.Status.CANCELLED: "flag",
    Booking.Status.NO_SHOW: "flag warn",
}


def calendar_sessions(
    *, unit: Unit, first: datetime.date, last: datetime.date, staff: User | None = None
) -> QuerySet[GroupSession]:
    """The group sessions at UNIT from FIRST to LAST (of STAFF when given), each with
    `booked`, its number of participants still booked (no names: one query)."""
    start, end = _bounds(first, last)
    sessions = GroupSession.objects.filter(unit=unit, starts_at__gte=start, starts_at__lt=end)
    if staff is not None:
        sessions = sessions.filter(staff=staff)
    booked = Count("participants", filter=Q(participants__status=Booking.Status.BOOKED))
    return sessions.annotate(booked=booked).order_by("starts_at", "pk")


def by_day(
    rows: list[Entry],
    first: datetime.date,
    last: datetime.date,
    sessions: Iterable[GroupSession] = (),
) -> list[Day]:
    days = [Day(first + datetime.timedelta(days=n)) for n in range((last - first).days + 1)]
    for row in rows:
        days[(row.day - first).days].entries.append(row)
    for session in sessions:
        days[(timezone.localdate(session.starts_at) - first).days].sessions.append(session)
    return days


def listed(rows: list[Entry]) -> list[Person]:
    """The persons a list names (each once), for its log row."""
    return [row.person for row in rows if row.person is not None]


def todays_bookings(request) -> list[Entry]:
    """The request user's bookings today at the active unit, for the start page (the caller
    logs `listed(...)` as one listing row, what "todays bookings")."""
    unit = getattr(request, "unit", None)
    if unit is None or not policy.is_clinical(request.user):
        return []
    today = timezone.localdate()
    bookings = calendar_bookings(unit=unit, first=today, last=today, staff=request.user)
    return entries(request.user, bookings, unit=unit, roles=roles_of(request), actions=True)


# --- Group sessions -----------------------------------------------------------------------


def member_session(request, session_id: int) -> GroupSession | None:
    """The group session SESSION_ID at any unit where the clinical request user is a member
    (a link from another unit's calendar), else None."""
    if not policy.is_clinical(request.user):
        return None
    units = [m.unit_id for m in request.memberships]
    found = GroupSession.objects.filter(pk=session_id, unit_id__in=units)
    return found.select_related("unit").prefetch_related("staff").first()


def participants(user: User, session: GroupSession, *, roles: Mapping[int, str]) -> list[Entry]:
    return entries(user, session.participants.order_by("pk"), unit=session.unit, roles=roles)


def upcoming_sessions(unit: Unit) -> QuerySet[GroupSession]:
    """The unit's group sessions a person can still be booked into: not yet begun, not
    cancelled."""
    return GroupSession.objects.filter(
        unit=unit, starts_at__gt=timezone.now(), cancelled_at__isnull=True
    ).order_by("starts_at")
