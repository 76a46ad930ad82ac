"""Correcting contacts, drug tests and dispensings: a new version that `corrects` the earlier
one, by the recording organisation at the record's unit, with a reason. The earlier version
stays readable (the versions page) but no longer counts: the lists, the timeline and the
follow-up take the version in force."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from helhet.access.log import Actor
from helhet.access.models import AccessLogEntry, Basis
from helhet.contacts import actions
from helhet.contacts.models import (
    Contact,
    ContactIntervention,
    DrugTest,
    MedicationDispensing,
)
from helhet.core import raw
from helhet.core.corrections import in_force_sql
from helhet.followup import summaries
from helhet.followup.indicators import unit_report
from helhet.followup.models import Summary, SummaryIntervention
from helhet.followup.periods import Period
from helhet.reminders.due import no_recent_contacts
from helhet.timeline.selectors import timeline_page

from .. import factories as f
from ..concurrency import at_once, meet_after, seed_rows_put_back  # noqa: F401 (a fixture)
from ..people.utils import log_in, log_rows
from ..test_access_matrix import steering_member
from .conftest import disclose
from .test_record_contact import access_of

AN_HOUR_AGO = timezone.localtime() - datetime.timedelta(hours=1)
REASON = "Fel person antecknad som närvarande."


def minute(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def url(name: str, record) -> str:
    return reverse(f"contacts:{name}", args=[record.person_id, record.pk])


def acting(county, user=None, unit=None):
    user, unit = user or county.nurse, unit or county.clinic
    return {"actor": Actor(user, unit, "req-1"), "access": access_of(user, county.patient, unit)}


@pytest.fixture
def visit(county, catalogue):
    """An attended visit at the clinic, by the region's nurse, with a health talk."""
    return actions.contact_record(
        **acting(county),
        kind=Contact.Kind.VISIT,
        starts_at=AN_HOUR_AGO,
        duration_minutes=45,
        interventions=[catalogue["health_talk"]],
        note="Kom i tid.",
    )


def correct_visit(county, visit, user=None, **changes):
    entered = {"kind": visit.kind, "starts_at": visit.starts_at, "attended": False} | changes
    return actions.contact_correct(
        **acting(county, user), contact_id=visit.pk, reason=REASON, **entered
    )


@pytest.fixture
def drug_test(county):
    return actions.drug_test_record(
        **acting(county),
        taken_at=AN_HOUR_AGO,
        sample="urine",
        results={"amphetamine": "positive"},
    )


@pytest.fixture
def dispensing(county):
    return actions.dispensing_record(
        **acting(county),
        medication="Metadon",
        dose=Decimal(60),
        dose_unit="mg",
        handed_out_at=AN_HOUR_AGO,
    )


# --- The nurse corrects her organisation's contact -----------------------------------------


def test_the_correction_form_is_filled_in_with_the_recorded_contact(client, county, visit):
    log_in(client, county.nurse, county.clinic)
    response = client.get(url("contact_correct", visit))
    assert response.status_code == 200
    assert response.context["form"].initial["note"] == "Kom i tid."
    assert response.context["person"] == county.patient
    assert response.context["access"].person == county.patient
    assert 'name="reason"' in response.text
    row = log_rows(county.patient)[-1]
    assert (row.action, row.what) == ("read", "contact correction form")


def test_each_record_and_correction_keeps_the_followup_summaries_of_the_person_exact(
    county, visit, drug_test, dispensing
):
    month = timezone.localdate(AN_HOUR_AGO).replace(day=1)
    where = {"person": county.patient, "unit": county.clinic, "kind": "month", "start": month}
    kept = Summary.objects.get(**where)
    assert (kept.attended, kept.not_attended, kept.drug_tests, kept.dispensings) == (1, 0, 1, 1)
    correct_visit(county, visit)  # not attended after all
    actions.drug_test_correct(
        **acting(county),
        drug_test_id=drug_test.pk,
        reason=REASON,
        taken_at=AN_HOUR_AGO,
        sample="urine",
        results={"amphetamine": "negative"},
    )
    kept = Summary.objects.get(**where)  # rewritten: a row that differs is replaced
    assert (kept.attended, kept.not_attended, kept.drug_tests, kept.dispensings) == (0, 1, 1, 1)
    assert not SummaryIntervention.objects.filter(person=county.patient).exists()
    assert summaries.check() == []


