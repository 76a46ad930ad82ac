"""The day and week views per staff member and per unit, the group session's participants:
names only of persons the viewer may see, one listing row, queries that do not grow."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry
from helhet.bookings import selectors
from helhet.bookings.models import Booking, GroupSession

from .. import factories as f
from ..people.utils import log_in
from .conftest import ahead


def listing_rows(user):
    return list(AccessLogEntry.objects.filter(user=user, what__startswith="calendar"))


def unit_url(county, **params):
    return reverse("bookings:unit_calendar", args=[county.clinic.pk])


@pytest.fixture
def stranger_booking(county):
    """Another person booked at the clinic by the municipality, whom the region's nurse does
    not see (the municipality's episode, no coordination consent)."""
    episode = f.EpisodeFactory(
        person=f.PersonFactory(given_name="Hemlig", family_name="Person"),
        unit=county.clinic,
        opened_by=county.social_worker,
    )
    return f.BookingFactory(episode=episode, booked_by=county.social_worker, starts_at=ahead(1, 13))


def test_the_unit_day_names_only_the_persons_the_viewer_may_see(
    client, county, booking, stranger_booking
):
    log_in(client, county.nurse, county.clinic)
    day = timezone.localdate(booking.starts_at).isoformat()
    response = client.get(unit_url(county), {"day": day})
    assert response.status_code == 200
    assert "Tolvan Tolvansson" in response.text
    assert "Hemlig" not in response.text
    [entries] = [d.entries for d in response.context["days"]]
    assert [(e.booking.pk, e.person) for e in entries] == [
        (booking.pk, county.patient),
        (stranger_booking.pk, None),
    ]
    [row] = listing_rows(county.nurse)
    assert [item.person_id for item in row.listed_persons()] == [county.patient.pk]


def test_the_social_worker_sees_her_own_organisations_person_by_name(
    client, county, booking, stranger_booking
):
    log_in(client, county.social_worker, county.clinic)
    day = timezone.localdate(booking.starts_at).isoformat()
    response = client.get(unit_url(county), {"day": day})
    assert "Hemlig Person" in response.text and "Tolvan" not in response.text


def test_a_unit_calendar_of_a_unit_the_user_is_not_a_member_of_is_not_found(client, county):
    log_in(client, county.outsider)
    assert client.get(unit_url(county)).status_code == 404
    steering = f.UserFactory(organisation=county.region)
    log_in(client, steering)
    assert client.get(unit_url(county)).status_code == 404
    assert client.get(reverse("bookings:calendar")).status_code == 404


def test_my_week_shows_my_bookings_only(client, county, booking):
    other = f.BookingFactory(
        episode=county.episode, booked_by=county.coordinator, starts_at=ahead(1, 15)
    )
    log_in(client, county.nurse, county.clinic)
    day = timezone.localdate(booking.starts_at).isoformat()
    response = client.get(reverse("bookings:calendar"), {"view": "week", "day": day})
    assert response.status_code == 200
    assert len(response.context["days"]) == 7
    shown = [e.booking.pk for d in response.context["days"] for e in d.entries]
    assert shown == [booking.pk] and other.pk not in shown
    # a colleague's week, chosen
    response = client.get(
        reverse("bookings:calendar"), {"view": "week", "day": day, "staff": county.coordinator.pk}
    )
    assert [e.booking.pk for d in response.context["days"] for e in d.entries] == [other.pk]


def test_the_week_starts_on_monday():
    wednesday = datetime.date(2026, 12, 2)
    assert selectors.period(wednesday, week=True) == (
        datetime.date(2026, 11, 30),
        datetime.date(2026, 12, 6),
    )


@pytest.mark.parametrize("name", ["bookings:calendar", "bookings:unit_calendar"])
def test_the_calendar_takes_as_many_queries_for_50_bookings_as_for_5(client, county, name):
    log_in(client, county.nurse, county.clinic)
    args = [county.clinic.pk] if name == "bookings:unit_calendar" else []
    counts = []
    for total in (5, 50):
        Booking.objects.all().delete()
        for n in range(total):
            episode = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
            f.BookingFactory(
                episode=episode,
                booked_by=county.nurse,
                starts_at=ahead(1, 8) + datetime.timedelta(minutes=5 * n),
                staff=[county.nurse, county.coordinator],
            )
        day = timezone.localdate(ahead(1)).isoformat()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(name, args=args), {"day": day, "view": "week"})
        assert response.status_code == 200
        assert sum(len(d.entries) for d in response.context["days"]) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_todays_bookings_for_the_start_page(rf, county):
    now = timezone.localtime()
    later = now + datetime.timedelta(minutes=30)
    if later.date() != now.date():
        pytest.skip("too close to midnight")
    mine = f.BookingFactory(episode=county.episode, booked_by=county.nurse, starts_at=later)
    request = rf.get("/")
    request.user, request.unit = county.nurse, county.clinic
    [entry] = selectors.todays_bookings(request)
    assert (entry.booking.pk, entry.person) == (mine.pk, county.patient)
    request.user = county.outsider
    request.unit = county.other_unit
    assert selectors.todays_bookings(request) == []


