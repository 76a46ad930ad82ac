"""What a page derives from records the access filters in the database (a count, whether an
earlier result exists) passes through the access too: a figure that rests on records disclosed
under a consent is a disclosure in the request's log row, not "own organisation"."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Basis

from .. import factories as f
from ..people.utils import log_in, log_rows


def disclose(consent, county, category):
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=county.municipality,
        to_organisation=county.region,
        category=category,
    )


def older_municipality_contact_and_three_of_the_regions(county):
    now = timezone.now()
    f.ContactFactory(
        episode=county.episode,
        recorded_by=county.social_worker,
        starts_at=now - datetime.timedelta(days=30),
    )
    for days in (1, 2, 3):
        f.ContactFactory(
            episode=county.episode,
            recorded_by=county.nurse,
            starts_at=now - datetime.timedelta(days=days),
        )


def test_the_contact_count_with_a_disclosed_contact_is_logged_with_the_consent(
    client, county, consent_for_coordination
):
    """The block lists the region's three latest; its count includes the municipality's."""
    disclose(consent_for_coordination, county, "contacts")
    older_municipality_contact_and_three_of_the_regions(county)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("contacts:latest", args=[county.patient.pk]))
    assert "4 contacts you may see" in response.text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_the_contact_count_without_the_disclosure_is_own_organisation(
    client, county, consent_for_coordination
):
    older_municipality_contact_and_three_of_the_regions(county)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("contacts:latest", args=[county.patient.pk]))
    assert "3 contacts you may see" in response.text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.OWN_ORGANISATION, None)


def follow_up_chosen(response) -> bool:
    return re.search(r'value="follow_up"[^>]*checked', response.text) is not None


def test_a_form_that_starts_from_a_disclosed_earlier_result_is_logged_with_the_consent(
    client, county, consent_for_coordination
):
    """The occasion proposed (follow-up) tells that the municipality's AUDIT exists."""
    disclose(consent_for_coordination, county, "assessments")
    f.AssessmentFactory(person=county.patient, unit=county.clinic, recorded_by=county.social_worker)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("assessments:new", args=[county.patient.pk, "audit"]))
    assert follow_up_chosen(response)
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_a_form_without_a_readable_earlier_result_proposes_intake_as_own_organisation(
    client, county, consent_for_coordination
):
    f.AssessmentFactory(person=county.patient, unit=county.clinic, recorded_by=county.social_worker)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("assessments:new", args=[county.patient.pk, "audit"]))
    assert not follow_up_chosen(response)
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.OWN_ORGANISATION, None)


def a_relative_the_municipality_supported(county):
    """The region's record of the patient's relative, and the municipality's support contact
    with that relative."""
    relative = f.RelativeFactory(person=county.patient, recorded_by=county.nurse)
    f.ContactFactory(episode=county.episode, recorded_by=county.social_worker, relative=relative)


def test_a_relatives_support_count_with_a_disclosed_contact_is_logged_with_the_consent(
    client, county, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts")
    a_relative_the_municipality_supported(county)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("people:overview", args=[county.patient.pk]))
    assert "1 contact," in response.text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


def test_a_relatives_support_count_without_the_disclosure_is_own_organisation(
    client, county, consent_for_coordination
):
    a_relative_the_municipality_supported(county)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("people:overview", args=[county.patient.pk]))
    assert "1 contact," not in response.text
    [row] = log_rows(county.patient)
    assert (row.basis, row.consent_id) == (Basis.OWN_ORGANISATION, None)
