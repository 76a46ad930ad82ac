"""The person's pages ask the database a fixed number of times, however long the history
(issue 3: "the person page and timeline use a constant number of queries"). Each page is asked
with a short history and again after the history has grown tenfold; the counts must be equal.
The overview and the timeline have their own pins (tests/people, tests/timeline)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import RecordCategory
from helhet.plans import actions as plans

from . import factories as f
from .people.utils import log_in
from .plans.conftest import access_of, disclose, sip_data

PAGES = (
    "plans:sip",
    "plans:plans",
    "contacts:list",
    "assessments:history",
    "contacts:medication",
    "bookings:person",
)


def grow(county, times: int) -> None:
    """TIMES more of each kind: SIP versions and meetings, plan versions, contacts by both
    organisations, assessments, drug tests and dispensings."""
    actor = Actor(county.nurse, county.clinic, "req-1")
    for _ in range(times):
        access = access_of(county.nurse, county.patient, county.clinic)
        plans.sip_version_create(actor=actor, access=access, **sip_data(county))
        plans.sip_meeting_record(
            actor=actor,
            access=access,
            caller=county.nurse,
            invitees="Personen",
            held_on=datetime.date(2026, 3, 1),
            minutes="Uppföljning.",
        )
        plans.plan_save(
            actor=actor,
            access=access,
            goals="Mina mål.",
            review_on=timezone.localdate() + datetime.timedelta(days=30),
            items=[{"description": "Samtal", "responsible": county.nurse}],
        )
        for writer in (county.nurse, county.social_worker):
            f.ContactFactory(
                person=county.patient,
                unit=county.clinic,
                episode=county.episode,
                recorded_by=writer,
                note="Anteckning",
            )
            f.BookingFactory(episode=county.episode, booked_by=writer)
        f.AssessmentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
        f.DrugTestFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", PAGES)
def test_the_page_asks_as_often_for_a_long_history_as_for_a_short_one(client, county, name):
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    disclose(consent, county, *RecordCategory.values)
    log_in(client, county.social_worker, county.clinic)  # reads both organisations' records
    url = reverse(name, args=[county.patient.pk])
    grow(county, 1)
    short = queries(client, url)
    grow(county, 9)
    assert queries(client, url) == short
