"""The unit's log review: for its manager and coordinator only; filters, flags, marking."""

import datetime

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, EmergencyAccess, LogReview
from helhet.access.what import what
from helhet.people.identity import make_personnummer

from .. import factories as f
from .conftest import log_in

URL = "/log/"


def rows(county, n, *, user=None, unit=None, person=None, **flags):
    """N sealed log rows at the clinic (by the nurse, about the patient unless told)."""
    actor = Actor(user or county.nurse, unit or county.clinic)
    return log.append(
        log.entry_for(
            actor, person=person or county.patient, action="read", what=f"overview {i}", **flags
        )
        for i in range(n)
    )


def shown_ids(response) -> set[int]:
    return {e.pk for e in response.context["page"].object_list}


def region_staff(county, username):
    """Another member of the region's staff at the clinic."""
    user = f.UserFactory(username=username, organisation=county.region)
    f.MembershipFactory(user=user, unit=county.clinic)
    return user


def pending(response) -> list:
    """The emergency accesses waiting for review on the page, oldest first."""
    return [row.emergency for row in response.context["emergencies"]]


def test_the_url_name_is_the_contracts():
    assert reverse("access:log_review") == URL


@pytest.mark.parametrize(
    ("reviewer", "staff"), [("coordinator", "nurse"), ("manager", "social_worker")]
)
def test_the_manager_and_the_coordinator_see_their_organisations_rows(
    client, county, reviewer, staff
):
    written = rows(county, 3, user=getattr(county, staff))
    log_in(client, getattr(county, reviewer))
    response = client.get(URL)
    assert response.status_code == 200
    assert shown_ids(response) == {e.pk for e in written}


@pytest.mark.parametrize("who", ["nurse", "social_worker", "outsider", "admin"])
def test_others_get_not_found(client, county, who):
    rows(county, 1)
    log_in(client, getattr(county, who))
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"sample": "1", "sample-size": "5"}).status_code == 404
    assert not LogReview.objects.exists()


def test_a_manager_sees_only_the_active_units_rows(client, county):
    rows(county, 2, user=county.outsider, unit=county.other_unit)
    mine = rows(county, 1)
    log_in(client, county.coordinator)
    assert shown_ids(client.get(URL)) == {mine[0].pk}


def test_each_look_at_the_log_is_itself_logged_without_a_person(client, county):
    log_in(client, county.manager)
    client.get(URL)
    row = AccessLogEntry.objects.get()
    assert (row.user, row.person, row.action, row.what, row.basis, row.unit) == (
        county.manager,
        None,
        "read",
        "log review",
        "none",
        county.clinic,
    )


def test_rows_are_listed_newest_first_with_flags_as_text(client, county):
    older = rows(county, 1)[0]
    newer = rows(county, 1, emergency=True, without_relationship=True)[0]
    log_in(client, county.coordinator)
    response = client.get(URL)
    assert [e.pk for e in response.context["page"].object_list][:2] == [newer.pk, older.pk]
    page = response.content.decode()
    assert '<span class="flag warn">Emergency</span>' in page
    assert '<span class="flag warn">Without relationship</span>' in page


def test_filters_by_person_user_flag_and_date(client, county):
    other = person_with_episode_at(county, county.clinic)
    about_patient = rows(county, 2)
    about_other = rows(county, 1, person=other, user=region_staff(county, "physician"))
    emergency = rows(county, 1, emergency=True)
    log_in(client, county.coordinator)
    number = county.patient.formatted_identity_number
    assert shown_ids(client.get(URL, {"person": number})) == {
        e.pk for e in about_patient + emergency
    }
    assert shown_ids(client.get(URL, {"person": other.identity_number[2:8]})) == {about_other[0].pk}
    full_width = number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert shown_ids(client.get(URL, {"person": full_width})) == {
        e.pk for e in about_patient + emergency
    }
    assert shown_ids(client.get(URL, {"user": "physic"})) == {about_other[0].pk}
    assert shown_ids(client.get(URL, {"emergency": "on"})) == {emergency[0].pk}
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert shown_ids(client.get(URL, {"date_from": tomorrow})) == set()
    everything = shown_ids(client.get(URL, {"date_to": tomorrow}))
    assert {e.pk for e in about_patient + about_other + emergency} <= everything


