"""Conferences at the test county's clinic (see tests/conftest.py)."""

import datetime

import pytest
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import Basis, RecordCategory
from helhet.conference.models import Conference, ConferenceItem

from .. import factories as f


def at(days: int, hour: int = 13) -> datetime.datetime:
    """Local time HOUR o'clock, DAYS from today."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def conference(unit, by, *, days: int = 0, title: str = "") -> Conference:
    return Conference.objects.create(unit=unit, starts_at=at(days), title=title, created_by=by)


def item(held: Conference, person, by, *, reason="Needs a new plan.", position=0, **fields):
    return ConferenceItem.objects.create(
        conference=held,
        person=person,
        unit=held.unit,
        organisation=by.organisation,
        reason=reason,
        brought_by=by,
        position=position,
        created_by=by,
        **fields,
    )


def notes_disclosed(county, *, to):
    """A coordination consent at the clinic disclosing notes to the organisation TO from the
    other one."""
    source = county.region if to == county.municipality else county.municipality
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=source,
        to_organisation=to,
        category=RecordCategory.NOTES,
    )
    return consent


@pytest.fixture
def today(county):
    """Today's conference at the clinic, with the patient on it (brought by the nurse)."""
    held = conference(county.clinic, county.nurse, title="Behandlingskonferens")
    item(held, county.patient, county.nurse, reason="Återfall, behöver ny plan.")
    return held


def actor(user, unit) -> Actor:
    return Actor(user, unit, "req-conference")


OWN = Basis.OWN_ORGANISATION
