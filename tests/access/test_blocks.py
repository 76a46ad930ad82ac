"""Blocks (spärr, PDL 4 kap. 4 §): the person blocks one unit's records from the other units of
the same organisation. The block overrides relationship, consent and emergency access; the
reader at the blocked unit reads as before; the others see only that something is blocked.

The world: the patient's open episode at the clinic (the region's nurse) and at Mini-Maria (the
region's "outsider"): the same organisation, two units. The clinic's records are the region's.
"""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from helhet.access import policy
from helhet.access.log import verify
from helhet.access.models import AccessLogEntry, Basis, Block, RecordCategory
from helhet.assessments.models import Assessment
from helhet.contacts.models import Contact, DrugTest, MedicationDispensing
from helhet.core.models import Membership, User
from helhet.plans.models import SipMeeting, SipVersion

from .. import factories as f
from .conftest import log_in

CLINIC_NOTE = "Samtal om återfall, hemligt på mottagningen"
NOTICE = "Some information is blocked by the person's request."
EARLY = datetime.datetime(2026, 2, 1, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def world(county):
    """The clinic's records of the patient (contact with a note, AUDIT, drug test, SIP version),
    all written on 2026-02-01, and the patient's episode at Mini-Maria, opened 2026-03-01."""
    f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=datetime.date(2026, 3, 1),
    )
    contact = f.ContactFactory(episode=county.episode, recorded_by=county.nurse, note=CLINIC_NOTE)
    f.AssessmentFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    f.DrugTestFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)
    sip = f.SipFactory(person=county.patient, unit=county.clinic)
    f.SipVersionFactory(sip=sip, created_by=county.nurse)
    for model in (Contact, Assessment, DrugTest):
        model.objects.filter(person=county.patient).update(recorded_at=EARLY)
    SipVersion.objects.filter(sip=sip).update(created_at=EARLY)
    county.contact = contact
    return county


def block_clinic(county) -> Block:
    return f.BlockFactory(person=county.patient, unit=county.clinic, recorded_by=county.nurse)


def page(client, name, county):
    response = client.get(reverse(name, args=[county.patient.pk]))
    assert response.status_code == 200
    return response.content.decode()


READ_PAGES = [
    "people:overview",
    "contacts:list",
    "assessments:history",
    "timeline:page",
    "plans:sip",
]


# --- Who reads what under a block ---------------------------------------------------------


@pytest.mark.parametrize("name", READ_PAGES)
def test_staff_at_the_organisations_other_unit_read_the_clinics_records_without_a_block(
    client, world, name
):
    log_in(client, world.outsider, world.other_unit)
    assert world.clinic.name in page(client, name, world)


@pytest.mark.parametrize("name", READ_PAGES)
def test_a_block_hides_the_clinics_records_from_the_organisations_other_unit(client, world, name):
    block_clinic(world)
    log_in(client, world.outsider, world.other_unit)
    content = page(client, name, world)
    assert world.clinic.name not in content and CLINIC_NOTE not in content


@pytest.mark.parametrize("name", READ_PAGES)
def test_the_reader_at_the_blocked_unit_reads_as_before(client, world, name):
    block_clinic(world)
    log_in(client, world.nurse, world.clinic)
    content = page(client, name, world)
    assert world.clinic.name in content and NOTICE not in content


def test_the_reader_at_the_blocked_unit_sees_the_note_under_the_block(client, world):
    block_clinic(world)
    log_in(client, world.nurse, world.clinic)
    assert CLINIC_NOTE in page(client, "contacts:list", world)


@pytest.mark.parametrize("name", ["people:overview", "timeline:page"])
def test_the_notice_says_that_something_is_blocked_but_not_where_when_or_what(client, world, name):
    block_clinic(world)
    log_in(client, world.outsider, world.other_unit)
    content = page(client, name, world)
    assert NOTICE in content
    assert world.clinic.name not in content and "2026-02-01" not in content


@pytest.mark.parametrize("name", ["people:overview", "timeline:page"])
def test_without_a_block_there_is_no_notice(client, world, name):
    log_in(client, world.outsider, world.other_unit)
    assert NOTICE not in page(client, name, world)


@pytest.fixture
def municipal_reader(world):
    """A municipal social worker at Mini-Maria, who sees the patient under the coordination
    consent there, which also discloses the region's clinical records to the municipality."""
    reader = f.UserFactory(
        organisation=world.municipality, profession=User.Profession.SOCIAL_WORKER
    )
    f.MembershipFactory(user=reader, unit=world.other_unit)
    consent = f.ConsentFactory(
        person=world.patient, unit=world.other_unit, recorded_by=world.outsider, coordination=True
    )
    for category in ("contacts", "notes", "assessments", "medication", "plans", "enrolment"):
        f.ConsentDisclosureFactory(
            consent=consent,
            from_organisation=world.region,
            to_organisation=world.municipality,
            category=category,
        )
    return reader