def test_the_unreviewed_filter_hides_reviewed_rows(client, county):
    first, second = rows(county, 2)
    LogReview.objects.create(entry=first, reviewed_by=county.coordinator)
    log_in(client, county.coordinator)
    assert shown_ids(client.get(URL, {"unreviewed": "on"})) == {second.pk}


def test_a_random_sample_of_unreviewed_rows_in_the_filter_is_marked(client, county):
    written = rows(county, 10)
    flagged = rows(county, 3, emergency=True)
    log_in(client, county.coordinator)
    response = client.post(
        URL + "?emergency=on", {"sample": "1", "sample-size": "2", "sample-note": "Monthly check"}
    )
    assert response.status_code == 302
    reviews = list(LogReview.objects.all())
    assert len(reviews) == 2
    assert {r.entry_id for r in reviews} <= {e.pk for e in flagged}
    assert {(r.reviewed_by, r.note) for r in reviews} == {(county.coordinator, "Monthly check")}
    client.post(URL, {"sample": "1", "sample-size": "20"})
    assert LogReview.objects.count() == 13
    assert set(LogReview.objects.values_list("entry", flat=True)) >= {e.pk for e in written}


def test_a_sample_size_out_of_range_is_refused(client, county):
    rows(county, 3)
    log_in(client, county.coordinator)
    response = client.post(URL, {"sample": "1", "sample-size": "0"})
    assert response.status_code == 200
    assert "greater than or equal to 1" in response.content.decode()
    assert not LogReview.objects.exists()


def test_ticked_rows_are_marked_reviewed_and_other_units_rows_are_not(client, county):
    first, second, third = rows(county, 3)
    elsewhere = rows(county, 1, user=county.outsider, unit=county.other_unit)[0]
    log_in(client, county.coordinator)
    response = client.post(
        URL, {"mark": "1", "mark-entry_ids": [first.pk, third.pk, elsewhere.pk], "mark-note": "ok"}
    )
    assert response.status_code == 302
    assert set(LogReview.objects.values_list("entry", flat=True)) == {first.pk, third.pk}


def test_marking_without_ticking_a_row_shows_a_clear_error(client, county):
    rows(county, 1)
    log_in(client, county.coordinator)
    response = client.post(URL, {"mark": "1"})
    assert "Choose at least one row that is not yet reviewed." in response.content.decode()
    response = client.post(URL, {"mark": "1", "mark-entry_ids": ["x"]})
    assert response.status_code == 200
    # digits that are not ASCII ("²".isdigit() is true, int("²") fails): an error, not a 500
    response = client.post(URL, {"mark": "1", "mark-entry_ids": ["²"]})
    assert response.status_code == 200
    assert client.post(URL, {"emergency": "²"}).status_code in (200, 302)
    assert not LogReview.objects.exists()


def test_emergency_accesses_wait_on_top_until_marked_reviewed(client, county):
    emergency = f.EmergencyAccessFactory(
        user=county.nurse, person=county.patient, unit=county.clinic
    )
    log_in(client, county.coordinator)
    assert pending(client.get(URL)) == [emergency]
    assert client.post(URL, {"emergency": str(emergency.pk)}).status_code == 302
    emergency.refresh_from_db()
    assert emergency.reviewed_by == county.coordinator and emergency.reviewed_at is not None
    assert pending(client.get(URL)) == []


def test_an_emergency_access_to_the_other_organisations_person_cannot_be_marked(client, county):
    """The patient's episode is the region's: the municipality's manager neither sees the
    emergency access (taken at the manager's own unit) nor may mark it."""
    other = f.EmergencyAccessFactory(user=county.nurse, person=county.patient, unit=county.clinic)
    log_in(client, county.manager)
    assert pending(client.get(URL)) == []
    client.post(URL, {"emergency": str(other.pk)})
    assert EmergencyAccess.objects.get(pk=other.pk).reviewed_at is None


