"""The log review against the real rows: each row made by its real path through the test client
(the admin site, a read of earlier records, a block, emergency access), then `/log/` opened as
each reviewer. The reviewer of the organisation and unit concerned sees the row and may mark
it reviewed; the other organisation's reviewer, and the reviewers of other units, do not; a
person is named only to a reviewer with a care relationship at the unit (else "Person #…"),
and a reviewer's naming read is in the person's log extract.

Reviewers: at the clinic the region's coordinator and the municipality's manager (the county
fixture); at Mini-Maria a manager of each organisation (`mini_maria_managers`).
"""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import AccessLogEntry, EmergencyAccess, LogReview
from helhet.access.review import pseudonym
from helhet.contacts.models import Contact
from helhet.core.models import Membership

from .. import factories as f
from ..log_rows import rows_about
from .conftest import log_in

URL = "/log/"
EARLY = datetime.datetime(2026, 2, 1, 10, 0, tzinfo=datetime.UTC)
REASON = "Unconscious at the emergency department, no relative reachable."


@pytest.fixture
def mini_maria_managers(county):
    def manager(username, organisation):
        user = f.UserFactory(username=username, organisation=organisation)
        f.MembershipFactory(user=user, unit=county.other_unit, role=Membership.Role.MANAGER)
        return user

    return SimpleNamespace(
        region=manager("mm_region_chef", county.region),
        municipality=manager("mm_kommun_chef", county.municipality),
    )


def shown(client, reviewer, unit=None, **filters) -> set[int]:
    """The ids of the rows REVIEWER's `/log/` lists at UNIT (their first unit unless told)."""
    log_in(client, reviewer, unit)
    response = client.get(URL, filters)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"].object_list}


def page_as(client, reviewer, unit=None) -> str:
    log_in(client, reviewer, unit)
    return client.get(URL).content.decode()


def mark(client, reviewer, entry: AccessLogEntry) -> bool:
    """REVIEWER ticks ENTRY on `/log/` and marks it reviewed; was it marked, by them?"""
    log_in(client, reviewer)
    client.post(URL, {"mark": "1", "mark-entry_ids": [str(entry.pk)]})
    review = LogReview.objects.filter(entry=entry).first()
    return review is not None and review.reviewed_by == reviewer


def last_id() -> int:
    return AccessLogEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


def rows_after(start: int, **fields) -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.filter(id__gt=start, **fields).order_by("id"))


def extract_ids(client, reviewer, person) -> set[int]:
    log_in(client, reviewer)
    response = client.get(reverse("access:log_extract", args=[person.pk]))
    assert response.status_code == 200
    return {e.pk for e in response.context["entries"]}


def review_reads(reviewer, person) -> list[AccessLogEntry]:
    """The review's reads of PERSON by REVIEWER: the lists of named persons that name them."""
    return rows_about(person, user=reviewer, what="log review")


# --- An administrator changes access in the admin site --------------------------------------


@pytest.fixture
def admin_adds_a_membership(client, county, access_changes_logged):
    """The administrator gives a new municipal social worker a membership at the clinic in the
    admin site; the one security row it writes."""
    newcomer = f.UserFactory(username="newcomer", organisation=county.municipality)
    start = last_id()
    client.force_login(county.admin)
    response = client.post(
        reverse("admin:core_membership_add"),
        {"user": newcomer.pk, "unit": county.clinic.pk, "role": Membership.Role.STAFF},
    )
    assert response.status_code == 302
    [row] = rows_after(start, action="security")
    assert (row.organisation_id, row.unit_id) == (county.municipality.pk, county.clinic.pk)
    client.logout()
    return row


def test_the_membership_change_is_in_the_review_of_its_organisation_at_its_unit(
    client, county, admin_adds_a_membership
):
    assert admin_adds_a_membership.pk in shown(client, county.manager)
    assert mark(client, county.manager, admin_adds_a_membership)


def test_the_membership_change_is_not_in_the_other_organisations_review(
    client, county, admin_adds_a_membership
):
    """The region's coordinator at the same unit reviews the region's access, not the
    municipality's: the row is neither listed nor marked by her."""
    assert admin_adds_a_membership.pk not in shown(client, county.coordinator)
    assert not mark(client, county.coordinator, admin_adds_a_membership)


def test_the_membership_change_is_not_in_the_review_of_another_unit(
    client, county, admin_adds_a_membership, mini_maria_managers
):
    assert admin_adds_a_membership.pk not in shown(client, mini_maria_managers.municipality)
    assert not mark(client, mini_maria_managers.municipality, admin_adds_a_membership)


