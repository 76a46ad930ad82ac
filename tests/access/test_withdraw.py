"""Withdrawing a consent: once, from a date that makes sense, and access follows at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from helhet.access import actions, policy
from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, Consent

from .. import factories as f
from .conftest import log_in


def url(consent):
    return reverse("access:consent_withdraw", args=[consent.person_id, consent.pk])


def today():
    return timezone.localdate().isoformat()


def test_the_withdrawal_page_shows_the_consent_and_logs_one_read(
    client, county, consent_for_coordination
):
    log_in(client, county.nurse, county.clinic)
    response = client.get(url(consent_for_coordination))
    assert response.status_code == 200
    assert "Withdraw the consent" in response.content.decode()
    assert [r.action for r in AccessLogEntry.objects.all()] == ["read"]


def test_nurse_records_a_withdrawal_and_one_update_row(client, county, consent_for_coordination):
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        url(consent_for_coordination), {"withdrawn_on": today(), "withdrawn_by": "the person"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("people:overview", args=[county.patient.pk])
    consent = Consent.objects.get(pk=consent_for_coordination.pk)
    assert (consent.withdrawn_on, consent.withdrawn_by, consent.withdrawal_recorded_by) == (
        timezone.localdate(),
        "the person",
        county.nurse,
    )
    assert [(r.action, r.person_id) for r in AccessLogEntry.objects.all()] == [
        ("update", county.patient.pk)
    ]


def test_after_withdrawal_the_social_worker_loses_access_to_the_patient(
    client, county, consent_for_coordination
):
    log_in(client, county.social_worker, county.clinic)
    response = client.post(
        url(consent_for_coordination), {"withdrawn_on": today(), "withdrawn_by": "the person"}
    )
    assert response["Location"] == reverse("care:caseload")
    assert client.get(reverse("access:log_extract", args=[county.patient.pk])).status_code == 404
    assert not policy.visible_persons(county.social_worker).filter(pk=county.patient.pk).exists()


def test_a_consent_cannot_be_withdrawn_twice(client, county, consent_for_coordination):
    log_in(client, county.nurse, county.clinic)
    client.post(
        url(consent_for_coordination), {"withdrawn_on": today(), "withdrawn_by": "the person"}
    )
    response = client.post(
        url(consent_for_coordination), {"withdrawn_on": today(), "withdrawn_by": "a guardian"}
    )
    assert response.status_code == 200
    assert "This consent was already withdrawn on" in response.content.decode()
    assert Consent.objects.get(pk=consent_for_coordination.pk).withdrawn_by == "the person"


def test_the_withdraw_action_refuses_a_consent_withdrawn_meanwhile(
    client, county, consent_for_coordination
):
    log_in(client, county.nurse, county.clinic)
    request = client.get(url(consent_for_coordination)).wsgi_request
    access = policy.person_access(request, county.patient.pk)
    Consent.objects.filter(pk=consent_for_coordination.pk).update(
        withdrawn_on=timezone.localdate(), withdrawn_by="a guardian"
    )
    with pytest.raises(ValidationError, match="already withdrawn"):
        actions.consent_withdraw(
            actor=Actor(county.nurse, county.clinic),
            access=access,
            consent_id=consent_for_coordination.pk,
            withdrawn_on=timezone.localdate(),
            withdrawn_by="the person",
        )
    assert Consent.objects.get(pk=consent_for_coordination.pk).withdrawn_by == "a guardian"


def test_a_withdrawal_before_the_consent_began_is_refused(client, county, consent_for_coordination):
    log_in(client, county.nurse, county.clinic)
    before = consent_for_coordination.valid_from - datetime.timedelta(days=1)
    response = client.post(
        url(consent_for_coordination),
        {"withdrawn_on": before.isoformat(), "withdrawn_by": "the person"},
    )
    assert "cannot be withdrawn before it began" in response.content.decode()
    assert Consent.objects.get(pk=consent_for_coordination.pk).withdrawn_on is None


def test_a_withdrawal_in_the_future_is_refused(client, county, consent_for_coordination):
    log_in(client, county.nurse, county.clinic)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        url(consent_for_coordination),
        {"withdrawn_on": tomorrow.isoformat(), "withdrawn_by": "the person"},
    )
    assert "The withdrawal date lies in the future." in response.content.decode()
    assert Consent.objects.get(pk=consent_for_coordination.pk).withdrawn_on is None


@pytest.mark.parametrize("who", ["outsider", "admin"])
def test_users_without_a_relationship_cannot_withdraw_a_consent(
    client, county, consent_for_coordination, who
):
    log_in(client, getattr(county, who))
    response = client.post(
        url(consent_for_coordination), {"withdrawn_on": today(), "withdrawn_by": "the person"}
    )
    assert response.status_code == 404
    assert Consent.objects.get(pk=consent_for_coordination.pk).withdrawn_on is None


def test_a_consent_of_another_person_is_not_found(client, county, consent_for_coordination):
    other = f.PersonFactory(registered_by=county.nurse)
    log_in(client, county.nurse, county.clinic)
    wrong = reverse("access:consent_withdraw", args=[other.pk, consent_for_coordination.pk])
    assert client.get(wrong).status_code == 404


def test_the_policy_refuses_the_social_worker_once_the_consent_is_withdrawn(
    county, consent_for_coordination, rf
):
    Consent.objects.filter(pk=consent_for_coordination.pk).update(
        withdrawn_on=timezone.localdate(), withdrawn_by="the person"
    )
    request = rf.get("/")
    request.user, request.memberships = (
        county.social_worker,
        list(county.social_worker.memberships.all()),
    )
    with pytest.raises(Http404):
        policy.person_access(request, county.patient.pk)


def test_an_empty_post_shows_the_required_fields_and_logs_one_read(
    client, county, consent_for_coordination
):
    log_in(client, county.nurse, county.clinic)
    response = client.post(url(consent_for_coordination), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    consent_for_coordination.refresh_from_db()
    assert consent_for_coordination.withdrawn_on is None
    assert [r.action for r in AccessLogEntry.objects.all()] == ["read"]