def test_the_nurse_corrects_attendance_and_the_list_shows_the_correction_only(
    client, county, visit
):
    log_in(client, county.nurse, county.clinic)
    data = {
        "kind": "visit",
        "starts_at": minute(visit.starts_at),
        "duration_minutes": "45",
        "staff": [county.nurse.pk],
        "note": "Kom inte.",
        "reason": REASON,
    }  # "attended" left out: a no-show
    response = client.post(url("contact_correct", visit), data, follow=True)
    assert response.redirect_chain == [(reverse("contacts:list", args=[county.patient.pk]), 302)]
    correction = Contact.objects.get(corrects=visit)
    assert (correction.attended, correction.correction_reason) == (False, REASON)
    assert (correction.original, correction.episode, correction.unit) == (
        visit,
        visit.episode,
        visit.unit,
    )
    assert [c.pk for c in response.context["page"].object_list] == [correction.pk]
    assert "Kom inte." in response.text and "Kom i tid." not in response.text
    assert url("contact_versions", correction) in response.text
    create = log_rows(county.patient, action="create")[-1]
    assert create.what.startswith(f"contact corrected: {county.clinic.name}, ")
    assert create.basis == Basis.OWN_ORGANISATION


def test_the_versions_page_shows_every_version_and_the_reason(client, county, visit):
    correction = correct_visit(county, visit, note="Kom inte.")
    again = actions.contact_correct(
        **acting(county),
        contact_id=correction.pk,
        reason="Rätt tid.",
        kind="visit",
        starts_at=AN_HOUR_AGO - datetime.timedelta(minutes=30),
    )
    log_in(client, county.nurse, county.clinic)
    for any_version in (visit, correction, again):
        response = client.get(url("contact_versions", any_version))
        assert [v.pk for v in response.context["versions"]] == [again.pk, correction.pk, visit.pk]
    assert REASON in response.text and "Rätt tid." in response.text
    assert "Kom i tid." in response.text and "Kom inte." in response.text
    assert response.context["access"].person == county.patient
    row = log_rows(county.patient)[-1]
    assert (row.action, row.what) == ("read", "contact versions")


def test_a_correction_of_a_correction_names_the_first_version(county, visit):
    correction = correct_visit(county, visit)
    again = correct_visit(county, correction, attended=True)
    assert (again.corrects, again.original) == (correction, visit)
    assert list(Contact.objects.in_force()) == [again]


def test_the_correction_has_interventions_of_its_own_and_the_earlier_keeps_its(
    county, visit, catalogue
):
    correction = correct_visit(county, visit, interventions=[catalogue["individual_treatment"]])
    links = ContactIntervention.objects.order_by("pk")
    assert [(link.contact_id, link.attended) for link in links] == [
        (visit.pk, True),
        (correction.pk, False),  # copied from the correction
    ]
    assert [link.contact_id for link in links.in_force()] == [correction.pk]


# --- The other organisation reads the same, never more --------------------------------------


def test_the_social_worker_reading_by_consent_sees_the_correction_and_its_history(
    client, county, visit, consent_for_coordination
):
    disclose(consent_for_coordination, county, "contacts")
    correction = correct_visit(county, visit, note="Kom inte.")
    log_in(client, county.social_worker, county.clinic)
    listed = client.get(reverse("contacts:list", args=[county.patient.pk]))
    assert [c.pk for c in listed.context["page"].object_list] == [correction.pk]
    assert url("contact_versions", correction) in listed.text
    assert url("contact_correct", correction) not in listed.text  # not theirs to correct
    versions = client.get(url("contact_versions", correction))
    assert [v.pk for v in versions.context["versions"]] == [correction.pk, visit.pk]
    assert "Kom i tid." not in versions.text  # the notes are not disclosed
    assert REASON not in versions.text  # nor the reason, a note too
    row = log_rows(county.patient)[-1]
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


# A correction's reason is a record note (category NOTES): shown to the other organisation only
# where the note is, under a consent that discloses notes (`contacts.selectors.notes_shown`).

