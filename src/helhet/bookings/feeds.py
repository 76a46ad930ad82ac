"""The staff's private iCalendar feeds (a random token in the address; only its hash kept).

A feed lists its user's bookings and group sessions, at every unit where they are a member,
from a week back to a year ahead. An event names the person only when the unit allows it
(`Unit.calendar_feed_shows_names`), the user may see the person there at the time the feed
is read and the person has no protected identity; then the feed is a listing access, logged
as the user. Otherwise an event says only what kind of booking it is, and has no place (a
place may be an address). Cancelled group sessions are left out.
"""

import datetime
import hashlib
import secrets
from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from icalendar import Calendar, Event

from helhet.access.log import Actor, record_listing
from helhet.access.what import what
from helhet.core.models import Unit, User
from helhet.people.models import Person

from . import selectors
from .models import Booking, CalendarFeed, GroupSession

BACK, AHEAD = datetime.timedelta(days=7), datetime.timedelta(days=366)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def feed_create(*, user: User) -> str:
    """A new feed for USER (any earlier one revoked); the token, shown once."""
    feed_revoke(user=user)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=token_hash(token))
    return token


@transaction.atomic
def feed_revoke(*, user: User) -> int:
    """Revoke USER's feeds in use; the number revoked."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def active_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_user(token: str) -> User | None:
    """The active staff member whose feed in use TOKEN opens; else None."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeed.objects.filter(
            token_hash=token_hash(token), revoked_at__isnull=True, user__is_active=True
        )
        .select_related("user")
        .first()
    )
    if feed is None or feed.user.organisation_id is None:
        return None
    return feed.user


def calendar_text(user: User) -> bytes:
    """USER's feed as iCalendar, in Swedish; the names shown logged as one listing row per
    unit that shows them."""
    now = timezone.now()
    units = {m.unit_id: m.unit for m in user.memberships.select_related("unit")}
    bookings = list(
        selectors.with_staff(
            Booking.objects.filter(
                staff=user,
                unit_id__in=units,
                status=Booking.Status.BOOKED,
                starts_at__gte=now - BACK,
                starts_at__lt=now + AHEAD,
            )
        ).order_by("starts_at")
    )
    sessions = GroupSession.objects.filter(
        staff=user,
        unit_id__in=units,
        starts_at__gte=now - BACK,
        starts_at__lt=now + AHEAD,
        cancelled_at__isnull=True,
    ).select_related("unit")
    named = _named(user, bookings)
    with override("sv"):
        calendar = Calendar()
        calendar.add("prodid", "-//Helhet//Kalender//SV")
        calendar.add("version", "2.0")
        calendar.add("x-wr-calname", _("Helhet bookings"))
        for booking in bookings:
            if booking.group_session_id is None:
                calendar.add_component(_booking_event(booking, named.get(booking.person_id)))
        for session in sessions:
            calendar.add_component(_session_event(session))
    return calendar.to_ical()


def _named(user: User, bookings: list[Booking]) -> dict[int, Person]:
    """The persons USER's feed may name: at units that allow it, whom USER sees there."""
    at_unit: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        if booking.unit.calendar_feed_shows_names and booking.group_session_id is None:
            at_unit[booking.unit_id].append(booking)
    names: dict[int, Person] = {}
    for found in at_unit.values():
        unit: Unit = found[0].unit
        # a calendar outside Helhet never names a person with protected identity
        persons = [
            p
            for p in selectors.named_persons(user, found, unit=unit).values()
            if not p.protected_identity
        ]
        record_listing(Actor(user, unit), persons, action="read", what=what("calendar feed", unit))
        names |= {p.pk: p for p in persons}
    return names


def _event(uid: str, start, end, summary: str, place: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", start)
    event.add("dtend", end)
    event.add("summary", summary)
    if place:
        event.add("location", place)
    return event


def _booking_event(booking: Booking, person: Person | None) -> Event:
    kind = booking.get_kind_display()
    summary = f"{kind}: {person.full_name}" if person else f"{_('Booked')}: {kind}"
    return _event(
        f"booking-{booking.pk}@helhet",
        booking.starts_at,
        booking.ends_at,
        f"{summary} ({booking.unit.name})",
        # no roles outside Helhet: the place of a person named and not protected only
        selectors.booking_place(booking, person, roles={}),
    )


def _session_event(session: GroupSession) -> Event:
    return _event(
        f"group-session-{session.pk}@helhet",
        session.starts_at,
        session.ends_at,
        f"{session.title} ({session.unit.name})",
        session.place,
    )
