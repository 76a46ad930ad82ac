"""A list (the caseload, a search) writes one sealed log row naming every person shown.

Each person keeps the basis they were shown on (own organisation, the consent, emergency
access) and the protected-identity flag, sealed in the row (`AccessLogEntry.listed`) and indexed
by person (`AccessLogListedPerson`), so that the person's log extract and the log review find
them; `verify-log` finds an edited list and an index that does not match its row.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from helhet.access import log
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, AccessLogListedPerson, Basis, Listed

from .. import factories as f
from .conftest import log_in


def list_rows() -> list[AccessLogEntry]:
    return list(AccessLogEntry.objects.exclude(listed="").order_by("id"))


@pytest.fixture
def own_person(county):
    """A person the municipality enrolled at the clinic: the social worker's own organisation's,
    with a protected identity."""
    person = f.PersonFactory(
        family_name="Tolvansson", registered_by=county.social_worker, protected_identity=True
    )
    f.EpisodeFactory(person=person, unit=county.clinic, opened_by=county.social_worker)
    return person


def test_the_caseload_writes_one_row_naming_every_person_shown_with_each_basis(
    client, county, consent_for_coordination, own_person
):
    log_in(client, county.social_worker, county.clinic)
    response = client.get(reverse("care:caseload"), {"scope": "unit"})
    assert response.status_code == 200
    [row] = AccessLogEntry.objects.all()
    assert (row.person_id, row.action, row.what, row.basis, row.consent_id) == (
        None,
        "read",
        "caseload",
        Basis.NONE,
        None,
    )
    assert sorted(row.listed_persons()) == sorted(
        [
            Listed(county.patient.pk, Basis.CONSENT, consent_for_coordination.pk, False),
            Listed(own_person.pk, Basis.OWN_ORGANISATION, None, True),
        ]
    )
    assert (row.emergency, row.without_relationship, row.protected_identity) == (
        False,
        False,
        True,
    )
    assert row.get_what_display() == "caseload (2 persons)"


def test_a_search_writes_one_row_naming_an_emergency_access_as_such(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    namesake = f.PersonFactory(family_name="Tolvansson", registered_by=county.outsider)
    f.EpisodeFactory(person=namesake, unit=county.other_unit, opened_by=county.outsider)
    log_in(client, county.outsider)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [row] = AccessLogEntry.objects.all()
    assert (row.person_id, row.action, row.emergency, row.without_relationship) == (
        None,
        "search",
        True,
        True,
    )
    assert {(i.person_id, i.basis, i.emergency) for i in row.listed_persons()} == {
        (county.patient.pk, Basis.EMERGENCY, True),
        (namesake.pk, Basis.OWN_ORGANISATION, False),
    }
    indexed = AccessLogListedPerson.objects.filter(entry=row)
    assert {(i.person_id, i.basis, i.emergency) for i in indexed} == {
        (county.patient.pk, Basis.EMERGENCY, True),
        (namesake.pk, Basis.OWN_ORGANISATION, False),
    }


def test_a_search_by_relationship_only_is_not_flagged(client, county):
    """The twin: nobody shown by emergency access, nobody protected: no flag on the row."""
    log_in(client, county.nurse, county.clinic)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [row] = AccessLogEntry.objects.all()
    assert (row.emergency, row.without_relationship, row.protected_identity) == (
        False,
        False,
        False,
    )
    assert row.get_what_display() == "search results (1 person)"


def test_an_empty_list_logs_nothing(county):
    actor = Actor(county.nurse, county.clinic)
    assert log.record_listing(actor, [], action="read", what="x") is None
    assert not AccessLogEntry.objects.exists()


def test_a_person_listed_twice_is_named_once(county):
    log.record_listing(
        Actor(county.nurse, county.clinic),
        [county.patient, county.patient],
        action="read",
        what="caseload",
    )
    [row] = list_rows()
    assert [i.person_id for i in row.listed_persons()] == [county.patient.pk]


# --- The log extract ---------------------------------------------------------------------------


def extract(client, county, person):
    log_in(client, county.coordinator, county.clinic)
    response = client.get(reverse("access:log_extract", args=[person.pk]))
    assert response.status_code == 200
    return response.context["entries"]


def test_the_extract_finds_a_person_shown_only_in_a_list_with_their_basis(
    client, county, consent_for_coordination, own_person
):
    log_in(client, county.social_worker, county.clinic)
    client.get(reverse("care:caseload"), {"scope": "unit"})
    [listing] = list_rows()
    entries = extract(client, county, county.patient)
    [shown] = [e for e in entries if e.pk == listing.pk]
    assert (shown.person_id, shown.basis, shown.consent_id, shown.unit_id) == (
        county.patient.pk,
        Basis.CONSENT,
        consent_for_coordination.pk,
        county.clinic.pk,
    )
    assert (
        "Under your consent"
        in client.get(reverse("access:log_extract", args=[county.patient.pk])).content.decode()
    )


def test_the_extract_does_not_find_a_list_that_did_not_show_the_person(client, county, own_person):
    """The twin: the municipality's own person's list is not in the patient's extract."""
    log.record_listing(
        Actor(county.social_worker, county.clinic), [own_person], action="read", what="caseload"
    )
    [listing] = list_rows()
    assert listing.pk not in {e.pk for e in extract(client, county, county.patient)}