WITHHELD = "The reason is not shared with your organisation."


def corrected(county, kind, visit, drug_test, dispensing):
    """The correction of the KIND of record (its reason REASON), and the record's category."""
    if kind == "contact":
        return correct_visit(county, visit, note="Kom inte."), "contacts"
    if kind == "drug_test":
        return actions.drug_test_correct(
            **acting(county),
            drug_test_id=drug_test.pk,
            reason=REASON,
            taken_at=drug_test.taken_at,
            sample="saliva",
            results={"cannabis": "negative"},
        ), "medication"
    return actions.dispensing_correct(
        **acting(county),
        dispensing_id=dispensing.pk,
        reason=REASON,
        medication="Metadon",
        dose=Decimal(40),
        dose_unit="mg",
        handed_out_at=dispensing.handed_out_at,
    ), "medication"


def reason_pages(client, kind, correction) -> list[str]:
    """The pages that show the correction to its reader: its list, its versions, the timeline."""
    person = [correction.person_id]
    listed = reverse("contacts:list" if kind == "contact" else "contacts:medication", args=person)
    names = [listed, url(f"{kind}_versions", correction), reverse("timeline:page", args=person)]
    pages = [client.get(name) for name in names]
    assert [p.status_code for p in pages] == [200, 200, 200]
    return [p.content.decode() for p in pages]


