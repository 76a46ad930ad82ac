"""The person's contacts: who reads which, the note owned by the writer's organisation, the
log row, and a query count that does not grow with the history."""

import datetime

from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Basis

from .. import factories as f
from ..people.utils import log_in, log_rows, only_refused
from .conftest import disclose


def list_url(county):
    return reverse("contacts:list", args=[county.patient.pk])


def region_contact(county, **kwargs):
    return f.ContactFactory(episode=county.episode, recorded_by=county.nurse, **kwargs)


def municipality_contact(county, **kwargs):
    return f.ContactFactory(episode=county.episode, recorded_by=county.social_worker, **kwargs)


def test_the_nurse_reads_the_regions_contacts_with_notes_newest_first(client, county, catalogue):
    region_contact(
        county, note="Första besöket.", starts_at=timezone.now() - datetime.timedelta(days=2)
    )
    region_contact(county, note="Andra besöket.", interventions=[catalogue["drug_test"]])
    text = log_in(client, county.nurse, county.clinic).get(list_url(county)).text
    assert text.index("Andra besöket.") < text.index("Första besöket.")
    assert "Drug test" in text
    [row] = log_rows(county.patient)
    assert (row.action, row.what, row.basis) == ("read", "contacts", Basis.OWN_ORGANISATION)


def test_a_no_show_is_shown_as_such(client, county):
    region_contact(county, attended=False)
    text = log_in(client, county.nurse, county.clinic).get(list_url(county)).text
    assert "No-show" in text


def test_the_social_worker_without_a_contacts_disclosure_sees_only_the_municipalitys_contacts(
    client, county, consent_for_coordination
):
    region_contact(county, note="Regionens anteckning.", kind="phone")
    municipality_contact(county, note="Kommunens anteckning.")
    text = log_in(client, county.social_worker, county.clinic).get(list_url(county)).text
    assert "Kommunens anteckning." in text
    assert "Phone" not in text and "Regionens anteckning." not in text


def test_the_social_worker_with_a_contacts_disclosure_sees_the_regions_contact_but_not_its_note(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts")
    region_contact(county, note="Regionens anteckning.", kind="phone")
    text = log_in(client, county.social_worker, county.clinic).get(list_url(county)).text
    assert "Phone" in text
    assert "Regionens anteckning." not in text
    assert "The note is not shared with your organisation." in text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_social_worker_with_a_notes_disclosure_reads_the_regions_note(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts", "notes")
    region_contact(county, note="Regionens anteckning.")
    text = log_in(client, county.social_worker, county.clinic).get(list_url(county)).text
    assert "Regionens anteckning." in text


def test_medication_interventions_are_hidden_without_a_medication_disclosure(
    client, county, consent_for_coordination, catalogue
):
    disclose(consent_for_coordination, county, "contacts")
    region_contact(county, interventions=[catalogue["laro"], catalogue["health_talk"]])
    text = log_in(client, county.social_worker, county.clinic).get(list_url(county)).text
    assert "Health talk" in text and "LARO" not in text


def test_medication_interventions_are_shown_with_a_medication_disclosure(
    client, county, consent_for_coordination, catalogue
):
    disclose(consent_for_coordination, county, "contacts", "medication")
    region_contact(county, interventions=[catalogue["laro"]])
    text = log_in(client, county.social_worker, county.clinic).get(list_url(county)).text
    assert "LARO" in text


def test_emergency_access_reads_every_contact_and_is_logged_as_emergency(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient)
    region_contact(county, note="Regionens anteckning.")
    response = log_in(client, county.outsider).get(list_url(county))
    assert response.status_code == 200 and "Regionens anteckning." in response.text
    assert reverse("contacts:new", args=[county.patient.pk]) not in response.text
    [row] = log_rows(county.patient)
    assert row.basis == Basis.EMERGENCY


def test_the_outsider_without_emergency_access_gets_not_found(client, county):
    region_contact(county)
    response = log_in(client, county.outsider).get(list_url(county))
    assert response.status_code == 404 and only_refused(log_rows(county.patient))


def test_the_list_pages_through_a_long_history(client, county, settings):
    settings.HELHET_RECORD_PAGE_SIZE = 5
    for days in range(7):
        region_contact(county, starts_at=timezone.now() - datetime.timedelta(days=days + 1))
    log_in(client, county.nurse, county.clinic)
    first = client.get(list_url(county)).text
    assert "Contacts 1–5, newest first" in first and "Next" in first
    second = client.get(list_url(county), {"page": 2}).text
    assert "Contacts 6–7, newest first" in second


def test_the_list_costs_the_same_queries_for_two_contacts_as_for_forty(
    client, county, catalogue, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            region_contact(
                county,
                staff=[county.nurse, county.coordinator],
                interventions=[catalogue["health_talk"], catalogue["laro"]],
                note="Anteckning.",
            )

    log_in(client, county.nurse, county.clinic)
    add(2)
    # The page's ids, its rows, and two each for their staff and their interventions.
    with django_assert_max_num_queries(23) as few:
        client.get(list_url(county))
    add(38)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(list_url(county))
    assert response.status_code == 200