def test_the_start_page_block_renders_an_empty_list(rf, county):
    from django.template.loader import render_to_string

    html = render_to_string("bookings/_today.html", {"bookings": []})
    assert "No bookings today." in html


# --- Group sessions -----------------------------------------------------------------------


def group_session(county) -> GroupSession:
    """A group session at the clinic the day after tomorrow, 10 to 12, led by the nurse."""
    session = GroupSession.objects.create(
        unit=county.clinic,
        organisation=county.region,
        title="Grupp",
        starts_at=ahead(2),
        ends_at=ahead(2, 12),
        created_by=county.nurse,
    )
    session.staff.set([county.nurse])
    return session


def test_a_group_session_is_planned_and_a_person_booked_into_it(client, county):
    log_in(client, county.nurse, county.clinic)
    starts = ahead(3, 13)
    response = client.post(
        reverse("bookings:session_new"),
        {
            "title": "Återfallsprevention",
            "starts_at": timezone.localtime(starts).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "90",
            "staff": [county.nurse.pk, county.coordinator.pk],
            "place": "Grupprummet",
        },
    )
    session = GroupSession.objects.get()
    assert response.url == reverse("bookings:session", args=[session.pk])
    booked = client.post(
        reverse("bookings:new", args=[county.patient.pk]),
        {"form": "group", "group-group_session": session.pk},
    )
    assert booked.status_code == 302
    booking = Booking.objects.get()
    assert (booking.group_session, booking.kind, booking.starts_at) == (session, "group", starts)
    assert set(booking.staff.all()) == {county.nurse, county.coordinator}
    page = client.get(reverse("bookings:session", args=[session.pk]))
    assert [(e.booking.pk, e.person) for e in page.context["rows"]] == [
        (booking.pk, county.patient)
    ]


def test_a_group_sessions_participants_show_their_status_and_who_cancelled(client, county):
    session = group_session(county)
    for status, cancelled_by in (("booked", ""), ("cancelled", "person")):
        f.BookingFactory(
            episode=county.episode,
            booked_by=county.nurse,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
            group_session=session,
            kind="group",
            status=status,
            cancelled_by=cancelled_by,
        )
    log_in(client, county.nurse, county.clinic)
    page = client.get(reverse("bookings:session", args=[session.pk]))
    assert "<td>Booked</td>" in page.text
    assert (
        '<span class="flag">Cancelled</span> <span class="muted">(The person)</span>' in page.text
    )


def test_a_group_sessions_participants_hide_persons_the_viewer_may_not_see(client, county):
    session = group_session(county)
    f.BookingFactory(
        episode=county.episode,
        booked_by=county.nurse,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        group_session=session,
        kind="group",
    )
    log_in(client, county.social_worker, county.clinic)  # no consent: the patient is not hers
    page = client.get(reverse("bookings:session", args=[session.pk]))
    assert page.status_code == 200
    assert [e.person for e in page.context["rows"]] == [None]
    assert "Tolvan" not in page.text
    log_in(client, county.outsider)  # another unit: not found
    assert client.get(reverse("bookings:session", args=[session.pk])).status_code == 404


def test_a_group_session_in_the_past_is_refused_and_nothing_saved(client, county):
    log_in(client, county.nurse, county.clinic)
    past = timezone.localtime() - datetime.timedelta(days=1)
    response = client.post(
        reverse("bookings:session_new"),
        {
            "title": "Grupp",
            "starts_at": past.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "60",
            "staff": [county.nurse.pk],
        },
    )
    assert response.status_code == 200
    assert "A booking must be for a time still to come." in response.text
    assert not GroupSession.objects.exists()


def test_a_person_is_booked_into_a_group_session_once(client, county):
    session = group_session(county)
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:new", args=[county.patient.pk])
    data = {"form": "group", "group-group_session": session.pk}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 200
    assert "already booked into this group session" in again.text
    assert Booking.objects.count() == 1


@pytest.mark.parametrize("day", ["not-a-day", "0001-01-01", "2999-01-01"])
def test_a_bad_day_shows_today_and_says_why(client, county, day):
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("bookings:calendar"), {"day": day, "staff": "9" * 25})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert response.context["first"] == timezone.localdate()
