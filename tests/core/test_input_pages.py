"""Too long a text, a date out of its range: the form comes back with the reason, in Swedish,
and nothing is saved (`core/limits.py`)."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from helhet.access.models import Consent
from helhet.contacts.models import Contact
from helhet.intake.models import Referral
from helhet.plans.models import PlanVersion

from ..access.test_consent import consent_data
from ..contacts.test_record_contact import form_data as contact_data
from ..intake.test_public import message
from ..intake.test_public import page as self_referral_page
from ..people.utils import log_in
from ..plans.test_treatment_plans import plan_form

pytestmark = pytest.mark.usefixtures("swedish")
TOO_LONG = "Säkerställ att detta värde har som mest %d tecken (den har %d)."
TOO_EARLY = "Ange ett datum år 1900 eller senare."


@pytest.fixture
def swedish():
    with override_settings(LANGUAGE_CODE="sv"):
        yield


def test_a_note_of_10001_characters_is_refused_and_one_of_10000_saved(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:new", args=[county.patient.pk])
    response = client.post(url, contact_data(county, note="a" * 10_001))
    assert response.status_code == 200
    assert TOO_LONG % (10_000, 10_001) in response.text
    assert not Contact.objects.exists()
    assert client.post(url, contact_data(county, note="a" * 10_000)).status_code == 302
    assert len(Contact.objects.get().note) == 10_000


def test_a_plan_goal_of_200000_characters_is_refused(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    response = client.post(url, plan_form(goals="mål." * 50_000))
    assert response.status_code == 200
    assert TOO_LONG % (4_000, 200_000) in response.text
    assert not PlanVersion.objects.exists()


def test_the_public_page_refuses_a_message_over_its_length(client, county):
    response = client.post(self_referral_page(county), message(message="x" * 2_001))
    assert response.status_code == 200
    assert TOO_LONG % (2_000, 2_001) in response.text
    assert not Referral.objects.exists()


@pytest.mark.parametrize("review_on", ["9999-12-31", "0001-01-01"])
def test_a_review_date_in_year_9999_or_year_1_is_refused(client, county, review_on):
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    response = client.post(url, plan_form(review_on=review_on))
    assert response.status_code == 200
    assert ("Ange ett datum senast" in response.text) or (TOO_EARLY in response.text)
    assert not PlanVersion.objects.exists()


def test_a_review_date_two_years_ahead_is_saved_and_a_day_more_is_not(client, county):
    from helhet.core.limits import years_after

    latest = years_after(timezone.localdate(), 2)
    log_in(client, county.nurse, county.clinic)
    url = reverse("plans:plan_edit", args=[county.patient.pk])
    later = client.post(url, plan_form(review_on=str(latest + datetime.timedelta(days=1))))
    assert f"Ange ett datum senast {latest.isoformat()}." in later.text
    assert not PlanVersion.objects.exists()
    assert client.post(url, plan_form(review_on=latest.isoformat())).status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "text"),
    [
        ("valid_until", "9999-12-31", "Ange ett datum senast"),
        ("valid_from", "0001-01-01", TOO_EARLY),
        ("valid_from", "9999-01-01", "Ange ett datum senast"),
    ],
)
def test_a_consent_in_year_9999_or_year_1_is_refused(client, county, field, value, text):
    log_in(client, county.nurse, county.clinic)
    url = reverse("access:consent_new", args=[county.patient.pk])
    response = client.post(url, consent_data(county, **{field: value}))
    assert response.status_code == 200 and text in response.text
    assert not Consent.objects.exists()


def test_a_consent_valid_three_years_is_saved(client, county):
    from helhet.core.limits import years_after

    log_in(client, county.nurse, county.clinic)
    url = reverse("access:consent_new", args=[county.patient.pk])
    until = years_after(timezone.localdate(), 3).isoformat()
    assert client.post(url, consent_data(county, valid_until=until)).status_code == 302
    assert Consent.objects.get().valid_until.isoformat() == until


@pytest.mark.parametrize("starts_at", ["0001-01-01T10:00", "1899-12-31T23:59"])
def test_a_contact_before_1900_is_refused(client, county, starts_at):
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:new", args=[county.patient.pk])
    response = client.post(url, contact_data(county, starts_at=starts_at))
    assert response.status_code == 200 and TOO_EARLY in response.text
    assert not Contact.objects.exists()


def test_a_contact_in_year_9999_is_refused_as_in_the_future(client, county):
    log_in(client, county.nurse, county.clinic)
    url = reverse("contacts:new", args=[county.patient.pk])
    response = client.post(url, contact_data(county, starts_at="9999-12-31T10:00"))
    assert response.status_code == 200 and "framtiden" in response.text
    assert not Contact.objects.exists()
