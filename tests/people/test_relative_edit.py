"""Changing a relative's details in the middle of care: secrecy towards the relative and what
they may be told, by the organisation that recorded the relative, as a new version."""

import pytest
from django.urls import reverse

from helhet.access.models import AccessLogEntry
from helhet.people.models import Change, Relative

from .. import factories as f
from .utils import log_in, log_rows, only_refused

STALE = "Someone else saved a new version while you were editing"


def url(relative):
    return reverse("people:relative_edit", args=[relative.person_id, relative.pk])


def data(relative, version=0, **changes):
    values = {
        "name": relative.name,
        "relation": relative.relation,
        "phone": relative.phone,
        "email": relative.email,
        "version": version,
    }
    return {**values, **changes}


def saved(relative) -> Relative:
    return Relative.objects.get(pk=relative.pk)


def test_the_nurse_records_secrecy_towards_the_relative_in_the_middle_of_care(client, county):
    log_in(client, county.nurse)
    response = client.post(url(county.relative), data(county.relative, secrecy_requested="on"))
    assert response.status_code == 302
    relative = saved(county.relative)
    assert relative.secrecy_requested and relative.version == 1
    change = Change.objects.get(relative=relative)
    assert (change.person, change.number, change.fields) == (
        county.patient,
        1,
        {"secrecy_requested": [False, True]},
    )
    [row] = log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)
    assert row.what == "relative changed: secrecy_requested"
    assert "Secrecy requested" in client.get(response.url).text


def test_what_the_relative_may_be_told_is_kept_and_shown(client, county):
    log_in(client, county.nurse)
    told = "Only the times of the group for parents"
    values = data(county.relative, involved="on", may_be_told=told)
    assert client.post(url(county.relative), values).status_code == 302
    assert saved(county.relative).may_be_told == told
    assert told in client.get(reverse("people:overview", args=[county.patient.pk])).text


def test_secrecy_and_something_to_tell_together_are_refused_and_nothing_is_saved(client, county):
    values = data(county.relative, secrecy_requested="on", may_be_told="Everything")
    response = log_in(client, county.nurse).post(url(county.relative), values)
    assert response.status_code == 200
    assert "who may be told nothing" in response.text
    relative = saved(county.relative)
    assert not relative.secrecy_requested and relative.version == 0
    assert not Change.objects.exists()


def test_the_overview_links_to_the_edit_of_the_users_own_organisations_relatives(client, county):
    page = log_in(client, county.nurse).get(reverse("people:overview", args=[county.patient.pk]))
    assert url(county.relative) in page.text


# --- Who may not ----------------------------------------------------------------------------


def test_the_other_organisation_reads_the_relative_under_consent_but_cannot_change_it(
    client, county, consent_for_coordination
):
    """A relative belongs to the organisation that recorded it (the region's nurse here)."""
    log_in(client, county.social_worker)
    overview = client.get(reverse("people:overview", args=[county.patient.pk])).text
    assert county.relative.name in overview and url(county.relative) not in overview
    assert client.get(url(county.relative)).status_code == 404
    values = data(county.relative, secrecy_requested="on")
    assert client.post(url(county.relative), values).status_code == 404
    assert not saved(county.relative).secrecy_requested


def test_the_social_worker_changes_her_own_organisations_relative(
    client, county, consent_for_coordination
):
    """The control for the test above."""
    municipal = f.RelativeFactory(person=county.patient, recorded_by=county.social_worker)
    log_in(client, county.social_worker)
    values = data(municipal, secrecy_requested="on")
    assert client.post(url(municipal), values).status_code == 302
    assert saved(municipal).secrecy_requested


@pytest.mark.parametrize("who", ["social_worker_without_consent", "outsider", "emergency"])
def test_who_has_no_relationship_at_the_unit_cannot_change_a_relative(client, county, who):
    if who == "emergency":
        f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    user = county.social_worker if who == "social_worker_without_consent" else county.outsider
    log_in(client, user)
    values = data(county.relative, secrecy_requested="on")
    assert client.get(url(county.relative)).status_code == 404
    assert client.post(url(county.relative), values).status_code == 404
    assert not saved(county.relative).secrecy_requested
    assert only_refused(log_rows(county.patient))


def test_a_relative_of_another_person_is_not_found(client, county):
    other = f.RelativeFactory(recorded_by=county.nurse, name="Annan Anhörig")
    path = reverse("people:relative_edit", args=[county.patient.pk, other.pk])
    assert log_in(client, county.nurse).get(path).status_code == 404


# --- Protected identity ---------------------------------------------------------------------


@pytest.fixture
def protected(county):
    county.patient.protected_identity = True
    county.patient.save()
    county.relative.phone, county.relative.email = "076-444 22 11", "anna@example.test"
    county.relative.save()
    return county.relative


def test_a_protected_persons_relatives_contact_details_are_neither_shown_nor_taken_from_the_nurse(
    client, county, protected
):
    log_in(client, county.nurse)
    form = client.get(url(protected)).text
    assert "076-444 22 11" not in form and "anna@example.test" not in form
    assert 'name="phone"' not in form
    values = {**data(protected, involved="on"), "phone": "000"}
    assert client.post(url(protected), values).status_code == 302
    relative = saved(protected)
    assert relative.involved and relative.phone == "076-444 22 11"


def test_the_coordinator_sees_and_changes_a_protected_persons_relatives_contact_details(
    client, county, protected
):
    log_in(client, county.coordinator)
    assert "076-444 22 11" in client.get(url(protected)).text
    assert client.post(url(protected), data(protected, phone="076-1")).status_code == 302
    assert saved(protected).phone == "076-1"
    assert Change.objects.get().protected


# --- No lost update ---------------------------------------------------------------------------


def test_two_edits_of_the_relative_from_the_same_version_lose_neither(client, county):
    log_in(client, county.nurse)
    values = data(county.relative, secrecy_requested="on")
    assert client.post(url(county.relative), values).status_code == 302
    response = client.post(url(county.relative), data(county.relative, involved="on"))
    assert response.status_code == 200 and STALE in response.text
    relative = saved(county.relative)
    assert relative.secrecy_requested and not relative.involved and relative.version == 1
    assert 'name="version" value="1"' in response.text
