"""The log review per authority: whose rows a reviewer sees, and never a name they may not.

At the clinic (run by the region and the municipality) the municipality's manager reviews what
the municipality's staff did there and what anyone read of the municipality's records; the
region's coordinator the same for the region. A person the reviewer has no care relationship
with at the unit is shown only by a code, and the number filter does not find them.
"""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry
from helhet.access.review import pseudonym

from .. import factories as f
from ..log_rows import rows_about
from .conftest import log_in

URL = "/log/"


def row(county, user, person, *, unit=None, when=None, **fields):
    """One sealed log row by USER at UNIT (the clinic unless told) about PERSON."""
    fields.setdefault("action", "read")
    fields.setdefault("what", "overview")
    entry = log.entry_for(Actor(user, unit or county.clinic), person=person, **fields)
    entry.at = when
    return log.append([entry])[0]


def shown_ids(response) -> set[int]:
    return {e.pk for e in response.context["page"].object_list}


def municipal_person(county):
    """A person enrolled at the clinic by the social worker: the municipality's episode."""
    person = f.PersonFactory(registered_by=county.social_worker, given_name="Kommunal")
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.social_worker)
    return person


# --- Hole 1: a name or number across the boundary --------------------------------------------


def test_the_municipal_manager_sees_a_region_only_person_only_by_a_code(client, county):
    """The region's patient (no consent) is "not found" for the municipality's manager: the
    municipality's staff's refused request about them shows, but not the name or number."""
    region_read = row(county, county.nurse, county.patient)
    refused = row(county, county.social_worker, county.patient, action="refused", basis="none")
    log_in(client, county.manager)
    assert client.get(reverse("people:overview", args=[county.patient.pk])).status_code == 404
    own_refusal = AccessLogEntry.objects.get(user=county.manager, action="refused")
    response = client.get(URL)
    page = response.content.decode()
    assert shown_ids(response) == {refused.pk, own_refusal.pk}
    assert region_read.pk not in shown_ids(response)
    assert county.patient.family_name not in page
    assert county.patient.given_name not in page
    assert county.patient.identity_number[:8] not in page
    assert f"Person #{pseudonym(county.patient.pk)}" in page


def test_the_number_filter_finds_nothing_for_a_person_shown_by_a_code(client, county):
    row(county, county.social_worker, county.patient, action="refused", basis="none")
    log_in(client, county.manager)
    for number in (county.patient.formatted_identity_number, county.patient.identity_number[2:8]):
        assert shown_ids(client.get(URL, {"person": number})) == set()


def test_the_number_filter_finds_a_person_the_reviewer_may_see(client, county):
    """The twin: the municipality's own person is named and found by number."""
    person = municipal_person(county)
    read = row(county, county.social_worker, person)
    log_in(client, county.manager)
    response = client.get(URL, {"person": person.formatted_identity_number})
    assert shown_ids(response) == {read.pk}
    assert person.full_name in response.content.decode()


def test_the_region_coordinator_sees_the_region_persons_name_and_number(client, county):
    """The twin of the first test: the coordinator has the relationship, so sees the name."""
    region_read = row(county, county.nurse, county.patient)
    log_in(client, county.coordinator)
    response = client.get(URL, {"person": county.patient.formatted_identity_number})
    assert shown_ids(response) == {region_read.pk}
    page = response.content.decode()
    assert county.patient.full_name in page
    assert county.patient.formatted_identity_number in page


def test_the_persons_a_review_names_are_logged_as_read_and_are_in_their_extract(client, county):
    row(county, county.nurse, county.patient)
    log_in(client, county.coordinator)
    client.get(URL)
    [read] = rows_about(county.patient, user=county.coordinator)
    assert (read.action, read.what, read.basis, read.unit) == (
        "read",
        "log review",
        "own_organisation",
        county.clinic,
    )
    extract = client.get(reverse("access:log_extract", args=[county.patient.pk]))
    assert read.pk in {e.pk for e in extract.context["entries"]}


def test_a_person_shown_by_a_code_is_not_logged_as_read(client, county):
    """The twin: the manager saw no name, so no read of the patient is logged for him."""
    row(county, county.social_worker, county.patient, action="refused", basis="none")
    log_in(client, county.manager)
    client.get(URL)
    assert not AccessLogEntry.objects.filter(user=county.manager, person__isnull=False).exists()
    assert AccessLogEntry.objects.filter(user=county.manager, what="log review").count() == 1


def test_the_reviews_own_reads_do_not_fill_the_review(client, county):
    row(county, county.nurse, county.patient)
    log_in(client, county.coordinator)
    first = shown_ids(client.get(URL))
    assert shown_ids(client.get(URL)) == first


# --- Whose rows ---------------------------------------------------------------------------------


