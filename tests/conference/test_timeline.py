"""A conference decision on the person's timeline: a note of the organisation that wrote it,
read by the policy's rule (own organisation, or a consent disclosing notes)."""

import pytest
from django.urls import reverse

from helhet.access.models import Basis

from ..people.utils import log_in, log_rows
from .conftest import notes_disclosed

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(county, today):
    found = today.items.get()
    found.decision, found.status = "Boka SIP-möte.", "discussed"
    found.decision_organisation, found.decided_by = county.region, county.nurse
    found.decided_at = today.starts_at
    found.save()
    return found


def timeline(client, county):
    return client.get(reverse("timeline:page", args=[county.patient.pk])).text


def test_the_decision_shows_on_the_timeline_of_its_organisations_staff(client, county, decided):
    log_in(client, county.nurse, county.clinic)
    text = timeline(client, county)
    assert "Decision at the team conference" in text and "Boka SIP-möte." in text


def test_the_other_organisation_does_not_see_the_decision_without_notes_disclosed(
    client, county, decided, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    text = timeline(client, county)
    assert "Boka SIP-möte." not in text and "Decision at the team conference" not in text


def test_the_other_organisation_reads_the_decision_under_a_consent_disclosing_notes(
    client, county, decided
):
    consent = notes_disclosed(county, to=county.municipality)
    log_in(client, county.social_worker, county.clinic)
    assert "Boka SIP-möte." in timeline(client, county)
    [row] = log_rows(county.patient, what="timeline")
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent.pk)
