"""Changing a person's details: who may, what each may change (protected identity), every
change a version with what changed kept and logged, and no lost update."""

import pytest
from django.urls import reverse

from helhet.access.models import AccessLogEntry, Basis
from helhet.followup.models import SteeringGroup
from helhet.people.models import Change, Person

from .. import factories as f
from .utils import log_in, log_rows, only_refused

STALE = "Someone else saved a new version while you were editing"


def url(person):
    return reverse("people:edit", args=[person.pk])


def changes_url(person):
    return reverse("people:changes", args=[person.pk])


def data(county, version=0, **changes):
    person = county.patient
    values = {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "municipality": county.home.pk,
        "address": person.address,
        "postal_code": person.postal_code,
        "city": person.city,
        "phone": person.phone,
        "email": person.email,
        "version": version,
    }
    return {**values, **changes}


def saved(person) -> Person:
    return Person.objects.get(pk=person.pk)


# --- Who may ------------------------------------------------------------------------------


def test_the_nurse_changes_the_address_as_a_new_version_with_the_change_kept_and_logged(
    client, county
):
    log_in(client, county.nurse)
    response = client.post(url(county.patient), data(county, address="Nya gatan 3", city="Ny"))
    assert response.status_code == 302
    person = saved(county.patient)
    assert (person.address, person.city, person.version) == ("Nya gatan 3", "Ny", 1)
    change = Change.objects.get(person=person)
    assert (change.number, change.relative, change.changed_by, change.unit) == (
        1,
        None,
        county.nurse,
        county.clinic,
    )
    assert change.fields == {
        "address": ["Testgatan 1", "Nya gatan 3"],
        "city": ["Teststad", "Ny"],
    }
    [row] = log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)
    assert row.what == "person details changed: address, city"
    assert row.basis == Basis.OWN_ORGANISATION


def test_a_municipality_change_is_kept_by_the_municipalitys_name(client, county):
    other = f.MunicipalityFactory(code="9902", name="Grannby")
    log_in(client, county.nurse).post(url(county.patient), data(county, municipality=other.pk))
    assert saved(county.patient).municipality == other
    assert Change.objects.get().fields == {"municipality": ["Testby", "Grannby"]}


def test_the_social_worker_changes_the_details_under_the_coordination_consent(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker)
    assert client.post(url(county.patient), data(county, phone="070-999")).status_code == 302
    assert saved(county.patient).phone == "070-999"
    [row] = log_rows(county.patient, action=AccessLogEntry.Action.UPDATE)
    assert (row.basis, row.consent) == (Basis.CONSENT, consent_for_coordination)


# --- Who may not --------------------------------------------------------------------------


def steering_member(county):
    group = SteeringGroup.objects.create(name="Styrgrupp")
    group.units.add(county.clinic)
    member = f.UserFactory(username="steering", organisation=county.region)
    group.members.add(member)
    return member


@pytest.mark.parametrize(
    "who", ["social_worker_without_consent", "outsider", "emergency", "steering"]
)
def test_who_has_no_relationship_at_the_unit_cannot_change_the_details(client, county, who):
    if who == "emergency":
        f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    user = {
        "social_worker_without_consent": county.social_worker,
        "outsider": county.outsider,
        "emergency": county.outsider,
        "steering": steering_member(county) if who == "steering" else None,
    }[who]
    log_in(client, user)
    assert client.get(url(county.patient)).status_code == 404
    assert client.post(url(county.patient), data(county, address="Elsewhere 1")).status_code == 404
    assert saved(county.patient).address == "Testgatan 1"
    assert not Change.objects.exists()
    assert only_refused(log_rows(county.patient))


def test_nothing_changed_is_refused_without_a_version(client, county):
    response = log_in(client, county.nurse).post(url(county.patient), data(county))
    assert response.status_code == 200
    assert "Nothing was changed" in response.text
    assert saved(county.patient).version == 0 and not Change.objects.exists()


