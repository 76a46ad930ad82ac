"""Records that cause reminders, at the test county's clinic (see tests/conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from helhet.plans.models import PlanVersion, SipMeeting, TreatmentPlan
from helhet.reminders.models import Reminder
from helhet.reminders.refresh import refresh_unit

from .. import factories as f


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def plan_version(county, *, review_on, by=None, plan=None, number=1):
    by = by or county.nurse
    plan = plan or TreatmentPlan.objects.create(
        person=county.patient, unit=county.clinic, organisation=by.organisation
    )
    return PlanVersion.objects.create(
        plan=plan,
        number=number,
        organisation=by.organisation,
        goals="Att må bättre.",
        review_on=review_on,
        created_by=by,
    )


def sip_meeting(county, *, held_on, next_follow_up_on, sip=None, by=None):
    by = by or county.nurse
    sip = sip or f.SipFactory(person=county.patient, unit=county.clinic)
    return SipMeeting.objects.create(
        sip=sip,
        organisation=by.organisation,
        caller=by,
        invitees="Tolvan Tolvansson",
        held_on=held_on,
        minutes="Vi gick igenom planen.",
        next_follow_up_on=next_follow_up_on,
        recorded_by=by,
    )


def open_reminders(**filters) -> list[Reminder]:
    return list(Reminder.objects.filter(resolved_at__isnull=True, **filters))


@pytest.fixture
def recent_contact(county):
    """An attended contact yesterday: the patient is not out of touch."""
    return f.ContactFactory(
        episode=county.episode,
        recorded_by=county.nurse,
        starts_at=timezone.now() - datetime.timedelta(days=1),
    )


@pytest.fixture
def refresh(county):
    def run(unit=None):
        return refresh_unit(unit or county.clinic)

    return run
