"""Changing a coming booking, moving a group session with its participants, and a booking's
status following a correction of its contact."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry
from helhet.bookings import actions, reminders
from helhet.bookings.models import Booking
from helhet.care.models import ClosureReason, Episode
from helhet.contacts import actions as contact_actions
from helhet.followup.indicators import unit_report
from helhet.followup.periods import Period

from .. import factories as f
from ..contacts.test_record_contact import access_of
from ..people.utils import log_in, log_rows, only_refused
from .conftest import ahead, form_time
from .test_fixes import book_into, session_at


def edit_url(county, booking) -> str:
    return reverse("bookings:edit", args=[county.patient.pk, booking.pk])


def edit(client, county, booking, **changes):
    data = {
        "kind": "phone",
        "starts_at": form_time(ahead(3, hour=14)),
        "duration_minutes": "30",
        "staff": [county.nurse.pk, county.coordinator.pk],
        "place": "Rum 5",
        "remind": "on",
        "version": str(booking.version),
    } | changes
    return client.post(edit_url(county, booking), data)


def fields(booking: Booking) -> tuple:
    booking.refresh_from_db()
    staff = sorted(u.pk for u in booking.staff.all())
    return booking.kind, booking.starts_at, booking.duration_minutes, booking.place, staff


# --- Changing a booking ---------------------------------------------------------------------


def test_the_nurse_changes_a_coming_booking_and_it_is_logged(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    form = client.get(edit_url(county, booking)).context["form"]
    assert form["version"].value() == 0 and form["kind"].value() == "visit"
    assert edit(client, county, booking).status_code == 302
    assert fields(booking) == (
        "phone",
        ahead(3, hour=14),
        30,
        "Rum 5",
        sorted([county.nurse.pk, county.coordinator.pk]),
    )
    assert (booking.remind, booking.version, booking.changed_by) == (True, 1, county.nurse)
    [row] = log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)
    assert row.what == "booking changed: Socialmedicinska mottagningen"


@pytest.mark.parametrize("status", ["cancelled", "attended", "no_show"])
def test_a_booking_no_longer_booked_is_not_changed(client, county, booking, status):
    if status == "cancelled":
        actions.booking_cancel(
            actor=Actor(county.nurse, county.clinic),
            access=_access(county),
            booking=booking.pk,
            cancelled_by="person",
            reason="Sjuk",
        )
    else:
        contact = f.ContactFactory(episode=county.episode, attended=status == "attended")
        Booking.objects.filter(pk=booking.pk).update(status=status, contact=contact)
    before = fields(booking)
    log_in(client, county.nurse, county.clinic)
    assert client.get(edit_url(county, booking)).status_code == 404
    assert edit(client, county, booking).status_code == 404
    assert fields(booking) == before


def _access(county, user=None, unit=None):
    return access_of(user or county.nurse, county.patient, unit or county.clinic)


def test_a_booking_that_has_begun_is_not_changed(client, county, past_booking):
    log_in(client, county.nurse, county.clinic)
    client.cookies["django_language"] = "sv"
    before = fields(past_booking)
    response = edit(client, county, past_booking)
    assert response.status_code == 200
    assert "Bokningen har börjat: registrera den, ändra den inte." in response.text
    assert fields(past_booking) == before
    assert not log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)


@pytest.mark.parametrize("who", ["emergency", "outsider", "other organisation, no consent"])
def test_who_may_not_change_a_booking(client, county, booking, who):
    user = county.social_worker if who.startswith("other") else county.outsider
    if who == "emergency":
        f.EmergencyAccessFactory(
            user=county.outsider, person=county.patient, unit=county.other_unit
        )
    log_in(client, user)
    before = fields(booking)
    assert edit(client, county, booking).status_code == 404
    assert fields(booking) == before
    assert only_refused(AccessLogEntry.objects.filter(user=user))


def test_a_closed_episode_s_read_only_basis_gives_no_change(client, county, booking):
    """Closed without the closing action (which cancels coming bookings): still booked, but
    the basis is the closed episode's, read-only."""
    Episode.objects.filter(pk=county.episode.pk).update(
        closed_on=timezone.localdate(),
        closure_reason=ClosureReason.objects.get(code="goals_reached"),
        closed_by=county.nurse,
    )
    log_in(client, county.nurse, county.clinic)
    before = fields(booking)
    assert client.get(edit_url(county, booking)).status_code == 404
    assert edit(client, county, booking).status_code == 404
    assert fields(booking) == before
    with pytest.raises(ValidationError):
        actions.booking_edit(
            actor=Actor(county.nurse, county.clinic),
            access=_access(county),
            booking=booking.pk,
            kind="visit",
            starts_at=ahead(4),
            duration_minutes=45,
        )
    assert fields(booking) == before


