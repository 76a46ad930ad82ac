"""Two coordination consents of one person at one unit are never in force on the same day: a
double submit, or two staff at once, would leave one in force after the other is withdrawn."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from helhet.access import actions
from helhet.access.log import Actor
from helhet.access.models import Consent

from .. import factories as f
from ..people.utils import log_in
from ..plans.conftest import access_of
from .test_consent import consent_data

DAY = datetime.date(2026, 3, 1)


def record(county, *, unit=None, coordination=True, valid_from=DAY, valid_until=None, **more):
    unit = unit or county.clinic
    return actions.consent_record(
        actor=Actor(county.nurse, unit, "req-1"),
        access=access_of(county.nurse, county.patient, unit),
        unit=unit,
        form="written",
        coordination=coordination,
        disclosures=[],
        relatives=more.pop("relatives", {}),
        given_by="person",
        valid_from=valid_from,
        valid_until=valid_until,
    )


def later(days: int) -> datetime.date:
    return DAY + datetime.timedelta(days=days)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((None, None), (later(30), None)),  # both open-ended
        ((None, later(60)), (later(60), later(90))),  # the new one begins the day the old ends
        ((later(10), later(20)), (None, later(10))),  # the new one ends the day the old begins
        ((None, None), (None, None)),  # the same again (a double submit)
    ],
)
def test_a_second_coordination_consent_in_force_the_same_day_is_refused(county, first, second):
    record(county, valid_from=first[0] or DAY, valid_until=first[1])
    with pytest.raises(ValidationError, match="in force in the same period"):
        record(county, valid_from=second[0] or DAY, valid_until=second[1])
    assert Consent.objects.count() == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ((DAY, later(60)), (later(61), None)),  # a renewal from the day after the end
        ((later(10), later(20)), (DAY, later(9))),  # one that ends before the other begins
    ],
)
def test_a_coordination_consent_after_the_other_ends_is_recorded(county, first, second):
    record(county, valid_from=first[0], valid_until=first[1])
    record(county, valid_from=second[0], valid_until=second[1])
    assert Consent.objects.filter(coordination=True).count() == 2


def test_a_withdrawn_consent_leaves_room_for_a_new_one_from_the_day_of_withdrawal(county):
    consent = record(county)
    Consent.objects.filter(pk=consent.pk).update(withdrawn_on=later(5))
    with pytest.raises(ValidationError):
        record(county, valid_from=later(4))
    record(county, valid_from=later(5))
    assert Consent.objects.count() == 2


def test_consents_without_coordination_and_at_other_units_are_not_limited(county):
    record(county)
    record(county, coordination=False, relatives={county.relative.pk: "Att hen är i behandling."})
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.nurse)
    record(county, unit=county.other_unit)
    assert Consent.objects.count() == 3


def test_the_page_says_why_and_saves_nothing(client, county):
    record(county, valid_from=datetime.date(2026, 1, 1))
    log_in(client, county.nurse, county.clinic)
    response = client.post(
        reverse("access:consent_new", args=[county.patient.pk]), consent_data(county)
    )
    assert response.status_code == 200
    assert "consent to coordination at Socialmedicinska mottagningen from 2026-01-01" in (
        response.text
    )
    assert Consent.objects.count() == 1