def unit_form(unit, **changes) -> dict:
    data = {
        "name": unit.name,
        "slug": unit.slug,
        "unit_type": unit.unit_type,
        "organisations": [o.pk for o in unit.organisations.all()],
        "age_min": unit.age_min or "",
        "age_max": unit.age_max or "",
        "target_group": unit.target_group,
        "access_mode": unit.access_mode,
        "referral_wait_limit_days": unit.referral_wait_limit_days,
        "no_contact_weeks": unit.no_contact_weeks,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    return data | changes


def test_a_units_access_mode_change_is_in_each_organisations_review_once(
    client, county, access_changes_logged
):
    """One row per organisation running the unit: each reviewer sees their own organisation's,
    not the other's as well (the same change twice)."""
    start = last_id()
    client.force_login(county.admin)
    response = client.post(
        reverse("admin:core_unit_change", args=[county.clinic.pk]),
        unit_form(county.clinic, access_mode="case_team"),
    )
    assert response.status_code == 302
    rows = {r.organisation_id: r for r in rows_after(start, action="security")}
    region, municipality = rows[county.region.pk], rows[county.municipality.pk]
    assert shown(client, county.coordinator) & {region.pk, municipality.pk} == {region.pk}
    assert shown(client, county.manager) & {region.pk, municipality.pk} == {municipality.pk}


def test_moving_a_membership_to_another_unit_is_in_the_review_of_both_units(
    client, county, access_changes_logged, mini_maria_managers
):
    """The outsider's membership moves from Mini-Maria to the clinic: the clinic's region
    reviewer sees who came, Mini-Maria's who left; the municipality's reviewers see neither."""
    membership = Membership.objects.get(user=county.outsider)
    start = last_id()
    client.force_login(county.admin)
    response = client.post(
        reverse("admin:core_membership_change", args=[membership.pk]),
        {"user": county.outsider.pk, "unit": county.clinic.pk, "role": Membership.Role.STAFF},
    )
    assert response.status_code == 302
    rows = rows_after(start, action="security")
    assert {(r.organisation_id, r.unit_id) for r in rows} == {
        (county.region.pk, county.clinic.pk),
        (county.region.pk, county.other_unit.pk),
    }
    moved = {r.pk for r in rows}
    assert moved & shown(client, county.coordinator)
    assert moved & shown(client, mini_maria_managers.region)
    assert not moved & shown(client, county.manager)
    assert not moved & shown(client, mini_maria_managers.municipality)


# --- A read of earlier records at another unit of the organisation ---------------------------


@pytest.fixture
def earlier_read(client, county):
    """The clinic's contact with the patient, recorded on 2026-02-01 by the region's nurse; the
    patient enrolled at Mini-Maria on 2026-03-01, where the outsider (region) reads the
    contacts: the row flagged as a read of earlier records."""
    f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=datetime.date(2026, 3, 1),
    )
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse)
    Contact.objects.update(recorded_at=EARLY)
    log_in(client, county.outsider, county.other_unit)
    assert client.get(reverse("contacts:list", args=[county.patient.pk])).status_code == 200
    row = AccessLogEntry.objects.order_by("-id").first()
    assert (row.user, row.unit, row.earlier_records) == (county.outsider, county.other_unit, True)
    client.logout()
    return row


def test_the_earlier_records_read_is_in_the_review_of_the_unit_that_wrote_them(
    client, county, earlier_read
):
    assert earlier_read.pk in shown(client, county.coordinator)
    assert mark(client, county.coordinator, earlier_read)


def test_the_earlier_records_read_is_not_in_the_other_organisations_review(
    client, county, earlier_read
):
    assert earlier_read.pk not in shown(client, county.manager)
    assert not mark(client, county.manager, earlier_read)


def test_the_earlier_records_read_is_named_to_the_reviewer_with_a_relationship(
    client, county, earlier_read
):
    page = page_as(client, county.coordinator)
    assert county.patient.full_name in page
    assert county.patient.formatted_identity_number in page
    [read] = review_reads(county.coordinator, county.patient)
    assert read.pk in extract_ids(client, county.coordinator, county.patient)


def test_the_earlier_records_read_is_pseudonymised_once_the_relationship_has_ended(
    client, county, earlier_read
):
    """The twin: the patient's episode at the clinic is closed, so the coordinator would get
    "not found" on the patient's page: the row shows, by a code, and no read is logged."""
    county.episode.closed_on = datetime.date(2026, 3, 2)
    county.episode.closure_reason = f.ClosureReasonFactory()
    county.episode.save()
    assert earlier_read.pk in shown(client, county.coordinator)
    page = page_as(client, county.coordinator)
    assert f"Person #{pseudonym(county.patient.pk)}" in page
    assert county.patient.family_name not in page
    assert county.patient.identity_number[:8] not in page
    assert review_reads(county.coordinator, county.patient) == []