def test_the_staff_overlap_rule_refuses_a_change_and_saves_nothing(client, county, booking):
    other = f.BookingFactory(
        episode=county.episode, booked_by=county.coordinator, starts_at=ahead(3, hour=14)
    )
    log_in(client, county.nurse, county.clinic)
    client.cookies["django_language"] = "sv"
    before = fields(booking)
    response = edit(client, county, booking)
    assert response.status_code == 200
    assert "Redan bokad vid den tiden" in response.text
    assert response.context["form"].errors["staff"]
    assert fields(booking) == before and other.status == "booked"


def test_a_booking_does_not_clash_with_itself(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    later = booking.starts_at + datetime.timedelta(minutes=15)
    response = edit(client, county, booking, starts_at=form_time(later), staff=[county.nurse.pk])
    assert response.status_code == 302
    assert fields(booking)[1] == later


def test_a_second_change_from_the_same_page_is_stale_and_keeps_the_first(client, county, booking):
    log_in(client, county.nurse, county.clinic)
    client.cookies["django_language"] = "sv"
    assert edit(client, county, booking, place="Rum 7").status_code == 302
    response = edit(client, county, booking, place="Rum 9", version="0")
    assert response.status_code == 200
    assert "Någon annan sparade en ny version" in response.text
    assert response.context["form"]["version"].value() == "1"  # saves the next time
    assert fields(booking)[3] == "Rum 7" and booking.version == 1
    assert len(log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)) == 1


def test_a_reminder_sent_is_due_again_when_the_time_changes(client, county, booking):
    sent = timezone.now()
    Booking.objects.filter(pk=booking.pk).update(
        remind=True, reminder_sent_at=sent, reminder_attempts=1
    )
    log_in(client, county.nurse, county.clinic)
    # the place only: the reminder sent still tells the right time
    assert edit(client, county, booking, starts_at=form_time(booking.starts_at)).status_code == 302
    booking.refresh_from_db()
    assert booking.reminder_sent_at == sent
    assert edit(client, county, booking, starts_at=form_time(ahead(1, hour=15))).status_code == 302
    booking.refresh_from_db()
    assert (booking.reminder_sent_at, booking.reminder_attempts) == (None, 0)
    county.patient.phone = "0701234567"
    county.patient.save()
    assert list(reminders.due(ahead(1, hour=9))) == [booking]


def test_a_place_the_user_is_not_shown_is_kept(county, booking):
    Booking.objects.filter(pk=booking.pk).update(place="Storgatan 1")
    actions.booking_edit(
        actor=Actor(county.nurse, county.clinic),
        access=_access(county),
        booking=booking.pk,
        kind="visit",
        starts_at=ahead(4),
        duration_minutes=45,
    )
    assert fields(booking)[3] == "Storgatan 1"


def test_a_group_participant_is_not_changed_alone(client, county):
    session = session_at(county, ahead(2))
    assert book_into(client, county, session).status_code == 302
    participant = Booking.objects.get()
    response = edit(client, county, participant)
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert participant.starts_at == Booking.objects.get().starts_at


# --- Moving a group session -----------------------------------------------------------------


def move(client, session, starts_at, **changes):
    url = reverse("bookings:session_move", args=[session.pk])
    data = {"starts_at": form_time(starts_at), "duration_minutes": "60", "place": "Salen"}
    return client.post(url, data | changes)


def test_moving_a_session_moves_its_participants_and_logs_each(client, county):
    session = session_at(county, ahead(2))
    assert book_into(client, county, session).status_code == 302
    second = f.EpisodeFactory(unit=county.clinic, opened_by=county.nurse)
    other = f.BookingFactory(
        episode=second, booked_by=county.nurse, starts_at=session.starts_at, group_session=session
    )
    cancelled = f.BookingFactory(
        episode=county.episode,
        booked_by=county.nurse,
        starts_at=session.starts_at,
        group_session=session,
        status="cancelled",
        cancelled_by="person",
    )
    Booking.objects.filter(pk=other.pk).update(
        ends_at=session.ends_at, remind=True, reminder_sent_at=timezone.now()
    )
    assert client.get(reverse("bookings:session", args=[session.pk])).context["may_move"]
    assert move(client, session, ahead(3, hour=13)).status_code == 302
    session.refresh_from_db()
    new_start, new_end = ahead(3, hour=13), ahead(3, hour=14)
    assert (session.starts_at, session.ends_at, session.place) == (new_start, new_end, "Salen")
    for booking in Booking.objects.filter(status="booked"):
        assert (booking.starts_at, booking.ends_at, booking.place) == (new_start, new_end, "Salen")
        assert booking.reminder_sent_at is None and booking.version == 1
    cancelled.refresh_from_db()
    assert cancelled.starts_at != new_start  # cancelled ones stay as they were
    rows = AccessLogEntry.objects.filter(what__startswith="booking moved with its group session")
    assert sorted(r.person_id for r in rows) == sorted([county.patient.pk, second.person_id])


