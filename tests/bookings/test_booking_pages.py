"""Booking a person, cancelling, moving, and a booked visit becoming a contact in one step."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry
from helhet.bookings.models import Booking
from helhet.contacts.models import Contact

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from .conftest import ahead, form_time


def book(client, county, **changes):
    data = {
        "form": "booking",
        "kind": "visit",
        "starts_at": form_time(ahead(2)),
        "duration_minutes": "45",
        "staff": [county.nurse.pk],
        "place": "Rum 3",
    } | changes
    return client.post(reverse("bookings:new", args=[county.patient.pk]), data)


def test_the_nurse_books_the_patient_and_the_booking_is_logged(client, county):
    log_in(client, county.nurse, county.clinic)
    response = book(client, county, remind="on")
    assert response.status_code == 302
    booking = Booking.objects.get()
    assert (booking.person, booking.unit, booking.organisation) == (
        county.patient,
        county.clinic,
        county.region,
    )
    assert (booking.duration_minutes, booking.place, booking.remind) == (45, "Rum 3", True)
    assert list(booking.staff.all()) == [county.nurse]
    [row] = log_rows(county.patient, action=AccessLogEntry.Action.CREATE)
    assert row.what == "booking made: Socialmedicinska mottagningen"


def test_the_social_worker_books_under_the_coordination_consent(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    assert book(client, county, staff=[county.social_worker.pk]).status_code == 302
    assert Booking.objects.get().organisation == county.municipality


@pytest.mark.parametrize("who", ["sw_no_consent", "outsider", "emergency", "steering", "admin"])
def test_nobody_without_a_relationship_at_the_unit_may_book(client, county, who):
    user = {
        "sw_no_consent": county.social_worker,
        "outsider": county.outsider,
        "emergency": county.outsider,
        "admin": county.admin,
    }.get(who)
    if who == "emergency":
        f.EmergencyAccessFactory(
            user=county.outsider, person=county.patient, unit=county.other_unit
        )
    if who == "steering":
        user = f.UserFactory(organisation=county.region)
    log_in(client, user)
    assert book(client, county, staff=[county.outsider.pk]).status_code == 404
    assert not Booking.objects.exists()
    if user.organisation_id:
        assert only_refused(AccessLogEntry.objects.filter(user=user))


def test_the_nurse_finds_the_booking_form_behind_the_bookings_pages_link(client, county):
    log_in(client, county.nurse, county.clinic)
    new = reverse("bookings:new", args=[county.patient.pk])
    listed = client.get(reverse("bookings:person", args=[county.patient.pk]))
    assert listed.context["may_book"] and f'href="{new}"' in listed.text
    assert 'name="kind"' not in listed.text  # the list alone: the form is a page of its own
    page = client.get(new)
    assert page.status_code == 200 and 'name="kind"' in page.text
    assert [row.what for row in log_rows(county.patient)] == ["bookings", "booking form"]


def test_emergency_access_reads_the_bookings_without_a_link_to_book(client, county, booking):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    response = client.get(reverse("bookings:person", args=[county.patient.pk]))
    assert response.status_code == 200
    assert not response.context["may_book"] and response.context["access"].is_emergency
    assert reverse("bookings:new", args=[county.patient.pk]) not in response.text
    assert response.context["person"] == county.patient
    assert client.get(reverse("bookings:new", args=[county.patient.pk])).status_code == 404


def test_a_time_in_the_past_is_refused_in_swedish_and_nothing_is_saved(client, county):
    log_in(client, county.nurse, county.clinic)
    client.cookies["django_language"] = "sv"
    past = timezone.now() - datetime.timedelta(hours=2)
    response = book(client, county, starts_at=form_time(past))
    assert response.status_code == 200
    assert "En bokning måste gälla en tid som inte har varit." in response.text
    assert not Booking.objects.exists()


def test_a_staff_member_booked_at_the_same_time_is_refused(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    client.cookies["django_language"] = "sv"
    overlapping = booking.starts_at + datetime.timedelta(minutes=30)
    response = book(client, county, starts_at=form_time(overlapping))
    assert response.status_code == 200
    assert "Redan bokad vid den tiden" in response.text
    assert Booking.objects.count() == 1


def test_another_staff_member_may_be_booked_at_the_same_time(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    coordinator = county.coordinator
    assert (
        book(
            client, county, starts_at=form_time(booking.starts_at), staff=[coordinator.pk]
        ).status_code
        == 302
    )
    assert Booking.objects.count() == 2


def test_a_cancelled_booking_does_not_hold_the_time(client, county, booking):
    booking.status, booking.cancelled_by = Booking.Status.CANCELLED, "unit"
    booking.save()
    log_in(client, county.nurse, county.clinic)
    assert book(client, county, starts_at=form_time(booking.starts_at)).status_code == 302


@pytest.mark.parametrize("by", ["person", "unit"])
def test_a_cancellation_says_who_cancelled_and_why(client, county, booking, by):
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:cancel", args=[county.patient.pk, booking.pk])
    response = client.post(url, {"cancelled_by": by, "reason": "Förhindrad"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == (
        Booking.Status.CANCELLED,
        by,
        "Förhindrad",
    )
    assert booking.changed_by == county.nurse
    # a cancelled booking is not cancelled twice
    assert client.get(url).status_code == 404


def test_a_cancellation_without_a_reason_is_refused(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:cancel", args=[county.patient.pk, booking.pk])
    response = client.post(url, {"cancelled_by": "person", "reason": ""})
    assert response.status_code == 200
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED


def test_a_booking_at_another_unit_is_not_cancelled_from_here(client, county):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    elsewhere = f.EpisodeFactory(
        person=f.PersonFactory(), unit=county.other_unit, opened_by=county.nurse
    )
    other = f.BookingFactory(episode=elsewhere, booked_by=county.nurse, starts_at=ahead(3))
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:cancel", args=[elsewhere.person.pk, other.pk])
    assert client.post(url, {"cancelled_by": "unit", "reason": "x"}).status_code == 404
    other.refresh_from_db()
    assert other.status == Booking.Status.BOOKED


def test_moving_a_booking_cancels_it_and_links_the_new_one(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:rebook", args=[county.patient.pk, booking.pk])
    later = ahead(5, 14)
    response = client.post(
        url,
        {
            "cancelled_by": "person",
            "reason": "Ny tid önskad",
            "starts_at": form_time(later),
            "duration_minutes": "30",
            "staff": [county.nurse.pk],
            "place": "",
        },
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    new = booking.rebooked_as
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_by == "person"
    assert (new.starts_at, new.duration_minutes, new.status) == (later, 30, Booking.Status.BOOKED)


def test_attended_records_the_contact_prefilled_and_links_it(client, county, past_booking):
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:attended", args=[county.patient.pk, past_booking.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{form_time(past_booking.starts_at)}"' in page.text
    response = client.post(
        url,
        {
            "kind": "visit",
            "starts_at": form_time(past_booking.starts_at),
            "duration_minutes": "45",
            "staff": [county.nurse.pk],
            "note": "Samtal om sömn",
        },
    )
    assert response.status_code == 302
    past_booking.refresh_from_db()
    contact = past_booking.contact
    assert past_booking.status == Booking.Status.ATTENDED
    assert (contact.attended, contact.kind, contact.note) == (True, "visit", "Samtal om sömn")


def test_a_no_show_is_recorded_as_a_contact_not_attended(client, county, past_booking):
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:no_show", args=[county.patient.pk, past_booking.pk])
    assert client.post(url).status_code == 302
    past_booking.refresh_from_db()
    assert past_booking.status == Booking.Status.NO_SHOW
    contact = past_booking.contact
    assert (contact.attended, contact.starts_at, contact.duration_minutes) == (
        False,
        past_booking.starts_at,
        45,
    )
    assert list(contact.staff.all()) == [county.nurse]


def test_a_booking_still_to_come_cannot_be_a_no_show(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:no_show", args=[county.patient.pk, booking.pk])
    client.post(url)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.BOOKED
    assert not Contact.objects.exists()


def test_the_no_show_of_a_booking_counts_in_the_follow_up(client, county, past_booking):
    from helhet.followup.indicators import unit_report
    from helhet.followup.periods import Period

    log_in(client, county.nurse, county.clinic)
    client.post(reverse("bookings:no_show", args=[county.patient.pk, past_booking.pk]))
    f.BookingFactory(
        episode=county.episode,
        booked_by=county.nurse,
        starts_at=past_booking.starts_at,
        status=Booking.Status.CANCELLED,
        cancelled_by="person",
    )
    day = timezone.localdate(past_booking.starts_at)
    report = unit_report(county.clinic, Period.month(day.year, day.month), suppress=False)
    assert report.row("no_shows", "").cells["total"].value == 1
    assert report.row("booked_contacts", "").cells["total"].value == 1


def test_the_bookings_page_shows_the_booking_to_a_reader_under_consent(
    client, county, consent_for_coordination, booking
):
    log_in(client, county.social_worker, county.clinic)
    response = client.get(reverse("bookings:person", args=[county.patient.pk]))
    assert response.context["bookings"].upcoming == [booking]


def test_the_bookings_page_hides_another_organisations_booking_elsewhere(client, county):
    """A booking of the region's at Mini-Maria is not the clinic social worker's to read."""
    f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    mini = f.EpisodeFactory(
        person=county.patient, unit=county.other_unit, opened_by=county.outsider
    )
    f.BookingFactory(episode=mini, booked_by=county.outsider, starts_at=ahead(2))
    log_in(client, county.social_worker, county.clinic)
    response = client.get(reverse("bookings:person", args=[county.patient.pk]))
    assert response.context["bookings"].upcoming == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bookings_page_opens_outside_a_transaction(client, county, booking):
    """The pages read the booking without locking it (a lock needs a transaction: on
    PostgreSQL a request has none); the action locks it."""
    log_in(client, county.nurse, county.clinic)
    for name in ("cancel", "rebook", "attended", "no_show"):
        url = reverse(f"bookings:{name}", args=[county.patient.pk, booking.pk])
        assert client.get(url).status_code == 200, name


def test_earlier_bookings_come_a_page_at_a_time_newest_first_and_unreadable_ones_are_skipped(
    client, county, settings
):
    """The page judges every booking but loads and shows only a page of the earlier ones; a
    booking the reader may not read neither shows nor takes a place on a page."""
    settings.HELHET_RECORD_PAGE_SIZE = 3
    f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    start = timezone.now() - datetime.timedelta(days=30)
    mine = [
        f.BookingFactory(
            episode=county.episode,
            booked_by=county.nurse,
            starts_at=start + datetime.timedelta(days=n),
        )
        for n in range(5)
    ]
    mini = f.EpisodeFactory(
        person=county.patient, unit=county.other_unit, opened_by=county.outsider
    )
    hidden = f.BookingFactory(
        episode=mini,
        booked_by=county.outsider,
        starts_at=start + datetime.timedelta(days=3, hours=2),
    )
    log_in(client, county.social_worker, county.clinic)
    url = reverse("bookings:person", args=[county.patient.pk])
    first = client.get(url).context["bookings"].earlier
    assert first.object_list == mine[:1:-1] and first.has_next
    second = client.get(url, {"page": 2}).context["bookings"].earlier
    assert second.object_list == mine[1::-1] and not second.has_next
    assert hidden not in [*first.object_list, *second.object_list]
    assert AccessLogEntry.objects.filter(what="bookings").count() == 2