def test_an_earlier_records_read_is_reviewed_only_where_the_organisation_enrolled_the_person(
    client, county, mini_maria_managers
):
    """A municipal person, enrolled at the clinic by the municipality and at Mini-Maria by the
    region (under a coordination consent there): the region's reader at a third unit reads
    the region's earlier records of Mini-Maria. Mini-Maria's region manager reviews it; the
    clinic's region coordinator, whose organisation wrote nothing there, does not."""
    third = f.UnitFactory(name="Tredje enheten", organisations=[county.region])
    reader = f.UserFactory(username="third_nurse", organisation=county.region)
    f.MembershipFactory(user=reader, unit=third)
    person = f.PersonFactory(registered_by=county.social_worker)
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.social_worker)
    mm = f.EpisodeFactory(
        person=person,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=datetime.date(2026, 1, 10),
    )
    f.EpisodeFactory(
        person=person, unit=third, opened_by=reader, opened_on=datetime.date(2026, 3, 1)
    )
    f.ContactFactory(episode=mm, recorded_by=county.outsider)
    Contact.objects.update(recorded_at=EARLY)
    log_in(client, reader, third)
    assert client.get(reverse("contacts:list", args=[person.pk])).status_code == 200
    row = AccessLogEntry.objects.order_by("-id").first()
    assert row.earlier_records
    assert row.pk in shown(client, mini_maria_managers.region)
    assert row.pk not in shown(client, county.coordinator)


# --- A block --------------------------------------------------------------------------------


@pytest.fixture
def block_recorded(client, county):
    """The nurse records the patient's block of the clinic's records through the block page."""
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        reverse("access:blocks", args=[county.patient.pk]),
        {"requested_on": timezone.localdate().isoformat(), "person_asked": "on"},
    )
    assert response.status_code == 302
    row = AccessLogEntry.objects.get(action="create", person=county.patient)
    assert row.what.startswith("block recorded")
    client.logout()
    return row


def test_the_block_is_in_the_review_of_the_organisation_that_recorded_it(
    client, county, block_recorded
):
    assert block_recorded.pk in shown(client, county.coordinator)
    assert county.patient.full_name in page_as(client, county.coordinator)
    assert mark(client, county.coordinator, block_recorded)


def test_the_block_is_not_in_the_other_organisations_review_nor_another_units(
    client, county, block_recorded, mini_maria_managers
):
    assert block_recorded.pk not in shown(client, county.manager)
    assert not mark(client, county.manager, block_recorded)
    assert block_recorded.pk not in shown(client, mini_maria_managers.region)


# --- Emergency access through /emergency/ ------------------------------------------------------


@pytest.fixture
def emergency(client, county):
    """The outsider (region, Mini-Maria) takes emergency access to a person the municipality
    enrolled at the clinic and reads the overview: two flagged rows."""
    person = f.PersonFactory(
        registered_by=county.social_worker, given_name="Kommunal", family_name="Nödsson"
    )
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.social_worker)
    log_in(client, county.outsider, county.other_unit)
    start = last_id()
    response = client.post(
        "/emergency/",
        {
            "identity_number": person.identity_number,
            "reason_kind": "cannot_consent",
            "reason": REASON,
            "hours": "2",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("people:overview", args=[person.pk])).status_code == 200
    rows = rows_after(start, person=person)
    assert len(rows) == 2 and all(r.emergency for r in rows)
    client.logout()
    return SimpleNamespace(
        person=person,
        rows={r.pk for r in rows},
        first=rows[0],
        access=EmergencyAccess.objects.get(),
    )


def pending(client, reviewer) -> list[EmergencyAccess]:
    log_in(client, reviewer)
    return [r.emergency for r in client.get(URL).context["emergencies"]]


def test_the_emergency_access_is_reviewed_by_the_organisation_whose_person_was_read(
    client, county, emergency
):
    assert emergency.rows <= shown(client, county.manager)
    assert emergency.person.full_name in page_as(client, county.manager)
    assert pending(client, county.manager) == [emergency.access]
    client.post(URL, {"emergency": str(emergency.access.pk)})
    emergency.access.refresh_from_db()
    assert emergency.access.reviewed_by == county.manager
    assert mark(client, county.manager, emergency.first)


def test_the_emergency_access_is_not_reviewed_by_the_other_organisation_at_the_unit(
    client, county, emergency
):
    assert not emergency.rows & shown(client, county.coordinator)
    assert pending(client, county.coordinator) == []
    client.post(URL, {"emergency": str(emergency.access.pk)})
    emergency.access.refresh_from_db()
    assert emergency.access.reviewed_at is None
    assert not mark(client, county.coordinator, emergency.first)


def test_the_takers_own_unit_sees_what_its_staff_did_but_not_who_nor_reviews_the_access(
    client, county, emergency, mini_maria_managers
):
    """Mini-Maria's region manager reviews the outsider's acts, but has no relationship with
    the person: a code, no name, and the access is not his to review."""
    reviewer = mini_maria_managers.region
    assert emergency.rows <= shown(client, reviewer)
    page = page_as(client, reviewer)
    assert f"Person #{pseudonym(emergency.person.pk)}" in page
    assert emergency.person.family_name not in page
    assert emergency.person.identity_number[:8] not in page
    assert pending(client, reviewer) == []
    assert review_reads(reviewer, emergency.person) == []


def test_the_reviewers_reading_of_the_emergency_is_in_the_persons_log_extract(
    client, county, emergency
):
    page_as(client, county.manager)
    [read] = review_reads(county.manager, emergency.person)
    extract = extract_ids(client, county.manager, emergency.person)
    assert read.pk in extract
    assert emergency.rows <= extract