@pytest.mark.parametrize("name", ["contacts:list", "assessments:history", "timeline:page"])
def test_a_consent_discloses_the_clinics_records_without_a_block(
    client, world, municipal_reader, name
):
    log_in(client, municipal_reader, world.other_unit)
    assert world.clinic.name in page(client, name, world)


@pytest.mark.parametrize("name", ["contacts:list", "assessments:history", "timeline:page"])
def test_a_block_overrides_the_consent(client, world, municipal_reader, name):
    block_clinic(world)
    log_in(client, municipal_reader, world.other_unit)
    content = page(client, name, world)
    assert world.clinic.name not in content and CLINIC_NOTE not in content


@pytest.fixture
def emergency_reader(county):
    """The outsider (no relationship: the world's Mini-Maria episode is not made) under
    emergency access."""
    f.ContactFactory(episode=county.episode, recorded_by=county.nurse, note=CLINIC_NOTE)
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    return county


@pytest.mark.parametrize("name", ["people:overview", "contacts:list", "timeline:page"])
def test_emergency_access_reads_the_clinics_records_without_a_block(client, emergency_reader, name):
    log_in(client, emergency_reader.outsider, emergency_reader.other_unit)
    assert emergency_reader.clinic.name in page(client, name, emergency_reader)


@pytest.mark.parametrize("name", ["people:overview", "contacts:list", "timeline:page"])
def test_emergency_access_does_not_pass_a_block(client, emergency_reader, name):
    block_clinic(emergency_reader)
    log_in(client, emergency_reader.outsider, emergency_reader.other_unit)
    content = page(client, name, emergency_reader)
    assert emergency_reader.clinic.name not in content and CLINIC_NOTE not in content
    assert NOTICE in content or name == "contacts:list"


def _clinic_sip_by_owner(world) -> None:
    """The clinic's SIP with a version by the municipality beside the region's, under a
    coordination consent there that discloses the municipality's plans to the region: the
    outsider (the region, at Mini-Maria, no relationship at the clinic) reads it by owner."""
    consent = f.ConsentFactory(person=world.patient, unit=world.clinic, recorded_by=world.nurse)
    f.ConsentDisclosureFactory(
        consent=consent,
        from_organisation=world.municipality,
        to_organisation=world.region,
        category=RecordCategory.PLANS,
    )
    sip = world.patient.sips.get(unit=world.clinic)
    f.SipVersionFactory(sip=sip, created_by=world.social_worker, goal="Kommunens version")


def test_without_a_block_the_outsider_reads_both_versions_of_the_clinics_sip(client, world):
    _clinic_sip_by_owner(world)
    log_in(client, world.outsider, world.other_unit)
    text = page(client, "plans:sip", world)
    assert "Read version" in text and "not disclosed" not in text


def test_a_sip_version_a_block_hides_is_not_counted_as_withheld(client, world):
    """The region's version at the blocked clinic is neither shown nor counted among the
    versions not disclosed: the reader learns only that something is blocked."""
    _clinic_sip_by_owner(world)
    block_clinic(world)
    log_in(client, world.outsider, world.other_unit)
    text = page(client, "plans:sip", world)
    assert "Kommunens version" in text
    assert "Read version" not in text and "not disclosed" not in text


# --- Recording and lifting ------------------------------------------------------------------


def test_staff_with_a_relationship_at_the_unit_record_a_block_at_the_persons_request(client, world):
    log_in(client, world.nurse, world.clinic)
    url = reverse("access:blocks", args=[world.patient.pk])
    response = client.post(url, {"requested_on": "2026-11-30", "person_asked": "on"})
    assert response.status_code == 302
    block = Block.objects.get(person=world.patient)
    assert (block.unit, block.organisation, block.recorded_by, block.requested_on) == (
        world.clinic,
        world.region,
        world.nurse,
        datetime.date(2026, 11, 30),
    )
    row = AccessLogEntry.objects.order_by("-pk").first()
    assert (row.action, row.what, row.person_id) == (
        "create",
        f"block recorded: {world.clinic}",
        world.patient.pk,
    )


def test_a_block_needs_the_persons_request_and_a_date_not_in_the_future(client, world):
    log_in(client, world.nurse, world.clinic)
    url = reverse("access:blocks", args=[world.patient.pk])
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    for data in ({"requested_on": "2026-11-30"}, {"requested_on": future, "person_asked": "on"}):
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert not Block.objects.exists()


