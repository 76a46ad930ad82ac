"""Recording a consent: who may, what a consent must say, and what is saved and logged."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access import actions
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, Consent, ConsentDisclosure, ConsentRelative
from helhet.access.policy import person_access

from .. import factories as f
from ..people.utils import only_refused
from .conftest import log_in

TODAY = timezone.localdate


def url(person):
    return reverse("access:consent_new", args=[person.pk])


def consent_data(county, **overrides):
    """A valid consent at the clinic: coordination, relatives disclosed region → municipality."""
    data = {
        "form": "written",
        "preset": "choose",
        "coordination": "on",
        "given_by": "person",
        "valid_from": TODAY().isoformat(),
        f"disclose_{county.region.pk}_{county.municipality.pk}": ["relatives"],
        f"relative_{county.relative.pk}": "That the person is in treatment.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_nurse_records_a_consent_with_disclosures_and_a_relative(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(url(county.patient), consent_data(county))
    assert response.status_code == 302
    assert response["Location"] == reverse("people:overview", args=[county.patient.pk])
    consent = Consent.objects.get(person=county.patient)
    assert (consent.unit, consent.organisation, consent.recorded_by) == (
        county.clinic,
        county.region,
        county.nurse,
    )
    assert consent.coordination and consent.given_by == "person"
    assert list(
        consent.disclosures.values_list("from_organisation", "to_organisation", "category")
    ) == [(county.region.pk, county.municipality.pk, "relatives")]
    told = consent.relatives.get()
    assert (told.relative, told.may_be_told) == (
        county.relative,
        "That the person is in treatment.",
    )


def test_a_recorded_consent_writes_exactly_one_create_row(client, county):
    log_in(client, county.nurse, county.clinic)
    client.post(url(county.patient), consent_data(county))
    rows = list(AccessLogEntry.objects.filter(person=county.patient))
    assert [(r.action, r.basis, r.user_id) for r in rows] == [
        ("create", "own_organisation", county.nurse.pk)
    ]


def test_the_consent_form_lists_the_relatives_and_logs_one_read(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.get(url(county.patient))
    assert response.status_code == 200
    assert "Anna Anhörig" in response.content.decode()
    assert [r.action for r in AccessLogEntry.objects.filter(person=county.patient)] == ["read"]


@pytest.mark.parametrize("who", ["social_worker", "outsider", "admin"])
def test_staff_without_a_relationship_cannot_record_a_consent(client, county, who):
    log_in(client, getattr(county, who))
    assert client.get(url(county.patient)).status_code == 404
    assert client.post(url(county.patient), consent_data(county)).status_code == 404
    assert not Consent.objects.exists()
    rows = AccessLogEntry.objects.all()
    assert not rows.exists() if who == "admin" else only_refused(rows)  # admin: no clinical access


def test_emergency_access_does_not_let_anyone_record_a_consent(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    assert client.post(url(county.patient), consent_data(county)).status_code == 404
    assert not Consent.objects.exists()


def test_a_consent_that_covers_nothing_is_refused_and_nothing_is_saved(client, county):
    log_in(client, county.nurse, county.clinic)
    data = consent_data(
        county,
        coordination=None,
        **{
            f"disclose_{county.region.pk}_{county.municipality.pk}": None,
            f"relative_{county.relative.pk}": "",
        },
    )
    response = client.post(url(county.patient), data)
    assert response.status_code == 200
    assert (
        "A consent must cover something: choose coordination, a disclosure or a relative."
        in response.content.decode()
    )
    assert not Consent.objects.exists()
    assert [r.action for r in AccessLogEntry.objects.all()] == ["read"]


def test_a_consent_cannot_end_before_it_begins(client, county):
    log_in(client, county.nurse, county.clinic)
    yesterday = TODAY() - datetime.timedelta(days=1)
    response = client.post(
        url(county.patient), consent_data(county, valid_until=yesterday.isoformat())
    )
    assert response.status_code == 200
    assert "The consent cannot end before it begins." in response.content.decode()
    assert not Consent.objects.exists()
    assert not ConsentDisclosure.objects.exists() and not ConsentRelative.objects.exists()


def test_an_adult_gives_the_consent_themselves(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        url(county.patient), consent_data(county, given_by="guardian", guardian_names="Kim")
    )
    assert "gives it themselves" in response.content.decode()
    assert not Consent.objects.exists()


def nurse_access(client, county):
    """The nurse's PersonAccess for the patient, as a real request builds it."""
    return person_access(client.get(url(county.patient)).wsgi_request, county.patient.pk)


def test_a_disclosure_from_an_organisation_outside_the_unit_is_refused(client, county):
    stranger = f.OrganisationFactory()
    log_in(client, county.nurse, county.clinic)
    access = nurse_access(client, county)
    with pytest.raises(ValidationError, match="organisation running the unit"):
        actions.consent_record(
            actor=Actor(county.nurse, county.clinic),
            access=access,
            unit=county.clinic,
            form="written",
            coordination=False,
            given_by="person",
            valid_from=TODAY(),
            disclosures=[(stranger.pk, county.municipality.pk, "notes")],
            relatives={},
        )
    assert not Consent.objects.exists()