def test_the_extract_finds_an_emergency_listing_from_another_unit(client, county):
    """An emergency access from any unit is in the extract, a list's too; the same list's
    ordinary rows at another unit would not be."""
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [listing] = list_rows()
    [shown] = [e for e in extract(client, county, county.patient) if e.pk == listing.pk]
    assert (shown.emergency, shown.without_relationship, shown.basis) == (
        True,
        True,
        Basis.EMERGENCY,
    )


def test_the_extract_leaves_out_another_units_ordinary_listing(client, county):
    """The twin: a list at Mini-Maria that showed the patient by relationship there is not in
    the clinic's extract (it would tell where else the patient is cared for)."""
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.outsider)
    log.record_listing(
        Actor(county.outsider, county.other_unit), [county.patient], action="read", what="caseload"
    )
    [listing] = list_rows()
    assert listing.pk not in {e.pk for e in extract(client, county, county.patient)}


# --- The log review ----------------------------------------------------------------------------

REVIEW = "/log/"


def review_ids(client, county, **params) -> set[int]:
    log_in(client, county.coordinator, county.clinic)
    response = client.get(REVIEW, params)
    assert response.status_code == 200
    return {e.pk for e in response.context["page"].object_list}


def test_the_review_person_filter_finds_a_person_shown_only_in_a_list(client, county):
    log_in(client, county.nurse, county.clinic)
    client.get(reverse("care:caseload"), {"scope": "unit"})
    [listing] = list_rows()
    number = county.patient.formatted_identity_number
    assert listing.pk in review_ids(client, county, person=number)


def test_the_review_person_filter_does_not_find_a_person_the_list_did_not_show(client, county):
    other = f.PersonFactory(registered_by=county.nurse)
    f.EpisodeFactory(person=other, unit=county.clinic, opened_by=county.nurse)
    log.record_listing(Actor(county.nurse, county.clinic), [other], action="read", what="caseload")
    [listing] = list_rows()
    assert listing.pk in review_ids(client, county)
    number = county.patient.formatted_identity_number
    assert listing.pk not in review_ids(client, county, person=number)


def test_the_review_shows_another_organisations_list_that_discloses_under_the_consent(
    client, county, consent_for_coordination
):
    """The municipality's caseload showed the region's patient under the coordination consent:
    a disclosure of the region's records, in the region coordinator's review."""
    log_in(client, county.social_worker, county.clinic)
    client.get(reverse("care:caseload"), {"scope": "unit"})
    [listing] = list_rows()
    assert listing.pk in review_ids(client, county)


def test_the_review_leaves_out_another_organisations_list_of_its_own_persons(
    client, county, own_person
):
    """The twin: the municipality's list of its own person discloses nothing of the region's."""
    log.record_listing(
        Actor(county.social_worker, county.clinic), [own_person], action="read", what="caseload"
    )
    [listing] = list_rows()
    assert listing.pk not in review_ids(client, county)


def reviewed_row(client, county, reviewer, **params):
    log_in(client, reviewer, county.clinic)
    response = client.get(REVIEW, params)
    assert response.status_code == 200
    return {row.entry.pk: row.entry for row in response.context["rows"]}


def test_another_organisations_list_is_reviewed_only_as_it_concerns_the_reviewer(
    client, county, consent_for_coordination, own_person
):
    """The municipality's caseload showed the region's patient under the coordination consent
    and its own protected person: the region's coordinator sees the row as one person, without
    the other organisation's protected-identity flag, and cannot find it by that flag."""
    log_in(client, county.social_worker, county.clinic)
    client.get(reverse("care:caseload"), {"scope": "unit"})
    [listing] = list_rows()
    assert listing.protected_identity and len(listing.listed_persons()) == 2
    rows = reviewed_row(client, county, county.coordinator)
    seen = rows[listing.pk]
    assert [p.person_id for p in seen.listed_persons()] == [county.patient.pk]
    assert not seen.protected_identity and "(1 person)" in seen.get_what_display()
    assert listing.pk not in reviewed_row(
        client, county, county.coordinator, protected_identity="on"
    )


