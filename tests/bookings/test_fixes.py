"""What the calendar does around its edges: closing an episode cancels its coming bookings,
booking into a session that cannot take the person re-renders the form, one failing text
message does not hold up the others, group sessions are cancelled and shown on the calendars,
a calendar's read is logged at its own unit, a session is reached from any of the user's units."""

import datetime
import logging

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry
from helhet.bookings import reminders
from helhet.bookings.models import MAX_REMINDER_ATTEMPTS, Booking, GroupSession
from helhet.bookings.senders import Sender
from helhet.care.models import ClosureReason
from helhet.core.forms import run_action
from helhet.core.models import Membership

from .. import factories as f
from ..people.utils import log_in
from .conftest import ahead, form_time

# --- Closing the episode ------------------------------------------------------------------


def close(client, county):
    reason = ClosureReason.objects.get(code="goals_reached")
    url = reverse("care:episode_close", args=[county.patient.pk, county.episode.pk])
    data = {"closed_on": timezone.localdate().isoformat(), "reason": reason.pk}
    return log_in(client, county.nurse, county.clinic).post(url, data)


def test_closing_the_episode_cancels_its_coming_bookings_by_the_unit(client, county, booking):
    earlier = f.BookingFactory(
        episode=county.episode,
        booked_by=county.nurse,
        starts_at=timezone.now() - datetime.timedelta(hours=2),
    )
    assert close(client, county).status_code == 302
    booking.refresh_from_db()
    earlier.refresh_from_db()
    assert (booking.status, booking.cancelled_by) == ("cancelled", "unit")
    assert booking.cancel_reason == "Inskrivningen avslutades."
    assert earlier.status == "booked"  # what happened is recorded, not cancelled
    [row] = AccessLogEntry.objects.filter(what__startswith="booking cancelled at closure")
    assert (row.person_id, row.action, row.user) == (county.patient.pk, "update", county.nurse)


def test_a_refused_closing_cancels_no_booking(client, county, booking):
    url = reverse("care:episode_close", args=[county.patient.pk, county.episode.pk])
    reason = ClosureReason.objects.get(code="goals_reached")
    log_in(client, county.nurse, county.clinic).post(
        url, {"closed_on": "2099-01-01", "reason": reason.pk}
    )
    booking.refresh_from_db()
    assert booking.status == "booked"


@pytest.mark.django_db
def test_no_reminder_for_a_booking_of_a_closed_episode(county, settings, tmp_path):
    settings.HELHET_REMINDER_SENDER = "helhet.bookings.senders.FileSender"
    settings.HELHET_REMINDER_FILE = str(tmp_path / "sms.txt")
    county.patient.phone = "070-1234567"
    county.patient.save()
    f.BookingFactory(
        episode=county.episode,
        booked_by=county.nurse,
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        remind=True,
    )
    county.episode.closed_on, county.episode.closed_by = timezone.localdate(), county.nurse
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    assert reminders.send_reminders() == 0
    county.episode.closed_on = county.episode.closed_by = county.episode.closure_reason = None
    county.episode.save()
    assert reminders.send_reminders() == 1


# --- Booking into a group session ---------------------------------------------------------


def session_at(county, starts, *, staff=None) -> GroupSession:
    session = GroupSession.objects.create(
        unit=county.clinic,
        organisation=county.region,
        title="Grupp",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=90),
        created_by=county.nurse,
    )
    session.staff.set(staff or [county.nurse])
    return session


def book_into(client, county, session):
    client.raise_request_exception = False
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:new", args=[county.patient.pk])
    return client.post(url, {"form": "group", "group-group_session": session.pk})


def test_a_session_under_way_is_not_offered_and_booking_into_it_re_renders(client, county):
    session = session_at(county, timezone.now() - datetime.timedelta(minutes=10))
    response = book_into(client, county, session)
    assert response.status_code == 200
    assert response.context["group"].errors
    assert not Booking.objects.exists()


def test_a_session_whose_staff_left_re_renders_the_form_with_the_message(client, county):
    session = session_at(county, ahead(2), staff=[county.nurse, county.coordinator])
    Membership.objects.filter(user=county.coordinator, unit=county.clinic).delete()
    response = book_into(client, county, session)
    assert response.status_code == 200
    assert response.context["group"].non_field_errors()
    assert not Booking.objects.exists()


def test_a_coming_session_is_booked_into(client, county):
    session = session_at(county, ahead(2))
    assert book_into(client, county, session).status_code == 302
    assert Booking.objects.get().group_session == session


def test_a_session_cancelled_since_the_form_was_read_takes_no_participant(county):
    from helhet.access.log import Actor
    from helhet.bookings import actions

    from ..plans.conftest import access_of

    session = session_at(county, ahead(2))
    stale = GroupSession.objects.get(pk=session.pk)
    GroupSession.objects.filter(pk=session.pk).update(
        cancelled_at=timezone.now(), cancel_reason="x", cancelled_by=county.nurse
    )
    access = access_of(county.nurse, county.patient, county.clinic)
    with pytest.raises(ValidationError):
        actions.participant_add(
            actor=Actor(county.nurse, county.clinic), access=access, session=stale
        )
    assert not Booking.objects.exists()


class Small(forms.Form):
    reason = forms.CharField()


def test_run_action_puts_an_error_for_a_field_the_form_lacks_above_the_fields():
    form = Small({"reason": "x"})
    assert form.is_valid()

    def action(**_):
        raise ValidationError({"staff": "Busy.", "reason": "Too short."})

    assert run_action(form, action) is False
    assert form.non_field_errors() == ["Busy."]
    assert form.errors["reason"] == ["Too short."]


