"""A booking's place may be a home address or a telephone number: it is shown only where the
person is named to the viewer, for a protected identity only to the roles that see protected
contact details, and never in a calendar feed for a person it does not name."""

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from .. import factories as f
from ..people.utils import log_in
from .conftest import ahead

ADDRESS = "Hemliga vägen 7"


@pytest.fixture
def home_visit(county):
    return f.BookingFactory(
        episode=county.episode, booked_by=county.nurse, starts_at=ahead(1), place=ADDRESS
    )


@pytest.fixture
def protected(county):
    county.patient.protected_identity = True
    county.patient.address = ADDRESS
    county.patient.save()


def unit_calendar(client, county, booking):
    day = timezone.localdate(booking.starts_at).isoformat()
    url = reverse("bookings:unit_calendar", args=[county.clinic.pk])
    return client.get(url, {"day": day})


def test_the_named_nurse_sees_the_place_on_the_unit_calendar(client, county, home_visit):
    log_in(client, county.nurse, county.clinic)
    assert ADDRESS in unit_calendar(client, county, home_visit).text


def test_a_colleague_who_may_not_see_the_person_does_not_see_the_place(client, county, home_visit):
    log_in(client, county.social_worker, county.clinic)  # the municipality, no consent
    page = unit_calendar(client, county, home_visit).text
    assert "Tolvan" not in page and ADDRESS not in page


def test_a_protected_persons_place_is_shown_to_the_coordinator_only(
    client, county, home_visit, protected
):
    log_in(client, county.nurse, county.clinic)
    assert ADDRESS not in unit_calendar(client, county, home_visit).text
    assert ADDRESS not in client.get(reverse("bookings:person", args=[county.patient.pk])).text
    cancel = reverse("bookings:cancel", args=[county.patient.pk, home_visit.pk])
    assert ADDRESS not in client.get(cancel).text
    log_in(client, county.coordinator, county.clinic)
    assert ADDRESS in unit_calendar(client, county, home_visit).text
    assert ADDRESS in client.get(reverse("bookings:person", args=[county.patient.pk])).text


def test_emergency_access_does_not_see_a_protected_persons_place(
    client, county, home_visit, protected
):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    page = client.get(reverse("bookings:person", args=[county.patient.pk]))
    assert page.status_code == 200 and "Tolvan" in page.text
    assert ADDRESS not in page.text


def feed_locations(client, user) -> list[str | None]:
    log_in(client, user)
    url = client.post(reverse("bookings:feed_page"), {"create": "1"}).context["url"]
    client.logout()
    found = Calendar.from_ical(client.get(url).content).walk("VEVENT")
    return [str(e["location"]) if "location" in e else None for e in found]


def test_the_feed_shows_the_place_of_a_named_person(client, county, home_visit):
    county.clinic.calendar_feed_shows_names = True
    county.clinic.save()
    assert feed_locations(client, county.nurse) == [ADDRESS]


@pytest.mark.parametrize("case", ["protected", "names not allowed"])
def test_the_feed_shows_no_place_for_a_person_it_does_not_name(client, county, home_visit, case):
    county.clinic.calendar_feed_shows_names = case == "protected"
    county.clinic.save()
    if case == "protected":
        county.patient.protected_identity = True
        county.patient.save()
    assert feed_locations(client, county.nurse) == [None]
