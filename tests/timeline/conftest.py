"""Helpers for the timeline tests: one record of each kind, at a chosen time."""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from helhet.access import policy
from helhet.plans.models import PlanVersion, Sip, SipMeeting, TreatmentPlan

from .. import factories as f


def at(day: int, hour: int = 10, month: int = 2) -> datetime.datetime:
    """A time in 2026, local (Europe/Stockholm)."""
    return timezone.make_aware(datetime.datetime(2026, month, day, hour))


def page_url(county) -> str:
    return reverse("timeline:page", args=[county.patient.pk])


def latest_url(county) -> str:
    return reverse("timeline:latest", args=[county.patient.pk])


def access_of(user, person, unit=None):
    request = RequestFactory().get("/")
    request.user, request.memberships = user, list(user.memberships.all())
    request.unit = unit
    return policy.person_access(request, person.pk)


def disclose(consent, county, *categories):
    """Let the region disclose CATEGORIES to the municipality under CONSENT."""
    for category in categories:
        f.ConsentDisclosureFactory(
            consent=consent,
            from_organisation=county.region,
            to_organisation=county.municipality,
            category=category,
        )


def contact(county, user=None, **kwargs):
    return f.ContactFactory(episode=county.episode, recorded_by=user or county.nurse, **kwargs)


def assessment(county, user=None, **kwargs):
    return f.AssessmentFactory(
        person=county.patient, unit=county.clinic, recorded_by=user or county.nurse, **kwargs
    )


def plan_version(county, number=1, user=None):
    user = user or county.nurse
    plan, _created = TreatmentPlan.objects.get_or_create(
        person=county.patient, unit=county.clinic, organisation=user.organisation
    )
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        organisation=user.organisation,
        goals="Att må bättre.",
        review_on=datetime.date(2026, 6, 1),
        created_by=user,
    )


def sip(county):
    """The person's SIP at the clinic (one per unit)."""
    return Sip.objects.get_or_create(person=county.patient, unit=county.clinic)[0]


def sip_version(county, the_sip, user=None, number=None):
    kwargs = {"number": number} if number else {}
    return f.SipVersionFactory(sip=the_sip, created_by=user or county.nurse, **kwargs)


def sip_meeting(county, the_sip, user=None, held_on=datetime.date(2026, 2, 3)):
    user = user or county.nurse
    return SipMeeting.objects.create(
        sip=the_sip,
        organisation=user.organisation,
        caller=user,
        invitees="Försäkringskassan",
        held_on=held_on,
        minutes="Vi gick igenom planen.",
        recorded_by=user,
    )


def referral(county, user=None, **kwargs):
    user = user or county.nurse
    return f.ReferralFactory(
        unit=county.clinic,
        registered_by=user,
        state="accepted",
        person=county.patient,
        episode=county.episode,
        decided_at=at(14, month=1),
        received_on=datetime.date(2026, 1, 10),
        **kwargs,
    )


def drug_test(county, user=None, **kwargs):
    test = f.DrugTestFactory(
        person=county.patient, unit=county.clinic, recorded_by=user or county.nurse, **kwargs
    )
    f.DrugTestResultFactory(drug_test=test, substance="cannabis", result="positive")
    return test


def dispensing(county, user=None, **kwargs):
    return f.MedicationDispensingFactory(
        person=county.patient, unit=county.clinic, recorded_by=user or county.nurse, **kwargs
    )


@pytest.fixture
def coordination(county):
    """The person's active coordination consent at the clinic, recorded by the nurse, without
    disclosures (the SIP shows only under it)."""
    return f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )


def one_of_each(county, consent):
    """A record of every kind, all the region's (the nurse's), on distinct days in February."""
    contact(county, starts_at=at(9), note="Besök, mådde bättre.")
    assessment(county, assessed_on=datetime.date(2026, 2, 8))
    plan_version(county)
    PlanVersion.objects.update(created_at=at(7))
    the_sip = sip(county)
    sip_version(county, the_sip, number=1)
    the_sip.versions.update(created_at=at(6))
    sip_meeting(county, the_sip, held_on=datetime.date(2026, 2, 5))
    referral(county)
    drug_test(county, taken_at=at(4))
    dispensing(county, handed_out_at=at(3))
    return consent