def test_the_own_organisations_reviewer_sees_its_staffs_whole_list(
    client, county, consent_for_coordination, own_person
):
    """The twin: the municipality's manager reviews what its own staff did, the whole row."""
    log_in(client, county.social_worker, county.clinic)
    client.get(reverse("care:caseload"), {"scope": "unit"})
    [listing] = list_rows()
    seen = reviewed_row(client, county, county.manager)[listing.pk]
    assert seen.protected_identity and "(2 persons)" in seen.get_what_display()
    assert listing.pk in reviewed_row(client, county, county.manager, protected_identity="on")


def test_the_review_flags_and_filters_an_emergency_listing_from_another_unit(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    client.get(reverse("people:search"), {"q": "Tolvansson"})
    [listing] = list_rows()
    assert listing.pk in review_ids(client, county, emergency="on")
    assert listing.pk in review_ids(client, county, without_relationship="on")
    number = county.patient.formatted_identity_number
    assert listing.pk in review_ids(client, county, person=number, emergency="on")


def test_the_review_person_and_flag_filters_ask_about_that_persons_place_in_the_list(
    client, county
):
    """A list that showed the patient by relationship and someone else by emergency access is
    not found as an emergency access to the patient."""
    stranger = f.PersonFactory(registered_by=county.outsider)
    f.EmergencyAccessFactory(user=county.nurse, person=stranger, unit=county.clinic)
    log_in(client, county.nurse, county.clinic)
    client.get(reverse("people:search"), {"q": stranger.family_name})
    stranger.list_basis = Basis.EMERGENCY
    log.record_listing(
        Actor(county.nurse, county.clinic), [county.patient, stranger], action="read", what="x"
    )
    listing = list_rows()[-1]
    assert listing.emergency
    number = county.patient.formatted_identity_number
    assert listing.pk in review_ids(client, county, person=number)
    assert listing.pk not in review_ids(client, county, person=number, emergency="on")


def test_the_review_flags_a_listing_of_a_protected_person(client, county):
    county.patient.protected_identity = True
    county.patient.save()
    log_in(client, county.nurse, county.clinic)
    client.get(reverse("care:caseload"), {"scope": "unit"})
    [listing] = list_rows()
    assert listing.pk in review_ids(client, county, protected_identity="on")


# --- Sealed and verified -----------------------------------------------------------------------


@pytest.fixture
def listing(county, consent_for_coordination):
    """The social worker's list naming the patient under the coordination consent, and a
    plain row after it."""
    county.patient.list_basis = Basis.CONSENT
    entry = log.record_listing(
        Actor(county.social_worker, county.clinic),
        [county.patient],
        action="read",
        what="caseload",
    )
    overview = log.entry_for(
        Actor(county.nurse, county.clinic), person=county.patient, action="read", what="overview"
    )
    log.append([overview])
    return entry


def test_an_intact_log_with_lists_verifies(listing):
    assert log.verify() is None
    assert log.verify_listed() is None
    out = io.StringIO()
    call_command("verify_log", stdout=out)
    assert "intact" in out.getvalue()


def test_editing_the_sealed_list_of_a_list_row_is_found(listing, county):
    AccessLogEntry.objects.filter(pk=listing.pk).update(
        listed=listing.listed.replace('"consent"', '"own_organisation"')
    )
    problem = log.verify()
    assert problem is not None and problem.entry_id == listing.pk
    assert "edited" in problem.message
    assert listing.listed_persons()[0].consent_id is not None


def test_removing_a_person_from_the_index_is_found(listing, county):
    AccessLogListedPerson.objects.filter(entry=listing).delete()
    assert log.verify() is None  # the rows themselves are intact
    problem = log.verify_listed()
    assert problem is not None and problem.entry_id == listing.pk
    with pytest.raises(SystemExit):
        call_command("verify_log", stdout=io.StringIO(), stderr=io.StringIO())


def test_changing_a_basis_in_the_index_is_found(listing):
    AccessLogListedPerson.objects.filter(entry=listing).update(basis=Basis.OWN_ORGANISATION)
    assert log.verify_listed().entry_id == listing.pk


def test_an_index_row_of_no_list_is_found(listing, county):
    overview = AccessLogEntry.objects.filter(listed="").get()
    AccessLogListedPerson.objects.create(
        entry=overview, person=county.patient, basis=Basis.OWN_ORGANISATION
    )
    assert log.verify_listed().entry_id == overview.pk