def test_a_disclosure_of_the_municipalitys_records_is_in_the_municipal_review(client, county):
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.municipality,
        to_organisation=county.region,
        category="contacts",
    )
    disclosure = row(county, county.nurse, county.patient, basis="consent", consent=consent)
    own = row(county, county.nurse, county.patient)
    log_in(client, county.manager)
    shown = shown_ids(client.get(URL))
    assert disclosure.pk in shown
    assert own.pk not in shown  # the region's staff reading the region's own records


def test_a_disclosure_of_the_regions_records_is_not_in_the_municipal_review(client, county):
    """The twin: the consent discloses the region's records only."""
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=False
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.region,
        to_organisation=county.municipality,
        category="contacts",
    )
    region_user = f.UserFactory(organisation=county.region)
    f.MembershipFactory(user=region_user, unit=county.clinic)
    other = row(county, region_user, county.patient, basis="consent", consent=consent)
    log_in(client, county.manager)
    assert other.pk not in shown_ids(client.get(URL))


def test_a_read_under_coordination_of_the_municipalitys_episode_is_in_its_review(client, county):
    person = municipal_person(county)
    consent = f.ConsentFactory(person=person, unit=county.clinic, recorded_by=county.social_worker)
    read = row(county, county.nurse, person, basis="consent", consent=consent)
    # The twin: under the same kind of consent, a read about the region's patient, who has
    # no episode of the municipality's at the clinic.
    region_consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse
    )
    other = row(county, county.nurse, county.patient, basis="consent", consent=region_consent)
    log_in(client, county.manager)
    shown = shown_ids(client.get(URL))
    assert read.pk in shown
    assert other.pk not in shown


def test_an_emergency_access_to_the_municipalitys_person_is_in_its_review_only(client, county):
    person = municipal_person(county)
    emergency = row(
        county,
        county.outsider,
        person,
        unit=county.other_unit,
        basis="emergency",
        emergency=True,
        without_relationship=True,
    )
    log_in(client, county.manager)
    assert emergency.pk in shown_ids(client.get(URL))
    log_in(client, county.coordinator)
    assert emergency.pk not in shown_ids(client.get(URL))


def test_earlier_records_read_by_own_staff_elsewhere_are_in_the_review(client, county):
    person = municipal_person(county)
    elsewhere = f.UserFactory(organisation=county.municipality)
    f.MembershipFactory(user=elsewhere, unit=county.other_unit)
    earlier = row(county, elsewhere, person, unit=county.other_unit, earlier_records=True)
    plain = row(county, elsewhere, person, unit=county.other_unit)
    stranger = f.PersonFactory(registered_by=county.social_worker)
    unrelated = row(county, elsewhere, stranger, unit=county.other_unit, earlier_records=True)
    log_in(client, county.manager)
    shown = shown_ids(client.get(URL))
    assert earlier.pk in shown
    assert plain.pk not in shown
    assert unrelated.pk not in shown  # never enrolled at the clinic
    log_in(client, county.coordinator)
    assert earlier.pk not in shown_ids(client.get(URL))  # the municipality's staff


def test_refused_requests_of_own_staff_are_listed_and_the_others_are_not(client, county):
    mine = row(county, county.social_worker, None, action="refused", basis="none")
    theirs = row(county, county.nurse, None, action="refused", basis="none")
    log_in(client, county.manager)
    shown = shown_ids(client.get(URL))
    assert mine.pk in shown and theirs.pk not in shown


def test_security_events_of_the_unit_and_of_the_organisation_are_listed(client, county):
    def security(unit, organisation):
        entry = log.entry_for(
            Actor(county.admin, unit),
            person=None,
            action="security",
            what="membership",
            basis="none",
            organisation_id=organisation.pk,
        )
        return log.append([entry])[0]

    at_the_clinic = security(county.clinic, county.municipality)
    ours = security(None, county.municipality)
    theirs_at_the_clinic = security(county.clinic, county.region)
    theirs = security(None, county.region)
    elsewhere = security(county.other_unit, county.municipality)
    log_in(client, county.manager)
    shown = shown_ids(client.get(URL))
    assert {at_the_clinic.pk, ours.pk} <= shown
    assert not {theirs_at_the_clinic.pk, theirs.pk, elsewhere.pk} & shown


# --- Repeated refusals --------------------------------------------------------------------------


def refusals(county, user, times):
    return [
        row(county, user, None, action="refused", basis="none", what="overview", when=when)
        for when in times
    ]


def test_five_refusals_within_24_hours_flag_the_user(client, county):
    now = timezone.now()
    flagged = refusals(
        county, county.social_worker, [now - datetime.timedelta(hours=h) for h in range(5)]
    )
    log_in(client, county.manager)
    response = client.get(URL)
    assert [flag.user for flag in response.context["refusal_flags"]] == [county.social_worker]
    assert response.context["refusal_flags"][0].most == 5
    page = response.content.decode()
    assert "These users were refused 5 times or more within 24 hours" in page
    assert shown_ids(client.get(URL, {"repeated_refusals": "on"})) == {e.pk for e in flagged}