KINDS = ["contact", "drug_test", "dispensing"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_other_organisation_without_notes_disclosed_sees_the_correction_not_its_reason(
    client, county, consent_for_coordination, visit, drug_test, dispensing, kind
):
    correction, category = corrected(county, kind, visit, drug_test, dispensing)
    disclose(consent_for_coordination, county, category)
    log_in(client, county.social_worker, county.clinic)
    for page in reason_pages(client, kind, correction):
        assert url(f"{kind}_versions", correction) in page  # the correction shows
        assert REASON not in page and WITHHELD in page


@pytest.mark.parametrize("kind", KINDS)
def test_the_other_organisation_with_notes_disclosed_reads_the_reason_as_a_disclosure(
    client, county, consent_for_coordination, visit, drug_test, dispensing, kind
):
    correction, category = corrected(county, kind, visit, drug_test, dispensing)
    disclose(consent_for_coordination, county, category, "notes")
    log_in(client, county.social_worker, county.clinic)
    for page in reason_pages(client, kind, correction):
        assert REASON in page and WITHHELD not in page
    row = log_rows(county.patient)[-1]
    assert (row.basis, row.consent_id) == (Basis.CONSENT, consent_for_coordination.pk)


@pytest.mark.parametrize("kind", KINDS)
def test_the_own_organisation_reads_the_reason(client, county, visit, drug_test, dispensing, kind):
    correction, _category = corrected(county, kind, visit, drug_test, dispensing)
    log_in(client, county.coordinator, county.clinic)
    for page in reason_pages(client, kind, correction):
        assert REASON in page and WITHHELD not in page


def test_without_a_consent_for_contacts_the_versions_are_not_found(
    client, county, visit, consent_for_coordination
):
    correct_visit(county, visit)
    log_in(client, county.social_worker, county.clinic)
    assert client.get(url("contact_versions", visit)).status_code == 404


# --- Who may not correct ------------------------------------------------------------------


def assert_refused_and_nothing_saved(client, record, name, before):
    assert client.get(url(name, record)).status_code == 404
    assert client.post(url(name, record), {"reason": REASON}).status_code == 404
    assert not type(record).objects.filter(corrects=record).exists()
    rows = AccessLogEntry.objects.filter(pk__gt=before)
    assert [r.action for r in rows] in ([], ["refused", "refused"])
    assert not [r for r in rows if r.action == "create"]


def last_row() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


@pytest.mark.parametrize("name", ["contact_correct", "drug_test_correct", "dispensing_correct"])
def test_the_other_organisation_reading_by_consent_may_not_correct(
    client, county, consent_for_coordination, visit, drug_test, dispensing, name
):
    disclose(consent_for_coordination, county, "contacts", "medication")
    record = {"contact_correct": visit, "drug_test_correct": drug_test}.get(name, dispensing)
    log_in(client, county.social_worker, county.clinic)
    assert_refused_and_nothing_saved(client, record, name, last_row())


def test_staff_of_another_unit_may_not_correct(client, county, visit):
    log_in(client, county.outsider, county.other_unit)
    assert_refused_and_nothing_saved(client, visit, "contact_correct", last_row())


def test_the_own_organisation_at_another_unit_may_not_correct_the_clinics_contact(
    client, county, visit
):
    """The nurse also works at Mini-Maria, where the person has an episode too: a correction
    of the clinic's contact is made at the clinic."""
    f.MembershipFactory(user=county.nurse, unit=county.other_unit)
    f.EpisodeFactory(person=county.patient, unit=county.other_unit, opened_by=county.nurse)
    log_in(client, county.nurse, county.other_unit)
    assert_refused_and_nothing_saved(client, visit, "contact_correct", last_row())
    with pytest.raises(ValidationError):
        correct_visit_at(county, visit, county.other_unit)


def correct_visit_at(county, visit, unit):
    return actions.contact_correct(
        **acting(county, unit=unit),
        contact_id=visit.pk,
        reason=REASON,
        kind="visit",
        starts_at=visit.starts_at,
    )


def test_emergency_access_may_not_correct(client, county, visit):
    f.EmergencyAccessFactory(user=county.outsider, person=county.patient, unit=county.other_unit)
    log_in(client, county.outsider, county.other_unit)
    assert_refused_and_nothing_saved(client, visit, "contact_correct", last_row())


def test_a_steering_group_member_may_not_correct_or_read_the_versions(client, county, visit):
    client.force_login(steering_member(county))
    assert_refused_and_nothing_saved(client, visit, "contact_correct", last_row())
    assert client.get(url("contact_versions", visit)).status_code == 404


def test_the_action_refuses_another_organisations_contact(county, visit, consent_for_coordination):
    with pytest.raises(ValidationError) as error:
        correct_visit(county, visit, user=county.social_worker)
    assert "Only the organisation that recorded a contact" in error.value.messages[0]
    assert not Contact.objects.filter(corrects=visit).exists()


# --- Bad input and the second correction --------------------------------------------------


def test_a_correction_without_a_reason_is_refused_on_the_page(client, county, visit):
    log_in(client, county.nurse, county.clinic)
    data = {"kind": "visit", "starts_at": minute(visit.starts_at), "staff": [county.nurse.pk]}
    response = client.post(url("contact_correct", visit), data | {"reason": "  "})
    assert response.status_code == 200
    assert "Give the reason for the correction." in response.text
    assert not Contact.objects.filter(corrects=visit).exists()


def test_the_action_refuses_a_blank_reason_and_a_future_time(county, visit):
    with pytest.raises(ValidationError) as error:
        actions.contact_correct(
            **acting(county), contact_id=visit.pk, reason=" \n", kind="visit", starts_at=AN_HOUR_AGO
        )
    assert error.value.message_dict["reason"] == ["Give the reason for the correction."]
    with pytest.raises(ValidationError):
        correct_visit(county, visit, starts_at=timezone.now() + datetime.timedelta(hours=2))
    assert Contact.objects.count() == 1


def test_a_corrected_contact_is_not_corrected_twice(client, county, visit):
    correction = correct_visit(county, visit)
    with pytest.raises(ValidationError) as error:
        correct_visit(county, visit)
    today = timezone.localdate().isoformat()
    assert error.value.messages == [
        f"This record has been corrected already: on {today} by {county.nurse}."
    ]
    log_in(client, county.nurse, county.clinic)
    assert client.get(url("contact_correct", visit)).status_code == 404
    assert client.get(url("contact_correct", correction)).status_code == 200


# --- Drug tests and dispensings -----------------------------------------------------------


def test_the_nurse_corrects_a_drug_test_result(client, county, drug_test):
    log_in(client, county.nurse, county.clinic)
    form = client.get(url("drug_test_correct", drug_test))
    assert form.context["form"].initial["result_amphetamine"] == "positive"
    data = {
        "taken_at": minute(drug_test.taken_at),
        "sample": "urine",
        "result_amphetamine": "negative",
        "reason": "Fel prov registrerat.",
    }
    response = client.post(url("drug_test_correct", drug_test), data, follow=True)
    assert response.status_code == 200
    correction = DrugTest.objects.get(corrects=drug_test)
    assert [(r.substance, r.result) for r in correction.results.all()] == [
        ("amphetamine", "negative")
    ]
    assert [t.pk for t in response.context["m"].drug_tests] == [correction.pk]
    versions = client.get(url("drug_test_versions", correction))
    assert [v.pk for v in versions.context["versions"]] == [correction.pk, drug_test.pk]
    assert "Fel prov registrerat." in versions.text
    [create] = log_rows(county.patient, action="create")[-1:]
    assert create.what.startswith("drug test corrected: ")


def test_the_nurse_corrects_a_dispensing_dose(client, county, dispensing):
    log_in(client, county.nurse, county.clinic)
    data = {
        "medication": "Metadon",
        "dose": "40",
        "dose_unit": "mg",
        "handed_out_at": minute(dispensing.handed_out_at),
        "handed_out_by": county.nurse.pk,
        "reason": "Fel dos.",
    }
    response = client.post(url("dispensing_correct", dispensing), data, follow=True)
    assert response.status_code == 200
    correction = MedicationDispensing.objects.get(corrects=dispensing)
    assert correction.dose == Decimal(40)
    assert [d.pk for d in response.context["m"].dispensings] == [correction.pk]
    assert url("dispensing_versions", correction) in response.text
    [create] = log_rows(county.patient, action="create")[-1:]
    assert create.what.startswith("dispensing corrected: ")


def test_a_dispensing_with_a_bad_dose_is_refused_and_nothing_saved(client, county, dispensing):
    log_in(client, county.nurse, county.clinic)
    data = {
        "medication": "Metadon",
        "dose": "0",
        "dose_unit": "mg",
        "handed_out_at": minute(dispensing.handed_out_at),
        "handed_out_by": county.nurse.pk,
        "reason": "Fel dos.",
    }
    assert client.post(url("dispensing_correct", dispensing), data).status_code == 200
    assert MedicationDispensing.objects.count() == 1


# --- The timeline and the follow-up count the version in force ----------------------------


def test_the_timeline_shows_the_correction_marked_and_not_the_earlier_version(
    county, visit, drug_test, dispensing
):
    correction = correct_visit(county, visit)
    test = actions.drug_test_correct(
        **acting(county),
        drug_test_id=drug_test.pk,
        reason="Fel.",
        taken_at=drug_test.taken_at,
        sample="saliva",
        results={"cannabis": "negative"},
    )
    page = timeline_page(access_of(county.nurse, county.patient, county.clinic))
    shown = {(i.kind, i.record.pk) for i in page.items}
    assert {("contact", correction.pk), ("drug_test", test.pk)} <= shown
    assert ("contact", visit.pk) not in shown and ("drug_test", drug_test.pk) not in shown
    assert ("dispensing", dispensing.pk) in shown


def test_the_timeline_page_links_the_earlier_versions(client, county, visit):
    correction = correct_visit(county, visit)
    log_in(client, county.nurse, county.clinic)
    text = client.get(reverse("timeline:page", args=[county.patient.pk])).text
    assert url("contact_versions", correction) in text and REASON in text


def figure(unit, indicator, key=""):
    year = Period.year(AN_HOUR_AGO.year)
    return unit_report(unit, year, suppress=False).row(indicator, key).cells["total"].value


def test_correcting_attendance_to_a_no_show_moves_the_contact_to_the_no_shows(
    county, visit, catalogue
):
    f.booking_of(visit)  # the no-shows count bookings: the visit was booked
    assert (figure(county.clinic, "contacts"), figure(county.clinic, "no_shows")) == (1, 0)
    talk = "intervention:health_talk"
    assert figure(county.clinic, "interventions", talk) == 1
    correct_visit(county, visit, interventions=[catalogue["health_talk"]])
    assert (figure(county.clinic, "contacts"), figure(county.clinic, "no_shows")) == (0, 1)
    assert figure(county.clinic, "no_show_rate") == 100.0
    assert figure(county.clinic, "interventions", talk) == 0  # a no-show gives none


def test_a_corrected_intervention_counts_once_as_corrected(county, visit, catalogue):
    correct_visit(county, visit, attended=True, interventions=[catalogue["individual_treatment"]])
    assert figure(county.clinic, "contacts") == 1
    assert figure(county.clinic, "interventions", "intervention:health_talk") == 0
    assert figure(county.clinic, "interventions", "intervention:individual_treatment") == 1


def test_a_corrected_dispensing_counts_once(county, dispensing):
    assert figure(county.clinic, "interventions", "dispensing") == 1
    actions.dispensing_correct(
        **acting(county),
        dispensing_id=dispensing.pk,
        reason="Fel dos.",
        medication="Metadon",
        dose=Decimal(40),
        dose_unit="mg",
        handed_out_at=dispensing.handed_out_at,
    )
    assert figure(county.clinic, "interventions", "dispensing") == 1


def test_the_overview_counts_a_corrected_relatives_support_contact_once(client, county):
    relative = county.relative
    support = actions.contact_record(
        **acting(county), kind="phone", starts_at=AN_HOUR_AGO, relative=relative
    )
    correct_visit(county, support, kind="phone", attended=True, relative=relative)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("people:overview", args=[county.patient.pk]))
    [shown] = [r for r in response.context["o"].relatives if r.pk == relative.pk]
    assert shown.support_count == 1


