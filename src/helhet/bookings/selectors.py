"""Reads of the calendar: a person's bookings, a day or week of a staff member or a unit,
today's bookings for the start page, a group session's participants.

A list of bookings names a person only when the viewer may see them at the booking's unit
(`policy.visible_persons`, one query however many bookings); the others show as "Booked",
without a name. The persons named are what the view logs (`record_listing`).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from helhet.access import listing, policy
from helhet.access.models import RecordCategory
from helhet.access.policy import PersonAccess
from helhet.contacts.models import Contact
from helhet.core.models import Unit, User
from helhet.core.selectors import labels, url_maker
from helhet.people.models import LISTED_FIELDS, Person

from .models import Booking, GroupSession


def with_staff(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """BOOKINGS with their unit and staff loaded once (two queries however many)."""
    return bookings.select_related("unit").prefetch_related(
        Prefetch("staff", queryset=User.objects.order_by("last_name", "first_name"))
    )


# --- One person ---------------------------------------------------------------------------


def person_bookings(access: PersonAccess) -> list[Booking]:
    """The person's bookings the user may read (the unit's shared layer, as the enrolment:
    at a unit where the user has a relationship, or their organisation's), newest last."""
    bookings = with_staff(
        Booking.objects.filter(person=access.person).select_related(
            "rebooked_from", "group_session"
        )
    )
    return access.readable(
        list(bookings), category=RecordCategory.ENROLMENT, unit=lambda b: b.unit_id
    )


@dataclass
class PersonBookings:
    upcoming: list[Booking]
    earlier: list[Booking]


def split_bookings(bookings: list[Booking], now: datetime.datetime) -> PersonBookings:
    """Bookings still to come (soonest first), and the rest (newest first)."""
    upcoming = [b for b in bookings if b.ends_at >= now]
    earlier = [b for b in reversed(bookings) if b.ends_at < now]
    return PersonBookings(upcoming, earlier)


# --- Calendars ----------------------------------------------------------------------------


@dataclass
class Entry:
    """One booking as a calendar shows it: the person's name only when the viewer may see
    them (PERSON None: "Booked")."""

    booking: Booking
    person: Person | None
    # What the row shows, made once per page rather than by tags on each row (a week of 200
    # bookings: a reverse, a translated label and two time filters a row).
    person_url: str = ""
    kind: str = ""
    times: str = ""
    staff: str = ""


@dataclass
class Day:
    day: datetime.date
    entries: list[Entry] = field(default_factory=list)


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


def calendar_bookings(
    *, unit: Unit, first: datetime.date, last: datetime.date, staff: User | None = None
) -> QuerySet[Booking]:
    """The bookings at UNIT from FIRST to LAST (local days), of STAFF when given; cancelled
    ones included (the calendar shows them struck out)."""
    start, end = _bounds(first, last)
    bookings = Booking.objects.filter(unit=unit, starts_at__gte=start, starts_at__lt=end)
    if staff is not None:
        bookings = bookings.filter(staff=staff)
    return with_staff(bookings.select_related("group_session")).order_by("starts_at", "pk")


def named_persons(user: User, bookings: list[Booking], *, unit: Unit) -> dict[int, Person]:
    """The persons of BOOKINGS (all at UNIT) USER may see there, by id: one query, each with
    the `list_basis` its listing is logged on."""
    ids = {b.person_id for b in bookings}
    if not ids:
        return {}
    on = timezone.localdate()
    persons = (
        policy.visible_persons(user, unit=unit, on=on)
        .filter(pk__in=ids, episodes__unit=unit, episodes__closed_on__isnull=True)
        .annotate(**listing.unit_list_basis(user, unit=unit, on=on, episode="episodes"))
        .only(*LISTED_FIELDS)
    )
    return {p.pk: p for p in persons}


def entries(user: User, bookings: list[Booking], *, unit: Unit) -> list[Entry]:
    named = named_persons(user, bookings, unit=unit)
    person_url, kinds = url_maker("bookings:person"), labels(Contact.Kind)
    return [
        Entry(
            b,
            named.get(b.person_id),
            person_url=person_url(b.person_id),
            kind=kinds.get(b.kind, b.kind),
            times=f"{timezone.localtime(b.starts_at):%H:%M}–{timezone.localtime(b.ends_at):%H:%M}",
            staff=", ".join(str(u) for u in b.staff.all()),
        )
        for b in bookings
    ]


def by_day(rows: list[Entry], first: datetime.date, last: datetime.date) -> list[Day]:
    days = [Day(first + datetime.timedelta(days=n)) for n in range((last - first).days + 1)]
    for row in rows:
        days[(timezone.localdate(row.booking.starts_at) - first).days].entries.append(row)
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
    bookings = list(calendar_bookings(unit=unit, first=today, last=today, staff=request.user))
    return entries(request.user, bookings, unit=unit)


# --- Group sessions -----------------------------------------------------------------------


def unit_session(unit: Unit | None, session_id: int) -> GroupSession | None:
    """The group session SESSION_ID at UNIT (the active unit), else None."""
    if unit is None:
        return None
    return GroupSession.objects.filter(pk=session_id, unit=unit).prefetch_related("staff").first()


def participants(user: User, session: GroupSession) -> list[Entry]:
    bookings = list(with_staff(session.participants.all()).order_by("pk"))
    return entries(user, bookings, unit=session.unit)


def upcoming_sessions(unit: Unit) -> QuerySet[GroupSession]:
    return GroupSession.objects.filter(unit=unit, ends_at__gte=timezone.now()).order_by("starts_at")
