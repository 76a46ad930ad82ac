"""A few bookings this week at the demo county's clinic, so that the calendar is not empty: the
first persons with an open episode there (the named ones among them), each booked with the
staff member who opened the episode, and a group session with three of them."""

import datetime

from django.utils import timezone

from helhet.bookings.models import Booking, GroupSession
from helhet.care.models import Episode
from helhet.contacts.models import Contact

from .county import County

BOOKED, KINDS = 12, [Contact.Kind.VISIT, Contact.Kind.PHONE, Contact.Kind.HOME_VISIT]


def add_bookings(county: County, *, today: datetime.date) -> list[Booking]:
    """BOOKED bookings Monday to Friday of this week, one person a slot (no staff booked twice),
    and a group session on Thursday afternoon with three of them."""
    clinic = county.units["clinic"]
    episodes = list(
        Episode.objects.filter(unit=clinic, closed_on__isnull=True)
        .select_related("opened_by")
        .order_by("person_id")[:BOOKED]
    )
    monday = today - datetime.timedelta(days=today.weekday())
    zone = timezone.get_current_timezone()
    bookings = []
    for number, episode in enumerate(episodes):
        day = monday + datetime.timedelta(days=number % 5)
        start = datetime.datetime.combine(day, datetime.time(9 + 2 * (number // 5)), tzinfo=zone)
        booking = Booking.objects.create(
            person_id=episode.person_id,
            unit=clinic,
            episode=episode,
            organisation_id=episode.organisation_id,
            kind=KINDS[number % len(KINDS)],
            starts_at=start,
            ends_at=start + datetime.timedelta(minutes=45),
            place="Rum 2" if number % 3 != 2 else "",
            booked_by=episode.opened_by,
        )
        booking.staff.set([episode.opened_by])
        bookings.append(booking)
    if len(episodes) >= 3:
        bookings += _group_session(clinic, episodes[:3], monday + datetime.timedelta(days=3))
    return bookings


def _group_session(clinic, episodes: list[Episode], day: datetime.date) -> list[Booking]:
    leader = episodes[0].opened_by
    start = datetime.datetime.combine(
        day, datetime.time(14), tzinfo=timezone.get_current_timezone()
    )
    session = GroupSession.objects.create(
        unit=clinic,
        organisation_id=episodes[0].organisation_id,
        title="Återfallsprevention",
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=90),
        place="Grupprummet",
        created_by=leader,
    )
    session.staff.set([leader])
    participants = []
    for episode in episodes:
        booking = Booking.objects.create(
            person_id=episode.person_id,
            unit=clinic,
            episode=episode,
            organisation_id=episode.organisation_id,
            kind=Contact.Kind.GROUP,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            place=session.place,
            group_session=session,
            booked_by=episode.opened_by,
        )
        booking.staff.set([leader])
        participants.append(booking)
    return participants