def test_a_visit_corrected_into_a_no_show_leaves_the_episode_out_of_touch(county, visit):
    """The no-contact reminder counts attended contacts in force only."""
    county.episode.opened_on = timezone.localdate() - datetime.timedelta(weeks=10)
    county.episode.save()
    today = timezone.localdate()
    assert county.episode.pk not in no_recent_contacts(county.clinic, today)
    correct_visit(county, visit)  # attended -> no-show
    assert county.episode.pk in no_recent_contacts(county.clinic, today)


# --- The rule and its SQL twin agree ------------------------------------------------------


@pytest.mark.parametrize("model", [Contact, DrugTest, MedicationDispensing])
def test_the_sql_twin_of_in_force_finds_the_same_rows(county, model):
    make = {
        Contact: lambda **kw: f.ContactFactory(episode=county.episode, **kw),
        DrugTest: lambda **kw: f.DrugTestFactory(person=county.patient, unit=county.clinic, **kw),
        MedicationDispensing: lambda **kw: f.MedicationDispensingFactory(
            person=county.patient, unit=county.clinic, **kw
        ),
    }[model]
    by = {"recorded_by": county.nurse}
    alone, first = make(**by), make(**by)
    second = make(**by, corrects=first, original=first, correction_reason="Fel.")
    third = make(**by, corrects=second, original=first, correction_reason="Fel igen.")
    rows = raw.Columns(model, "m")
    found = raw.rows(f"SELECT {rows.column('id')} FROM {rows.table} WHERE {in_force_sql(rows)}", [])
    assert sorted(pk for (pk,) in found) == sorted(
        model.objects.in_force().values_list("pk", flat=True)
    )
    assert set(model.objects.in_force()) == {alone, third}
    assert set(model.objects.versions_of(second)) == {first, second, third}


def test_the_overview_block_counts_the_version_in_force_and_marks_it(client, county, visit):
    correct_visit(county, visit)
    log_in(client, county.nurse, county.clinic)
    response = client.get(reverse("contacts:latest", args=[county.patient.pk]))
    assert response.context["summary"].count == 1
    assert "Corrected" in response.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("seed_rows_put_back")
def test_two_drug_tests_of_one_person_at_once_both_land_and_keep_the_summaries(county, monkeypatch):
    """Both transactions have inserted their test before either recomputes the person's
    summaries: they take turns on the person's lock, and the summaries count both
    (PostgreSQL)."""
    from django.db import connection

    from helhet.followup import summaries

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers")
    meet_after(monkeypatch, actions, "_save_drug_test")

    def record():
        return actions.drug_test_record(
            **acting(county),
            taken_at=AN_HOUR_AGO,
            sample="urine",
            results={"amphetamine": "negative"},
        )

    outcomes = at_once(record, record)
    assert all(isinstance(outcome, DrugTest) for outcome in outcomes), outcomes
    assert summaries.differences([county.patient.pk]) == []