def test_a_second_block_of_the_same_records_is_refused_with_a_message(client, world):
    block_clinic(world)
    log_in(client, world.nurse, world.clinic)
    url = reverse("access:blocks", args=[world.patient.pk])
    response = client.post(url, {"requested_on": "2026-11-30", "person_asked": "on"})
    assert response.status_code == 200
    assert "The records at this unit are blocked already." in response.content.decode()
    assert Block.objects.count() == 1


def test_staff_without_a_relationship_cannot_record_a_block(client, county):
    log_in(client, county.outsider, county.other_unit)  # no episode at Mini-Maria
    url = reverse("access:blocks", args=[county.patient.pk])
    response = client.post(url, {"requested_on": "2026-11-30", "person_asked": "on"})
    assert response.status_code == 404
    assert not Block.objects.exists()


def test_lifting_at_the_persons_request_restores_the_reading(client, world):
    block = block_clinic(world)
    colleague = f.UserFactory(organisation=world.region, profession=User.Profession.NURSE)
    f.MembershipFactory(user=colleague, unit=world.clinic, role=Membership.Role.STAFF)
    log_in(client, colleague, world.clinic)
    url = reverse("access:block_lift", args=[world.patient.pk, block.pk])
    response = client.post(url, {"lifted_on": "2026-12-01", "person_asked": "on"})
    assert response.status_code == 302
    block.refresh_from_db()
    assert (block.lifted_on, block.lifted_by) == (datetime.date(2026, 12, 1), colleague)
    assert block.lift_recorded_at is not None
    assert AccessLogEntry.objects.order_by("-pk").first().what == f"block lifted: {world.clinic}"
    log_in(client, world.outsider, world.other_unit)
    content = page(client, "contacts:list", world)
    assert CLINIC_NOTE in content and NOTICE not in page(client, "people:overview", world)


def test_a_block_is_not_lifted_without_the_persons_request(client, world):
    block = block_clinic(world)
    log_in(client, world.nurse, world.clinic)
    url = reverse("access:block_lift", args=[world.patient.pk, block.pk])
    response = client.post(url, {"lifted_on": "2026-12-01"})
    assert response.status_code == 200
    block.refresh_from_db()
    assert block.lifted_on is None


@pytest.mark.parametrize("who", ["outsider", "municipal"])
def test_staff_elsewhere_or_of_the_other_organisation_cannot_lift_the_block(
    client, world, municipal_reader, request, who
):
    block = block_clinic(world)
    if who == "outsider":
        log_in(client, world.outsider, world.other_unit)  # the region, at Mini-Maria
    else:  # the municipality's social worker at the clinic, under the coordination consent
        request.getfixturevalue("consent_for_coordination")
        log_in(client, world.social_worker, world.clinic)
    url = reverse("access:block_lift", args=[world.patient.pk, block.pk])
    response = client.post(url, {"lifted_on": "2026-12-01", "person_asked": "on"})
    assert response.status_code == 404
    block.refresh_from_db()
    assert block.lifted_on is None


# --- The policy's two twins agree under blocks ----------------------------------------------


def _access(user, county, unit):
    request = RequestFactory().get("/")
    request.user = user
    request.memberships = list(Membership.objects.filter(user=user).select_related("unit"))
    request.unit = unit
    return policy.person_access(request, county.patient.pk)


# (model, category, the unit field for readable_q)
RECORDS = [
    (Contact, RecordCategory.CONTACTS, "unit"),
    (Contact, RecordCategory.NOTES, "unit"),
    (Assessment, RecordCategory.ASSESSMENTS, "unit"),
    (DrugTest, RecordCategory.MEDICATION, "unit"),
    (MedicationDispensing, RecordCategory.MEDICATION, "unit"),
    (SipVersion, RecordCategory.PLANS, "sip__unit"),
    (SipMeeting, RecordCategory.PLANS, "sip__unit"),
]