def test_a_bad_email_re_renders_the_form_and_saves_nothing(client, county):
    response = log_in(client, county.nurse).post(
        url(county.patient), data(county, email="not an address", address="Ny 1")
    )
    assert response.status_code == 200 and "Enter a valid email address" in response.text
    assert saved(county.patient).address == "Testgatan 1"
    assert [r.action for r in log_rows(county.patient)] == ["read"]


# --- Protected identity: only the coordinator -------------------------------------------


def test_only_the_coordinator_may_set_protected_identity(client, county):
    log_in(client, county.nurse)
    form = client.get(url(county.patient)).text
    assert 'name="protected_identity"' not in form
    client.post(url(county.patient), data(county, protected_identity="on", city="Ny"))
    assert not saved(county.patient).protected_identity  # the field is not hers to send

    log_in(client, county.coordinator)
    assert 'name="protected_identity"' in client.get(url(county.patient)).text
    values = data(county, 1, protected_identity="on", city="Ny")
    response = client.post(url(county.patient), values)
    assert response.status_code == 302
    assert saved(county.patient).protected_identity
    change = Change.objects.get(number=2)
    assert change.fields == {"protected_identity": [False, True]} and change.protected


@pytest.fixture
def protected(county):
    county.patient.protected_identity = True
    county.patient.address, county.patient.phone = "Hemliga vägen 7", "073-555 01 99"
    county.patient.save()
    return county.patient


def test_a_protected_persons_form_neither_shows_nor_takes_contact_details_from_the_nurse(
    client, county, protected
):
    log_in(client, county.nurse)
    form = client.get(url(protected)).text
    assert "Hemliga vägen 7" not in form and "073-555 01 99" not in form
    assert 'name="address"' not in form and 'name="protected_identity"' not in form
    response = client.post(
        url(protected), {**data(county, family_name="Nyman"), "address": "Ute 1", "phone": "1"}
    )
    assert response.status_code == 302
    person = saved(protected)
    assert (person.family_name, person.address, person.phone) == (
        "Nyman",
        "Hemliga vägen 7",
        "073-555 01 99",
    )
    assert Change.objects.get().fields == {"family_name": ["Tolvansson", "Nyman"]}


def test_the_coordinator_sees_and_changes_a_protected_persons_contact_details(
    client, county, protected
):
    log_in(client, county.coordinator)
    form = client.get(url(protected)).text
    assert "Hemliga vägen 7" in form and 'name="protected_identity" checked' in form.replace(
        ' id="id_protected_identity"', ""
    )
    values = data(county, address="Gömd 2", protected_identity="on")
    assert client.post(url(protected), values).status_code == 302
    assert saved(protected).address == "Gömd 2"


def test_the_history_hides_contact_details_of_a_protected_person_from_all_but_the_coordinator(
    client, county, protected
):
    log_in(client, county.coordinator)
    client.post(url(protected), data(county, address="Gömd 2", protected_identity="on"))
    log_in(client, county.nurse)
    page = client.get(changes_url(protected)).text
    assert "Gömd 2" not in page and "Hemliga vägen 7" not in page
    assert "hidden: protected identity" in page
    log_in(client, county.coordinator)
    page = client.get(changes_url(protected)).text
    assert "Hemliga vägen 7 → Gömd 2" in page


def test_details_recorded_while_protected_stay_hidden_after_the_protection_is_lifted(
    client, county, protected
):
    log_in(client, county.coordinator)
    client.post(url(protected), data(county, address="Gömd 2", protected_identity="on"))
    client.post(url(protected), data(county, 1, address="Öppen 3"))  # protection lifted
    assert not saved(protected).protected_identity
    page = log_in(client, county.nurse).get(changes_url(protected)).text
    assert "Öppen 3" not in page and "Gömd 2" not in page  # both edits were made protected
    assert "Protected identity" in page  # what changed is named, never the hidden values