def test_the_review_page_makes_the_same_number_of_queries_for_many_rows(client, county):
    rows(county, 2)
    log_in(client, county.coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    people = [f.PersonFactory(registered_by=county.nurse) for _ in range(5)]
    for person in people:
        rows(county, 3, person=person, user=county.social_worker)
    LogReview.objects.create(entry=AccessLogEntry.objects.first(), reviewed_by=county.coordinator)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_emergency_attempts_for_unknown_numbers_are_listed_but_review_rows_are_not(client, county):
    log_in(client, county.outsider)
    unknown = make_personnummer(datetime.date(1990, 2, 3), 981)
    client.post(
        "/emergency/",
        {
            "identity_number": unknown,
            "reason_kind": "cannot_consent",
            "reason": "Found unconscious in the waiting room, no relative reachable.",
            "hours": "1",
        },
    )
    attempt = AccessLogEntry.objects.get(action="search")
    f.MembershipFactory(user=county.coordinator, unit=county.other_unit, role="manager")
    log_in(client, county.coordinator, county.other_unit)
    client.get(URL)
    assert shown_ids(client.get(URL)) == {attempt.pk}
    # The twin: the attempt was the region's (the outsider's); the municipality's manager
    # there does not review it.
    f.MembershipFactory(user=county.manager, unit=county.other_unit, role="manager")
    log_in(client, county.manager, county.other_unit)
    assert shown_ids(client.get(URL)) == set()


def test_an_invalid_filter_shows_its_error_and_no_sample_is_drawn(client, county):
    rows(county, 3)
    log_in(client, county.coordinator)
    response = client.post(URL + "?date_from=yesterday", {"sample": "1", "sample-size": "5"})
    assert "Enter a valid date." in response.content.decode()
    assert shown_ids(response) == set()
    assert not LogReview.objects.exists()


def test_a_sample_when_every_row_is_reviewed_says_so(client, county):
    LogReview.objects.create(entry=rows(county, 1)[0], reviewed_by=county.coordinator)
    log_in(client, county.coordinator)
    response = client.post(URL, {"sample": "1", "sample-size": "5"})
    assert "No row that is not yet reviewed matches the filter." in response.content.decode()
    assert LogReview.objects.count() == 1


# --- Emergency access to the unit's persons from other units -------------------------------


def row_of(page: str, entry) -> str:
    """The table row of ENTRY (an unreviewed row: its checkbox has the id)."""
    return page.split(f'id="mark-entry-{entry.pk}"')[1].split("</tr>")[0]


def emergency_row(county, person, *, user=None, unit=None, when=None):
    """One sealed emergency-access row, by the outsider at Mini-Maria unless told."""
    entry = log.entry_for(
        Actor(user or county.outsider, unit or county.other_unit),
        person=person,
        action="read",
        what="overview",
        basis="emergency",
        emergency=True,
        without_relationship=True,
    )
    entry.at = when
    return log.append([entry])[0]


def person_with_episode_at(county, unit, **dates):
    person = f.PersonFactory(registered_by=county.nurse)
    if dates.get("closed_on"):
        dates.update(closed_by=county.nurse, closure_reason=f.ClosureReasonFactory())
    f.EpisodeFactory(person=person, unit=unit, opened_by=county.nurse, **dates)
    return person


def a_year_and(days: int) -> datetime.date:
    today = timezone.localdate()
    return today - datetime.timedelta(days=365 + days)


def test_an_outsiders_emergency_access_to_an_enrolled_person_is_listed_and_flagged(client, county):
    emergency = emergency_row(county, county.patient)
    log_in(client, county.coordinator)
    response = client.get(URL)
    assert emergency.pk in shown_ids(response)
    row = row_of(response.content.decode(), emergency)
    assert '<span class="flag warn">Emergency</span>' in row
    assert "Mini-Maria Testby" in row
    assert shown_ids(client.get(URL, {"emergency": "on"})) == {emergency.pk}


def test_an_outsiders_ordinary_access_at_their_own_unit_is_not_listed(client, county):
    """The twin of the test above: only emergency accesses come in from other units."""
    ordinary = rows(county, 1, user=county.outsider, unit=county.other_unit)[0]
    log_in(client, county.coordinator)
    assert ordinary.pk not in shown_ids(client.get(URL))


def test_emergency_access_to_a_person_closed_within_the_last_year_is_listed(client, county):
    person = person_with_episode_at(
        county, county.clinic, opened_on=a_year_and(100), closed_on=a_year_and(-10)
    )
    emergency = emergency_row(county, person)
    log_in(client, county.coordinator)
    assert emergency.pk in shown_ids(client.get(URL))


def test_emergency_access_to_a_person_closed_more_than_a_year_ago_is_not_listed(client, county):
    person = person_with_episode_at(
        county, county.clinic, opened_on=a_year_and(100), closed_on=a_year_and(10)
    )
    emergency = emergency_row(county, person)
    log_in(client, county.coordinator)
    assert emergency.pk not in shown_ids(client.get(URL))


def test_emergency_access_to_a_person_enrolled_only_elsewhere_is_not_listed(client, county):
    person = person_with_episode_at(county, county.other_unit)
    emergency = emergency_row(county, person, user=county.nurse, unit=county.clinic)
    elsewhere = emergency_row(county, person)
    log_in(client, county.coordinator)
    shown = shown_ids(client.get(URL))
    assert emergency.pk in shown  # taken at the clinic: the clinic's own row
    assert elsewhere.pk not in shown


def test_the_coordinator_may_mark_an_emergency_access_listed_from_another_unit(client, county):
    emergency = emergency_row(county, county.patient)
    ordinary = rows(county, 1, user=county.outsider, unit=county.other_unit)[0]
    log_in(client, county.coordinator)
    response = client.post(URL, {"mark": "1", "mark-entry_ids": [emergency.pk, ordinary.pk]})
    assert response.status_code == 302
    assert list(LogReview.objects.values_list("entry", flat=True)) == [emergency.pk]


# --- Flags, filters, pages -------------------------------------------------------------------


def test_access_to_a_person_with_protected_identity_is_flagged_and_filtered(client, county):
    protected = f.PersonFactory(registered_by=county.nurse, protected_identity=True)
    flagged = rows(county, 1, person=protected)[0]
    plain = rows(county, 1)[0]
    log_in(client, county.coordinator)
    response = client.get(URL)
    page = response.content.decode()
    flagged_row = row_of(page, flagged)
    plain_row = row_of(page, plain)
    assert '<span class="flag warn">Protected identity</span>' in flagged_row
    assert "Protected identity" not in plain_row
    assert shown_ids(client.get(URL, {"protected_identity": "on"})) == {flagged.pk}


def test_access_without_relationship_is_flagged_and_filtered(client, county):
    without = rows(county, 1, without_relationship=True)[0]
    rows(county, 1)
    log_in(client, county.coordinator)
    page = client.get(URL).content.decode()
    assert '<span class="flag warn">Without relationship</span>' in row_of(page, without)
    assert shown_ids(client.get(URL, {"without_relationship": "on"})) == {without.pk}


def at_local(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def test_the_period_filter_takes_whole_local_days(client, county):
    day = timezone.localdate() - datetime.timedelta(days=3)
    written = []
    for when in (
        at_local(day - datetime.timedelta(days=1), 23, 50),
        at_local(day, 0, 10),
        at_local(day, 23, 50),
        at_local(day + datetime.timedelta(days=1), 0, 10),
    ):
        entry = log.entry_for(
            Actor(county.nurse, county.clinic), person=county.patient, action="read", what="x"
        )
        entry.at = when
        written.append(log.append([entry])[0])
    log_in(client, county.coordinator)
    shown = shown_ids(client.get(URL, {"date_from": day.isoformat(), "date_to": day.isoformat()}))
    assert shown == {written[1].pk, written[2].pk}


@override_settings(HELHET_PAGE_SIZE=2)
def test_the_rows_are_paginated(client, county):
    written = rows(county, 5)
    log_in(client, county.coordinator)
    first = client.get(URL)
    assert [e.pk for e in first.context["page"].object_list] == [written[4].pk, written[3].pk]
    assert "Page 1 of 3" in first.content.decode()
    last = client.get(URL, {"page": "3"})
    assert [e.pk for e in last.context["page"].object_list] == [written[0].pk]


def test_the_review_makes_the_same_number_of_queries_with_emergencies_from_elsewhere(
    client, county
):
    rows(county, 2)
    log_in(client, county.coordinator)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(3):
        person = person_with_episode_at(county, county.clinic)
        person.protected_identity = True
        person.save()
        emergency_row(county, person)
        emergency_row(county, county.patient)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)


def test_the_review_names_what_changed_and_what_was_refused_in_the_users_language(client, county):
    actor = Actor(county.nurse, county.clinic)
    for text in (
        what("relative changed", "phone, may_be_told"),
        what("request refused", "people:overview, no person with id 99"),
    ):
        log.append([log.entry_for(actor, person=county.patient, action="update", what=text)])
    log_in(client, county.coordinator, county.clinic)
    client.cookies["django_language"] = "sv"

    page = client.get(URL).text

    assert "anhörigs uppgifter ändrade: telefon, vad den anhörige får veta" in page
    assert "begäran nekad: översikt, ingen person med id 99" in page
    assert "may_be_told" not in page and "people:overview" not in page