@pytest.mark.parametrize("reader", ["nurse", "outsider", "municipal", "emergency"])
def test_readable_q_and_readable_agree_with_blocks_present(world, municipal_reader, reader):
    # records of both organisations at both units, and blocks of the region at the clinic and
    # of the municipality at Mini-Maria
    other_episode = world.patient.episodes.get(unit=world.other_unit)
    f.ContactFactory(episode=other_episode, recorded_by=world.outsider)
    f.ContactFactory(episode=other_episode, recorded_by=municipal_reader)
    f.ContactFactory(episode=world.episode, recorded_by=world.social_worker)
    f.AssessmentFactory(person=world.patient, unit=world.other_unit, recorded_by=municipal_reader)
    f.MedicationDispensingFactory(person=world.patient, unit=world.clinic, recorded_by=world.nurse)
    sip = f.SipFactory(person=world.patient, unit=world.other_unit)
    f.SipVersionFactory(sip=sip, created_by=municipal_reader)
    block_clinic(world)
    f.BlockFactory(person=world.patient, unit=world.other_unit, recorded_by=municipal_reader)
    user, unit = {
        "nurse": (world.nurse, world.clinic),
        "outsider": (world.outsider, world.other_unit),
        "municipal": (municipal_reader, world.other_unit),
        "emergency": (f.UserFactory(organisation=world.region), None),
    }[reader]
    if reader == "emergency":
        f.EmergencyAccessFactory(user=user, person=world.patient)
    access = _access(user, world, unit)
    hidden_somewhere = False
    for model, category, unit_field in RECORDS:
        person_field = "sip__person" if unit_field == "sip__unit" else "person"
        rows = list(model.objects.filter(**{person_field: world.patient}).order_by("pk"))
        in_sql = list(
            model.objects.filter(
                access.readable_q(category, unit_field=unit_field), pk__in=[r.pk for r in rows]
            ).order_by("pk")
        )
        assert in_sql == access.readable(rows, category=category), (model, category)
        hidden_somewhere |= len(in_sql) < len(rows)
    assert hidden_somewhere or reader == "nurse"


def test_a_block_hides_nothing_it_does_not_name(world):
    """The municipality's block at the clinic leaves the region's records there readable."""
    f.BlockFactory(person=world.patient, unit=world.clinic, recorded_by=world.social_worker)
    access = _access(world.outsider, world, world.other_unit)
    assert access.readable([world.contact], category=RecordCategory.CONTACTS) == [world.contact]


# --- Earlier records -------------------------------------------------------------------------


def _last_row() -> AccessLogEntry:
    return AccessLogEntry.objects.order_by("-pk").first()


def test_reading_the_clinics_records_written_before_the_episode_here_began_is_flagged(
    client, world
):
    log_in(client, world.outsider, world.other_unit)
    page(client, "contacts:list", world)
    row = _last_row()
    assert (row.earlier_records, row.basis) == (True, Basis.OWN_ORGANISATION)
    assert verify() is None  # the flag is sealed, and the chain holds


def test_reading_only_this_units_own_records_is_not_flagged(client, county):
    mini_maria = f.EpisodeFactory(
        person=county.patient,
        unit=county.other_unit,
        opened_by=county.outsider,
        opened_on=datetime.date(2026, 3, 1),
    )
    f.ContactFactory(episode=mini_maria, recorded_by=county.outsider)
    Contact.objects.update(recorded_at=EARLY)  # before the episode, but at Mini-Maria itself
    log_in(client, county.outsider, county.other_unit)
    page(client, "contacts:list", county)
    assert _last_row().earlier_records is False


def test_reading_the_clinics_records_written_after_the_episode_here_began_is_not_flagged(
    client, world
):
    Contact.objects.update(recorded_at=timezone.now())
    log_in(client, world.outsider, world.other_unit)
    page(client, "contacts:list", world)
    assert _last_row().earlier_records is False


def test_the_reader_at_the_unit_that_wrote_them_is_not_flagged(client, world):
    log_in(client, world.nurse, world.clinic)
    page(client, "contacts:list", world)
    assert _last_row().earlier_records is False


def test_reading_earlier_records_through_the_timeline_is_flagged(client, world):
    log_in(client, world.outsider, world.other_unit)
    page(client, "timeline:page", world)
    assert _last_row().earlier_records is True


def test_reading_the_clinics_earlier_sip_version_is_flagged(client, world):
    """The SIP is read by its own rule (`readable_sip`), and notes earlier records as `readable`
    does: the outsider reads the region's version kept at the clinic, written before her
    episode at Mini-Maria began, under the coordination consent there."""
    f.ConsentFactory(
        person=world.patient, unit=world.clinic, recorded_by=world.nurse, coordination=True
    )
    log_in(client, world.outsider, world.other_unit)
    page(client, "plans:sip", world)
    row = _last_row()
    assert (row.earlier_records, row.basis) == (True, Basis.OWN_ORGANISATION)


def test_the_sip_read_at_the_unit_that_keeps_it_is_not_flagged(client, world):
    f.ConsentFactory(
        person=world.patient, unit=world.clinic, recorded_by=world.nurse, coordination=True
    )
    log_in(client, world.nurse, world.clinic)
    page(client, "plans:sip", world)
    assert _last_row().earlier_records is False