def test_a_participant_s_staff_busy_then_moves_nothing(client, county):
    session = session_at(county, ahead(2))
    assert book_into(client, county, session).status_code == 302
    participant = Booking.objects.get()
    participant.staff.add(county.coordinator)
    f.BookingFactory(
        episode=county.episode, booked_by=county.coordinator, starts_at=ahead(3, hour=13)
    )
    client.cookies["django_language"] = "sv"
    response = move(client, session, ahead(3, hour=13))
    assert response.status_code == 200
    assert "Redan bokad vid den tiden" in response.text
    session.refresh_from_db()
    participant.refresh_from_db()
    assert session.starts_at == participant.starts_at == ahead(2)
    assert not AccessLogEntry.objects.filter(what__startswith="booking moved").exists()


def test_a_session_is_not_moved_into_the_past(client, county):
    session = session_at(county, ahead(2))
    log_in(client, county.nurse, county.clinic)
    response = move(client, session, timezone.now() - datetime.timedelta(hours=1))
    assert response.status_code == 200
    session.refresh_from_db()
    assert session.starts_at == ahead(2)


@pytest.mark.parametrize("who", ["outsider", "other unit active", "begun", "cancelled"])
def test_who_may_not_move_a_group_session(client, county, who):
    starts = timezone.now() - datetime.timedelta(minutes=10) if who == "begun" else ahead(2)
    session = session_at(county, starts)
    if who == "cancelled":
        session.cancelled_at = timezone.now()
        session.save()
    if who == "outsider":
        log_in(client, county.outsider)
    elif who == "other unit active":
        f.MembershipFactory(user=county.nurse, unit=county.other_unit)
        log_in(client, county.nurse, county.other_unit)
    else:
        log_in(client, county.nurse, county.clinic)
    assert client.get(reverse("bookings:session_move", args=[session.pk])).status_code == 404
    assert move(client, session, ahead(3)).status_code == 404
    session.refresh_from_db()
    assert session.starts_at == starts


# --- The status follows a correction of the contact ------------------------------------------


def no_shows(county) -> int:
    year = Period.year(timezone.localdate().year)
    return unit_report(county.clinic, year, suppress=False).row("no_shows", "").cells["total"].value


def correct(county, contact, *, attended: bool):
    return contact_actions.contact_correct(
        actor=Actor(county.nurse, county.clinic),
        access=_access(county),
        contact_id=contact.pk,
        reason="Fel registrerat.",
        kind=contact.kind,
        starts_at=contact.starts_at,
        attended=attended,
    )


def test_the_booking_follows_its_contact_corrected_both_ways(client, county, past_booking):
    log_in(client, county.nurse, county.clinic)
    url = reverse("bookings:no_show", args=[county.patient.pk, past_booking.pk])
    assert client.post(url).status_code == 302
    past_booking.refresh_from_db()
    first = past_booking.contact
    assert (past_booking.status, no_shows(county)) == ("no_show", 1)

    came = correct(county, first, attended=True)  # the person came after all
    past_booking.refresh_from_db()
    assert (past_booking.status, past_booking.contact) == ("attended", first)
    assert no_shows(county) == 0
    page = client.get(reverse("bookings:person", args=[county.patient.pk]))
    assert [b.status for b in page.context["bookings"].earlier] == ["attended"]
    day = {"view": "day", "day": timezone.localdate(past_booking.starts_at).isoformat()}
    calendar = client.get(reverse("bookings:calendar"), day)
    [entry] = [e for d in calendar.context["days"] for e in d.entries]
    assert entry.booking.status == "attended"

    correct(county, came, attended=False)  # and back: a correction of the correction
    past_booking.refresh_from_db()
    assert (past_booking.status, no_shows(county)) == ("no_show", 1)


def test_a_refused_correction_leaves_the_booking_as_it_was(county, past_booking):
    recorded = actions.booking_no_show(
        actor=Actor(county.nurse, county.clinic), access=_access(county), booking=past_booking.pk
    )
    with pytest.raises(ValidationError):
        contact_actions.contact_correct(
            actor=Actor(county.nurse, county.clinic),
            access=_access(county),
            contact_id=recorded.contact_id,
            reason="",  # a correction needs a reason
            kind="visit",
            starts_at=past_booking.starts_at,
            attended=True,
        )
    past_booking.refresh_from_db()
    assert past_booking.status == "no_show"
