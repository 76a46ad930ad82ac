"""The weeks ahead at the demo county's clinic, so that the calendar looks like a working unit's:
about WEEKLY bookings a week this week and next (as many as there are persons with an open
episode there, each booked once a week), the unit's staff in turn so that nobody is booked twice
at once, and a group session on Thursday afternoon with three of the persons. The bookings of
the past are made with the contacts they became (`journeys.Journeys._booking`)."""

import datetime
import itertools

from django.utils import timezone

from helhet.bookings.models import Booking, GroupSession
from helhet.care.models import Episode
from helhet.contacts.models import Contact
from helhet.core.models import Membership, Unit, User

from .county import County

WEEKLY, WEEKS = 200, 2
KINDS = [Contact.Kind.VISIT, Contact.Kind.PHONE, Contact.Kind.VISIT, Contact.Kind.HOME_VISIT]
FIRST_HOUR, LAST_HOUR = 8, 15  # a booking an hour a staff member, 45 minutes long
LENGTH = datetime.timedelta(minutes=45)
GROUP_AT = datetime.time(16)  # after the day's bookings


def add_bookings(county: County, *, today: datetime.date) -> list[Booking]:
    """The clinic's bookings this week and next, and its group session this week."""
    clinic = county.units["clinic"]
    monday = today - datetime.timedelta(days=today.weekday())
    bookings = book_weeks(clinic, monday=monday)
    episodes = _open_episodes(clinic, 3)
    if len(episodes) == 3:
        bookings += _group_session(clinic, episodes, monday + datetime.timedelta(days=3))
    return bookings


def book_weeks(
    unit: Unit, *, monday: datetime.date, weeks: int = WEEKS, weekly: int = WEEKLY
) -> list[Booking]:
    """Up to WEEKLY bookings in each of WEEKS weeks from MONDAY at UNIT, Monday to Friday, the
    persons with an open episode there in turn, each with one of the staff who work with
    persons there (in turn, one booking an hour each). In bulk: a few queries in all."""
    episodes = _open_episodes(unit, weekly)
    staff = list(
        User.objects.filter(memberships__unit=unit, organisation__isnull=False)
        .exclude(memberships__unit=unit, memberships__role=Membership.Role.MANAGER)
        .select_related("organisation")
        .order_by("pk")
    )
    if not episodes or not staff:
        return []
    per_day = min(weekly, len(episodes)) // 5 or 1
    per_day = min(per_day, len(staff) * (LAST_HOUR - FIRST_HOUR + 1))
    zone = timezone.get_current_timezone()
    persons = itertools.cycle(episodes)
    bookings, staff_links = [], []
    for week, day, slot in itertools.product(range(weeks), range(5), range(per_day)):
        date = monday + datetime.timedelta(days=7 * week + day)
        hour = FIRST_HOUR + slot // len(staff)
        start = datetime.datetime.combine(date, datetime.time(hour), tzinfo=zone)
        episode, member = next(persons), staff[slot % len(staff)]
        bookings.append(
            Booking(
                person_id=episode.person_id,
                unit=unit,
                episode=episode,
                organisation=member.organisation,
                kind=KINDS[slot % len(KINDS)],
                starts_at=start,
                ends_at=start + LENGTH,
                place="" if slot % 3 == 2 else f"Rum {1 + slot % len(staff)}",
                booked_by=member,
            )
        )
        staff_links.append(member.pk)
    Booking.objects.bulk_create(bookings, batch_size=1000)
    Booking.staff.through.objects.bulk_create(
        [
            Booking.staff.through(booking_id=b.pk, user_id=user)
            for b, user in zip(bookings, staff_links, strict=True)
        ],
        batch_size=1000,
    )
    return bookings


def _open_episodes(unit: Unit, count: int) -> list[Episode]:
    return list(
        Episode.objects.filter(unit=unit, closed_on__isnull=True)
        .select_related("opened_by")
        .order_by("person_id")[:count]
    )


def _group_session(clinic, episodes: list[Episode], day: datetime.date) -> list[Booking]:
    leader = episodes[0].opened_by
    start = datetime.datetime.combine(day, GROUP_AT, tzinfo=timezone.get_current_timezone())
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