# --- No lost update ----------------------------------------------------------------------


def test_a_second_edit_based_on_the_same_version_is_refused_whole_and_shows_the_saved_one(
    client, county
):
    log_in(client, county.nurse)
    assert client.post(url(county.patient), data(county, address="Först 1")).status_code == 302
    before = AccessLogEntry.objects.order_by("-pk").first().pk
    response = client.post(url(county.patient), data(county, 0, phone="070-222"))
    assert response.status_code == 200
    assert STALE in response.text
    person = saved(county.patient)
    assert (person.address, person.phone, person.version) == ("Först 1", "070-000 00 00", 1)
    assert Change.objects.count() == 1
    # The form keeps what she typed, is now based on version 1, and shows the saved address.
    assert 'value="070-222"' in response.text and 'name="version" value="1"' in response.text
    assert "Först 1" in response.text
    assert [r.action for r in log_rows(county.patient, pk__gt=before)] == ["read"]
    # Saved again from the renewed form, it goes through.
    assert client.post(url(county.patient), data(county, 1, phone="070-222")).status_code == 302
    assert saved(county.patient).version == 2


def test_a_form_without_its_version_is_refused(client, county):
    values = data(county, address="Ny 1")
    del values["version"]
    response = log_in(client, county.nurse).post(url(county.patient), values)
    assert response.status_code == 200 and "The form is out of date" in response.text
    assert saved(county.patient).address == "Testgatan 1"


# --- The history page --------------------------------------------------------------------


def test_the_history_shows_who_changed_what_and_when_and_is_logged(client, county):
    log_in(client, county.nurse)
    client.post(url(county.patient), data(county, phone="070-777"))
    page = client.get(changes_url(county.patient))
    assert page.status_code == 200
    assert "070-000 00 00 → 070-777" in page.text
    assert county.nurse.get_full_name() in page.text
    assert page.context["access"].person == county.patient
    assert page.context["person"] == county.patient
    [row] = log_rows(county.patient, what="change history")
    assert row.action == AccessLogEntry.Action.READ


def test_the_history_shows_a_relatives_change_only_to_those_who_may_read_the_relative(
    client, county, consent_for_coordination
):
    """The consent discloses the region's relatives to the municipality, not the other way."""
    municipal = f.RelativeFactory(
        person=county.patient, recorded_by=county.social_worker, name="Kommunens Kalle"
    )
    log_in(client, county.social_worker)
    relative_url = reverse("people:relative_edit", args=[county.patient.pk, municipal.pk])
    values = {"name": "Kommunens Kalle", "relation": "Father", "version": 0}
    assert client.post(relative_url, values).status_code == 302
    assert "Mother → Father" in client.get(changes_url(county.patient)).text
    page = log_in(client, county.nurse).get(changes_url(county.patient)).text
    assert "Kommunens Kalle" not in page and "Father" not in page


def test_emergency_access_reads_the_history_logged_as_emergency(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    response = log_in(client, county.outsider).get(changes_url(county.patient))
    assert response.status_code == 200
    [row] = log_rows(county.patient, what="change history")
    assert row.basis == Basis.EMERGENCY and row.emergency


def test_a_stale_edit_after_the_person_was_protected_shows_the_nurse_no_contact_details(
    client, county
):
    """The coordinator protects the person while the nurse edits: her stale save is refused,
    and the renewed form leaves out the contact details she may no longer see."""
    log_in(client, county.coordinator)
    values = data(county, address="Gömd 2", protected_identity="on")
    assert client.post(url(county.patient), values).status_code == 302
    log_in(client, county.nurse)
    response = client.post(url(county.patient), data(county, 0, phone="070-222"))
    assert response.status_code == 200 and STALE in response.text
    assert "Gömd 2" not in response.text and 'name="address"' not in response.text
    assert saved(county.patient).phone == "070-000 00 00"
