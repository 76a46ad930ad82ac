"""The start page for the day (/): my bookings today, overdue and due-soon tasks for the
persons on the user's case teams, the unit's new referrals and the recently opened -- each list
through the access layer and logged as its full page logs it; nothing for those who may not see
it."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.bookings.models import Booking
from helhet.care.models import CaseTeamMember
from helhet.followup.models import SteeringGroup

from .. import factories as f
from ..log_rows import named
from ..people.utils import log_in, log_rows
from ..reminders.conftest import days, plan_version

pytestmark = pytest.mark.django_db
HOME = reverse("core:home")


def section(response, heading_id) -> str:
    text = response.content.decode()
    start = text.index(f'id="{heading_id}"')
    return text[start : text.index("</section>", start)]


def on_case_team(county, user):
    f.CaseTeamMemberFactory(
        episode=county.episode, user=user, role=CaseTeamMember.Role.CASE_MANAGER
    )


def test_the_start_page_shows_overdue_and_due_soon_tasks_each_linked_and_logged(client, county):
    on_case_team(county, county.nurse)  # no contact since January: overdue
    plan_version(county, review_on=days(5))  # due in five days
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    assert response.status_code == 200
    overdue, soon = section(response, "overdue-heading"), section(response, "due-heading")
    assert "No recent contact" in overdue and "Tolvansson, Tolvan" in overdue
    assert reverse("contacts:new", args=[county.patient.pk]) in overdue
    assert "Treatment plan review due" in soon and "Treatment plan review due" not in overdue
    assert reverse("reminders:mine") in soon
    [row] = log_rows(what="tasks")
    assert named([row]) == [county.patient.pk]


def test_persons_off_my_case_teams_are_not_on_my_start_page(client, county):
    plan_version(county, review_on=days(-3))
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    assert "Tolvansson" not in section(response, "overdue-heading")
    assert log_rows(county.patient) == []


def test_the_other_organisations_plan_review_is_not_shown_under_coordination_consent(
    client, county, consent_for_coordination
):
    on_case_team(county, county.social_worker)
    plan_version(county, review_on=days(3))  # the region's plan: not disclosed
    response = log_in(client, county.social_worker, county.clinic).get(HOME)
    assert "Treatment plan review due" not in response.text
    assert "No recent contact" in section(response, "overdue-heading")


def test_new_referrals_at_the_unit_are_listed_and_logged_as_the_inbox(client, county):
    referral = f.ReferralFactory(unit=county.clinic, registered_by=county.nurse, name="Ny Remiss")
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    shown = section(response, "referrals-heading")
    assert reverse("intake:detail", args=[referral.pk]) in shown
    assert reverse("intake:inbox") in shown
    assert log_rows(what="referral inbox", person_id=None, user=county.nurse)


def test_another_units_referrals_are_not_on_the_start_page(client, county):
    f.ReferralFactory(unit=county.clinic, registered_by=county.nurse, name="Ny Remiss")
    response = log_in(client, county.outsider, county.other_unit).get(HOME)
    assert "Ny Remiss" not in response.text
    assert "There are no open referrals." in section(response, "referrals-heading")


def test_the_menu_names_the_start_page_the_persons_and_the_task_list_apart(client, county):
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    menu = response.text
    for name in ("Today", "My persons", "To do"):
        assert f">{name}</a>" in menu
    assert 'aria-current="page">Today' in menu


def test_the_administrator_and_the_steering_group_keep_their_only_pages(client, county):
    client.force_login(county.admin)
    assert client.get(HOME).url == reverse("admin:index")


def test_a_member_of_staff_without_a_unit_is_told_so(client, county):
    lonely = f.UserFactory(organisation=county.region)
    client.force_login(lonely)
    response = client.get(HOME)
    assert response.status_code == 200 and "You have no active unit" in response.text
    assert "overdue-heading" not in response.text


# --- My bookings today --------------------------------------------------------------------


def today_at(hour: int, minute: int = 0, days: int = 0) -> datetime.datetime:
    """HOUR:MINUTE local time today (or DAYS from today): today whatever the time now."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def booked(county, starts_at, *, by=None, staff=None, given_name=None, opened_by=None):
    """A booking at the clinic at STARTS_AT: of the patient, or of a new person GIVEN_NAME
    enrolled there by OPENED_BY (the nurse unless told); booked by BY (the nurse), STAFF on it."""
    episode = county.episode
    if given_name is not None:
        person = f.PersonFactory(given_name=given_name, family_name="Bokadsson")
        episode = f.EpisodeFactory(
            person=person, unit=county.clinic, opened_by=opened_by or county.nurse
        )
    by = by or county.nurse
    return f.BookingFactory(episode=episode, booked_by=by, starts_at=starts_at, staff=staff)


def hidden_booking(county):
    """Today at two: the municipality's person (no consent), booked by the social worker with
    the nurse."""
    return booked(
        county,
        today_at(14),
        by=county.social_worker,
        staff=[county.social_worker, county.nurse],
        given_name="Hemlig",
        opened_by=county.social_worker,
    )


