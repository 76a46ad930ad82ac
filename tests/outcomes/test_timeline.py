"""Outcomes on the person's timeline: read as assessments are, the versions in force."""

from django.urls import reverse

from helhet.access.models import Basis

from .. import factories as f
from ..people.utils import log_in, log_rows
from ..timeline.conftest import disclose


def page(client, county, user):
    url = reverse("timeline:page", args=[county.patient.pk])
    response = log_in(client, user, county.clinic).get(url)
    assert response.status_code == 200
    return response.text


def outcome(county, **fields):
    return f.OutcomeFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, **fields
    )


def test_the_nurse_sees_the_outcome_in_force_on_the_timeline(client, county):
    first = outcome(county, diagnoses=["F10.1"])
    outcome(county, diagnoses=["F10.2"], corrects=first, original=first, correction_reason="x")
    text = page(client, county, county.nurse)
    assert "Outcome (intake)" in text and "F10.2" in text and "F10.1" not in text


def test_the_social_worker_sees_the_regions_outcome_only_under_an_assessments_disclosure(
    client, county, consent_for_coordination
):
    outcome(county)
    assert "Outcome (intake)" not in page(client, county, county.social_worker)
    disclose(consent_for_coordination, county, "assessments")
    assert "Outcome (intake)" in page(client, county, county.social_worker)
    assert log_rows(county.patient)[-1].basis == Basis.CONSENT
