"""Relatives' support contacts: a contact given to one of the person's relatives, chosen among
the relatives the writer may read; shown on the contact list and the overview's relatives."""

from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.contacts.models import Contact

from .. import factories as f
from ..people.utils import log_in, log_rows
from .conftest import disclose
from .test_record_contact import record


@pytest.fixture
def coordination_only(county):
    """A consent giving the social worker a relationship, disclosing none of the region's
    records (so not the region's relatives)."""
    return f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )


def someone_elses_relative(county):
    other = f.PersonFactory(registered_by=county.nurse)
    return f.RelativeFactory(person=other, recorded_by=county.nurse, name="Bo Främling")


# --- The action ---------------------------------------------------------------------------


def test_the_nurse_records_support_given_to_the_patients_relative(county, catalogue):
    contact = record(county, relative=county.relative)
    assert contact.relative == county.relative and contact.person == county.patient
    assert catalogue["relatives_support"] in contact.interventions.all()
    [row] = log_rows(county.patient)
    assert row.action == "create"


def test_the_relatives_support_intervention_is_not_added_twice(county, catalogue):
    contact = record(
        county, relative=county.relative.pk, interventions=[catalogue["relatives_support"]]
    )
    assert list(contact.interventions.all()) == [catalogue["relatives_support"]]


def test_a_contact_without_a_relative_gets_no_support_intervention(county, catalogue):
    contact = record(county)
    assert contact.relative is None and not contact.interventions.exists()


def test_a_relative_of_another_person_is_refused_and_nothing_is_saved(county):
    with pytest.raises(ValidationError) as error:
        record(county, relative=someone_elses_relative(county))
    assert error.value.message_dict["relative"] == ["Choose one of the person's relatives."]
    assert not Contact.objects.exists() and log_rows(county.patient) == []


def test_an_unknown_relative_id_is_refused(county):
    with pytest.raises(ValidationError):
        record(county, relative=999_999)
    assert not Contact.objects.exists()


def test_the_social_worker_may_name_a_relative_the_consent_discloses(
    county, consent_for_coordination
):
    contact = record(county, user=county.social_worker, relative=county.relative)
    assert contact.relative == county.relative


def test_the_social_worker_may_not_name_a_relative_the_consent_does_not_disclose(
    county, coordination_only
):
    with pytest.raises(ValidationError) as error:
        record(county, user=county.social_worker, relative=county.relative)
    assert "relative" in error.value.message_dict
    assert not Contact.objects.exists()


def test_support_to_a_relative_is_not_the_persons_first_contact(county):
    with mock.patch("helhet.contacts.actions.note_first_contact") as hook:
        record(county, relative=county.relative)
    hook.assert_not_called()


# --- The form -----------------------------------------------------------------------------


def new_url(county):
    return reverse("contacts:new", args=[county.patient.pk])


def form_data(county, **changes):
    starts = timezone.localtime() - timezone.timedelta(hours=1)
    data = {
        "kind": "visit",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "30",
        "staff": [county.nurse.pk],
        "attended": "on",
    }
    return data | changes


def test_the_form_offers_the_relatives_the_writer_may_read(client, county):
    text = log_in(client, county.nurse, county.clinic).get(new_url(county)).text
    assert "Anna Anhörig" in text and 'name="relative"' in text


def test_the_form_offers_no_relative_the_writer_may_not_read(client, county, coordination_only):
    text = log_in(client, county.social_worker, county.clinic).get(new_url(county)).text
    assert "Anna Anhörig" not in text and 'name="relative"' not in text


def test_the_form_records_a_support_contact(client, county):
    log_in(client, county.nurse, county.clinic)
    response = client.post(new_url(county), form_data(county, relative=county.relative.pk))
    assert response.status_code == 302
    assert Contact.objects.get().relative == county.relative


def test_the_form_refuses_a_relative_of_another_person_and_saves_nothing(client, county):
    stranger = someone_elses_relative(county)
    log_in(client, county.nurse, county.clinic)
    response = client.post(new_url(county), form_data(county, relative=stranger.pk))
    assert response.status_code == 200
    assert "Choose one of the person&#x27;s relatives." in response.text
    assert not Contact.objects.exists()


# --- Where support contacts show ----------------------------------------------------------


def support_contact(county, **kwargs):
    return f.ContactFactory(
        episode=county.episode, recorded_by=county.nurse, relative=county.relative, **kwargs
    )


def test_the_contact_list_names_the_relative(client, county):
    support_contact(county)
    text = (
        log_in(client, county.nurse, county.clinic)
        .get(reverse("contacts:list", args=[county.patient.pk]))
        .text
    )
    assert "with relative Anna Anhörig" in text


def test_the_contact_list_withholds_a_relatives_name_the_reader_may_not_read(
    client, county, coordination_only
):
    support_contact(county)
    disclose(coordination_only, county, "contacts")
    text = (
        log_in(client, county.social_worker, county.clinic)
        .get(reverse("contacts:list", args=[county.patient.pk]))
        .text
    )
    assert "with a relative" in text and "Anna Anhörig" not in text


def test_the_contact_list_names_a_relative_the_consent_discloses(
    client, county, consent_for_coordination
):
    support_contact(county)
    disclose(consent_for_coordination, county, "contacts")  # relatives are disclosed already
    text = (
        log_in(client, county.social_worker, county.clinic)
        .get(reverse("contacts:list", args=[county.patient.pk]))
        .text
    )
    assert "with relative Anna Anhörig" in text


def overview_text(client, user, county):
    log_in(client, user, county.clinic)
    return client.get(reverse("people:overview", args=[county.patient.pk])).text


def test_the_overview_counts_each_relatives_support_contacts(client, county):
    support_contact(county, starts_at=timezone.now() - timezone.timedelta(days=3))
    latest = support_contact(county)
    text = overview_text(client, county.nurse, county)
    day = timezone.localdate(latest.starts_at).isoformat()
    assert "2 contacts, latest" in text and f'<time datetime="{day}"' in text


def test_the_overview_counts_only_support_contacts_the_reader_may_read(
    client, county, consent_for_coordination
):
    support_contact(county)  # the region's; the consent discloses relatives but not contacts
    text = overview_text(client, county.social_worker, county)
    assert "Anna Anhörig" in text and "1 contact, latest" not in text