# --- Reminders that fail ------------------------------------------------------------------

SENT: list[str] = []


class FailingOnBad(Sender):
    """Refuses the number "bad", as a gateway would."""

    def send(self, *, phone, text):
        if phone == "bad":
            raise RuntimeError(f"gateway refused {phone}")
        SENT.append(phone)


@pytest.mark.django_db
def test_one_failing_text_does_not_hold_up_the_others_and_is_given_up(county, settings, caplog):
    settings.HELHET_REMINDER_SENDER = "tests.bookings.test_fixes.FailingOnBad"
    SENT.clear()
    county.patient.phone = "bad"
    county.patient.save()
    now = timezone.now()
    failing = f.BookingFactory(
        episode=county.episode,
        booked_by=county.nurse,
        starts_at=now + datetime.timedelta(hours=2),
        remind=True,
    )
    other = f.EpisodeFactory(
        person=f.PersonFactory(phone="070-111"), unit=county.clinic, opened_by=county.nurse
    )
    f.BookingFactory(
        episode=other,
        booked_by=county.nurse,
        starts_at=now + datetime.timedelta(hours=3),
        remind=True,
    )
    with caplog.at_level(logging.WARNING, logger="helhet.bookings.reminders"):
        assert reminders.send_reminders() == 1
    assert SENT == ["070-111"]
    assert f"booking {failing.pk} failed: RuntimeError" in caplog.text
    assert "bad" not in caplog.text and "Tolvan" not in caplog.text
    for _ in range(MAX_REMINDER_ATTEMPTS + 1):
        reminders.send_reminders()
    failing.refresh_from_db()
    assert (failing.reminder_attempts, failing.reminder_sent_at) == (MAX_REMINDER_ATTEMPTS, None)


# --- Group sessions: cancelled, shown on the calendars -------------------------------------


def test_the_unit_cancels_a_group_session_and_its_participants(client, county):
    session = session_at(county, ahead(2))
    assert book_into(client, county, session).status_code == 302
    url = reverse("bookings:session_cancel", args=[session.pk])
    assert client.post(url, {"reason": ""}).status_code == 200  # a reason is needed
    response = client.post(url, {"reason": "Sjuk personal"})
    assert response.status_code == 302
    session.refresh_from_db()
    booking = Booking.objects.get()
    assert session.is_cancelled and session.cancel_reason == "Sjuk personal"
    assert (booking.status, booking.cancelled_by, booking.cancel_reason) == (
        "cancelled",
        "unit",
        "Sjuk personal",
    )
    assert AccessLogEntry.objects.filter(
        person=county.patient, what__startswith="booking cancelled"
    ).exists()
    # the staff are free again, and the session is no longer offered
    response = client.post(
        reverse("bookings:new", args=[county.patient.pk]),
        {
            "form": "booking",
            "kind": "visit",
            "starts_at": form_time(session.starts_at),
            "duration_minutes": "45",
            "staff": [county.nurse.pk],
        },
    )
    assert response.status_code == 302
    assert client.get(url).status_code == 404  # cancelled once


@pytest.mark.parametrize("who", ["outsider", "other unit active", "past session"])
def test_who_may_not_cancel_a_group_session(client, county, who):
    starts = timezone.now() - datetime.timedelta(hours=3) if who == "past session" else ahead(2)
    session = session_at(county, starts)
    if who == "outsider":
        log_in(client, county.outsider)
    elif who == "other unit active":
        f.MembershipFactory(user=county.nurse, unit=county.other_unit)
        log_in(client, county.nurse, county.other_unit)
    else:
        log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:session_cancel", args=[session.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    session.refresh_from_db()
    assert not session.is_cancelled


def test_the_calendars_show_group_sessions_without_names(client, county, stranger_episode):
    session = session_at(county, ahead(2))
    f.BookingFactory(
        episode=stranger_episode,
        booked_by=county.social_worker,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        group_session=session,
        staff=[county.nurse],
    )
    log_in(client, county.nurse, county.clinic)
    day = timezone.localdate(session.starts_at).isoformat()
    for url in (
        reverse("bookings:calendar"),
        reverse("bookings:unit_calendar", args=[county.clinic.pk]),
    ):
        response = client.get(url, {"day": day})
        [shown] = [s for d in response.context["days"] for s in d.sessions]
        assert (shown, shown.booked) == (session, 1)
        assert "Grupp" in response.text and "Hemlig" not in response.text


@pytest.fixture
def stranger_episode(county):
    """A person the nurse does not see (the municipality's episode, no consent)."""
    return f.EpisodeFactory(
        person=f.PersonFactory(given_name="Hemlig", family_name="Person"),
        unit=county.clinic,
        opened_by=county.social_worker,
    )


# --- Another unit's calendar --------------------------------------------------------------


def test_a_unit_calendar_is_logged_at_its_own_unit(client, county, booking):
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    log_in(client, county.nurse, county.other_unit)
    day = timezone.localdate(booking.starts_at).isoformat()
    client.get(reverse("bookings:unit_calendar", args=[county.clinic.pk]), {"day": day})
    [row] = AccessLogEntry.objects.filter(what__startswith="calendar")
    assert row.unit == county.clinic


def test_a_session_of_another_of_my_units_opens_and_not_for_a_non_member(client, county):
    session = session_at(county, ahead(2))
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    log_in(client, county.nurse, county.other_unit)
    page = client.get(reverse("bookings:session", args=[session.pk]))
    assert page.status_code == 200 and not page.context["may_cancel"]
    log_in(client, county.outsider)
    assert client.get(reverse("bookings:session", args=[session.pk])).status_code == 404
