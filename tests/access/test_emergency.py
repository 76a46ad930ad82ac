"""Emergency access: reasoned, time-limited, logged as such, for clinical staff only."""

import datetime
import re

import pytest
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from helhet.access import policy
from helhet.access.models import AccessLogEntry, EmergencyAccess

from .. import factories as f
from .conftest import log_in

URL = "/emergency/"
REASON = "Unconscious at the emergency department, no relative reachable."


def post(client, county, **overrides):
    data = {
        "identity_number": county.patient.identity_number,
        "reason_kind": "cannot_consent",
        "reason": REASON,
        "hours": "2",
    }
    data.update(overrides)
    return client.post(URL, data)


def person_access_for(user, person, rf):
    request = rf.get("/")
    request.user, request.memberships = user, list(user.memberships.all())
    return policy.person_access(request, person.pk)


def test_the_url_name_is_the_contracts():
    assert reverse("access:emergency") == URL


def test_the_form_prefills_the_number_and_warns_that_access_is_reviewed(client, county):
    log_in(client, county.outsider)
    response = client.get(URL, {"identity_number": "19800517-9806"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'value="19800517-9806"' in page
    assert "reviewed by a manager of the organisation whose records you read, never by you" in page


def test_outsider_takes_emergency_access_and_then_may_read_the_person(client, county, rf):
    log_in(client, county.outsider)
    response = post(client, county)
    assert response.status_code == 302
    assert response["Location"] == reverse("people:overview", args=[county.patient.pk])
    emergency = EmergencyAccess.objects.get()
    assert (emergency.user, emergency.person, emergency.unit) == (
        county.outsider,
        county.patient,
        county.other_unit,
    )
    hours = (emergency.expires_at - timezone.now()) / datetime.timedelta(hours=1)
    assert 1.9 < hours <= 2
    access = person_access_for(county.outsider, county.patient, rf)
    assert access.is_emergency


def test_taking_emergency_access_is_logged_as_one_flagged_row(client, county):
    log_in(client, county.outsider)
    post(client, county)
    row = AccessLogEntry.objects.get()
    assert (row.person, row.action, row.basis, row.emergency, row.without_relationship) == (
        county.patient,
        "read",
        "emergency",
        True,
        True,
    )
    assert row.what == f"emergency access taken: cannot_consent: {REASON}"
    assert row.unit == county.other_unit


def test_a_reason_is_required_and_must_explain(client, county):
    log_in(client, county.outsider)
    assert "This field is required." in post(client, county, reason="").content.decode()
    response = post(client, county, reason="  needed  ")
    assert "at least 3 different words and 20 characters" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert not AccessLogEntry.objects.exists()


@override_settings(HELHET_EMERGENCY_ACCESS_HOURS=4)
def test_the_duration_is_limited_by_the_setting(client, county):
    log_in(client, county.outsider)
    assert "Choose between 1 and 4 hours." in post(client, county, hours="5").content.decode()
    assert "Choose between 1 and 4 hours." in post(client, county, hours="0").content.decode()
    assert not EmergencyAccess.objects.exists()


def test_an_invalid_identity_number_shows_its_error(client, county):
    log_in(client, county.outsider)
    response = post(client, county, identity_number="19800517-9807")
    assert "The check digit is wrong" in response.content.decode()
    assert not AccessLogEntry.objects.exists()


def test_an_unknown_number_is_told_and_the_attempt_logged(client, county):
    log_in(client, county.outsider)
    unknown = f.PersonFactory.build(birth_date=datetime.date(1990, 2, 3)).identity_number
    response = post(client, county, identity_number=unknown)
    assert response.status_code == 200
    assert (
        "No person with this identity number is registered in Helhet." in response.content.decode()
    )
    row = AccessLogEntry.objects.get()
    assert (row.person, row.action, row.basis, row.what, row.user) == (
        None,
        "search",
        "none",
        "emergency access: no match",
        county.outsider,
    )
    assert unknown not in row.what
    assert not EmergencyAccess.objects.exists()


def test_administrators_get_not_found(client, county):
    log_in(client, county.admin)
    assert client.get(URL).status_code == 404
    assert post(client, county).status_code == 404
    assert not EmergencyAccess.objects.exists()


def test_a_user_with_a_relationship_needs_no_emergency_access(client, county):
    log_in(client, county.nurse, county.clinic)
    response = post(client, county)
    assert response["Location"] == reverse("people:overview", args=[county.patient.pk])
    assert not EmergencyAccess.objects.exists()


def test_expired_emergency_access_is_refused(county, rf):
    f.EmergencyAccessFactory(
        user=county.outsider,
        person=county.patient,
        unit=county.other_unit,
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    with pytest.raises(Http404):
        person_access_for(county.outsider, county.patient, rf)


def test_emergency_access_is_read_only(client, county):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider)
    assert client.get(reverse("access:consent_new", args=[county.patient.pk])).status_code == 404
    assert client.get(reverse("people:overview", args=[county.patient.pk])).status_code == 200
    # The log extract is for a manager or coordinator with a relationship: not emergency access.
    extract = client.get(reverse("access:log_extract", args=[county.patient.pk]))
    assert extract.status_code == 404


def test_a_short_reason_tells_nothing_about_whether_the_number_is_registered(client, county):
    """Without a valid reason the number is not looked up: no probing for who is registered."""
    log_in(client, county.outsider)
    unknown = f.PersonFactory.build(birth_date=datetime.date(1990, 2, 3)).identity_number
    known = post(client, county, reason="too short")
    absent = post(client, county, identity_number=unknown, reason="too short")
    token = re.compile(r"[A-Za-z0-9]{64}")

    def page(response, number):
        return token.sub("", response.content.decode()).replace(number, "NUMBER")

    assert page(known, county.patient.identity_number) == page(absent, unknown)
    assert "at least 3 different words and 20 characters" in known.content.decode()
    assert not AccessLogEntry.objects.exists() and not EmergencyAccess.objects.exists()


def test_a_valid_reason_for_an_unknown_number_says_it_is_unknown(client, county):
    """The twin of the test above: with a valid reason the lookup is made, and logged."""
    log_in(client, county.outsider)
    unknown = f.PersonFactory.build(birth_date=datetime.date(1990, 2, 3)).identity_number
    response = post(client, county, identity_number=unknown)
    assert "No person with this identity number" in response.content.decode()
    assert AccessLogEntry.objects.get().action == "search"


@pytest.mark.parametrize(
    "reason",
    [
        "a" * 20,
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "asdf asdf asdf asdf asdf",
        "x x x x x x x x x x x x x x",
        "mmmm bbbb kkkk llll ssss",
        "akut akut akut akut akut",
        "Akut, 112 112 112 112 112 112",
    ],
)
def test_a_reason_without_real_words_is_refused(client, county, reason):
    log_in(client, county.outsider)
    response = post(client, county, reason=reason)
    assert "at least 3 different words and 20 characters" in response.content.decode()
    assert not EmergencyAccess.objects.exists()
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "reason",
    [REASON, "Medvetslös på akuten, inga anhöriga går att nå.", "Hotar att skada sig själv nu."],
)
def test_a_reason_in_words_is_accepted(client, county, reason):
    """The twin: three different words and twenty characters, Swedish or English."""
    log_in(client, county.outsider)
    assert post(client, county, reason=reason).status_code == 302
    assert EmergencyAccess.objects.get().reason == reason


def test_the_kind_of_reason_is_required_and_recorded_and_logged(client, county):
    log_in(client, county.outsider)
    response = post(client, county, reason_kind="")
    assert "This field is required." in response.content.decode()
    assert post(client, county, reason_kind="because").status_code == 200
    assert not EmergencyAccess.objects.exists()
    post(client, county, reason_kind="acute_risk")
    assert EmergencyAccess.objects.get().reason_kind == "acute_risk"
    assert AccessLogEntry.objects.get().what == f"emergency access taken: acute_risk: {REASON}"


def test_the_reason_rule_is_told_in_swedish(client, county):
    log_in(client, county.outsider)
    client.cookies["django_language"] = "sv"
    response = post(client, county, reason="a" * 20)
    assert "minst 3 olika ord och 20 tecken" in response.content.decode()
