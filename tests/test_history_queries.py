"""The person's pages ask the database a fixed number of times, however long the history
(issue 3: "the person page and timeline use a constant number of queries"). Each page is asked
with a short history and again after the history has grown tenfold; the counts must be equal.
The overview and the timeline have their own pins (tests/people, tests/timeline)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import RecordCategory
from helhet.people import actions as people
from helhet.plans import actions as plans

from . import factories as f
from .conference.conftest import conference, item
from .people.utils import log_in
from .plans.conftest import access_of, disclose, sip_data

PAGES = (
    "plans:sip",
    "plans:plans",
    "contacts:list",
    "assessments:history",
    "contacts:medication",
    "people:changes",
    "conference:person_add",  # the person's coming conference items
    "bookings:person",
)
EDITS = itertools.count()


def grow(county, times: int) -> None:
    """TIMES more of each kind: SIP versions and meetings, plan versions, contacts by both
    organisations, assessments, drug tests and dispensings, edits of the person and a relative."""
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
        test = f.DrugTestFactory(
            person=county.patient, unit=county.clinic, recorded_by=county.nurse
        )
        corrected = f.ContactFactory(episode=county.episode, recorded_by=county.nurse, note="Fel")
        for earlier in (corrected, test):  # a correction in force, its earlier version not
            correction_of(earlier)
        n = next(EDITS)
        people.person_update(actor=actor, access=access, phone=f"070-{n}")
        people.relative_update(
            actor=actor, access=access, relative=county.relative, relation=f"Syster {n}"
        )
        for writer in (county.nurse, county.social_worker):
            coming = conference(county.clinic, writer, days=1)
            item(coming, county.patient, writer)


RECORDS = {
    "contacts:contact_versions": lambda c: f.ContactFactory(episode=c.episode, recorded_by=c.nurse),
    "contacts:drug_test_versions": lambda c: (
        f.DrugTestResultFactory(
            drug_test=f.DrugTestFactory(person=c.patient, unit=c.clinic, recorded_by=c.nurse)
        ).drug_test
    ),
    "contacts:dispensing_versions": lambda c: f.MedicationDispensingFactory(
        person=c.patient, unit=c.clinic, recorded_by=c.nurse
    ),
}


def correction_of(earlier):
    """A correction of EARLIER (a contact, drug test or dispensing) by the same hand."""
    fields = {"person": earlier.person, "unit": earlier.unit, "recorded_by": earlier.recorded_by}
    if hasattr(earlier, "episode"):
        fields["episode"] = earlier.episode
    correction = type(earlier)(
        **fields,
        organisation=earlier.organisation,
        corrects=earlier,
        original_id=earlier.original_id or earlier.pk,
        correction_reason="Fel uppgift.",
    )
    for name in ("kind", "starts_at", "taken_at", "sample", "medication", "dose", "dose_unit"):
        if hasattr(earlier, name):
            setattr(correction, name, getattr(earlier, name))
    if hasattr(earlier, "handed_out_at"):
        correction.handed_out_at, correction.handed_out_by = (
            earlier.handed_out_at,
            earlier.recorded_by,
        )
    correction.save()
    return correction


@pytest.mark.parametrize("name", RECORDS)
def test_a_records_versions_ask_as_often_for_many_corrections_as_for_one(client, county, name):
    consent = f.ConsentFactory(
        person=county.patient, unit=county.clinic, recorded_by=county.nurse, coordination=True
    )
    disclose(consent, county, *RecordCategory.values)
    log_in(client, county.social_worker, county.clinic)  # the region's records, by consent
    latest = correction_of(RECORDS[name](county))
    short = queries(client, reverse(name, args=[county.patient.pk, latest.pk]))
    for _ in range(9):
        latest = correction_of(latest)
    assert queries(client, reverse(name, args=[county.patient.pk, latest.pk])) == short


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
