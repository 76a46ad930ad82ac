"""The staff's private calendar feed (names only where the unit allows, revocable) and the
persons' appointment reminders (only with their consent, once, no word about the care)."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from helhet.access.models import AccessLogEntry
from helhet.bookings import feeds, reminders
from helhet.bookings.models import Booking, CalendarFeed

from .. import factories as f
from ..people.utils import log_in
from .conftest import ahead

# --- The feed -----------------------------------------------------------------------------


def new_feed(client, user) -> str:
    log_in(client, user)
    response = client.post(reverse("bookings:feed_page"), {"create": "1"})
    assert response.status_code == 200
    return response.context["url"]


def events(client, url) -> list:
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return [str(e["summary"]) for e in Calendar.from_ical(response.content).walk("VEVENT")]


def test_the_feed_shows_no_names_unless_the_unit_allows(client, county, booking):
    url = new_feed(client, county.nurse)
    assert CalendarFeed.objects.get().token_hash not in url  # only the hash is kept
    [summary] = events(client, url)
    assert "Tolvan" not in summary and "Bokad" in summary
    assert not AccessLogEntry.objects.filter(what__startswith="calendar feed").exists()


def test_the_feed_names_the_person_where_the_unit_allows_and_logs_it(client, county, booking):
    county.clinic.calendar_feed_shows_names = True
    county.clinic.save()
    url = new_feed(client, county.nurse)
    [summary] = events(client, url)
    assert "Tolvan Tolvansson" in summary
    [row] = AccessLogEntry.objects.filter(what__startswith="calendar feed")
    assert row.user == county.nurse
    assert [i.person_id for i in row.listed_persons()] == [county.patient.pk]


def test_the_feed_does_not_name_a_person_the_user_no_longer_sees(client, county, booking):
    county.clinic.calendar_feed_shows_names = True
    county.clinic.save()
    url = new_feed(client, county.nurse)
    county.episode.closed_on = timezone.localdate()
    county.episode.closed_by = county.nurse
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    [summary] = events(client, url)
    assert "Tolvan" not in summary


def test_the_feed_never_names_a_person_with_protected_identity(client, county, booking):
    county.clinic.calendar_feed_shows_names = True
    county.clinic.save()
    county.patient.protected_identity = True
    county.patient.save()
    url = new_feed(client, county.nurse)
    [summary] = events(client, url)
    assert "Tolvan" not in summary


def test_a_revoked_or_unknown_feed_is_not_found(client, county, booking):
    url = new_feed(client, county.nurse)
    client.post(reverse("bookings:feed_page"), {"revoke": "1"})
    client.logout()
    assert client.get(url).status_code == 404
    assert client.get(reverse("bookings:feed", args=["not-a-token"])).status_code == 404
    assert client.get(reverse("bookings:feed", args=["x" * 500])).status_code == 404


def test_a_new_address_revokes_the_old_one(client, county):
    first = new_feed(client, county.nurse)
    second = new_feed(client, county.nurse)
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200


def test_the_feed_of_a_deactivated_user_is_not_found(client, county):
    url = new_feed(client, county.nurse)
    county.nurse.is_active = False
    county.nurse.save()
    client.logout()
    assert client.get(url).status_code == 404


def test_the_feed_page_is_for_staff_only(client, county):
    log_in(client, county.admin)
    assert client.get(reverse("bookings:feed_page")).status_code == 404


def test_a_token_is_looked_up_by_its_hash():
    assert feeds.token_hash("abc") == feeds.token_hash("abc") != feeds.token_hash("abd")


# --- Reminders ----------------------------------------------------------------------------


@pytest.fixture
def phone(county):
    county.patient.phone = "070-1234567"
    county.patient.save()


def remind_booking(county, **kw):
    values = {"starts_at": timezone.now() + datetime.timedelta(hours=20), "remind": True}
    return f.BookingFactory(episode=county.episode, booked_by=county.nurse, **values | kw)


@override_settings(HELHET_REMINDER_SENDER="helhet.bookings.senders.FileSender")
def test_a_reminder_is_sent_once_with_consent_and_says_nothing_of_the_care(
    county, phone, tmp_path, settings
):
    settings.HELHET_REMINDER_FILE = str(tmp_path / "sms.txt")
    booking = remind_booking(county, place="Storgatan 1")
    assert reminders.send_reminders() == 1
    assert reminders.send_reminders() == 0  # once
    [line] = (tmp_path / "sms.txt").read_text().splitlines()
    number, text = line.split("\t")
    assert number == "070-1234567"
    assert "Socialmedicinska mottagningen" in text and "Storgatan 1" in text
    assert "Besök" not in text and "Tolvan" not in text
    booking.refresh_from_db()
    assert booking.reminder_sent_at is not None
    [row] = AccessLogEntry.objects.filter(what__startswith="appointment reminder sent")
    assert (row.person_id, row.organisation_id) == (county.patient.pk, county.region.pk)


@override_settings(HELHET_REMINDER_SENDER="helhet.bookings.senders.FileSender")
@pytest.mark.parametrize(
    "case", ["no consent", "no phone", "cancelled", "too far ahead", "already begun"]
)
def test_no_reminder_without_consent_phone_or_an_open_booking_soon(
    county, tmp_path, settings, case
):
    settings.HELHET_REMINDER_FILE = str(tmp_path / "sms.txt")
    county.patient.phone = "" if case == "no phone" else "070-1234567"
    county.patient.save()
    now = timezone.now()
    changes = {
        "no consent": {"remind": False},
        "cancelled": {"status": Booking.Status.CANCELLED, "cancelled_by": "unit"},
        "too far ahead": {"starts_at": now + datetime.timedelta(hours=30)},
        "already begun": {"starts_at": now - datetime.timedelta(minutes=5)},
    }.get(case, {})
    remind_booking(county, **changes)
    assert reminders.send_reminders() == 0
    assert not (tmp_path / "sms.txt").exists()


@override_settings(HELHET_REMINDER_SENDER="helhet.bookings.senders.FileSender")
def test_the_remind_command_sends_the_reminders_due(county, phone, tmp_path, settings):
    settings.HELHET_REMINDER_FILE = str(tmp_path / "sms.txt")
    remind_booking(county)
    out = io.StringIO()
    call_command("remind", now=True, stdout=out)
    assert "Sent 1 appointment reminders." in out.getvalue()
    assert "Påminnelse" in (tmp_path / "sms.txt").read_text()


def test_booking_with_the_reminder_ticked_records_the_consent(client, county):
    log_in(client, county.nurse, county.clinic)
    client.post(
        reverse("bookings:new", args=[county.patient.pk]),
        {
            "form": "booking",
            "kind": "phone",
            "starts_at": timezone.localtime(ahead(2)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "15",
            "staff": [county.nurse.pk],
        },
    )
    assert Booking.objects.get().remind is False  # not ticked: no reminder


@pytest.mark.usefixtures("access_changes_logged")
def test_letting_a_units_feeds_show_names_is_an_access_change_made_in_the_admin(client, county):
    from ..access.test_security_events import unit_form

    client.force_login(county.admin)
    response = client.post(
        reverse("admin:core_unit_change", args=[county.clinic.pk]),
        unit_form(county.clinic, calendar_feed_shows_names="on"),
    )
    assert response.status_code == 302, response.content
    county.clinic.refresh_from_db()
    assert county.clinic.calendar_feed_shows_names
    rows = AccessLogEntry.objects.filter(action=AccessLogEntry.Action.SECURITY, unit=county.clinic)
    changed = [r for r in rows if r.what.endswith("calendar_feed_shows_names False → True")]
    # one row for each organisation running the unit
    assert {r.organisation_id for r in changed} == {county.region.pk, county.municipality.pk}