def test_refusals_marked_reviewed_flag_the_user_no_more(client, county):
    now = timezone.now()
    flagged = refusals(
        county, county.social_worker, [now - datetime.timedelta(hours=h) for h in range(5)]
    )
    log_in(client, county.manager)
    client.post(URL, {"mark": "1", "mark-entry_ids": [e.pk for e in flagged]})
    response = client.get(URL)
    assert response.context["refusal_flags"] == []
    # the filter still finds the burst, reviewed or not
    assert shown_ids(client.get(URL, {"repeated_refusals": "on"})) == {e.pk for e in flagged}


def test_refusals_spread_over_more_than_24_hours_do_not_flag(client, county):
    now = timezone.now()
    refusals(
        county, county.social_worker, [now - datetime.timedelta(hours=7 * h) for h in range(5)]
    )
    log_in(client, county.manager)
    response = client.get(URL)
    assert response.context["refusal_flags"] == []
    assert "No user has repeated refusals." in response.content.decode()
    assert shown_ids(client.get(URL, {"repeated_refusals": "on"})) == set()


@override_settings(HELHET_REFUSALS_FLAG_COUNT=2)
def test_the_number_of_refusals_that_flags_is_a_setting(client, county):
    now = timezone.now()
    refusals(county, county.social_worker, [now, now - datetime.timedelta(hours=1)])
    refusals(county, county.nurse, [now, now - datetime.timedelta(hours=1)])  # the region's
    log_in(client, county.manager)
    flags = client.get(URL).context["refusal_flags"]
    assert [flag.user for flag in flags] == [county.social_worker]


# --- Emergency access: the owning organisation reviews, never the taker ------------------------


def pending(response):
    return [r.emergency for r in response.context["emergencies"]]


def test_the_owning_organisations_manager_reviews_an_access_taken_elsewhere(client, county):
    person = municipal_person(county)
    emergency = f.EmergencyAccessFactory(
        user=county.outsider, person=person, unit=county.other_unit
    )
    log_in(client, county.manager)
    response = client.get(URL)
    assert pending(response) == [emergency]
    assert f'name="emergency" value="{emergency.pk}"' in response.content.decode()
    assert client.post(URL, {"emergency": str(emergency.pk)}).status_code == 302
    emergency.refresh_from_db()
    assert emergency.reviewed_by == county.manager


def test_the_other_organisations_reviewer_neither_sees_nor_reviews_it(client, county):
    person = municipal_person(county)
    emergency = f.EmergencyAccessFactory(user=county.nurse, person=person, unit=county.clinic)
    log_in(client, county.coordinator)  # the region's, at the unit where it was taken
    assert pending(client.get(URL)) == []
    client.post(URL, {"emergency": str(emergency.pk)})
    emergency.refresh_from_db()
    assert emergency.reviewed_at is None


@pytest.fixture
def second_municipal_reviewer(county):
    user = f.UserFactory(username="chef2", organisation=county.municipality)
    f.MembershipFactory(user=user, unit=county.clinic, role="coordinator")
    return user


def test_a_manager_cannot_review_their_own_emergency_access(
    client, county, second_municipal_reviewer
):
    person = municipal_person(county)
    own = f.EmergencyAccessFactory(user=county.manager, person=person, unit=county.clinic)
    log_in(client, county.manager)
    response = client.get(URL)
    page = response.content.decode()
    assert pending(response) == [own]
    assert f'name="emergency" value="{own.pk}"' not in page
    assert "Taken by you" in page
    response = client.post(URL, {"emergency": str(own.pk)}, follow=True)
    assert "You may not review your own emergency access." in response.content.decode()
    own.refresh_from_db()
    assert own.reviewed_at is None
    # The twin: another reviewer of the same organisation may.
    log_in(client, second_municipal_reviewer)
    assert client.post(URL, {"emergency": str(own.pk)}).status_code == 302
    own.refresh_from_db()
    assert own.reviewed_by == second_municipal_reviewer


def test_an_emergency_access_to_a_person_enrolled_nowhere_is_reviewed_where_taken(client, county):
    person = f.PersonFactory(registered_by=county.nurse)
    emergency = f.EmergencyAccessFactory(user=county.nurse, person=person, unit=county.clinic)
    log_in(client, county.coordinator)
    assert pending(client.get(URL)) == [emergency]
    log_in(client, county.manager)
    assert pending(client.get(URL)) == []  # another organisation's staff took it


def test_the_pending_emergency_shows_its_kind_of_reason(client, county):
    f.EmergencyAccessFactory(
        user=county.outsider,
        person=county.patient,
        unit=county.other_unit,
        reason_kind="acute_risk",
    )
    log_in(client, county.coordinator)
    assert "Acute risk to the person&#x27;s life or health" in client.get(URL).content.decode()