def test_a_relative_of_another_person_is_refused(client, county):
    other = f.RelativeFactory(recorded_by=county.nurse, name="Someone Else")
    log_in(client, county.nurse, county.clinic)
    access = nurse_access(client, county)
    with pytest.raises(ValidationError, match="not recorded for this person"):
        actions.consent_record(
            actor=Actor(county.nurse, county.clinic),
            access=access,
            unit=county.clinic,
            form="oral",
            coordination=True,
            given_by="person",
            valid_from=TODAY(),
            disclosures=[],
            relatives={other.pk: "Everything"},
        )
    assert not Consent.objects.exists()


def test_a_relative_field_for_another_persons_relative_is_ignored_by_the_form(client, county):
    other = f.RelativeFactory(recorded_by=county.nurse, name="Someone Else")
    log_in(client, county.nurse, county.clinic)
    client.post(url(county.patient), consent_data(county, **{f"relative_{other.pk}": "All"}))
    assert list(ConsentRelative.objects.values_list("relative", flat=True)) == [county.relative.pk]


# --- Minors -----------------------------------------------------------------------------------


def minor_data(county, **overrides):
    data = {
        "form": "written",
        "preset": "choose",
        "coordination": "on",
        "valid_from": TODAY().isoformat(),
    }
    data.update(overrides)
    return data


def test_a_minor_without_guardian_or_maturity_note_is_refused(client, county, minor):
    log_in(client, county.outsider, county.other_unit)
    response = client.post(url(minor), minor_data(county))
    assert response.status_code == 200
    assert "The person is under 18: the consent is given by a guardian" in response.text
    assert not Consent.objects.exists()


def test_a_minor_cannot_give_the_consent_as_an_adult_does(client, county, minor):
    log_in(client, county.outsider, county.other_unit)
    response = client.post(url(minor), minor_data(county, given_by="person"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Consent.objects.exists()


def test_a_guardian_consent_needs_the_guardians_names(client, county, minor):
    log_in(client, county.outsider, county.other_unit)
    response = client.post(url(minor), minor_data(county, given_by="guardians"))
    assert "Name the guardian or guardians" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_mature_minor_needs_a_note_on_the_assessment(client, county, minor):
    log_in(client, county.outsider, county.other_unit)
    response = client.post(url(minor), minor_data(county, given_by="mature_minor"))
    assert "judged mature enough to consent" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_mature_minor_may_consent_with_a_maturity_note(client, county, minor):
    log_in(client, county.outsider, county.other_unit)
    response = client.post(
        url(minor),
        minor_data(
            county,
            given_by="mature_minor",
            maturity_note="Understands what the consent means.",
            guardian_names="not kept",
        ),
    )
    assert response.status_code == 302
    consent = Consent.objects.get(person=minor)
    assert consent.given_by == "mature_minor"
    assert consent.maturity_note == "Understands what the consent means."
    assert consent.guardian_names == ""


def test_guardians_may_consent_for_a_minor(client, county, minor):
    log_in(client, county.outsider, county.other_unit)
    response = client.post(
        url(minor), minor_data(county, given_by="guardians", guardian_names="Kim and Alex Testsson")
    )
    assert response.status_code == 302
    assert Consent.objects.get(person=minor).guardian_names == "Kim and Alex Testsson"


def test_a_disclosure_error_is_tied_to_its_group_and_linked_from_the_summary(client, county):
    log_in(client, county.nurse, county.clinic)
    name = f"disclose_{county.region.pk}_{county.municipality.pk}"
    response = client.post(url(county.patient), consent_data(county, **{name: ["bogus"]}))
    assert response.status_code == 200 and not Consent.objects.exists()
    page = response.content.decode()
    assert f'<fieldset class="field has-error" aria-describedby="id_{name}_error">' in page
    assert f'id="id_{name}_error"' in page
    assert f'<a href="#id_{name}_0">' in page  # the summary links to the group's first box


def test_a_consent_cannot_tell_a_relative_the_person_keeps_secrecy_towards(client, county):
    """The one rule of the relative's details (`people.changes.check_secrecy`)."""
    county.relative.secrecy_requested = True
    county.relative.save()
    log_in(client, county.nurse, county.clinic).cookies["django_language"] = "sv"
    response = client.post(url(county.patient), consent_data(county))
    assert response.status_code == 200
    assert "Personen begär sekretess mot den här anhörige" in response.text
    assert not Consent.objects.exists() and not ConsentRelative.objects.exists()


def test_a_consent_without_telling_the_secret_relative_is_saved(client, county):
    county.relative.secrecy_requested = True
    county.relative.save()
    log_in(client, county.nurse, county.clinic)
    data = consent_data(county, **{f"relative_{county.relative.pk}": ""})
    assert client.post(url(county.patient), data).status_code == 302
    assert Consent.objects.exists() and not ConsentRelative.objects.exists()