def bookings_rows(user):
    return log_rows(what="todays bookings", user=user)


def test_the_start_page_shows_my_bookings_today_each_linked_and_logged(client, county):
    mine = booked(county, today_at(10))
    shared = booked(
        county,
        today_at(13),
        by=county.coordinator,
        staff=[county.coordinator, county.nurse],
        given_name="Delad",
    )
    shared_person = shared.person
    booked(county, today_at(10, days=1), given_name="Imorgon")  # tomorrow's
    booked(county, today_at(11), by=county.coordinator, given_name="Kollegas")  # not mine
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    assert response.status_code == 200
    shown = section(response, "todays-bookings-heading")
    assert [e.booking.pk for e in response.context["today"].bookings] == [mine.pk, shared.pk]
    assert "Tolvan Tolvansson" in shown and shared_person.full_name in shown
    assert "Imorgon" not in shown and "Kollegas" not in shown
    for booking in (mine, shared):  # attended or no-show in one click
        args = [booking.person_id, booking.pk]
        assert reverse("bookings:attended", args=args) in shown
        assert reverse("bookings:no_show", args=args) in shown
    assert reverse("bookings:person", args=[county.patient.pk]) in shown
    assert reverse("bookings:calendar") in shown
    [row] = bookings_rows(county.nurse)
    assert row.person_id is None
    assert named([row]) == [county.patient.pk, shared_person.pk]


def test_a_booking_of_a_person_i_may_not_see_is_booked_without_a_name(client, county):
    """The municipality's person, no consent: the region's nurse on the booking sees "Bokad",
    no name, nothing to click, and the log names only the person she may see."""
    mine = booked(county, today_at(9))
    hidden = hidden_booking(county)
    log_in(client, county.nurse, county.clinic)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "sv"
    response = client.get(HOME)
    shown = section(response, "todays-bookings-heading")
    assert [(e.booking.pk, e.person) for e in response.context["today"].bookings] == [
        (mine.pk, county.patient),
        (hidden.pk, None),
    ]
    assert "Mina bokningar i dag" in shown and "Bokad" in shown
    assert "Hemlig" not in response.text
    assert f"/persons/{hidden.person_id}/" not in response.text
    [row] = bookings_rows(county.nurse)
    assert named([row]) == [county.patient.pk]
    assert log_rows(hidden.person) == []


def test_emergency_access_does_not_name_the_person_on_the_start_page(client, county):
    """Emergency access is for one person's page, read-only: a list of work stays without it."""
    hidden = hidden_booking(county)
    f.EmergencyAccessFactory(user=county.nurse, person=hidden.person)
    response = log_in(client, county.nurse, county.clinic).get(HOME)
    today = response.context["today"].bookings
    assert [(e.booking.pk, e.person) for e in today] == [(hidden.pk, None)]
    assert "Hemlig" not in response.text
    assert bookings_rows(county.nurse) == []


def test_the_social_worker_on_the_same_booking_sees_her_person_and_not_mine(client, county):
    hidden = hidden_booking(county)
    booked(county, today_at(9))  # the nurse's alone
    response = log_in(client, county.social_worker, county.clinic).get(HOME)
    assert [(e.booking.pk, e.person) for e in response.context["today"].bookings] == [
        (hidden.pk, hidden.person)
    ]
    assert "Tolvan" not in section(response, "todays-bookings-heading")
    [row] = bookings_rows(county.social_worker)
    assert named([row]) == [hidden.person_id]


def test_another_units_member_sees_none_of_the_clinics_bookings(client, county):
    booked(county, today_at(10), staff=[county.nurse, county.outsider])
    response = log_in(client, county.outsider, county.other_unit).get(HOME)
    assert response.context["today"].bookings == []
    assert "No bookings today." in section(response, "todays-bookings-heading")
    assert "Tolvan" not in response.text
    assert bookings_rows(county.outsider) == []


@pytest.mark.parametrize("user", ["admin", "steering"])
def test_who_has_no_unit_to_work_in_gets_no_bookings(client, county, user):
    booked(county, today_at(10))
    if user == "steering":
        member = f.UserFactory(organisation=county.region)
        group = SteeringGroup.objects.create(name="Styrgrupp Testby")
        group.units.add(county.clinic)
        group.members.add(member)
    else:
        member = county.admin
    client.force_login(member)
    response = client.get(HOME)
    assert response.status_code == 302
    assert log_rows(what="todays bookings") == []


def test_the_start_page_takes_as_many_queries_for_20_bookings_as_for_2(client, county):
    log_in(client, county.nurse, county.clinic).get(HOME)  # the session's first-time reads
    counts = []
    for total in (2, 20):
        Booking.objects.all().delete()
        for n in range(total):
            booked(
                county,
                today_at(8) + datetime.timedelta(minutes=20 * n),
                given_name=f"Person{total}x{n}",
                staff=[county.nurse, county.coordinator],
            )
        with CaptureQueriesContext(connection) as queries:
            response = client.get(HOME)
        assert len(response.context["today"].bookings) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
